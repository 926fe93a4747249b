from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engage import demo


class Command(BaseCommand):
    help = "Create the demo sign-ins and demo cases (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates known passwords.")
        accounts = demo.seed()
        out = self.stdout
        out.write("")
        out.write("Demo sign-ins (password for all: %s)" % demo.DEMO_PASSWORD)
        for email, role in accounts:
            out.write(f"  {email:<40} {role}")
        out.write("")
        out.write("Admins and APCC leads also need a code from an authenticator app.")
        out.write("Add these secrets to one (TOTP, 6 digits, 30 seconds):")
        for email, secret in demo.DEMO_TOTP_SECRETS.items():
            out.write(f"  {email:<40} {secret}")
        out.write("Or print the current code: python manage.py demo_code admin@example.org")
        out.write("")
