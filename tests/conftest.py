"""Personas (DESIGN.md §4): OPCC staff and PCC of force A, OPCC staff of force B, an APCC
lead, an admin, and anonymous. Force A is Lincolnshire, force B West Midlands."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from engage.models import Role, User
from engage.services import membership_grant
from forces.models import Force
from forces.reference import load_all

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference(db):
    """The public reference data. Migrations load it; a flushed transactional test reloads it."""
    if not Force.objects.exists():
        load_all(apps)


@pytest.fixture
def force_a(reference) -> Force:
    return Force.objects.get(slug="lincolnshire")


@pytest.fixture
def force_b(reference) -> Force:
    return Force.objects.get(slug="west-midlands")


def make_user(email: str, *, role: str | None = None, force: Force | None = None,
              superuser: bool = False) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title(),
                                    is_staff=superuser, is_superuser=superuser)
    if role:
        membership_grant(user=user, role=role, force=force)
    return user


@pytest.fixture
def opcc_a(force_a) -> User:
    return make_user("alice.opcc@example.org", role=Role.OPCC_STAFF, force=force_a)


@pytest.fixture
def pcc_a(force_a) -> User:
    return make_user("paula.pcc@example.org", role=Role.PCC, force=force_a)


@pytest.fixture
def opcc_b(force_b) -> User:
    return make_user("bob.opcc@example.org", role=Role.OPCC_STAFF, force=force_b)


@pytest.fixture
def apcc_lead(reference) -> User:
    user = make_user("lee.apcc@example.org", role=Role.APCC_LEAD)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def admin_user(reference) -> User:
    user = make_user("ada.admin@example.org", superuser=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def signed_in(user: User | None) -> Client:
    """A client signed in as ``user``, past the second factor where they have a device."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def personas(opcc_a, pcc_a, opcc_b, apcc_lead, admin_user) -> dict[str, User | None]:
    return {"anonymous": None, "opcc_a": opcc_a, "pcc_a": pcc_a, "opcc_b": opcc_b,
            "apcc_lead": apcc_lead, "admin": admin_user}
