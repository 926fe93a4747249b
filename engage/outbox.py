"""Sending the email outbox: claim due rows, send each over SMTP, record what happened.

A claim is a short transaction (SELECT … FOR UPDATE SKIP LOCKED) that counts the attempt and
moves ``send_after`` forward by a lease, so a sender that dies mid-send leaves its rows to be
retried once the lease runs out, and no other sender touches them meanwhile. Sending happens
outside any transaction. A crash after the SMTP server accepted a message but before we
recorded it means that message is sent again: delivery is at-least-once at the SMTP boundary
(docs/reliability.md). Each message's Message-ID is fixed by its row, so a repeat is
recognisably the same message.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from engage.models_notify import OutboxEmail

if TYPE_CHECKING:
    from engage.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
UNSUBSCRIBE_SALT = "unsubscribe"


def _lease() -> datetime.timedelta:
    # Longer than any one SMTP conversation (EMAIL_TIMEOUT is 20 s), so a live sender's rows
    # are never taken over; short enough that a dead sender's rows go out a few minutes late.
    return datetime.timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 300))


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failure: 2, 4, 8 … minutes, at most an hour."""
    unit = getattr(settings, "OUTBOX_BACKOFF_SECONDS", 60)
    return datetime.timedelta(seconds=unit * min(2**attempts, 60))


def unsubscribe_url(user: User, kind: str) -> str:
    """A link that stops emails of one kind for one person, with no sign-in needed."""
    token = signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)
    return f"{settings.SITE_URL.rstrip('/')}/notifications/unsubscribe/{token}/"


def absolute_url(path: str) -> str:
    if not path or urlsplit(path).scheme:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def message_id(row: OutboxEmail) -> str:
    """The same for every attempt at one row, so a repeat at the SMTP boundary is recognisable."""
    host = urlsplit(settings.SITE_URL).hostname or "engage.invalid"
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:16]
    return f"<outbox-{row.pk}.{digest}@{host}>"


def send_pending(*, now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Send up to ``limit`` due outbox emails; returns how many the SMTP server accepted."""
    now = now or timezone.now()
    rows = _claim(now, limit)
    if not rows:
        return 0
    # Past its lease another sender may claim a row, and both would send it: what is not sent
    # by half-time (a slow server) is handed back for the next sweep instead.
    hand_back_at = time.monotonic() + _lease().total_seconds() / 2
    sent = 0
    connection = get_connection()
    try:
        for i, row in enumerate(rows):
            if time.monotonic() > hand_back_at:
                _hand_back(rows[i:])
                break
            sent += _send(row, connection, now)
    finally:
        connection.close()
    return sent


def send_all(*, budget_seconds: float = 60, limit: int = 100) -> int:
    """Send batches until nothing is due or the time budget is spent (the next sweep goes on)."""
    deadline = time.monotonic() + budget_seconds
    total = 0
    while time.monotonic() < deadline:
        sent = send_pending(limit=limit)
        total += sent
        if sent < limit:
            break
    return total


def _claim(now: datetime.datetime, limit: int) -> list[OutboxEmail]:
    with transaction.atomic():
        rows = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxEmail.State.PENDING, send_after__lte=now)
            .order_by("send_after", "pk")[:limit]
        )
        # A row that was claimed MAX_ATTEMPTS times without an answer keeps killing its
        # sender (or the sender keeps dying): stop trying rather than loop forever.
        spent = [row.pk for row in rows if row.attempts >= MAX_ATTEMPTS]
        if spent:
            OutboxEmail.objects.filter(pk__in=spent).update(
                state=OutboxEmail.State.FAILED,
                last_error=f"no outcome recorded after {MAX_ATTEMPTS} attempts")
        rows = [row for row in rows if row.attempts < MAX_ATTEMPTS]
        leased_until = now + _lease()
        OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            attempts=F("attempts") + 1, send_after=leased_until)
    for row in rows:
        row.attempts += 1
        row.send_after = leased_until
    return rows


def _send(row: OutboxEmail, connection, now: datetime.datetime) -> int:
    try:
        connection.open()  # no-op while the connection from the last row is open
        connection.send_messages([_message(row)])
    except (smtplib.SMTPException, OSError) as exc:
        connection.close()  # after an error the next row starts a fresh conversation
        _record_failure(row, exc, now)
        return 0
    OutboxEmail.objects.filter(pk=row.pk, state=OutboxEmail.State.PENDING).update(
        state=OutboxEmail.State.SENT, sent_at=timezone.now(), last_error="")
    return 1


def _hand_back(rows: list[OutboxEmail]) -> None:
    # Rows of one claim share their lease's end, which no later claim can have set.
    OutboxEmail.objects.filter(pk__in=[row.pk for row in rows], state=OutboxEmail.State.PENDING,
                               send_after=rows[0].send_after).update(
        send_after=timezone.now(), attempts=F("attempts") - 1)


def _message(row: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=row.subject, body=row.text, to=[row.to],
                                     headers={"Message-ID": message_id(row)})
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _record_failure(row: OutboxEmail, exc: Exception, now: datetime.datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        changes = {"state": OutboxEmail.State.FAILED}
        logger.error("Gave up on outbox email %s after %s attempts: %s",
                     row.pk, row.attempts, error)
    else:
        changes = {"send_after": now + backoff(row.attempts)}
        logger.warning("Outbox email %s attempt %s failed: %s", row.pk, row.attempts, error)
    # Only if nobody has claimed the row since (our lease may have run out meanwhile).
    OutboxEmail.objects.filter(pk=row.pk, state=OutboxEmail.State.PENDING,
                               attempts=row.attempts).update(last_error=error, **changes)
