"""Reminders for the fault tests, and what became of them: notifications, outbox rows and the
emails the SMTP sink accepted, counted per reminder."""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from engage.models_notify import Notification, OutboxEmail, Reminder, ReminderKind
from tests.reliability.smtp_sink import SmtpSink

FIGURES: list[Figures] = []  # every scenario's, for docs/reliability.md (see conftest.py)


def make_reminders(users, n: int, *, first_in: float = 1.0, spread: float = 3.0,
                   prefix: str = "fault") -> list[Reminder]:
    """``n`` reminders shared among ``users``, due from ``first_in`` seconds from now and
    spread over ``spread`` seconds, so that they fall due across several ticks."""
    start = timezone.now() + datetime.timedelta(seconds=first_in)
    return Reminder.objects.bulk_create(
        Reminder(user=users[i % len(users)], kind=ReminderKind.REVIEW_POINT_SOON,
                 key=f"{prefix}:{i}", subject=f"Review point {i} in 7 days",
                 body="The HMCI review point is a week away.", url=f"/cases/{i}/",
                 due_at=start + datetime.timedelta(seconds=spread * i / n))
        for i in range(n))


def outbox_key(reminder: Reminder) -> str:
    return f"reminder:{reminder.pk}:{reminder.key}"


def emails_per_reminder(reminders: list[Reminder], sink: SmtpSink) -> dict[int, list[float]]:
    """Reminder pk → the times the sink accepted an email for it (several: a duplicate)."""
    by_key = {outbox_key(r): r.pk for r in reminders}
    rows = dict(OutboxEmail.objects.filter(key__in=by_key).values_list("pk", "key"))
    times: dict[int, list[float]] = {r.pk: [] for r in reminders}
    for received in sink.messages():
        pk = int(re.match(r"<outbox-(\d+)\.", received.message_id).group(1))
        if pk in rows:
            times[by_key[rows[pk]]].append(received.at)
    return times


def wait_for_delivery(reminders: list[Reminder], sink: SmtpSink, *, timeout: float,
                      settle: float) -> None:
    """Until every reminder has an email (or ``timeout``), then ``settle`` seconds more so
    that a late duplicate would be seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(emails_per_reminder(reminders, sink).values()):
            break
        time.sleep(0.2)
    time.sleep(settle)


@dataclass
class Figures:
    scenario: str
    reminders: int
    notifications: int
    emails: int
    duplicates: int
    misses: int
    dispatch_late: float  # seconds from due to the notification, at worst
    email_late: float  # seconds from due to the SMTP server's 250, at worst
    notes: list[str] = field(default_factory=list)


def measure(scenario: str, reminders: list[Reminder], sink: SmtpSink,
            note: str = "") -> Figures:
    emails = emails_per_reminder(reminders, sink)
    notes = Counter(Notification.objects.filter(occurrence__in=[r.key for r in reminders])
                    .values_list("occurrence", flat=True))
    made = {n.occurrence: n.created_at for n in Notification.objects.filter(
        occurrence__in=[r.key for r in reminders])}
    due = {r.pk: r.due_at for r in reminders}
    figures = Figures(
        scenario=scenario, reminders=len(reminders),
        notifications=sum(notes.values()),
        emails=sum(len(t) for t in emails.values()),
        duplicates=sum(len(t) - 1 for t in emails.values() if len(t) > 1)
        + sum(c - 1 for c in notes.values() if c > 1),
        misses=sum(1 for t in emails.values() if not t)
        + sum(1 for r in reminders if r.key not in notes),
        dispatch_late=max(((made[r.key] - r.due_at).total_seconds()
                           for r in reminders if r.key in made), default=0.0),
        email_late=max((min(t) - due[pk].timestamp() for pk, t in emails.items() if t),
                       default=0.0),
        notes=[note] if note else [],
    )
    FIGURES.append(figures)
    return figures
