import datetime

import pytest

from oversight.models import Action, CauseOfConcern, EngageCase, Recommendation

TODAY = datetime.date.today()


@pytest.fixture
def case_a(force_a) -> EngageCase:
    return EngageCase.objects.create(
        force=force_a, period=force_a.monitoring_periods.get(end__isnull=True),
        hmi_name="Robin Example", letter_summary="Calls and crime recording")


@pytest.fixture
def case_b(force_b) -> EngageCase:
    return EngageCase.objects.create(
        force=force_b, period=force_b.monitoring_periods.get(end__isnull=True))


@pytest.fixture
def concern_a(case_a) -> CauseOfConcern:
    return CauseOfConcern.objects.create(
        case=case_a, reference="CoC 1", title="Answering 999 calls",
        wording="The force does not answer emergency calls quickly enough.",
        raised=datetime.date(2025, 1, 10))


@pytest.fixture
def rec_a(concern_a) -> Recommendation:
    return Recommendation.objects.create(concern=concern_a, reference="1.1",
                                         text="Answer 999 calls within 10 seconds.")


@pytest.fixture
def concern_b(case_b) -> CauseOfConcern:
    return CauseOfConcern.objects.create(
        case=case_b, reference="CoC 1", title="Force B secret concern marker",
        wording="Force B wording", raised=datetime.date(2024, 1, 1))


def make_action(case, n: int = 1, **fields) -> Action:
    defaults = {"reference": f"A{n}", "title": f"Action {n}", "owner": "Head of Contact",
                "due": TODAY + datetime.timedelta(days=10 * n), "status": "on_track"}
    return Action.objects.create(case=case, **{**defaults, **fields})


@pytest.fixture
def action_a(case_a, concern_a) -> Action:
    action = make_action(case_a)
    action.concerns.add(concern_a)
    return action


@pytest.fixture
def action_b(case_b, concern_b) -> Action:
    return make_action(case_b, title="Force B action marker")
