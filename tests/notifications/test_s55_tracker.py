"""The s55 tracker: HMICFRS reports, the PCC's comments due 56 days after publication."""

import pytest

from oversight.models import HmicfrsReport
from oversight.reports import report_row
from tests.conftest import signed_in
from tests.notifications.conftest import TODAY, days

URL = "/forces/lincolnshire/reports/"


@pytest.fixture
def report(force_a) -> HmicfrsReport:
    return HmicfrsReport.objects.create(force=force_a, title="PEEL 2025 Lincolnshire",
                                        url="https://hmicfrs.example/peel", published=days(-50))


def test_comments_are_due_56_days_after_publication(report):
    row = report_row(report, TODAY)
    assert row.comments_due == days(6) and row.days_left == 6
    assert row.state == "due_soon" and row.label == "6 days left"


def test_the_states_a_report_goes_through(report):
    assert report_row(report, days(-45)).label == "51 days left"
    assert report_row(report, days(-45)).state == "due"
    assert report_row(report, days(6)).label == "Due today"
    assert report_row(report, days(9)).label == "Overdue by 3 days"
    report.response_published = days(8)
    assert report_row(report, TODAY).label == "Published 2 days late"
    report.response_published = days(1)
    assert report_row(report, TODAY).label == "Published"


def test_the_tracker_lists_the_force_s_reports(report, opcc_a, force_b):
    HmicfrsReport.objects.create(force=force_b, title="Force B secret report", published=TODAY)
    body = signed_in(opcc_a).get(URL).content.decode()
    assert "PEEL 2025 Lincolnshire" in body and "6 days left" in body
    assert "Force B secret report" not in body
    assert "Add a report" in body and "Record the published comments" in body


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin"])
def test_the_pcc_apcc_and_admins_read_but_do_not_edit(report, personas, persona):
    client = signed_in(personas[persona])
    body = client.get(URL).content.decode()
    assert "PEEL 2025 Lincolnshire" in body and "Add a report" not in body
    assert client.get(f"{URL}new/").status_code == 403
    assert client.post(f"{URL}{report.pk}/response/", {}).status_code == 403


def test_another_force_s_office_gets_404(report, opcc_b):
    client = signed_in(opcc_b)
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}new/").status_code == 404
    assert client.post(f"{URL}{report.pk}/response/", {}).status_code == 404


def test_a_report_of_another_force_is_not_found_under_ours(opcc_a, force_b):
    theirs = HmicfrsReport.objects.create(force=force_b, title="B", published=TODAY)
    assert signed_in(opcc_a).get(f"{URL}{theirs.pk}/response/").status_code == 404


def test_opcc_staff_add_a_report(opcc_a, force_a):
    response = signed_in(opcc_a).post(f"{URL}new/", {
        "title": "Vetting inspection", "url": "https://hmicfrs.example/v",
        "published": days(-3).isoformat()})
    assert response.status_code == 302 and response["Location"] == URL
    report = HmicfrsReport.objects.get(force=force_a)
    assert report.title == "Vetting inspection" and report.published == days(-3)


def test_a_report_cannot_be_published_in_the_future(opcc_a):
    response = signed_in(opcc_a).post(f"{URL}new/", {"title": "T",
                                                      "published": days(1).isoformat()})
    assert response.status_code == 422
    assert "The publication date must be today or in the past" in response.content.decode()
    assert not HmicfrsReport.objects.exists()


def test_an_empty_form_shows_errors(opcc_a):
    response = signed_in(opcc_a).post(f"{URL}new/", {})
    body = response.content.decode()
    assert response.status_code == 422 and "Enter the report&#x27;s title" in body
    assert "<title>Error: " in body


def test_opcc_staff_record_the_published_comments(report, opcc_a):
    response = signed_in(opcc_a).post(f"{URL}{report.pk}/response/", {
        "response_published": days(-1).isoformat(),
        "response_url": "https://pcc.example/comments"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.response_published == days(-1)
    assert report.response_url == "https://pcc.example/comments"
    body = signed_in(opcc_a).get(URL).content.decode()
    assert 'href="https://pcc.example/comments"' in body and ">Published</strong>" in body


def test_comments_cannot_predate_the_report_or_lack_a_link(report, opcc_a):
    client = signed_in(opcc_a)
    response = client.post(f"{URL}{report.pk}/response/", {
        "response_published": days(-60).isoformat(), "response_url": "https://pcc.example/c"})
    assert response.status_code == 422
    assert "cannot be published before the report" in response.content.decode()
    response = client.post(f"{URL}{report.pk}/response/", {
        "response_published": days(-1).isoformat()})
    assert "Enter the link to the published comments" in response.content.decode()
    report.refresh_from_db()
    assert report.response_published is None


def test_signed_out_people_are_sent_to_sign_in(report):
    response = signed_in(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
