# Two commands on a fresh machine (only Python >= 3.11 needed):
#   make run   - set up, load demo data, serve at http://127.0.0.1:8000 (SQLite, tasks in-process)
#   make test  - set up and run the whole suite
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test setup serve lint bench vendor-frontend clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(PY): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $(PY)

setup: $(PY)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving at http://127.0.0.1:8000 - sign in with an account above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

# The production-like stack on this machine: gunicorn, Celery worker and beat against
# PostgreSQL and Redis (DATABASE_URL, REDIS_URL default to the local servers).
serve: setup
	scripts/serve.sh

vendor-frontend:
	scripts/vendor_govuk_frontend.sh

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles db.sqlite3

bench: setup
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='engage_bench'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE engage_bench"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage_bench $(PY) bench/pages.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage_bench $(PY) bench/case_pages.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage_bench $(PY) bench/apcc.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage_bench $(PY) bench/pack.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage_bench $(PY) bench/dispatcher.py
