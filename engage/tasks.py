"""Celery tasks. They take no ids: the database rows are the truth, so a task message that
arrives twice, late, or never (a flushed broker) changes nothing the next tick won't put right."""

from __future__ import annotations

import dataclasses

from celery import shared_task

from engage.dispatch import run_tick
from engage.outbox import send_all


@shared_task(name="engage.ping")
def ping() -> str:
    """Health task: proves a worker takes work from the broker and answers."""
    return "pong"


@shared_task(name="engage.dispatch_tick", acks_late=True)
def dispatch_tick() -> dict:
    """Beat, every minute: plan reminders, dispatch the due ones, write digests."""
    return dataclasses.asdict(run_tick())


@shared_task(name="engage.send_outbox", acks_late=True)
def send_outbox() -> int:
    """Queued when a dispatch commits, and every minute as a sweep: send the due outbox.
    Failed emails carry their own backoff in their rows, so the task never retries itself."""
    return send_all()
