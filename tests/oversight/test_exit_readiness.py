"""Exit readiness: HMCI's two tests and the APCC's exit themes, self-assessed by the OPCC."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from oversight.measures import ThemeEdit, exit_readiness, exit_test_update, exit_themes_update
from oversight.models import ExitTest, ExitTheme, ExitThemeCheck
from tests.conftest import make_user, signed_in

EXIT = "/forces/lincolnshire/exit/"


def edit_url(test: str) -> str:
    return reverse("oversight:exit-test-edit", kwargs={"slug": "lincolnshire", "test": test})


THEMES = reverse("oversight:exit-themes-edit", kwargs={"slug": "lincolnshire"})


def _test_form(version: int = 1, **changes) -> dict:
    return {"version": version, "rating": "partly", "assessment": "Calls answered faster.",
            "evidence_links": "", "assessed_on": "2025-06-30", **changes}


def _themes_form(checks: list[ExitThemeCheck], **states) -> dict:
    data = {}
    for check in checks:
        data[f"{check.theme}-state"] = states.get(check.theme, check.state)
        data[f"{check.theme}-note"] = check.note
        data[f"{check.theme}-version"] = check.version
    return data


def test_a_new_case_shows_both_tests_not_yet_met_and_no_theme_considered(pcc_a, case_a):
    response = signed_in(pcc_a).get(EXIT)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Test (a): Not yet met · Test (b): Not yet met · 0 of 11 themes evidenced" in body
    assert body.count("Not considered yet") == len(ExitTheme.values) == 11
    assert "Leadership" in body and "Getting the basics right" in body
    assert ExitTest.objects.filter(case=case_a).count() == 2


def test_opcc_staff_save_test_a(opcc_a, case_a):
    response = signed_in(opcc_a).post(edit_url("a"), _test_form(
        evidence_links="https://example.org/scrutiny-minutes\nForce board paper, June 2025"))
    assert response.status_code == 302
    assert response["Location"] == f"{EXIT}#test-a"
    test_a = ExitTest.objects.get(case=case_a, test="a")
    assert (test_a.rating, test_a.assessment, test_a.assessed_on, test_a.version) == (
        "partly", "Calls answered faster.", datetime.date(2025, 6, 30), 2)
    body = signed_in(opcc_a).get(EXIT).content.decode()
    assert "Test (a): Partly met · Test (b): Not yet met" in body
    assert ('<a class="govuk-link" href="https://example.org/scrutiny-minutes" '
            'rel="noreferrer noopener">') in body
    assert "<li>Force board paper, June 2025</li>" in body


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(opcc_a, case_a):
    colleague = make_user("carol.opcc@example.org", role="opcc_staff", force=case_a.force)
    exit_test = exit_readiness(case_a).test("a")
    exit_test_update(actor=colleague, exit_test=exit_test, version=1,
                     data={"rating": "met", "assessment": "Their view"})
    response = signed_in(opcc_a).post(edit_url("a"), _test_form(
        version=1, assessment="My careful self-assessment"))
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body
    assert "changed this while you were editing it" in body
    assert "My careful self-assessment" in body
    exit_test.refresh_from_db()
    assert (exit_test.rating, exit_test.assessment) == ("met", "Their view")


def test_a_test_in_the_future_is_refused(opcc_a, case_a):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = signed_in(opcc_a).post(edit_url("b"), _test_form(assessed_on=tomorrow))
    assert response.status_code == 422
    assert "The date cannot be in the future" in response.content.decode()


def test_opcc_staff_save_the_themes_in_one_form(opcc_a, case_a):
    checks = exit_readiness(case_a).themes
    data = _themes_form(checks, leadership="evidenced", training="in_hand")
    data["leadership-note"] = "New chief officer team in post"
    response = signed_in(opcc_a).post(THEMES, data)
    assert response.status_code == 302
    states = dict(ExitThemeCheck.objects.filter(case=case_a).values_list("theme", "state"))
    assert states["leadership"] == "evidenced" and states["training"] == "in_hand"
    assert list(states.values()).count("not_considered") == 9
    leadership = ExitThemeCheck.objects.get(case=case_a, theme="leadership")
    assert (leadership.note, leadership.version) == ("New chief officer team in post", 2)
    assert ExitThemeCheck.objects.get(case=case_a, theme="outlook").version == 1, \
        "an untouched theme is not saved again"
    assert "1 of 11 themes evidenced" in signed_in(opcc_a).get(EXIT).content.decode()


def test_a_stale_theme_refuses_the_whole_save_and_keeps_the_form(opcc_a, case_a):
    checks = exit_readiness(case_a).themes
    exit_themes_update(actor=opcc_a, case=case_a,
                       edits=[ThemeEdit("demand", 1, "evidenced", "Right Care, Right Person")])
    data = _themes_form(checks, leadership="evidenced", demand="in_hand")
    data["leadership-note"] = "Typed before the clash"
    response = signed_in(opcc_a).post(THEMES, data)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body and "Demand management" in body
    assert "Typed before the clash" in body
    assert 'name="demand-version" value="2"' in body, "saving again keeps the editor's version"
    states = dict(ExitThemeCheck.objects.filter(case=case_a).values_list("theme", "state"))
    assert (states["leadership"], states["demand"]) == ("not_considered", "evidenced")


def test_a_javascript_evidence_link_is_shown_as_text(opcc_a, case_a):
    exit_test = exit_readiness(case_a).test("b")
    exit_test_update(actor=opcc_a, exit_test=exit_test, version=1,
                     data={"evidence_links": "javascript:alert(1)\n JAVASCRIPT:alert(2)\n"
                                             "https://example.org/ok"})
    body = signed_in(opcc_a).get(EXIT).content.decode()
    assert "<li>javascript:alert(1)</li>" in body
    assert 'href="javascript' not in body.lower()
    assert 'href="https://example.org/ok"' in body


# Who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin"])
def test_readers_see_the_page_but_cannot_change_it(persona, personas, case_a):
    client = signed_in(personas[persona])
    body = client.get(EXIT).content.decode()
    assert "Test (a): Not yet met" in body and "Change test (a)" not in body
    for url in [edit_url("a"), THEMES]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _test_form()).status_code == 403, url
    assert ExitTest.objects.get(case=case_a, test="a").rating == "not_yet"


def test_another_forces_staff_get_404(opcc_b, case_a):
    client = signed_in(opcc_b)
    for url in [EXIT, edit_url("a"), THEMES]:
        assert client.get(url).status_code == 404, url
    for url in [edit_url("a"), THEMES]:
        assert client.post(url, _test_form()).status_code == 404, url
    assert not ExitTest.objects.filter(case=case_a).exists()


def test_anonymous_visitors_are_sent_to_sign_in(case_a):
    for url in [EXIT, edit_url("a"), THEMES]:
        response = signed_in(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_tests_a_and_b_exist(opcc_a, case_a):
    assert signed_in(opcc_a).get(edit_url("c")).status_code == 404


def test_the_page_itself_rejects_post(opcc_a, case_a):
    assert signed_in(opcc_a).post(EXIT).status_code == 405


def test_opcc_staff_see_the_change_links(opcc_a, case_a):
    body = signed_in(opcc_a).get(EXIT).content.decode()
    assert f'href="{edit_url("a")}"' in body and f'href="{THEMES}"' in body
