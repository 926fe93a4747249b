"""The learning library (the toolkit's case studies and shared debriefs) and the post-Engage
debrief the APCC records when a force returns to Scan."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps

from forces.models import Force, MonitoringPeriod, PeelArea
from oversight import case_studies
from oversight.models import CaseStudy, CauseOfConcern, Debrief, EngageCase
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY

LIBRARY = "/apcc/learning/"
TOOLKIT_FORCES = ["Cleveland Police", "Gloucestershire Constabulary",
                  "Greater Manchester Police", "Humberside Police"]


@pytest.fixture
def studies(reference):
    """The data migration loads them; a run that flushed the database loads them again."""
    case_studies.load(apps)
    return CaseStudy.objects.all()


@pytest.fixture
def closed_case(reference) -> EngageCase:
    """Kent: a case kept through an Engage period that ended last month."""
    kent = Force.objects.get(slug="kent")
    period = MonitoringPeriod.objects.create(force=kent, start=TODAY - datetime.timedelta(days=600),
                                             end=TODAY - datetime.timedelta(days=30))
    case = EngageCase.objects.create(force=kent, period=period)
    CauseOfConcern.objects.create(case=case, title="Calls", wording="w", raised=period.start,
                                  peel_area=PeelArea.objects.get(cycle__name="2023–25",
                                                                 name="Responding to the public"))
    return case


def results(client, query: str = "", **headers) -> str:
    response = client.get(f"{LIBRARY}{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_migration_loads_the_four_toolkit_case_studies(reference):
    assert sorted(CaseStudy.objects.values_list("force__name", flat=True)) == TOOLKIT_FORCES
    for study in CaseStudy.objects.all():
        assert study.source == "APCC Engage Toolkit (May 2024)"
        assert study.published and study.summary and study.body and study.exit_themes


def test_loading_again_adds_nothing_and_keeps_the_apccs_edits(studies):
    CaseStudy.objects.filter(force__slug="cleveland").update(summary="Edited by the APCC")
    assert case_studies.load(apps) == 0
    assert CaseStudy.objects.count() == 4
    assert CaseStudy.objects.get(force__slug="cleveland").summary == "Edited by the APCC"


def test_their_tags_are_exit_theme_keys_and_peel_area_names(studies):
    from oversight.models import ExitTheme

    areas = set(PeelArea.objects.values_list("name", flat=True))
    for study in studies:
        assert set(study.exit_themes) <= set(ExitTheme.values)
        assert set(study.concern_areas) <= areas


@pytest.mark.parametrize("persona", ["opcc_a", "pcc_a", "opcc_b", "apcc_lead", "admin_user"])
def test_every_signed_in_person_reads_the_library(persona, request, studies):
    client = signed_in(request.getfixturevalue(persona))
    page = results(client)
    assert "4 results" in page
    for name in TOOLKIT_FORCES:
        assert name in page
    study = studies.get(force__slug="gloucestershire")
    detail = client.get(f"{LIBRARY}{study.pk}/")
    assert detail.status_code == 200
    assert "Humberside Police" in detail.content.decode()  # the peer review of the control room


def test_only_the_apcc_sees_the_button_to_add_a_case_study(opcc_a, apcc_lead, studies):
    assert "Add a case study" not in results(signed_in(opcc_a))
    assert "Add a case study" in results(signed_in(apcc_lead))


def test_it_searches_the_text(pcc_a, studies):
    page = results(signed_in(pcc_a), "?q=PwC")
    assert "1 result for this search" in page and "Greater Manchester Police" in page
    assert "Cleveland Police" not in page


def test_it_filters_by_exit_theme_and_area(pcc_a, studies):
    page = results(signed_in(pcc_a), "?theme=help")
    assert "1 result" in page and "Gloucestershire Constabulary" in page
    page = results(signed_in(pcc_a), "?area=Preventing+crime")
    assert "1 result" in page and "Cleveland Police" in page
    page = results(signed_in(pcc_a), "?theme=leadership&area=Recording+data+about+crime")
    assert "1 result" in page and "Greater Manchester Police" in page


def test_an_unknown_filter_value_is_ignored(pcc_a, studies):
    assert "4 results" in results(signed_in(pcc_a), "?theme=nonsense")


def test_htmx_gets_only_the_results(pcc_a, studies):
    response = signed_in(pcc_a).get(f"{LIBRARY}?q=Niche", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="learning-results"')
    assert "Gloucestershire Constabulary" in body and "<h1" not in body
    assert "HX-Request" in response["Vary"]


def test_an_unpublished_study_is_hidden_from_offices(opcc_a, apcc_lead, studies):
    study = studies.get(force__slug="humberside")
    CaseStudy.objects.filter(pk=study.pk).update(published=False)
    assert "Humberside Police" not in results(signed_in(opcc_a))
    assert signed_in(opcc_a).get(f"{LIBRARY}{study.pk}/").status_code == 404
    assert signed_in(apcc_lead).get(f"{LIBRARY}{study.pk}/").status_code == 200


def test_an_apcc_lead_adds_a_case_study(apcc_lead, studies):
    response = signed_in(apcc_lead).post("/apcc/learning/new/", {
        "force": Force.objects.get(slug="nottinghamshire").pk, "title": "Nottinghamshire",
        "summary": "Left Engage in 14 months.", "exit_themes": ["basics", "honesty"],
        "concern_areas": ["Investigating crime"], "source": "APCC debrief", "published": "on"})
    study = CaseStudy.objects.get(title="Nottinghamshire")
    assert response.status_code == 302 and response["Location"] == f"{LIBRARY}{study.pk}/"
    assert study.exit_themes == ["basics", "honesty"]
    assert study.concern_areas == ["Investigating crime"]
    assert "Nottinghamshire" in results(signed_in(apcc_lead), "?theme=honesty")


def test_an_empty_case_study_is_refused(apcc_lead, studies):
    response = signed_in(apcc_lead).post("/apcc/learning/new/", {})
    assert response.status_code == 422
    assert "Enter a title" in response.content.decode()


@pytest.mark.parametrize("persona", ["opcc_a", "pcc_a"])
def test_offices_and_pccs_may_not_add_case_studies(persona, request, studies):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get("/apcc/learning/new/").status_code == 403
    assert client.post("/apcc/learning/new/", {"title": "x"}).status_code == 403
    assert CaseStudy.objects.count() == 4


def test_the_library_rejects_other_methods(opcc_a, studies):
    assert signed_in(opcc_a).post(LIBRARY).status_code == 405


# The post-Engage debrief ---------------------------------------------------------------------

DEBRIEF = "/apcc/forces/kent/debrief/"


def debrief_data(**fields) -> dict:
    return {"what_helped": "An honest plan agreed early with HMICFRS",
            "advice": "Ask for thresholds",
            "exit_themes": ["honesty", "help"], "share": "on",
            "recorded_on": TODAY.isoformat(), **fields}


def test_an_apcc_lead_records_the_debrief_of_a_force_that_left(apcc_lead, closed_case):
    client = signed_in(apcc_lead)
    assert client.get(DEBRIEF).status_code == 200
    response = client.post(DEBRIEF, debrief_data())
    assert response.status_code == 302 and response["Location"] == "/apcc/forces/kent/"
    debrief = Debrief.objects.get(case=closed_case)
    assert (debrief.what_helped, debrief.exit_themes, debrief.share, debrief.recorded_by) == (
        "An honest plan agreed early with HMICFRS", ["honesty", "help"], True, apcc_lead)


def test_recording_again_changes_the_same_debrief(apcc_lead, closed_case):
    client = signed_in(apcc_lead)
    client.post(DEBRIEF, debrief_data())
    client.post(DEBRIEF, debrief_data(what_helped="A new Chief Constable"))
    assert Debrief.objects.get().what_helped == "A new Chief Constable"


def test_the_force_page_and_the_dashboard_lead_to_the_debrief(apcc_lead, closed_case):
    client = signed_in(apcc_lead)
    assert "Record the debrief" in client.get("/apcc/forces/kent/").content.decode()
    recent = client.get("/apcc/").content.decode().split("Returned to Scan in the last year")[1]
    assert "Kent Police" in recent and DEBRIEF in recent


def test_a_force_still_in_engage_has_no_debrief_yet(apcc_lead, force_a):
    EngageCase.objects.create(force=force_a, period=force_a.monitoring_periods.get(
        end__isnull=True))
    assert signed_in(apcc_lead).get("/apcc/forces/lincolnshire/debrief/").status_code == 404
    assert signed_in(apcc_lead).post("/apcc/forces/lincolnshire/debrief/",
                                     debrief_data()).status_code == 404


def test_a_debrief_needs_what_helped(apcc_lead, closed_case):
    response = signed_in(apcc_lead).post(DEBRIEF, {})
    assert response.status_code == 422
    assert "Enter what helped the force leave Engage" in response.content.decode()


def test_a_shared_debrief_appears_in_the_library_and_its_search(opcc_a, apcc_lead, closed_case,
                                                                studies):
    signed_in(apcc_lead).post(DEBRIEF, debrief_data())
    page = results(signed_in(opcc_a), "?q=agreed+early")
    assert "1 result" in page and "Post-Engage debrief" in page and "Kent Police" in page
    assert "Ask for thresholds" in page
    assert "Kent Police" in results(signed_in(opcc_a), "?area=Responding+to+the+public")
    assert "Kent Police" in results(signed_in(opcc_a), "?theme=honesty")


def test_a_debrief_not_to_be_shared_stays_out_of_the_library(opcc_a, apcc_lead, closed_case,
                                                             studies):
    data = debrief_data()
    del data["share"]
    signed_in(apcc_lead).post(DEBRIEF, data)
    assert Debrief.objects.get().share is False
    assert "Kent Police" not in results(signed_in(opcc_a))
