from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from engage.audit import acting_as
from forces.reference import load_all


class Command(BaseCommand):
    help = "Load the public reference data (forces, Engage history, bodies, PEEL areas). Idempotent."

    def handle(self, *args, **options) -> None:
        with transaction.atomic(), acting_as(None):
            counts = load_all(apps)
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Reference data: added {summary}.")
