"""Writes for accounts: signing in with lockout, second-factor devices, memberships."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from engage.models import Membership, Role, User


class AccountLocked(Exception):
    def __init__(self, until: datetime.datetime):
        super().__init__(f"locked until {until}")
        self.until = until


def sign_in_check(*, request, email: str, password: str) -> User | None:
    """The user if the password is right; counts failures per account and locks after the limit.

    The count is kept on the account, not the client address, so rotating a forged
    X-Forwarded-For header changes nothing.
    """
    email = email.strip().lower()
    account = User.objects.filter(email=email).first()
    now = timezone.now()
    if account and account.locked_until and account.locked_until > now:
        raise AccountLocked(account.locked_until)
    user = authenticate(request, username=email, password=password)
    if user is not None:
        if user.failed_login_attempts or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_login_attempts=0, locked_until=None)
        return user
    if account is not None:
        _count_failure(account, now)
    return None


def _count_failure(account: User, now: datetime.datetime) -> None:
    """Count one failure; the count is incremented in the database so parallel tries all count."""
    until = None
    with transaction.atomic():
        User.objects.filter(pk=account.pk).update(
            failed_login_attempts=F("failed_login_attempts") + 1
        )
        account.refresh_from_db(fields=["failed_login_attempts"])
        if account.failed_login_attempts >= settings.LOGIN_FAILURE_LIMIT:
            until = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=account.pk).update(locked_until=until, failed_login_attempts=0)
    if until is not None:
        raise AccountLocked(until)


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, device: TOTPDevice, token: str) -> None:
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": "The code is wrong or has expired: enter the code the app shows now"})
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def membership_grant(*, user: User, role: str, force=None) -> Membership:
    if role == Role.APCC_LEAD and force is not None:
        raise ValidationError("An APCC lead is not a member of one force")
    if role != Role.APCC_LEAD and force is None:
        raise ValidationError("OPCC staff and PCCs belong to a force")
    membership, _ = Membership.objects.get_or_create(user=user, role=role, force=force)
    return membership
