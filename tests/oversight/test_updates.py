"""Progress updates on an improvement-plan action: added by the force's OPCC staff with their
evidence, listed newest first, never edited."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forces.models import MonitoringPeriod
from oversight import selectors
from oversight.models import Action, EngageCase, Evidence, ProgressUpdate
from oversight.updates import update_add
from tests.conftest import signed_in

PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|xlsx)$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Month", "999 calls answered within 10 seconds"])
    book.active.append(["2025-05", 0.87])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case_a(force_a) -> EngageCase:
    return EngageCase.objects.create(
        force=force_a, period=force_a.monitoring_periods.get(end__isnull=True))


@pytest.fixture
def action_a(case_a) -> Action:
    return Action.objects.create(case=case_a, reference="A1", title="Answer 999 calls faster",
                                 owner="Contact management", due=datetime.date(2026, 3, 31))


def create_url(action: Action, slug: str | None = None) -> str:
    return reverse("oversight:update-create",
                   kwargs={"slug": slug or action.case.force.slug, "action_id": action.pk})


def form(**changes) -> dict:
    return {"as_of": timezone.localdate().isoformat(), "rag": "amber",
            "text": "Half the backlog is cleared.\nThe rest by July.", **changes}


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def test_opcc_staff_add_an_update_with_two_files(opcc_a, action_a, media):
    spreadsheet = xlsx()
    response = signed_in(opcc_a).post(create_url(action_a), form(files=[
        SimpleUploadedFile("Board report.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("calls.xlsx", spreadsheet, content_type="application/octet-stream"),
    ]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "oversight:action-detail", kwargs={"slug": "lincolnshire", "action_id": action_a.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your progress update is added."]
    update = ProgressUpdate.objects.get()
    assert (update.action, update.author, update.as_of, update.rag) == (
        action_a, opcc_a, timezone.localdate(), "amber")
    assert update.text == "Half the backlog is cleared.\nThe rest by July."
    pdf, sheet = update.evidence.order_by("pk")
    for evidence, name, content, content_type in [
        (pdf, "Board report.pdf", PDF, "application/pdf"),
        (sheet, "calls.xlsx", spreadsheet, XLSX_TYPE),
    ]:
        assert (evidence.case, evidence.uploaded_by) == (action_a.case, opcc_a)
        assert (evidence.original_name, evidence.content_type) == (name, content_type)
        assert (evidence.size, evidence.sha256) == (len(content),
                                                    hashlib.sha256(content).hexdigest())
        assert STORED_NAME.match(evidence.file.name), evidence.file.name
        assert (media / evidence.file.name).read_bytes() == content
    assert len(stored_files(media)) == 2


def test_an_update_needs_no_evidence(opcc_a, action_a, media):
    response = signed_in(opcc_a).post(create_url(action_a), form(rag="green"))

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().rag == "green"
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_the_form_starts_at_today_and_takes_several_files(opcc_a, action_a):
    response = signed_in(opcc_a).get(create_url(action_a))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert f'value="{timezone.localdate().isoformat()}"' in body
    file_input = re.search(r'<input type="file" name="files"[^>]*>', body).group()
    assert "multiple" in file_input
    assert 'class="govuk-file-upload"' in file_input
    assert "up to 20 MB each" in body


def test_a_missing_rating_is_shown_beside_the_field_and_the_text_is_kept(opcc_a, action_a):
    response = signed_in(opcc_a).post(create_url(action_a),
                                      form(rag="", text="Recruitment of call handlers started"))

    assert response.status_code == 422
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "govuk-error-summary" in body
    assert 'href="#id_rag_0">Choose a RAG rating</a>' in body
    assert 'id="id_rag_error"' in body
    assert "Recruitment of call handlers started</textarea>" in body
    assert "Choose your files again" not in body  # none were chosen
    assert not ProgressUpdate.objects.exists()


def test_a_date_in_the_future_is_refused(opcc_a, action_a, media):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(opcc_a).post(create_url(action_a), form(
        as_of=tomorrow.isoformat(), files=[SimpleUploadedFile("report.pdf", PDF)]))

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_as_of_error"' in body
    assert "The date must be today or in the past" in body
    assert not ProgressUpdate.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin_user"])
def test_people_who_may_only_read_the_case_get_403(persona, request, action_a):
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(create_url(action_a)).status_code == 403
    assert client.post(create_url(action_a), form()).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_staff_of_another_force_get_404(opcc_b, action_a):
    client = signed_in(opcc_b)

    assert client.get(create_url(action_a)).status_code == 404
    assert client.post(create_url(action_a), form()).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_an_action_is_only_found_under_its_own_force(opcc_b, force_b, action_a):
    # Force B's staff, at their own force's address, cannot reach force A's action either.
    period = MonitoringPeriod.objects.create(force=force_b, start=datetime.date(2025, 1, 1))
    EngageCase.objects.create(force=force_b, period=period)

    response = signed_in(opcc_b).post(create_url(action_a, slug="west-midlands"), form())

    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(action_a):
    for response in (signed_in(None).get(create_url(action_a)),
                     signed_in(None).post(create_url(action_a), form())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_rejects_other_methods(opcc_a, action_a):
    assert signed_in(opcc_a).put(create_url(action_a)).status_code == 405


def test_a_second_update_is_added_and_the_first_is_unchanged(opcc_a, action_a):
    client = signed_in(opcc_a)
    client.post(create_url(action_a), form(rag="red", text="Backlog growing"))
    first = ProgressUpdate.objects.get()
    before = (first.as_of, first.rag, first.text, first.author_id, first.created_at)

    client.post(create_url(action_a), form(rag="green", text="Backlog cleared"))

    first.refresh_from_db()
    assert (first.as_of, first.rag, first.text, first.author_id, first.created_at) == before
    assert ProgressUpdate.objects.count() == 2
    assert ProgressUpdate.objects.exclude(pk=first.pk).get().text == "Backlog cleared"


# The list of updates on the action page -------------------------------------------------------


def render_updates(action: Action, **context) -> str:
    page = selectors.action_page(action)
    return render_to_string("oversight/_updates.html", {
        "updates": page["updates"], "force": page["force"], "action": action, **context})


def test_the_list_shows_each_update_newest_first(opcc_a, action_a):
    update_add(actor=opcc_a, action=action_a, as_of=datetime.date(2025, 4, 30), rag="red",
               text="Backlog growing.\n\nMore call handlers needed.")
    update_add(actor=opcc_a, action=action_a, as_of=datetime.date(2025, 5, 31), rag="amber",
               text="Half the backlog cleared.",
               files=[ContentFile(PDF, name="Board report.pdf"),
                      ContentFile(xlsx(), name="calls.xlsx")])

    html = render_updates(action_a)

    assert html.index("31 May 2025") < html.index("30 April 2025")
    assert 'govuk-tag--orange"><span class="govuk-visually-hidden">RAG rating: </span>Amber' in html
    assert 'govuk-tag--red"><span class="govuk-visually-hidden">RAG rating: </span>Red' in html
    assert "<p>Backlog growing.</p>\n\n<p>More call handlers needed.</p>" in html
    assert html.count("Alice.Opcc, recorded") == 2
    pdf, sheet = Evidence.objects.order_by("pk")
    assert html.index("Board report.pdf") < html.index("calls.xlsx")
    for evidence in (pdf, sheet):
        url = reverse("oversight:evidence-download",
                      kwargs={"slug": "lincolnshire", "evidence_id": evidence.pk})
        assert f'href="{url}">{evidence.original_name}</a>' in html
        assert f"({filesizeformat(evidence.size)})" in html
    assert "KB)" in html  # the spreadsheet is a few kilobytes


def test_the_list_says_when_there_are_no_updates(action_a):
    assert "No progress updates yet." in render_updates(action_a)


def test_only_people_who_may_edit_see_the_button_to_add_an_update(action_a):
    assert "Add a progress update" in render_updates(action_a, can_edit=True)
    assert "Add a progress update" not in render_updates(action_a, can_edit=False)
