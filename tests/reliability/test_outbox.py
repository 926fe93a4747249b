"""Sending the outbox over real SMTP (the sink): each email once, retried with backoff when the
server refuses, given up after eight attempts, and left alone while another sender holds it."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from engage.models_notify import OutboxEmail
from engage.outbox import MAX_ATTEMPTS, backoff, message_id, send_pending
from tests.reliability.smtp_sink import SmtpSink
from tests.reliability.stack import LEASE

pytestmark = pytest.mark.usefixtures("engine_only")


class SenderDies(BaseException):
    """What a SIGKILL looks like from inside: the sender stops, nothing is recorded."""


class DyingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SenderDies


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
        yield sink


def queue(user, n: int = 1) -> list[OutboxEmail]:
    return [OutboxEmail.objects.create(key=f"test:{i}", user=user, to=user.email,
                                       subject=f"Email {i}", text="Plain words.",
                                       html="<p>Plain words.</p>") for i in range(n)]


def test_it_sends_text_and_html_and_records_it(smtp, opcc_a):
    [row] = queue(opcc_a)

    assert send_pending() == 1

    [received] = smtp.messages()
    assert received.message["To"] == opcc_a.email
    assert received.message_id == message_id(row)
    assert received.message.get_body(("plain",)).get_content().strip() == "Plain words."
    assert received.message.get_body(("html",)).get_content().strip() == "<p>Plain words.</p>"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxEmail.State.SENT, 1, "")
    assert row.sent_at is not None


def test_an_email_waiting_for_later_is_not_sent(smtp, opcc_a):
    OutboxEmail.objects.create(key="later", user=opcc_a, to=opcc_a.email, subject="s", text="t",
                               send_after=timezone.now() + datetime.timedelta(minutes=1))

    assert send_pending() == 0 and smtp.messages() == []


def test_a_refusal_is_retried_after_a_growing_wait(smtp, opcc_a):
    [row] = queue(opcc_a)
    smtp.fail_data = 3
    now = timezone.now()

    for attempt in (1, 2, 3):
        assert send_pending(now=now) == 0
        row.refresh_from_db()
        assert (row.attempts, row.state) == (attempt, OutboxEmail.State.PENDING)
        assert row.send_after == now + backoff(attempt)
        assert "451" in row.last_error
        assert send_pending(now=row.send_after - datetime.timedelta(seconds=0.01)) == 0
        now = row.send_after
    assert send_pending(now=now) == 1
    assert len(smtp.messages()) == 1


def test_the_wait_doubles_from_two_minutes_to_at_most_an_hour(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    assert [backoff(n).total_seconds() / 60 for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]


def test_it_gives_up_after_eight_attempts(opcc_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    [row] = queue(opcc_a)
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        send_pending(now=now)
        now += datetime.timedelta(hours=2)

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxEmail.State.FAILED, MAX_ATTEMPTS)
    assert "Connection refused" in row.last_error
    assert send_pending(now=now) == 0


def test_a_dead_senders_emails_wait_out_its_lease_then_go_once(smtp, opcc_a, settings):
    rows = queue(opcc_a, 3)
    settings.EMAIL_BACKEND = "tests.reliability.test_outbox.DyingBackend"
    with pytest.raises(SenderDies):
        send_pending()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    assert send_pending() == 0  # still leased to the dead sender
    later = timezone.now() + datetime.timedelta(seconds=LEASE)
    assert send_pending(now=later) == 3
    assert sorted(r.message_id for r in smtp.messages()) == sorted(map(message_id, rows))


def test_a_slow_server_makes_the_sender_hand_back_what_it_cannot_send_in_its_lease(
        smtp, opcc_a, settings):
    settings.OUTBOX_LEASE_SECONDS = 1.6  # hand back after 0.8 s
    smtp.delay = 0.5  # two emails fit in 0.8 s, not five
    queue(opcc_a, 5)

    sent = send_pending()

    assert 0 < sent < 5
    left = OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING)
    assert [(r.attempts, r.send_after <= timezone.now()) for r in left] == [(0, True)] * (5 - sent)
    smtp.delay = 0
    assert send_pending() == 5 - sent
    assert len(smtp.messages()) == 5


def test_an_email_that_keeps_killing_its_sender_is_given_up(opcc_a, settings):
    [row] = queue(opcc_a)
    settings.EMAIL_BACKEND = "tests.reliability.test_outbox.DyingBackend"
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(SenderDies):
            send_pending(now=now)
        now += datetime.timedelta(seconds=LEASE)

    assert send_pending(now=now) == 0
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.FAILED
    assert "no outcome recorded" in row.last_error


@pytest.mark.postgres
def test_senders_at_once_send_each_email_once(transactional_db, smtp, opcc_a):
    queue(opcc_a, 60)
    sent: list[int] = []

    def sender() -> None:
        try:
            sent.append(send_pending(limit=7))
            sent.append(send_pending(limit=100))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 60
    ids = [r.message_id for r in smtp.messages()]
    assert len(ids) == len(set(ids)) == 60

