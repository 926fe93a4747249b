import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.models import Action, ProgressUpdate
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY, make_action

PLAN = "/forces/lincolnshire/plan/"


def test_the_plan_lists_actions_with_rag_in_words(opcc_a, action_a, case_a):
    make_action(case_a, 2, title="Train call handlers", status="at_risk")
    make_action(case_a, 3, title="Late one", due=TODAY - datetime.timedelta(days=3))
    body = signed_in(opcc_a).get(PLAN).content.decode()
    assert "3 actions" in body
    assert "Amber – at risk" in body and "Red – overdue" in body and "Green – on track" in body


def test_it_filters_by_concern_owner_status_and_overdue(opcc_a, case_a, concern_a, action_a):
    make_action(case_a, 2, title="Owned elsewhere", owner="Head of Crime", status="at_risk")
    make_action(case_a, 3, title="Overdue one", due=TODAY - datetime.timedelta(days=3))
    client = signed_in(opcc_a)
    assert "Owned elsewhere" not in client.get(f"{PLAN}?concern={concern_a.pk}").content.decode()
    body = client.get(f"{PLAN}?owner=Head+of+Crime").content.decode()
    assert "Owned elsewhere" in body and "Action 1" not in body
    body = client.get(f"{PLAN}?status=at_risk").content.decode()
    assert "1 action<" in body
    body = client.get(f"{PLAN}?overdue=on").content.decode()
    assert "Overdue one" in body and "Owned elsewhere" not in body


def test_it_sorts_by_due_date_both_ways(opcc_a, case_a):
    make_action(case_a, 1, title="Sooner")
    make_action(case_a, 5, title="Later")
    client = signed_in(opcc_a)
    body = client.get(f"{PLAN}?sort=due").content.decode()
    assert body.index("Sooner") < body.index("Later")
    body = client.get(f"{PLAN}?sort=-due").content.decode()
    assert body.index("Later") < body.index("Sooner")


def test_htmx_gets_only_the_results(opcc_a, action_a):
    response = signed_in(opcc_a).get(f"{PLAN}?status=on_track", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="plan-results"')
    assert "HX-Request" in response["Vary"]


def test_status_changes_in_place_with_htmx(opcc_a, action_a):
    response = signed_in(opcc_a).post(
        f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/",
        {"status": "at_risk", "version": action_a.version}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr class="govuk-table__row" id="action-{action_a.pk}"')
    assert "Amber – at risk" in body and "Saved" in body
    action_a.refresh_from_db()
    assert action_a.status == "at_risk" and action_a.version == 2


def test_status_changes_without_javascript_redirect_back(opcc_a, action_a):
    response = signed_in(opcc_a).post(
        f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/",
        {"status": "complete", "version": 1, "next": "/forces/lincolnshire/plan/?status=complete"})
    assert response.status_code == 302
    assert response["Location"] == "/forces/lincolnshire/plan/?status=complete"
    action_a.refresh_from_db()
    assert action_a.status == "complete" and action_a.completed == TODAY


def test_an_off_site_next_is_ignored(opcc_a, action_a):
    response = signed_in(opcc_a).post(
        f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/",
        {"status": "complete", "version": 1, "next": "https://evil.example.com/"})
    assert response["Location"] == "/forces/lincolnshire/plan/"


def test_a_stale_status_change_is_refused_and_says_what_changed(opcc_a, action_a):
    client = signed_in(opcc_a)
    url = f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/"
    client.post(url, {"status": "at_risk", "version": 1}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"status": "complete", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "changed this while you were editing" in response.content.decode()
    action_a.refresh_from_db()
    assert action_a.status == "at_risk"


def test_an_unknown_status_is_refused(opcc_a, action_a):
    response = signed_in(opcc_a).post(
        f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/",
        {"status": "sideways", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    action_a.refresh_from_db()
    assert action_a.status == "on_track"


def test_readers_cannot_change_status(pcc_a, apcc_lead, action_a):
    for user in (pcc_a, apcc_lead):
        response = signed_in(user).post(
            f"/forces/lincolnshire/plan/actions/{action_a.pk}/status/", {"status": "complete",
                                                                          "version": 1})
        assert response.status_code == 403


def test_adding_an_action_linked_to_a_concern_and_recommendation(opcc_a, concern_a, rec_a):
    response = signed_in(opcc_a).post("/forces/lincolnshire/plan/actions/new/", {
        "reference": "A9", "title": "Recruit call handlers", "owner": "Head of Contact",
        "due": "2026-12-31", "status": "not_started", "concerns": [concern_a.pk],
        "recommendations": [rec_a.pk]})
    assert response.status_code == 302
    action = Action.objects.get(reference="A9")
    assert list(action.concerns.all()) == [concern_a]
    assert list(action.recommendations.all()) == [rec_a]


def test_an_action_cannot_serve_another_forces_concern(opcc_a, case_a, concern_b):
    response = signed_in(opcc_a).post("/forces/lincolnshire/plan/actions/new/", {
        "title": "Sneaky", "owner": "x", "due": "2026-12-31", "status": "not_started",
        "concerns": [concern_b.pk]})
    assert response.status_code == 422
    assert not Action.objects.filter(title="Sneaky").exists()


def test_the_action_page_shows_the_concern_it_serves(pcc_a, action_a):
    body = signed_in(pcc_a).get(f"/forces/lincolnshire/plan/actions/{action_a.pk}/").content.decode()
    assert "CoC 1 Answering 999 calls" in body
    assert "Edit the action" not in body


def _plan_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PLAN).status_code == 200
    return len(queries)


def test_the_plan_costs_the_same_for_10_or_200_actions(opcc_a, case_a, concern_a, rec_a, admin_user):
    def add(start, count):
        for n in range(start, start + count):
            action = make_action(case_a, n, status=["on_track", "at_risk", "complete"][n % 3])
            action.concerns.add(concern_a)
            action.recommendations.add(rec_a)
            ProgressUpdate.objects.create(action=action, author=opcc_a, as_of=TODAY, rag="green",
                                          text="ok")
    client = signed_in(opcc_a)
    add(1, 10)
    ten = _plan_queries(client)
    add(11, 190)
    assert _plan_queries(client) == ten


def test_a_long_plan_is_paged_and_keeps_its_filters(opcc_a, case_a):
    Action.objects.bulk_create(
        Action(case=case_a, reference=f"A{n}", title=f"Paged action {n:03d}", owner="Head of Crime",
               due=TODAY + datetime.timedelta(days=n)) for n in range(150))
    client = signed_in(opcc_a)
    body = client.get(f"{PLAN}?owner=Head+of+Crime").content.decode()
    assert "Showing 1 to 100 of 150 actions" in body
    assert "?owner=Head+of+Crime&amp;page=2" in body
    second = client.get(f"{PLAN}?owner=Head+of+Crime&page=2").content.decode()
    assert "Showing 101 to 150 of 150 actions" in second
    assert "Paged action 149" in second and "Paged action 000" not in second
