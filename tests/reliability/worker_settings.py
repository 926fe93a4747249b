"""Settings for the worker and beat processes of the fault tests: the project's own, with the
waits shortened, a queue of this run's own, and the planner off (these tests make their own
reminders; the planner would cancel them as not called for by any data)."""

import os

from engage.beat import beat_schedule
from engage.settings import *  # noqa: F403

OUTBOX_BACKOFF_SECONDS = float(os.environ["TEST_OUTBOX_BACKOFF_SECONDS"])
OUTBOX_LEASE_SECONDS = float(os.environ["TEST_OUTBOX_LEASE_SECONDS"])
REMINDER_PLANNER = None
CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_QUEUE"]
CELERY_BEAT_SCHEDULE = beat_schedule(float(os.environ["TEST_TICK_SECONDS"]))
