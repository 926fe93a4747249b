"""The reminder dispatcher: turns due reminders into notifications and outbox emails.

Reminders are rows with a due time (engage.models_notify). Each tick claims the due ones with
SELECT … FOR UPDATE SKIP LOCKED in short transactions and, in the same transaction, writes the
notification, the outbox email (for people who want emails as they happen) and marks the
reminder sent. Notifications and outbox rows are keyed by the reminder's occurrence, so
however many dispatchers, beats or duplicated task messages there are, each reminder makes
one notification and at most one email. Digests collect the rest at 08:00 (Europe/London).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from engage.models_notify import (
    Delivery,
    ForceNotificationDefault,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
    ReminderKind,
)
from engage.outbox import absolute_url, unsubscribe_url

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
DIGEST_HOUR = 8
# A digest is built this long after its period ends, so that a dispatch transaction which
# began before 08:00 has committed its notifications by the time the digest reads them.
DIGEST_GRACE = datetime.timedelta(minutes=2)
DEFAULT_PLANNER = "engage.reminder_plan.plan_reminders"


@dataclass
class TickCounts:
    dispatched: int
    digests: int


def run_tick(*, now: datetime.datetime | None = None, queue_send: bool = True) -> TickCounts:
    """One beat tick: plan reminders from the data, dispatch the due ones, build digests."""
    _plan(now or timezone.now())
    dispatched = dispatch_due(now=now, queue_send=queue_send)
    return TickCounts(dispatched=dispatched, digests=digest_due(now=now, queue_send=queue_send))


def dispatch_due(*, now: datetime.datetime | None = None, batch: int = 500,
                 queue_send: bool = True) -> int:
    """Dispatch every reminder due by ``now`` (by default, when each batch starts), ``batch``
    to a transaction; returns how many."""
    total = 0
    while True:
        claimed = _dispatch_batch(now or timezone.now(), batch, queue_send)
        total += claimed
        if claimed < batch:
            return total


def _dispatch_batch(now: datetime.datetime, batch: int, queue_send: bool) -> int:
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(state=Reminder.State.PENDING, due_at__lte=now)
            .order_by("due_at")[:batch]
        )
        if not reminders:
            return 0
        deliveries = Deliveries.for_reminders(reminders)
        Notification.objects.bulk_create(
            [Notification(user_id=r.user_id, reminder=r, occurrence=r.key, kind=r.kind,
                          subject=r.subject, body=r.body, url=r.url, created_at=now)
             for r in reminders],
            ignore_conflicts=True)
        emails = [_reminder_email(r, now) for r in reminders
                  if r.user.is_active
                  and deliveries.get(r.user_id, r.kind, r.force_id) == Delivery.IMMEDIATE]
        OutboxEmail.objects.bulk_create(emails, ignore_conflicts=True)
        Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(
            state=Reminder.State.SENT, sent_at=now)
        if emails and queue_send:
            transaction.on_commit(_queue_sending, robust=True)
    return len(reminders)


def _queue_sending() -> None:
    from engage.tasks import send_outbox  # engage.tasks imports this module

    send_outbox.delay()


def _plan(now: datetime.datetime) -> None:
    # The planner is named by a setting so the engine can run without it (its fault tests
    # make their own reminders); a fault in it must not hold back reminders already planned.
    path = getattr(settings, "REMINDER_PLANNER", DEFAULT_PLANNER)
    if not path:
        return
    try:
        plan_reminders = import_string(path)
    except ModuleNotFoundError as exc:
        if path != DEFAULT_PLANNER or exc.name != path.rsplit(".", 1)[0]:
            raise
        return  # the producers are not written yet
    try:
        plan_reminders(now)
    except Exception:
        logger.exception("Planning reminders failed; dispatching those already planned")


class Deliveries:
    """How each person wants each kind by email: their choice, else their force's default,
    else as it happens. (Improvement-plan actions are already one reminder per person per
    day, consolidated by the planner.)"""

    def __init__(self, chosen: dict, force_defaults: dict):
        self.chosen = chosen
        self.force_defaults = force_defaults

    @classmethod
    def for_pairs(cls, user_ids: set[int], force_ids: set[int | None]) -> Deliveries:
        chosen = {(p.user_id, p.kind): p.delivery
                  for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
        force_defaults = {(d.force_id, d.kind): d.delivery
                          for d in ForceNotificationDefault.objects.filter(
                              force_id__in=[f for f in force_ids if f is not None])}
        return cls(chosen, force_defaults)

    @classmethod
    def for_reminders(cls, reminders: list[Reminder]) -> Deliveries:
        return cls.for_pairs({r.user_id for r in reminders}, {r.force_id for r in reminders})

    def get(self, user_id: int, kind: str, force_id: int | None) -> str:
        return (self.chosen.get((user_id, kind))
                or self.force_defaults.get((force_id, kind))
                or Delivery.IMMEDIATE)


def digest_due(*, now: datetime.datetime | None = None, queue_send: bool = True) -> int:
    """Write the digest emails of the latest daily and weekly periods not yet written, one per
    person per period, listing that period's notifications of the kinds they want digested.
    Returns how many were written."""
    now = now or timezone.now()
    made = 0
    for delivery in (Delivery.DAILY, Delivery.WEEKLY):
        period = digest_period(delivery, now - DIGEST_GRACE)
        made += _write_digests(delivery, period, now, queue_send)
    return made


@dataclass(frozen=True)
class Period:
    label: str  # "2026-11-26" (daily) or "2026-W48" (weekly)
    start: datetime.datetime
    end: datetime.datetime


def digest_period(delivery: str, now: datetime.datetime) -> Period:
    """The latest whole digest period ended by ``now``: to 08:00 London today (or yesterday
    before 08:00) for daily, to 08:00 on the latest Monday for weekly."""
    local = now.astimezone(LONDON)
    day = local.date() if local.hour >= DIGEST_HOUR else local.date() - datetime.timedelta(days=1)
    if delivery == Delivery.WEEKLY:
        day -= datetime.timedelta(days=day.weekday())
        days, year_week = 7, day.isocalendar()
        label = f"{year_week.year}-W{year_week.week:02d}"
    else:
        days, label = 1, day.isoformat()
    end = datetime.datetime.combine(day, datetime.time(DIGEST_HOUR), tzinfo=LONDON)
    start = datetime.datetime.combine(day - datetime.timedelta(days=days),
                                      datetime.time(DIGEST_HOUR), tzinfo=LONDON)
    return Period(label, start, end)


def _write_digests(delivery: str, period: Period, now: datetime.datetime,
                   queue_send: bool) -> int:
    in_period = Notification.objects.filter(created_at__gte=period.start,
                                            created_at__lt=period.end,
                                            kind__in=_kinds_anyone_digests(delivery))
    user_ids = set(in_period.order_by().values_list("user_id", flat=True).distinct())
    done = set(OutboxEmail.objects.filter(
        key__in=[_digest_key(u, period) for u in user_ids]).values_list("user_id", flat=True))
    waiting = user_ids - done
    if not waiting:
        return 0
    notes = list(in_period.filter(user_id__in=waiting, user__is_active=True)
                 .select_related("user", "reminder").order_by("created_at", "pk"))
    deliveries = Deliveries.for_pairs(waiting, {n.reminder.force_id for n in notes if n.reminder})
    # Emailed already as it happened (before a change of preference): not again in a digest.
    emailed = set(OutboxEmail.objects.filter(
        key__in=[_reminder_key(n.reminder_id, n.occurrence) for n in notes]
    ).values_list("key", flat=True))
    by_user = defaultdict(list)
    for note in notes:
        force_id = note.reminder.force_id if note.reminder else None
        if (deliveries.get(note.user_id, note.kind, force_id) == delivery
                and _reminder_key(note.reminder_id, note.occurrence) not in emailed):
            by_user[note.user].append(note)
    with transaction.atomic():
        made = [OutboxEmail.objects.get_or_create(key=_digest_key(user.pk, period),
                                                  defaults=_digest_email(user, items, delivery,
                                                                         period, now))[1]
                for user, items in by_user.items()]
        if any(made) and queue_send:
            transaction.on_commit(_queue_sending, robust=True)
    return sum(made)


def _kinds_anyone_digests(delivery: str) -> set[str]:
    return (set(NotificationPreference.objects.filter(delivery=delivery)
                  .values_list("kind", flat=True).distinct())
            | set(ForceNotificationDefault.objects.filter(delivery=delivery)
                  .values_list("kind", flat=True).distinct()))


def _reminder_key(reminder_id: int | None, occurrence: str) -> str:
    return f"reminder:{reminder_id}:{occurrence}"


def _digest_key(user_id: int, period: Period) -> str:
    return f"digest:{user_id}:{period.label}"


def _reminder_email(reminder: Reminder, now: datetime.datetime) -> OutboxEmail:
    user = reminder.user
    context = {
        "user": user, "reminder": reminder, "subject": reminder.subject, "body": reminder.body,
        "url": absolute_url(reminder.url), "kind": reminder.kind,
        "kind_label": ReminderKind(reminder.kind).label,
        "unsubscribe_url": unsubscribe_url(user, reminder.kind),
        "preferences_url": _preferences_url(),
    }
    text, html = _render("reminder", context)
    return OutboxEmail(key=_reminder_key(reminder.pk, reminder.key), user=user, to=user.email,
                       subject=reminder.subject, text=text, html=html, kind=reminder.kind,
                       send_after=now, created_at=now)


def _digest_email(user, notes: list[Notification], delivery: str, period: Period,
                  now: datetime.datetime) -> dict:
    kinds = sorted({n.kind for n in notes})
    context = {
        "user": user, "delivery": delivery, "period": period.label,
        "subject": f"Your {'weekly' if delivery == Delivery.WEEKLY else 'daily'} digest: "
                   f"{len(notes)} reminder{'s' if len(notes) != 1 else ''}",
        "items": [{"subject": n.subject, "body": n.body, "url": absolute_url(n.url),
                   "kind_label": ReminderKind(n.kind).label} for n in notes],
        "unsubscribe": [{"kind_label": ReminderKind(k).label,
                         "url": unsubscribe_url(user, k)} for k in kinds],
        "preferences_url": _preferences_url(),
    }
    text, html = _render("digest", context)
    return {"user": user, "to": user.email, "subject": context["subject"], "text": text,
            "html": html, "send_after": now, "created_at": now}


def _preferences_url() -> str:
    try:
        return absolute_url(reverse("notifications:preferences"))
    except NoReverseMatch:
        return ""


def _render(name: str, context: dict) -> tuple[str, str]:
    return (render_to_string(f"engage/email/{name}.txt", context),
            render_to_string(f"engage/email/{name}.html", context))
