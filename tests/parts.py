"""Finds the real parts the tests use (PostgreSQL, Redis, Chromium) before Django starts.

Loaded with ``-p tests.parts`` so it runs before pytest-django reads the settings. Where a part
is missing the tests that need it are skipped and the run says so at the end; with
``ENGAGE_REQUIRE_ALL_PARTS=1`` (set by .ci/run) a missing part fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/engage"
REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_ALL = os.environ.get("ENGAGE_REQUIRE_ALL_PARTS") == "1"


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _choose_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return "PostgreSQL from DATABASE_URL" if url.startswith(("postgres://", "postgresql://")) else ""
    if _listening("127.0.0.1", 5432):
        os.environ["DATABASE_URL"] = POSTGRES_URL
        # One test database per run, so that two runs on one machine don't collide.
        os.environ.setdefault("TEST_DATABASE_NAME", f"test_engage_{os.getpid()}")
        return "PostgreSQL at 127.0.0.1:5432"
    return ""


DATABASE = _choose_database()
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", REDIS_URL)
HAS_REDIS = _listening("127.0.0.1", 6379) if TEST_REDIS_URL == REDIS_URL else True
HAS_CHROMIUM = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)

MISSING = {
    "postgres": (not DATABASE, "no PostgreSQL (not reachable at 127.0.0.1:5432, or DATABASE_URL names SQLite): ran on SQLite"),
    "redis": (not HAS_REDIS, "Redis is not reachable at 127.0.0.1:6379"),
    "browser": (not HAS_CHROMIUM, f"Chromium is not installed at {CHROMIUM}"),
}


def pytest_configure(config: pytest.Config) -> None:
    missing = [why for absent, why in MISSING.values() if absent]
    if REQUIRE_ALL and missing:
        raise pytest.UsageError("ENGAGE_REQUIRE_ALL_PARTS is set but: " + "; ".join(missing))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for marker, (absent, why) in MISSING.items():
            if absent and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=f"{why} (skipped)"))


def pytest_terminal_summary(terminalreporter) -> None:
    lines = [f"database: {DATABASE or 'SQLite (PostgreSQL not reachable)'}",
             f"redis: {'yes' if HAS_REDIS else 'NO - worker tests skipped'}",
             f"chromium: {'yes' if HAS_CHROMIUM else 'NO - browser tests skipped'}"]
    terminalreporter.write_sep("-", "real parts used")
    for line in lines:
        terminalreporter.write_line(line)
