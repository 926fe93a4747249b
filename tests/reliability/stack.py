"""Real Celery workers and beats in their own processes, on the real Redis and the pytest
database, as tests/worker.py starts one; here several, each killable, on a queue of this run's
own (so no other run's worker takes our messages), with the outbox waits shortened."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import redis

from engage.celery import app as celery_app
from engage.tasks import dispatch_tick, send_outbox
from tests.parts import TEST_REDIS_URL
from tests.worker import ROOT, _database_url

BROKER_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/13"
TICK = 1.0  # seconds between beat ticks (60 in production)
LEASE = 2.0  # a claimed email's lease (300 in production)
BACKOFF = 0.2  # the outbox's backoff unit (60 in production: 2, 4, 8 … minutes)


class Stack:
    def __init__(self, logs: Path, *, smtp_url: str, tick: float, lease: float,
                 backoff: float) -> None:
        self.logs = logs
        self.tick = tick
        self.queue = f"reliability-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "REDIS_URL": BROKER_URL, "DATABASE_URL": _database_url(),
                    "DEBUG": "true", "EMAIL_URL": smtp_url, "TEST_QUEUE": self.queue,
                    "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
                    "TEST_TICK_SECONDS": str(tick), "TEST_OUTBOX_LEASE_SECONDS": str(lease),
                    "TEST_OUTBOX_BACKOFF_SECONDS": str(backoff)}
        self.procs: dict[str, subprocess.Popen] = {}
        self.ready_at: dict[str, float] = {}
        self._starts = 0

    def start(self, *, workers: Sequence[str] = (), beats: Sequence[str] = ()) -> None:
        """Start the named workers and beats side by side; return when all are ready."""
        logs = {}
        for name in workers:
            logs[name] = self._log(name)
            self.procs[name] = self._spawn(
                logs[name], "worker", "--pool", "solo", "--concurrency", "1",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-Q", self.queue, "--hostname", f"{name}-{os.getpid()}@%h")
        for name in beats:
            logs[name] = self._log(name)
            self.procs[name] = self._spawn(
                logs[name], "beat", "-s", str(self.logs / f"{name}-schedule"),
                "--max-interval", str(max(1, round(self.tick))))
        for name in workers:
            self._wait_for(name, logs[name], "ready.")
        for name in beats:  # beat says it is starting long before it sends anything
            self._wait_for(name, logs[name], "Sending due task")

    def kill(self, *names: str) -> None:
        """SIGKILL: no warm shutdown, no acks, no cleanup, as when a machine dies."""
        for name in names:
            self.procs[name].send_signal(signal.SIGKILL)
        for name in names:
            self.procs.pop(name).wait(10)

    def stop(self, *names: str) -> None:
        """A warm shutdown (SIGTERM) of the named processes, or of all."""
        procs = [self.procs.pop(name) for name in names or list(self.procs)]
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def publish_tick(self, copies: int = 1, *, same_message: bool = False) -> None:
        """What beat sends each tick; ``copies`` at once, optionally with one task id."""
        for task in (dispatch_tick, send_outbox):
            task_id = str(uuid.uuid4())
            for _ in range(copies):
                task.apply_async(queue=self.queue, expires=self.tick,
                                 task_id=task_id if same_message else None)

    def flush_broker(self) -> tuple[int, int]:
        """FLUSHDB; returns how many messages were queued and how many taken but unacked."""
        client = redis.Redis.from_url(BROKER_URL)
        with client.pipeline() as pipe:
            pipe.llen(self.queue).hlen("unacked").flushdb()
            queued, unacked, _ = pipe.execute()
        return queued, unacked

    def _log(self, name: str) -> Path:
        self._starts += 1
        return self.logs / f"{self._starts:02d}-{name}.log"

    def _spawn(self, log: Path, *args: str) -> subprocess.Popen:
        with open(log, "w") as out:
            return subprocess.Popen([sys.executable, "-m", "celery", "-A", "engage", *args,
                                     "--loglevel", "INFO"],
                                    cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def _wait_for(self, name: str, log: Path, line: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited: see {log}")
            if line in log.read_text():
                self.ready_at[name] = time.time()
                return
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not start in time: see {log}")


@contextmanager
def running_stack(logs: Path, **options):
    """A Stack, with this process's Celery app publishing to its broker meanwhile."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=BROKER_URL, result_backend=None, task_always_eager=False)
    _fresh_pools()
    stack = Stack(logs, **options)
    try:
        yield stack
    finally:
        stack.stop()
        celery_app.conf.update(saved)
        _fresh_pools()


def _fresh_pools() -> None:
    # kombu keeps connection pools in a registry by broker URL: close them and empty it, or
    # the next use takes a closed pool from it.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Ticker:
    """Beat's part played by this process: ``publish_tick`` every tick, in a thread."""

    def __init__(self, stack: Stack, **publish) -> None:
        self.stack, self.publish = stack, publish
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.stack.tick):
            self.stack.publish_tick(**self.publish)
