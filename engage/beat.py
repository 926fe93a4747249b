"""Celery beat's schedule. settings.py: ``CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE``.

A tick message is worth nothing once the next one is due, so each expires after one
interval: a worker that was down comes back to one tick, not a backlog of them.
"""

from __future__ import annotations


def beat_schedule(every: float = 60.0) -> dict:
    return {
        "dispatch-reminders": {"task": "engage.dispatch_tick", "schedule": every,
                               "options": {"expires": every}},
        "send-outbox": {"task": "engage.send_outbox", "schedule": every,
                        "options": {"expires": every}},
    }


BEAT_SCHEDULE = beat_schedule()
