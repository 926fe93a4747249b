import datetime

import pytest

from oversight.models import EngageCase
from ppog.models import Meeting
from ppog.services import slot_add

TODAY = datetime.date.today()


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
    return Meeting.objects.create(date=TODAY - datetime.timedelta(days=7), place="London")


@pytest.fixture
def slot_a(meeting, case_a, opcc_a):
    return slot_add(actor=opcc_a, meeting=meeting, case=case_a)


@pytest.fixture
def slot_b(meeting, case_b, opcc_b):
    return slot_add(actor=opcc_b, meeting=meeting, case=case_b)
