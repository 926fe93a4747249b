"""Cases for forces A and B, a PPOG meeting with a slot for each, and helpers for planning.

Dates are relative to today; ``at(day, hour)`` is that hour in London, so each test plans
"as of" a moment it chooses."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from engage import middleware
from engage.models import Reminder
from engage.reminder_plan import LONDON, plan_reminders
from oversight.models import EngageCase
from ppog.models import Meeting
from ppog.services import slot_add

TODAY = timezone.localdate(timezone.now(), LONDON)
NOTIFY_CONTEXT = "engage.notify_context.notification_count"
UNSUBSCRIBE_PATH = "/notifications/unsubscribe/"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def plan(now: datetime.datetime | None = None):
    return plan_reminders(now or at(TODAY))


def pending(user, kind: str | None = None) -> list[Reminder]:
    rows = Reminder.objects.filter(user=user, state=Reminder.State.PENDING)
    return list(rows.filter(kind=kind) if kind else rows.order_by("due_at", "key"))


def keys(user, kind: str | None = None, state: str = "pending") -> set[str]:
    rows = Reminder.objects.filter(user=user, state=state)
    return set((rows.filter(kind=kind) if kind else rows).values_list("key", flat=True))


@pytest.fixture(autouse=True)
def routes(settings):
    """The project's URLs with this feature's spliced in (see tests/notifications/urls.py)."""
    settings.ROOT_URLCONF = "tests.notifications.urls"


def badge(user) -> str:
    """The header's badge as base.html includes it, for ``user``."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from engage.notify_context import notification_count

    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("components/notification_badge.html",
                            {**notification_count(request), "user": user})


@pytest.fixture
def case_a(force_a) -> EngageCase:
    return EngageCase.objects.create(force=force_a,
                                     period=force_a.monitoring_periods.get(end__isnull=True))


@pytest.fixture
def case_b(force_b) -> EngageCase:
    return EngageCase.objects.create(force=force_b,
                                     period=force_b.monitoring_periods.get(end__isnull=True))


@pytest.fixture
def meeting(db) -> Meeting:
    return Meeting.objects.create(date=days(30), place="Church House, London")


@pytest.fixture
def slot_a(meeting, case_a, opcc_a):
    return slot_add(actor=opcc_a, meeting=meeting, case=case_a)


@pytest.fixture
def slot_b(meeting, case_b, opcc_b):
    return slot_add(actor=opcc_b, meeting=meeting, case=case_b)


@pytest.fixture
def everyone(opcc_a, pcc_a, opcc_b, apcc_lead, admin_user) -> dict:
    return {"opcc_a": opcc_a, "pcc_a": pcc_a, "opcc_b": opcc_b, "apcc_lead": apcc_lead,
            "admin": admin_user}


@pytest.fixture
def wired(settings, monkeypatch):
    """The three lines the integrator adds to others' files, for as long as they are missing:
    the context processor, and unsubscribe as an open path. Once added, this changes nothing."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if NOTIFY_CONTEXT not in processors:
        options = {**settings.TEMPLATES[0]["OPTIONS"],
                   "context_processors": [*processors, NOTIFY_CONTEXT]}
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": options}]
    if not any(UNSUBSCRIBE_PATH.startswith(p) for p in middleware.OPEN_PATHS):
        monkeypatch.setattr(middleware, "OPEN_PATHS", (*middleware.OPEN_PATHS, UNSUBSCRIBE_PATH))
