"""One reminder tick in-process: the embedded default's stand-in for Celery beat and a worker.

Cron, every minute:
    * * * * * cd /srv/app && .venv/bin/python manage.py send_due_reminders
"""

from django.core.management.base import BaseCommand

from engage.dispatch import run_tick
from engage.models_notify import OutboxEmail
from engage.outbox import send_all


class Command(BaseCommand):
    help = "Plan and dispatch due reminders, write digests and send the email outbox, once."

    def handle(self, *args, **options) -> None:
        counts = run_tick(queue_send=False)
        sent = send_all()
        waiting = OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING).count()
        self.stdout.write(f"Dispatched {counts.dispatched} reminders, wrote {counts.digests} "
                          f"digests, sent {sent} emails; {waiting} emails waiting to be sent.")
