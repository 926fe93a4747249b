"""The dispatcher: due reminders become one notification each and, as each person wants, one
email now, a place in a digest, or nothing."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from engage.beat import BEAT_SCHEDULE
from engage.celery import app as celery_app
from engage.dispatch import digest_due, dispatch_due
from engage.models_notify import (
    Delivery,
    ForceNotificationDefault,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
    ReminderKind,
)
from engage.outbox import UNSUBSCRIBE_SALT

pytestmark = pytest.mark.usefixtures("engine_only")

LONDON = ZoneInfo("Europe/London")
MONDAY_0805 = datetime.datetime(2026, 11, 30, 8, 5, tzinfo=LONDON)


def remind(user, key: str, *, due: datetime.datetime | None = None,
           kind: str = ReminderKind.REVIEW_POINT_SOON, force=None, **fields) -> Reminder:
    return Reminder.objects.create(user=user, key=key, kind=kind, force=force,
                                   due_at=due or timezone.now() - datetime.timedelta(seconds=1),
                                   subject=fields.pop("subject", f"Reminder {key}"),
                                   url=fields.pop("url", "/forces/lincolnshire/"), **fields)


def test_a_due_reminder_makes_one_notification_and_one_email(opcc_a):
    reminder = remind(opcc_a, "review_point:1:2026-12-01:7d", body="Seven days to go.")

    assert dispatch_due() == 1

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    note = Notification.objects.get()
    assert (note.user, note.occurrence, note.reminder) == (opcc_a, reminder.key, reminder)
    email = OutboxEmail.objects.get()
    assert email.key == f"reminder:{reminder.pk}:{reminder.key}"
    assert (email.to, email.subject, email.kind) == (opcc_a.email, reminder.subject, reminder.kind)
    assert "Seven days to go." in email.text and "Seven days to go." in email.html
    assert "http://127.0.0.1:8000/forces/lincolnshire/" in email.text


def test_the_email_carries_an_unsubscribe_link_for_its_kind(opcc_a):
    remind(opcc_a, "k")
    dispatch_due()

    email = OutboxEmail.objects.get()
    token = email.text.split("/notifications/unsubscribe/")[1].split("/")[0]
    assert signing.loads(token, salt=UNSUBSCRIBE_SALT) == {"u": opcc_a.pk,
                                                           "k": ReminderKind.REVIEW_POINT_SOON}
    assert f"/notifications/unsubscribe/{token}/" in email.html


def test_a_reminder_not_yet_due_waits(opcc_a):
    remind(opcc_a, "later", due=timezone.now() + datetime.timedelta(minutes=1))

    assert dispatch_due() == 0
    assert not Notification.objects.exists()


def test_a_cancelled_reminder_is_never_dispatched(opcc_a):
    remind(opcc_a, "cancelled", state=Reminder.State.CANCELLED)

    assert dispatch_due() == 0
    assert not Notification.objects.exists() and not OutboxEmail.objects.exists()


def test_a_second_claim_of_the_same_occurrence_is_a_no_op(opcc_a):
    reminder = remind(opcc_a, "once")
    dispatch_due()
    # As if a dispatcher's commit had been lost after the rows were written.
    Reminder.objects.filter(pk=reminder.pk).update(state=Reminder.State.PENDING)

    assert dispatch_due() == 1
    assert Notification.objects.count() == 1 and OutboxEmail.objects.count() == 1


def test_dispatching_works_in_batches(opcc_a):
    for n in range(7):
        remind(opcc_a, f"batch:{n}")

    assert dispatch_due(batch=3) == 7
    assert Notification.objects.count() == 7


def test_off_means_in_the_app_only(opcc_a):
    NotificationPreference.objects.create(user=opcc_a, kind=ReminderKind.REVIEW_POINT_SOON,
                                          delivery=Delivery.OFF)
    remind(opcc_a, "quiet")
    dispatch_due()

    assert Notification.objects.count() == 1
    assert not OutboxEmail.objects.exists()


def test_the_force_default_applies_when_the_person_has_not_chosen(opcc_a, pcc_a, force_a):
    ForceNotificationDefault.objects.create(force=force_a, kind=ReminderKind.REVIEW_POINT_SOON,
                                            delivery=Delivery.WEEKLY)
    NotificationPreference.objects.create(user=pcc_a, kind=ReminderKind.REVIEW_POINT_SOON,
                                          delivery=Delivery.IMMEDIATE)
    remind(opcc_a, "a", force=force_a)
    remind(pcc_a, "b", force=force_a)
    dispatch_due()

    assert list(OutboxEmail.objects.values_list("user", flat=True)) == [pcc_a.pk]


def test_a_deactivated_account_gets_no_email(opcc_a):
    opcc_a.is_active = False
    opcc_a.save()
    remind(opcc_a, "gone")
    dispatch_due()

    assert not OutboxEmail.objects.exists()


def test_a_daily_digest_is_one_email_listing_the_days_reminders(opcc_a, pcc_a):
    for person in (opcc_a, pcc_a):
        NotificationPreference.objects.create(user=person, kind=ReminderKind.FOLLOW_UP_DUE,
                                              delivery=Delivery.DAILY)
    yesterday = MONDAY_0805 - datetime.timedelta(hours=12)
    for n in range(3):
        remind(opcc_a, f"follow_up:{n}", kind=ReminderKind.FOLLOW_UP_DUE, due=yesterday,
               subject=f"Follow-up action {n} is due")
    remind(opcc_a, "review", due=yesterday)  # immediate: not in the digest
    remind(pcc_a, "follow_up:pcc", kind=ReminderKind.FOLLOW_UP_DUE, due=yesterday,
           subject="The PCC's own follow-up")
    dispatch_due(now=yesterday)
    assert OutboxEmail.objects.count() == 1  # only the immediate one so far

    assert digest_due(now=MONDAY_0805) == 2

    digest = OutboxEmail.objects.get(key=f"digest:{opcc_a.pk}:2026-11-30")
    assert [f"Follow-up action {n} is due" in digest.text for n in range(3)] == [True] * 3
    assert "Reminder review" not in digest.text and "PCC's own" not in digest.text
    assert "/notifications/unsubscribe/" in digest.text and digest.html
    assert digest_due(now=MONDAY_0805 + datetime.timedelta(minutes=1)) == 0


def test_no_digest_before_its_time_or_for_an_empty_period(opcc_a):
    NotificationPreference.objects.create(user=opcc_a, kind=ReminderKind.FOLLOW_UP_DUE,
                                          delivery=Delivery.DAILY)
    remind(opcc_a, "f", kind=ReminderKind.FOLLOW_UP_DUE, due=MONDAY_0805)
    dispatch_due(now=MONDAY_0805)

    assert digest_due(now=MONDAY_0805 + datetime.timedelta(hours=6)) == 0
    assert digest_due(now=MONDAY_0805 + datetime.timedelta(days=1)) == 1


def test_a_weekly_digest_collects_the_week_on_monday_morning(opcc_a):
    NotificationPreference.objects.create(user=opcc_a, kind=ReminderKind.STALE_CONCERN,
                                          delivery=Delivery.WEEKLY)
    for days in (1, 3, 6):
        when = MONDAY_0805 - datetime.timedelta(days=days)
        remind(opcc_a, f"stale:{days}", kind=ReminderKind.STALE_CONCERN, due=when)
        dispatch_due(now=when)
    assert not OutboxEmail.objects.exists()

    assert digest_due(now=MONDAY_0805) == 1

    digest = OutboxEmail.objects.get()
    assert digest.key == f"digest:{opcc_a.pk}:2026-W49"
    assert digest.subject == "Your weekly digest: 3 reminders"


@pytest.mark.postgres
def test_concurrent_dispatchers_claim_each_reminder_once(transactional_db, opcc_a, pcc_a):
    Reminder.objects.bulk_create(
        Reminder(user=(opcc_a, pcc_a)[n % 2], kind=ReminderKind.REVIEW_POINT_SOON,
                 key=f"many:{n}", subject="s", due_at=timezone.now()) for n in range(400))
    claimed: list[int] = []

    def dispatcher() -> None:
        try:
            claimed.append(dispatch_due(batch=25, queue_send=False))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(claimed) == 400 and len(claimed) == 4
    assert Notification.objects.count() == 400 == OutboxEmail.objects.count()
    assert not Reminder.objects.filter(state=Reminder.State.PENDING).exists()


def test_the_command_runs_a_whole_tick(opcc_a, mailoutbox, capsys):
    remind(opcc_a, "cron")

    call_command("send_due_reminders")

    assert [m.to for m in mailoutbox] == [[opcc_a.email]]
    assert "Dispatched 1 reminders, wrote 0 digests, sent 1 emails" in capsys.readouterr().out


def test_beat_ticks_every_minute_with_tasks_that_exist():
    assert {e["task"]: e["schedule"] for e in BEAT_SCHEDULE.values()} == {
        "engage.dispatch_tick": 60.0, "engage.send_outbox": 60.0}
    assert {e["task"] for e in BEAT_SCHEDULE.values()} <= set(celery_app.tasks)
