"""Each reminder is delivered exactly once, none is missed and none is late, under the faults a
Celery-on-Redis deployment meets: real workers and beats in their own processes, real Redis,
PostgreSQL, and a real SMTP server (the sink) counting what it accepts."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from engage.models_notify import Notification, OutboxEmail
from engage.tasks import dispatch_tick
from tests.reliability.measure import (
    Figures,
    emails_per_reminder,
    make_reminders,
    measure,
    wait_for_delivery,
)
from tests.reliability.stack import BACKOFF, LEASE, TICK, Ticker

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.usefixtures("engine_only")]

N = 30
SLACK = 1.5  # a worker's own time to dispatch and send, on top of the tick


def assert_exactly_once(figures: Figures, *, email_late: float,
                        dispatch_late: float = TICK + SLACK) -> None:
    assert (figures.notifications, figures.emails) == (figures.reminders, figures.reminders)
    assert (figures.duplicates, figures.misses) == (0, 0)
    assert figures.dispatch_late <= dispatch_late
    assert figures.email_late <= email_late


def test_two_dispatchers_at_once(stack, sink, people):
    reminders = make_reminders(people, N)
    with Ticker(stack, copies=2):  # two ticks each time: both workers dispatch together
        wait_for_delivery(reminders, sink, timeout=20, settle=2 * TICK)
    assert_exactly_once(measure("Two dispatchers at once (two workers, two ticks a tick)",
                                reminders, sink), email_late=TICK + SLACK)


def test_worker_killed_between_claim_and_send_then_restarted(stack, sink, people):
    sink.hold_at = 3  # the 3rd email waits for its 250 while we kill the workers
    reminders = make_reminders(people, N)
    with Ticker(stack):
        assert sink.holding.wait(20)
        stack.kill("w1", "w2")  # both: nothing is left running to take over
        killed_at = time.time()
        claimed_unsent = OutboxEmail.objects.filter(state="pending", attempts__gte=1).count()
        stack.start(workers=["w1", "w2"])
        wait_for_delivery(reminders, sink, timeout=20, settle=LEASE + 2 * TICK)
    assert claimed_unsent > 1  # the kill did fall between claim and send
    assert sink.dropped == 1  # the one in flight was never accepted
    restarted = max(stack.ready_at["w1"], stack.ready_at["w2"])
    figures = measure("Worker SIGKILLed mid-send, then restarted", reminders, sink,
                      note=f"{claimed_unsent} emails were claimed but unsent at the kill; the "
                           f"workers were running again {restarted - killed_at:.1f} s after it")
    # Late only by the time no worker was running, and the dead sender's lease.
    assert_exactly_once(figures, email_late=figures.email_late,
                        dispatch_late=figures.dispatch_late)
    emails = emails_per_reminder(reminders, sink)
    for reminder in reminders:
        first = min(emails[reminder.pk])
        assert first <= max(reminder.due_at.timestamp(), restarted) + LEASE + TICK + SLACK


def test_the_same_message_delivered_twice(stack, sink, people):
    reminders = make_reminders(people, N)
    with Ticker(stack, copies=2, same_message=True):
        wait_for_delivery(reminders, sink, timeout=20, settle=2 * TICK)
    assert_exactly_once(measure("Every task message delivered twice (same task id)",
                                reminders, sink), email_late=TICK + SLACK)


def test_two_beat_processes(stack, sink, people):
    stack.start(beats=["beat1", "beat2"])
    reminders = make_reminders(people, N)
    wait_for_delivery(reminders, sink, timeout=20, settle=2 * TICK)
    assert_exactly_once(measure("Two celery beat processes", reminders, sink),
                        email_late=TICK + SLACK)


def test_redis_flushed_mid_run(stack, sink, people):
    sink.hold_at = N // 3  # a send is under way (its message taken, unacked) at the flush
    reminders = make_reminders(people, N)
    with Ticker(stack):
        assert sink.holding.wait(20)
        stack.publish_tick(copies=3)  # and some queued behind it
        unsent = N - len(sink.messages())
        queued, unacked = stack.flush_broker()  # queued, unacked, results: all gone
        sink.release()
        wait_for_delivery(reminders, sink, timeout=20, settle=2 * TICK)
    assert unacked >= 1
    figures = measure("Redis FLUSHDB mid-run", reminders, sink,
                      note=f"flushed with {unsent} reminders still to send, {queued} task "
                           f"messages queued and {unacked} taken but unacknowledged")
    # A send queued just before the flush is lost; the next tick's sweep sends it.
    assert_exactly_once(figures, email_late=2 * TICK + SLACK)


def test_a_rolled_back_transaction_sends_nothing(stack, sink, people):
    for i in range(N):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_reminders(people, 1, first_in=0, prefix=f"rolled-back-{i}")
            transaction.on_commit(lambda: dispatch_tick.apply_async(queue=stack.queue))
            raise RuntimeError("the business transaction fails")
    committed = make_reminders(people, N, first_in=0.5, prefix="committed")
    with Ticker(stack):
        wait_for_delivery(committed, sink, timeout=20, settle=3 * TICK)
    assert not Notification.objects.filter(occurrence__startswith="rolled-back").exists()
    assert not OutboxEmail.objects.filter(key__contains=":rolled-back").exists()
    figures = measure("Business transaction rolled back", committed, sink,
                      note=f"{N} reminders made in transactions that rolled back: "
                           f"0 notifications, 0 outbox rows, 0 emails; the {N} committed "
                           "alongside as a control were each sent once")
    assert len(sink.messages()) == N
    assert_exactly_once(figures, email_late=TICK + SLACK)


def test_smtp_failing_three_times_then_succeeding(stack, sink, people):
    sink.fail_each = 3
    reminders = make_reminders(people, N)
    with Ticker(stack):
        wait_for_delivery(reminders, sink, timeout=30, settle=2 * TICK)
    assert sink.refused == 3 * N
    assert list(OutboxEmail.objects.values_list("attempts", flat=True).distinct()) == [4]
    backoffs = sum(BACKOFF * 2**attempt for attempt in (1, 2, 3))
    figures = measure("SMTP refuses each email three times (451), then accepts", reminders,
                      sink, note=f"{3 * N} refusals; every email sent on its 4th attempt; "
                                 f"backoff {backoffs:.1f} s in the test (14 minutes in production)")
    assert_exactly_once(figures, email_late=backoffs + 3 * TICK + SLACK)
