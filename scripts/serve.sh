#!/usr/bin/env bash
# `make serve`: the production-like stack on this machine — gunicorn, a Celery worker and
# Celery beat against PostgreSQL and Redis, with DEBUG off. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/engage}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export SECRET_KEY=${SECRET_KEY:-$($PY -c "import secrets; print(secrets.token_urlsafe(50))")}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}   # no TLS on a laptop
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}

db=${DATABASE_URL##*/}
psql "${DATABASE_URL%/*}/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"$db\""
DEBUG=false $PY manage.py migrate --noinput
DEBUG=true $PY manage.py seed_demo      # demo sign-ins for a local run only
DEBUG=false $PY manage.py collectstatic --noinput -v0

export DEBUG=false
$PY -m celery -A engage worker --loglevel INFO --concurrency 2 &
worker=$!
$PY -m celery -A engage beat --loglevel INFO --schedule /tmp/engage-celerybeat-schedule &
beat=$!
trap 'kill $worker $beat 2>/dev/null; wait' EXIT INT TERM
echo "Serving at http://127.0.0.1:${PORT:-8000} (gunicorn, worker, beat; DEBUG off)"
$PY -m gunicorn engage.wsgi --bind "127.0.0.1:${PORT:-8000}" --workers 2 --access-logfile -
