import base64
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from engage.demo import DEMO_TOTP_SECRETS


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (DEBUG only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", choices=sorted(DEMO_TOTP_SECRETS))

    def handle(self, *args, email: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on.")
        key = base64.b32decode(DEMO_TOTP_SECRETS[email])
        self.stdout.write(f"{totp(key, t0=0, step=30, digits=6, drift=0):06d}")
        self.stdout.write(f"(valid for {30 - int(time.time()) % 30} more seconds)")
