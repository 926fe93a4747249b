"""The reminder dispatcher over 100,000 reminder rows, half due and half not, for 40 people:
rows dispatched a second at three batch sizes, and the cost of a tick with nothing due, into
docs/performance.md.

Run with `make bench` (a throwaway PostgreSQL database `engage_bench`, or whatever DATABASE_URL
names). The planner (engage.reminder_plan) is left out: this measures the engine alone.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.report import write_section  # noqa: E402
from engage.dispatch import digest_due, dispatch_due  # noqa: E402
from engage.models import User  # noqa: E402
from engage.models_notify import (  # noqa: E402
    Delivery,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
    ReminderKind,
)

ROWS, PEOPLE, EMPTY_TICKS = 100_000, 40, 20
KINDS = list(ReminderKind.values)
DELIVERIES = [Delivery.IMMEDIATE, Delivery.IMMEDIATE, Delivery.DAILY, Delivery.OFF]


def people() -> list[User]:
    users = []
    for n in range(PEOPLE):
        user, _ = User.objects.get_or_create(email=f"bench.reminders.{n}@example.org",
                                             defaults={"full_name": f"Bench {n}"})
        users.append(user)
        for k, kind in enumerate(KINDS):  # a mix: most emailed now, some digested, some off
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": DELIVERIES[(n + k) % 4]})
    return users


def reset(users: list[User]) -> None:
    """100,000 pending reminders: even ones due in the last day, odd ones in the next 30."""
    Notification.objects.filter(user__in=users).delete()
    OutboxEmail.objects.filter(user__in=users).delete()
    Reminder.objects.filter(user__in=users).delete()
    now = timezone.now()
    Reminder.objects.bulk_create(
        (Reminder(user=users[n % PEOPLE], kind=KINDS[n % len(KINDS)], key=f"bench:{n}",
                  subject=f"Bench reminder {n}", body="Something falls due.",
                  url=f"/forces/lincolnshire/plan/#a{n}",
                  due_at=_due(n, now))
         for n in range(ROWS)),
        batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE engage_reminder")


def _due(n: int, now: datetime.datetime) -> datetime.datetime:
    minutes = datetime.timedelta(minutes=n % 1440 + 1)
    return now - minutes if n % 2 == 0 else now + minutes + datetime.timedelta(days=n % 30)


def timed_dispatch(batch: int) -> tuple[int, float]:
    start = time.perf_counter()
    dispatched = dispatch_due(batch=batch, queue_send=False)
    return dispatched, time.perf_counter() - start


def empty_ticks() -> tuple[float, float]:
    """Median milliseconds of ``dispatch_due`` and of ``digest_due`` with nothing to do."""
    dispatch, digest = [], []
    for _ in range(EMPTY_TICKS):
        start = time.perf_counter()
        assert dispatch_due(queue_send=False) == 0
        middle = time.perf_counter()
        digest_due(queue_send=False)
        dispatch.append((middle - start) * 1000)
        digest.append((time.perf_counter() - middle) * 1000)
    return statistics.median(dispatch), statistics.median(digest)


def claim_plan() -> str:
    query = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
             .filter(state=Reminder.State.PENDING, due_at__lte=timezone.now())
             .order_by("due_at")[:500])
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    scan = next((line for line in plan if "Scan" in line), plan[0])
    return scan.strip().lstrip("-> ").split("  (cost")[0]


@contextmanager
def created_at_index():
    """What an index on Notification.created_at would save the digest query (then dropped)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX bench_notification_created "
                       "ON engage_notification (created_at)")
        try:
            yield
        finally:
            cursor.execute("DROP INDEX bench_notification_created")


def main() -> None:
    call_command("migrate", verbosity=0)
    users = people()
    rows = ["| batch (reminders a transaction) | due rows dispatched | seconds | rows/s "
            "| notifications | outbox emails |", "|---:|---:|---:|---:|---:|---:|"]
    for batch in (100, 500, 2000):
        reset(users)
        dispatched, seconds = timed_dispatch(batch)
        emails = OutboxEmail.objects.filter(user__in=users).count()
        notes = Notification.objects.filter(user__in=users).count()
        rows.append(f"| {batch:,} | {dispatched:,} | {seconds:.1f} | {dispatched / seconds:,.0f} "
                    f"| {notes:,} | {emails:,} |")
        print(rows[-1], flush=True)
    dispatch_ms, digest_ms = empty_ticks()
    with created_at_index():
        _, indexed_ms = empty_ticks()
    pending = Reminder.objects.filter(user__in=users, state=Reminder.State.PENDING).count()
    notifications = Notification.objects.count()
    plan = claim_plan()
    print(f"empty tick: dispatch {dispatch_ms:.1f} ms, digests {digest_ms:.1f} ms "
          f"({indexed_ms:.1f} ms with an index); {plan}")
    write_section("Reminder dispatcher", [
        f"`python bench/dispatcher.py` on {connection.vendor}: {ROWS:,} reminder rows for "
        f"{PEOPLE} people, half due (in the last day) and half not (up to 30 days ahead), "
        "nine kinds; a quarter of each person's kinds set to a daily digest and a quarter to "
        "off, so about half the due reminders make an outbox email. `dispatch_due` in-process, "
        "the planner left out; each run starts again from 100,000 pending rows.",
        "", *rows, "",
        f"A tick with nothing due, {pending:,} reminders pending in the future and "
        f"{ROWS - pending:,} sent (median of {EMPTY_TICKS}): `dispatch_due` {dispatch_ms:.1f} ms "
        f"(the claim is `{plan}`); `digest_due` {digest_ms:.1f} ms, which reads the "
        f"{notifications:,} notifications with a sequential scan because `Notification` has no "
        f"index on `created_at`; with one (made for the measurement, then dropped) it took "
        f"{indexed_ms:.1f} ms.",
    ])


if __name__ == "__main__":
    main()
