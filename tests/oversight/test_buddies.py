"""Buddy suggestions on crafted PEEL grades, and recording a pairing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from forces.models import Force, Grade, PeelArea, PeelAssessment, PeelCycle, PeelGrade
from oversight import buddies
from oversight.buddies import suggest_buddies
from oversight.models import BuddyPairing, CauseOfConcern
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY

RESPONDING = "Responding to the public"
INVESTIGATING = "Investigating crime"
CURRENT, PREVIOUS = "2023–25", "2021/22"


def grade(slug: str, area: str, value: int, cycle: str = CURRENT) -> None:
    cycle_obj = PeelCycle.objects.get(name=cycle)
    assessment, _ = PeelAssessment.objects.get_or_create(force=Force.objects.get(slug=slug),
                                                         cycle=cycle_obj)
    PeelGrade.objects.create(assessment=assessment, grade=value,
                             area=PeelArea.objects.get(cycle=cycle_obj, name=area))


def concern(case, area: str, **fields) -> CauseOfConcern:
    return CauseOfConcern.objects.create(
        case=case, title=f"Concern in {area}", wording="w", raised=datetime.date(2025, 1, 1),
        peel_area=PeelArea.objects.get(cycle__name=CURRENT, name=area), **fields)


@pytest.fixture
def candidates(case_a):
    """Lincolnshire (force A) has an open concern in Responding to the public."""
    concern(case_a, RESPONDING)
    grade("cleveland", RESPONDING, Grade.OUTSTANDING)        # outstanding, left Engage 2023
    grade("gloucestershire", RESPONDING, Grade.GOOD)         # good, left Engage 2023
    grade("durham", RESPONDING, Grade.OUTSTANDING)           # outstanding, never in Engage
    grade("dorset", RESPONDING, Grade.GOOD)                  # good, never in Engage
    grade("west-midlands", RESPONDING, Grade.GOOD)           # good, but in Engage itself
    grade("kent", RESPONDING, Grade.INADEQUATE)              # inadequate
    grade("surrey", RESPONDING, Grade.ADEQUATE)              # only adequate
    return case_a


def test_it_suggests_good_and_outstanding_forces_outside_engage_exited_first(candidates):
    suggestions = suggest_buddies(candidates.force, on=TODAY)
    assert [s.force.slug for s in suggestions] == [
        "cleveland", "gloucestershire", "durham", "dorset"]


def test_each_suggestion_says_why(candidates):
    reasons = {s.force.slug: s.reason for s in suggest_buddies(candidates.force, on=TODAY)}
    assert reasons["cleveland"] == (
        "Outstanding in Responding to the public (PEEL 2023–25); exited Engage in September 2023")
    assert reasons["gloucestershire"] == (
        "Good in Responding to the public (PEEL 2023–25); exited Engage in September 2023")
    assert reasons["dorset"] == (
        "Good in Responding to the public (PEEL 2023–25); no Engage period on record")


def test_forces_strong_in_more_of_the_areas_come_first(candidates):
    concern(candidates, INVESTIGATING)
    grade("dorset", INVESTIGATING, Grade.GOOD)
    suggestions = suggest_buddies(candidates.force, on=TODAY)
    assert suggestions[0].force.slug == "dorset"
    assert suggestions[0].reason.startswith(
        "Good in Investigating crime, good in Responding to the public (PEEL 2023–25)")


def test_only_the_latest_assessment_counts_and_names_match_across_cycles(candidates):
    # Suffolk was good in 2021/22 and has no later assessment: the same area name counts.
    grade("suffolk", RESPONDING, Grade.GOOD, cycle=PREVIOUS)
    # Dyfed-Powys was good in 2021/22 but requires improvement in 2023–25: it no longer counts.
    grade("dyfed-powys", RESPONDING, Grade.GOOD, cycle=PREVIOUS)
    grade("dyfed-powys", RESPONDING, Grade.REQUIRES_IMPROVEMENT)
    suggestions = {s.force.slug: s for s in suggest_buddies(candidates.force, limit=10, on=TODAY)}
    assert "dyfed-powys" not in suggestions
    assert suggestions["suffolk"].reason.startswith(
        "Good in Responding to the public (PEEL 2021/22)")


def test_discharged_concerns_and_concerns_without_an_area_are_not_matched(case_a):
    concern(case_a, RESPONDING, status="discharged", discharged=datetime.date(2025, 6, 1))
    CauseOfConcern.objects.create(case=case_a, title="No area", wording="w",
                                  raised=datetime.date(2025, 1, 1))
    grade("durham", RESPONDING, Grade.OUTSTANDING)
    assert suggest_buddies(case_a.force, on=TODAY) == []


def test_a_force_already_paired_is_not_suggested_again(candidates):
    BuddyPairing.objects.create(force=candidates.force, buddy=Force.objects.get(slug="cleveland"),
                                started=TODAY)
    slugs = [s.force.slug for s in suggest_buddies(candidates.force, on=TODAY)]
    assert "cleveland" not in slugs and slugs[0] == "gloucestershire"


def test_it_keeps_to_the_limit(candidates):
    assert len(suggest_buddies(candidates.force, limit=2, on=TODAY)) == 2


def test_the_apcc_force_page_shows_the_suggestions_and_why(apcc_lead, candidates):
    page = signed_in(apcc_lead).get("/apcc/forces/lincolnshire/").content.decode()
    assert "Cleveland Police" in page
    assert "Outstanding in Responding to the public (PEEL 2023–25); exited Engage in " \
           "September 2023" in page
    assert "/apcc/forces/lincolnshire/buddies/new/?buddy=cleveland" in page
    assert "Kent" not in page.split("Suggested buddies")[1]


# Recording a pairing -------------------------------------------------------------------------

def test_a_suggestion_fills_in_the_form(apcc_lead, candidates):
    page = signed_in(apcc_lead).get(
        "/apcc/forces/lincolnshire/buddies/new/?buddy=cleveland").content.decode()
    cleveland = Force.objects.get(slug="cleveland")
    assert f'<option value="{cleveland.pk}" selected>' in page
    assert "exited Engage in September 2023</textarea>" in page


def test_an_apcc_lead_records_a_pairing(apcc_lead, candidates):
    durham = Force.objects.get(slug="durham")
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/buddies/new/", {
        "buddy": durham.pk, "reason": "Strong in calls", "started": TODAY.isoformat()})
    assert response.status_code == 302
    pairing = BuddyPairing.objects.get(force=candidates.force)
    assert (pairing.buddy, pairing.reason, pairing.started, pairing.recorded_by) == (
        durham, "Strong in calls", TODAY, apcc_lead)


def test_the_form_refuses_a_force_in_engage(apcc_lead, candidates, force_b):
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/buddies/new/", {
        "buddy": force_b.pk, "started": TODAY.isoformat()})
    assert response.status_code == 422
    assert not BuddyPairing.objects.exists()


def test_the_service_refuses_the_force_itself(apcc_lead, force_a):
    with pytest.raises(ValidationError, match="cannot buddy itself"):
        buddies.buddy_pair(actor=apcc_lead, force=force_a, buddy=force_a, reason="",
                        started=TODAY)


def test_the_service_refuses_a_force_in_engage(apcc_lead, force_a, force_b):
    with pytest.raises(ValidationError, match="is in Engage itself"):
        buddies.buddy_pair(actor=apcc_lead, force=force_a, buddy=force_b, reason="",
                        started=TODAY)


def test_the_service_refuses_the_same_pairing_twice(apcc_lead, force_a):
    durham = Force.objects.get(slug="durham")
    buddies.buddy_pair(actor=apcc_lead, force=force_a, buddy=durham, reason="", started=TODAY)
    with pytest.raises(ValidationError, match="already buddies"):
        buddies.buddy_pair(actor=apcc_lead, force=force_a, buddy=durham, reason="",
                        started=TODAY)


def test_only_apcc_leads_and_admins_may_pair(opcc_a, force_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        buddies.buddy_pair(actor=opcc_a, force=force_a, buddy=Force.objects.get(slug="durham"),
                        reason="", started=TODAY)


def test_an_empty_form_shows_its_errors(apcc_lead, force_a):
    response = signed_in(apcc_lead).post("/apcc/forces/lincolnshire/buddies/new/", {})
    assert response.status_code == 422
    assert "Choose the buddy force" in response.content.decode()
