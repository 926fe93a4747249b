"""The demo: fictional people and sign-ins, and three forces placed in Engage for illustration."""

from __future__ import annotations

import base64
import datetime

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from engage.audit import acting_as
from engage.models import Role, User
from engage.services import membership_grant
from oversight.demo import seed_case, seed_ppog
from forces.models import (
    Force,
    Grade,
    MonitoringPeriod,
    PeelArea,
    PeelAssessment,
    PeelCycle,
    PeelGrade,
    PostHolder,
)

DEMO_PASSWORD = "engage-demo-password"
# Fixed so that a newcomer can add the demo devices to an authenticator app once.
DEMO_TOTP_SECRETS = {
    "admin@example.org": "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
    "apcc.lead@example.org": "JJ2W24DTEBXXMZLSEB2GQZJANRQXU6JA",
}
DEMO_FORCES = ["lincolnshire", "west-midlands", "northamptonshire"]
# A force with no open Engage period in the public history gets an illustrative one.
ILLUSTRATIVE_ENTRY = datetime.date(2025, 9, 1)

PEOPLE = {
    "lincolnshire": {"opcc": "Priya Castell", "pcc": "Daniel Ashworth",
                     "cc": "Helen Marlow", "hmi": "Robert Fenwick", "fll": "Sunita Vale"},
    "west-midlands": {"opcc": "Owen Pritchard", "pcc": "Grace Olubi",
                      "cc": "Marcus Trent", "hmi": "Eleanor Brook", "fll": "Tom Keating"},
    "northamptonshire": {"opcc": "Leah Donovan", "pcc": "Imran Shah",
                         "cc": "Carys Wynne", "hmi": "Eleanor Brook", "fll": "Jamie Holt"},
}
GRADE_PATTERN = [Grade.ADEQUATE, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE, Grade.GOOD,
                 Grade.REQUIRES_IMPROVEMENT, Grade.ADEQUATE, Grade.INADEQUATE, Grade.ADEQUATE,
                 Grade.REQUIRES_IMPROVEMENT]


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name,
                                        is_staff=superuser, is_superuser=superuser)
    return user


def _totp(user: User) -> None:
    secret = DEMO_TOTP_SECRETS[user.email]
    key = base64.b32decode(secret).hex()
    TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": key, "confirmed": True}
    )


def _people(force: Force, names: dict[str, str]) -> None:
    for post, key in [(PostHolder.Post.CHIEF_CONSTABLE, "cc"), (PostHolder.Post.PCC, "pcc"),
                      (PostHolder.Post.HMI, "hmi"), (PostHolder.Post.FLL, "fll")]:
        PostHolder.objects.get_or_create(
            force=force, post=post, name=names[key],
            defaults={"start": datetime.date(2023, 5, 1), "is_illustrative": True},
        )


def _engage(force: Force) -> None:
    if not force.monitoring_periods.filter(status="engage", end__isnull=True).exists():
        MonitoringPeriod.objects.create(
            force=force, status="engage", start=ILLUSTRATIVE_ENTRY, start_precision="month",
            is_illustrative=True, note="Illustrative demo period: not a public fact.",
        )


def _peel(force: Force) -> None:
    for cycle in PeelCycle.objects.all():
        assessment, made = PeelAssessment.objects.get_or_create(
            force=force, cycle=cycle,
            defaults={"published": datetime.date(cycle.starts + 1, 3, 1), "is_illustrative": True},
        )
        if made:
            areas = PeelArea.objects.filter(cycle=cycle).order_by("order")
            PeelGrade.objects.bulk_create(
                PeelGrade(assessment=assessment, area=area,
                          grade=GRADE_PATTERN[(i + len(force.slug)) % len(GRADE_PATTERN)])
                for i, area in enumerate(areas)
            )


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create (or top up) the demo. Returns (email, role) for every demo sign-in."""
    accounts = []
    with acting_as(None):
        admin = _user("admin@example.org", "Sam Admin", superuser=True)
        _totp(admin)
        accounts.append((admin.email, "Admin"))
        lead = _user("apcc.lead@example.org", "Jordan Fairley")
        membership_grant(user=lead, role=Role.APCC_LEAD)
        _totp(lead)
        accounts.append((lead.email, "APCC performance lead"))
        cases, authors = [], {}
        for slug in DEMO_FORCES:
            force = Force.objects.get(slug=slug)
            names = PEOPLE[slug]
            opcc = _user(f"opcc.{slug}@example.org", names["opcc"])
            membership_grant(user=opcc, role=Role.OPCC_STAFF, force=force)
            pcc = _user(f"pcc.{slug}@example.org", names["pcc"])
            membership_grant(user=pcc, role=Role.PCC, force=force)
            accounts += [(opcc.email, f"OPCC staff, {force}"), (pcc.email, f"PCC, {force}")]
            _people(force, names)
            _engage(force)
            _peel(force)
            cases.append(seed_case(force, opcc, PEOPLE[slug], datetime.date.today()))
            authors[force.pk] = opcc
        seed_ppog(cases, authors, datetime.date.today())
    return accounts
