"""A real Celery worker in its own process, on the real Redis, for tests whose behaviour
depends on one. The test process's Celery app is pointed at the same broker meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings

from engage.celery import app as celery_app
from tests.parts import TEST_REDIS_URL

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_worker(broker_url: str = TEST_REDIS_URL.rsplit("/", 1)[0] + "/14"):
    redis.Redis.from_url(broker_url).flushdb()
    env = {**os.environ, "REDIS_URL": broker_url, "DATABASE_URL": _database_url(),
           "DEBUG": "true"}
    log = open(ROOT / ".pytest-worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "engage", "worker", "--pool", "solo",
         "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO", "--hostname", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=broker_url, result_backend=broker_url,
                           task_always_eager=False)
    _reset_pools()
    try:
        _wait_until_ready(worker)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        celery_app.conf.update(saved)
        _reset_pools()


def _reset_pools() -> None:
    """Forget connections and the result backend, so the next use opens them on the broker
    now configured (kombu keeps its pools in a global registry)."""
    import kombu.pools

    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


def _wait_until_ready(worker: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited: see .pytest-worker.log")
        if "ready." in (ROOT / ".pytest-worker.log").read_text():
            return
        time.sleep(0.2)
    raise RuntimeError("the Celery worker did not start in time: see .pytest-worker.log")
