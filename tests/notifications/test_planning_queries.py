"""Planning every force takes a fixed number of queries, however many things it plans for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engage.models import Reminder
from oversight.models import Action
from ppog.models import ReviewPoint
from tests.notifications.conftest import days, plan


def _queries(now=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        plan(now)
    return len(captured.captured_queries)


def _data(case, n: int) -> None:
    ReviewPoint.objects.bulk_create(
        [ReviewPoint(case=case, due=days(10 + i), expectation=f"e{i}") for i in range(n)])
    Action.objects.bulk_create(
        [Action(case=case, title=f"a{i}", owner="o", due=days(i % 9)) for i in range(n)])


@pytest.fixture
def world(everyone, case_a, case_b, slot_a, slot_b):
    return case_a, case_b


# On SQLite, bulk inserts go in batches of 999 parameters, so the first plan's count grows
# with its rows there; PostgreSQL takes them in one statement.
@pytest.mark.postgres
def test_the_first_plan_takes_as_many_queries_for_50_review_points_as_for_5(world):
    case_a, case_b = world
    _data(case_a, 5)
    few = _queries()
    Reminder.objects.all().delete()
    _data(case_b, 45)
    _data(case_a, 45)
    assert _queries() == few
    assert Reminder.objects.count() > 400


def test_replanning_takes_as_many_queries_for_50_review_points_as_for_5(world):
    case_a, _ = world
    _data(case_a, 5)
    plan()
    few = _queries()
    _data(case_a, 45)
    plan()
    assert _queries() == few
