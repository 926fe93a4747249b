"""Fixtures of the reliability tests. With RELIABILITY_REPORT=1 the run writes its measured
figures into the table of docs/reliability.md."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import make_user
from tests.reliability.measure import FIGURES
from tests.reliability.smtp_sink import SmtpSink
from tests.reliability.stack import BACKOFF, LEASE, TICK, running_stack

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


WORKERS = ["w1", "w2"]


@pytest.fixture(scope="module")
def module_sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def module_stack(tmp_path_factory, module_sink, django_db_setup):
    """Two workers for the whole module: each takes ~10 s to start on this machine."""
    with running_stack(tmp_path_factory.mktemp("stack"), smtp_url=module_sink.url, tick=TICK,
                       lease=LEASE, backoff=BACKOFF) as stack:
        stack.start(workers=WORKERS)
        yield stack


@pytest.fixture
def sink(module_sink):
    module_sink.reset()
    return module_sink


@pytest.fixture
def stack(module_stack, sink, transactional_db):
    """Both workers running (a test may have killed them), nothing left on the queue."""
    module_stack.flush_broker()
    missing = [name for name in WORKERS if name not in module_stack.procs]
    if missing:
        module_stack.start(workers=missing)
    yield module_stack
    extras = [name for name in module_stack.procs if name not in WORKERS]
    if extras:
        module_stack.stop(*extras)


@pytest.fixture
def people(db):
    return [make_user(f"person{i}@example.org") for i in range(3)]


@pytest.fixture
def engine_only(settings):
    """These tests make their own reminders: no planner to cancel them as uncalled for."""
    settings.REMINDER_PLANNER = None
    settings.OUTBOX_LEASE_SECONDS = LEASE
    settings.OUTBOX_BACKOFF_SECONDS = BACKOFF
    return settings


def pytest_sessionfinish(session, exitstatus) -> None:
    if os.environ.get("RELIABILITY_REPORT") != "1" or not FIGURES:
        return
    rows = ["| scenario | reminders | notifications | emails | duplicates | misses "
            "| worst dispatch lateness | worst email lateness |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    rows += [f"| {f.scenario} | {f.reminders} | {f.notifications} | {f.emails} "
             f"| {f.duplicates} | {f.misses} | {f.dispatch_late:.2f} s | {f.email_late:.2f} s |"
             for f in FIGURES]
    total = sum(f.reminders for f in FIGURES)
    rows += ["", f"Total: {total} reminders across {len(FIGURES)} faults, "
             f"{sum(f.duplicates for f in FIGURES)} duplicates, "
             f"{sum(f.misses for f in FIGURES)} misses."]
    rows += [f"- {f.scenario}: {n}" for f in FIGURES for n in f.notes]
    text = DOC.read_text()
    table = "<!-- figures -->\n" + "\n".join(rows) + "\n<!-- /figures -->"
    DOC.write_text(re.sub(r"<!-- figures -->.*?<!-- /figures -->", table, text, flags=re.S))
