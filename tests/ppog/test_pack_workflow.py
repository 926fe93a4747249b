"""The PCC's briefing pack from draft to issue: OPCC staff draft it, the PCC approves one version,
any later change withdraws that approval, and an issued PDF never changes."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.urls import reverse

from oversight.models import EngageCase, Question
from ppog.models import BriefingPack, IssuedPack, Meeting, PackComment, PackRender
from ppog.services import slot_add
from tests.conftest import signed_in

MEETING_DAY = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def slot(force_a, opcc_a):
    case = EngageCase.objects.create(force=force_a,
                                     period=force_a.monitoring_periods.get(end__isnull=True))
    meeting = Meeting.objects.create(date=MEETING_DAY, place="London")
    return slot_add(actor=opcc_a, meeting=meeting, case=case)


@pytest.fixture
def pack(slot) -> BriefingPack:
    return slot.pack


def url(pack: BriefingPack, name: str = "pack", **kwargs) -> str:
    return reverse(f"ppog:{name}", kwargs={"meeting_id": pack.slot.meeting_id,
                                           "slug": pack.slot.case.force.slug, **kwargs})


def edit_data(pack: BriefingPack, **changes) -> dict:
    return {"version": pack.version, "marking": pack.marking, "statement": pack.statement,
            "barriers": pack.barriers, "support": pack.support, **changes}


def edit(client, pack: BriefingPack, **changes):
    pack.refresh_from_db()
    return client.post(url(pack, "pack-edit"), edit_data(pack, **changes))


def ready_and_approved(pack, opcc_a, pcc_a) -> BriefingPack:
    edit(signed_in(opcc_a), pack, statement="The force answers 999 calls faster.")
    signed_in(opcc_a).post(url(pack, "pack-status"), {"status": "ready"})
    pack.refresh_from_db()
    assert signed_in(pcc_a).post(url(pack, "pack-approve"),
                                 {"version": pack.version}).status_code == 302
    pack.refresh_from_db()
    assert pack.is_approved
    return pack


def issue(client, pack, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(pack, "pack-render"), {"issue": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return PackRender.objects.get(pk=response.url.rstrip("/").split("/")[-1])


# Drafting -----------------------------------------------------------------------------------

def test_drafting_saves_the_pack_as_a_new_version(opcc_a, pack):
    response = edit(signed_in(opcc_a), pack, marking="OFFICIAL", statement="Calls are faster.",
                    barriers="A supplier contract slows transfers.", support="A peer review.")
    assert response.status_code == 302
    pack.refresh_from_db()
    assert (pack.version, pack.marking, pack.statement) == (2, "OFFICIAL", "Calls are faster.")
    assert pack.barriers == "A supplier contract slows transfers."
    page = signed_in(opcc_a).get(url(pack)).content.decode()
    assert "Calls are faster." in page and "A peer review." in page


def test_the_marking_defaults_to_official_sensitive_and_refuses_others(opcc_a, pack):
    form = signed_in(opcc_a).get(url(pack, "pack-edit")).content.decode()
    assert re.search(r'<input[^>]*value="OFFICIAL-SENSITIVE"[^>]*checked', form)
    response = edit(signed_in(opcc_a), pack, marking="SECRET")
    assert response.status_code == 422
    pack.refresh_from_db()
    assert pack.marking == "OFFICIAL-SENSITIVE" and pack.version == 1


def test_the_statement_counts_words_and_warns_over_300(opcc_a, pack):
    long = " ".join(["word"] * 320)
    assert edit(signed_in(opcc_a), pack, statement=long).status_code == 302, "a warning only"
    form = signed_in(opcc_a).get(url(pack, "pack-edit")).content.decode()
    assert 'data-module="govuk-character-count"' in form and 'data-maxlength="300"' in form
    assert "It is 320 words now, more than a succinct overview should take" in form
    page = signed_in(opcc_a).get(url(pack)).content.decode()
    assert "320 words: over the 300 a succinct overview should take" in page


def test_saving_without_a_change_makes_no_new_version(opcc_a, pack):
    assert edit(signed_in(opcc_a), pack).status_code == 302
    pack.refresh_from_db()
    assert pack.version == 1


def test_a_stale_edit_shows_the_conflict_banner_and_keeps_the_typed_statement(opcc_a, pack):
    first, second = signed_in(opcc_a), signed_in(opcc_a)
    seen = edit_data(pack)
    assert first.post(url(pack, "pack-edit"), {**seen, "barriers": "Theirs"}).status_code == 302
    response = second.post(url(pack, "pack-edit"), {**seen, "statement": "My careful words"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body and "Theirs" in body
    assert "My careful words" in body
    pack.refresh_from_db()
    assert pack.statement == "" and pack.barriers == "Theirs" and pack.version == 2


def test_sections_can_be_left_out_and_reordered(opcc_a, pack):
    data = {"version": 1}
    order = ["statement", "glance", "concerns", "questions"]
    for n, key in enumerate(order, 1):
        data[f"include_{key}"] = "on"
        data[f"position_{key}"] = n
    for key in ["changes", "scrutiny", "barriers", "support"]:
        data[f"position_{key}"] = 9
    response = signed_in(opcc_a).post(url(pack, "pack-sections"), data)
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.sections == order and pack.version == 2
    page = signed_in(opcc_a).get(url(pack)).content.decode()
    assert page.index("1. The PCC&#x27;s overview statement") < page.index("2. At a glance")
    assert "Not in this pack: What changed since the last PPOG" in page


def test_a_section_moves_down_without_javascript(opcc_a, pack):
    client = signed_in(opcc_a)
    form = client.get(url(pack, "pack-sections")).content.decode()
    assert 'name="move" value="glance:down"' in form
    data = {"version": 1, "move": "glance:down"}
    for n, key in enumerate(pack.sections, 1):
        data.update({f"include_{key}": "on", f"position_{key}": n})
    response = client.post(url(pack, "pack-sections"), data)
    assert response.status_code == 302 and response.url.endswith("pack/sections/#row-glance")
    pack.refresh_from_db()
    assert pack.sections[:2] == ["concerns", "glance"]


def test_a_pack_needs_at_least_one_section(opcc_a, pack):
    data = {"version": 1, **{f"position_{key}": n for n, key in enumerate(pack.sections, 1)}}
    response = signed_in(opcc_a).post(url(pack, "pack-sections"), data)
    assert response.status_code == 422
    assert "Choose at least one section for the pack" in response.content.decode()


def test_questions_picked_from_the_bank_are_copies_that_can_be_edited(opcc_a, pack, force_a):
    client = signed_in(opcc_a)
    shared = Question.objects.filter(force__isnull=True, audience="hmicfrs").first()
    page = client.get(url(pack, "pack-questions")).content.decode()
    assert shared.text.replace("'", "&#x27;") in page
    response = client.post(url(pack, "pack-questions"),
                           {"step": "pick", "version": 1, "hmicfrs": [shared.pk]})
    assert response.status_code == 302
    copy = pack.questions.get()
    assert (copy.source, copy.text, copy.audience) == (shared, shared.text, "hmicfrs")
    response = client.post(url(pack, "pack-questions"),
                           {"step": f"edit-{copy.pk}", "version": 2, "text": "Our own wording?"})
    assert response.status_code == 302
    copy.refresh_from_db()
    shared.refresh_from_db()
    assert copy.text == "Our own wording?" and shared.text != "Our own wording?"
    pack.refresh_from_db()
    assert pack.version == 3


def test_an_own_question_joins_the_pack_and_the_forces_bank(opcc_a, pack, force_a, opcc_b):
    client = signed_in(opcc_a)
    response = client.post(url(pack, "pack-questions"), {
        "step": "add", "version": 1, "audience": "cc", "text": "What is the 101 wait today?"})
    assert response.status_code == 302
    own = Question.objects.get(text="What is the 101 wait today?")
    assert own.force == force_a and pack.questions.get().source == own


def test_removing_a_question_makes_a_new_version(opcc_a, pack):
    client = signed_in(opcc_a)
    client.post(url(pack, "pack-questions"),
                {"step": "add", "version": 1, "audience": "cc", "text": "Ask this?"})
    question = pack.questions.get()
    response = client.post(url(pack, "pack-question-delete", question_id=question.pk),
                           {"version": 2})
    assert response.status_code == 302
    pack.refresh_from_db()
    assert not pack.questions.exists() and pack.version == 3


# Review and approval ------------------------------------------------------------------------

def test_the_pcc_approves_the_version_they_read(opcc_a, pcc_a, pack):
    pack = ready_and_approved(pack, opcc_a, pcc_a)
    assert (pack.approved_version, pack.approved_by) == (pack.version, pcc_a)
    page = signed_in(opcc_a).get(url(pack)).content.decode()
    assert f"Version {pack.version} approved by {pcc_a.full_name} on" in page


def test_the_pcc_cannot_approve_a_draft(pcc_a, pack):
    response = signed_in(pcc_a).post(url(pack, "pack-approve"), {"version": 1})
    assert response.status_code == 422
    assert "still drafting" in response.content.decode()
    pack.refresh_from_db()
    assert not pack.is_approved


def test_an_edit_after_approval_withdraws_it(opcc_a, pcc_a, pack):
    pack = ready_and_approved(pack, opcc_a, pcc_a)
    approved = pack.version
    response = signed_in(opcc_a).post(url(pack, "pack-edit"),
                                      edit_data(pack, support="A College review."), follow=True)
    pack.refresh_from_db()
    assert pack.status == "ready" and not pack.is_approved
    assert pack.version == approved + 1 and pack.approved_version == approved
    body = response.content.decode()
    assert "Approval withdrawn: edited after approval" in body
    page = signed_in(pcc_a).get(url(pack)).content.decode()
    assert "Approval withdrawn" in page and f"Approve version {pack.version}" in page


def test_a_question_change_after_approval_withdraws_it_too(opcc_a, pcc_a, pack):
    pack = ready_and_approved(pack, opcc_a, pcc_a)
    signed_in(opcc_a).post(url(pack, "pack-questions"), {
        "step": "add", "version": pack.version, "audience": "cc", "text": "One more?"})
    pack.refresh_from_db()
    assert pack.status == "ready" and not pack.is_approved


def test_approving_a_version_that_is_no_longer_current_is_refused(opcc_a, pcc_a, pack):
    signed_in(opcc_a).post(url(pack, "pack-status"), {"status": "ready"})
    read_by_pcc = pack.version
    edit(signed_in(opcc_a), pack, statement="Changed while the PCC was reading")
    response = signed_in(pcc_a).post(url(pack, "pack-approve"), {"version": read_by_pcc})
    assert response.status_code == 409
    assert ("The pack changed since you opened it: read it again before approving"
            in response.content.decode())
    pack.refresh_from_db()
    assert pack.status == "ready" and pack.approved_version is None


def test_opcc_staff_cannot_approve(opcc_a, pack):
    signed_in(opcc_a).post(url(pack, "pack-status"), {"status": "ready"})
    assert signed_in(opcc_a).post(url(pack, "pack-approve"), {"version": 1}).status_code == 403
    pack.refresh_from_db()
    assert pack.status == "ready"


def test_the_pcc_cannot_draft(pcc_a, pack):
    client = signed_in(pcc_a)
    assert client.get(url(pack, "pack-edit")).status_code == 403
    assert client.post(url(pack, "pack-edit"), edit_data(pack, statement="Mine")).status_code == 403
    assert client.post(url(pack, "pack-status"), {"status": "ready"}).status_code == 403


def test_the_opcc_returns_the_pack_to_draft(opcc_a, pack):
    client = signed_in(opcc_a)
    assert client.post(url(pack, "pack-status"), {"status": "ready"}).status_code == 302
    pack.refresh_from_db()
    assert pack.status == "ready"
    assert client.post(url(pack, "pack-status"), {"status": "draft"}).status_code == 302
    pack.refresh_from_db()
    assert pack.status == "draft"


def test_the_pcc_comments_on_a_section_of_the_version_they_read(pcc_a, pack):
    response = signed_in(pcc_a).post(url(pack, "pack-comment"),
                                     {"section": "statement", "text": "Shorter, please."})
    assert response.status_code == 302
    comment = PackComment.objects.get()
    assert (comment.section, comment.pack_version, comment.author) == ("statement", 1, pcc_a)
    page = signed_in(pcc_a).get(url(pack)).content.decode()
    assert "Shorter, please." in page and "on version 1" in page


def test_an_empty_comment_comes_back_with_its_error(pcc_a, pack):
    response = signed_in(pcc_a).post(url(pack, "pack-comment"), {"section": "support"})
    assert response.status_code == 422
    assert "Enter your comment" in response.content.decode()


# Who may do what ----------------------------------------------------------------------------

READ_ONLY = ["pack", "pack-preview", "pack-render-status", "pack-download", "pack-issued"]
DRAFTING = ["pack-edit", "pack-sections", "pack-questions"]
POST_ONLY = ["pack-question-delete", "pack-status", "pack-approve", "pack-comment", "pack-render"]


@pytest.fixture
def urls(pack, opcc_a) -> dict[str, str]:
    """Every pack URL, with a question, a finished render and an issued pack to point at."""
    from django.core.files.base import ContentFile

    signed_in(opcc_a).post(url(pack, "pack-questions"), {
        "step": "add", "version": 1, "audience": "cc", "text": "Q?"})
    made = PackRender.objects.create(pack=pack, pack_version=1, requested_by=opcc_a,
                                     state="done")
    made.pdf.save("x.pdf", ContentFile(b"%PDF-1.7 render"))
    issued = IssuedPack(pack=pack, pack_version=1, sha256="0" * 64, size=15, issued_by=opcc_a)
    issued.pdf.save("i.pdf", ContentFile(b"%PDF-1.7 issued"), save=False)
    issued.save()
    ids = {"pack-question-delete": {"question_id": pack.questions.get().pk},
           "pack-render-status": {"render_id": made.pk}, "pack-download": {"render_id": made.pk},
           "pack-issued": {"issued_id": issued.pk}}
    return {name: url(pack, name, **ids.get(name, {}))
            for name in READ_ONLY + DRAFTING + POST_ONLY}


def test_another_forces_office_gets_404_for_every_pack_url(opcc_b, urls):
    client = signed_in(opcc_b)
    for name in READ_ONLY + DRAFTING:
        assert client.get(urls[name]).status_code == 404, name
    for name in DRAFTING + POST_ONLY:
        assert client.post(urls[name]).status_code == 404, name


@pytest.mark.parametrize("persona", ["apcc_lead", "admin_user"])
def test_readers_read_preview_and_download_but_post_nothing(request, persona, urls):
    client = signed_in(request.getfixturevalue(persona))
    for name in READ_ONLY:
        assert client.get(urls[name]).status_code == 200, name
    for name in DRAFTING:
        assert client.get(urls[name]).status_code == 403, name
    for name in DRAFTING + POST_ONLY:
        assert client.post(urls[name]).status_code == 403, name
    assert client.post(urls["pack-approve"], {"version": 2}).status_code == 403


def test_the_pcc_reads_comments_approves_and_renders_but_does_not_draft(pcc_a, urls):
    client = signed_in(pcc_a)
    for name in READ_ONLY:
        assert client.get(urls[name]).status_code == 200, name
    for name in DRAFTING:
        assert client.get(urls[name]).status_code == 403, name
    for name in DRAFTING + ["pack-question-delete", "pack-status"]:
        assert client.post(urls[name]).status_code == 403, name


def test_anonymous_is_sent_to_sign_in(client, urls):
    for name, address in urls.items():
        for response in (client.get(address), client.post(address)):
            assert response.status_code == 302, name
            assert response.url.startswith("/accounts/login/"), name


def test_the_pages_answer_only_their_methods(opcc_a, pack):
    client = signed_in(opcc_a)
    assert client.post(url(pack)).status_code == 405
    assert client.get(url(pack, "pack-approve")).status_code == 405
    assert client.get(url(pack, "pack-render")).status_code == 405
    assert client.post(url(pack, "pack-preview")).status_code == 405


# The PDF ------------------------------------------------------------------------------------

def test_the_preview_is_the_pack_document(opcc_a, pack):
    edit(signed_in(opcc_a), pack, statement="Preview me")
    response = signed_in(opcc_a).get(url(pack, "pack-preview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview me" in body and body.lower().startswith("<!doctype html>")


def test_a_render_is_queued_and_the_status_shows_the_download(
        opcc_a, pack, django_capture_on_commit_callbacks):
    client = signed_in(opcc_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(pack, "pack-render"))
    made = PackRender.objects.get()
    assert response.status_code == 302 and response.url == url(pack, "pack-render-status",
                                                                render_id=made.pk)
    assert made.state == "done" and made.pack_version == 1 and not made.issue
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and "hx-trigger" not in body
    download = url(pack, "pack-download", render_id=made.pk)
    assert download in body
    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_render_in_progress_polls_itself_and_offers_check_again(opcc_a, pack):
    made = PackRender.objects.create(pack=pack, pack_version=1, requested_by=opcc_a)
    status = url(pack, "pack-render-status", render_id=made.pk)
    page = signed_in(opcc_a).get(status).content.decode()
    assert "Rendering…" in page and f'href="{status}">Check again' in page
    fragment = signed_in(opcc_a).get(status, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert f'hx-get="{status}"' in body and 'hx-trigger="every 1s"' in body
    assert "<html" not in body and fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_htmx_render_answers_with_the_status_fragment(
        opcc_a, pack, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in(opcc_a).post(url(pack, "pack-render"),
                                          headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "Rendering…" in body and "<html" not in body


def test_issuing_needs_the_pccs_approval_of_the_current_version(
        opcc_a, pack, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(opcc_a).post(url(pack, "pack-render"), {"issue": "1"})
    assert response.status_code == 422
    assert "Only the version the PCC has approved can be issued" in response.content.decode()
    assert not PackRender.objects.exists() and not IssuedPack.objects.exists()
    fragment = signed_in(opcc_a).post(url(pack, "pack-render"), {"issue": "1"},
                                      headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 422 and "<html" not in body
    assert "Only the version the PCC has approved can be issued" in body


def test_an_issued_pack_never_changes(opcc_a, pcc_a, pack, django_capture_on_commit_callbacks):
    pack = ready_and_approved(pack, opcc_a, pcc_a)
    first_render = issue(signed_in(pcc_a), pack, django_capture_on_commit_callbacks)
    assert first_render.state == "done", first_render.error
    first = IssuedPack.objects.get()
    first_bytes = first.pdf.open("rb").read()
    assert hashlib.sha256(first_bytes).hexdigest() == first.sha256
    assert first.pack_version == pack.version and first.issued_by == pcc_a
    again = signed_in(pcc_a).post(url(pack, "pack-render"), {"issue": "1"})
    assert again.status_code == 422 and "is already issued" in again.content.decode()

    edit(signed_in(opcc_a), pack, statement="A second, different statement.")
    pack = ready_and_approved(pack, opcc_a, pcc_a)
    issue(signed_in(opcc_a), pack, django_capture_on_commit_callbacks)
    second = IssuedPack.objects.exclude(pk=first.pk).get()
    assert second.pack_version == pack.version and second.sha256 != first.sha256

    first.refresh_from_db()
    assert first.pdf.open("rb").read() == first_bytes
    response = signed_in(opcc_a).get(url(pack, "pack-issued", issued_id=first.pk))
    assert b"".join(response.streaming_content) == first_bytes
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="lincolnshire-ppog-2026-12-10-v{first.pack_version}.pdf"')
    page = signed_in(pcc_a).get(url(pack)).content.decode()
    assert f"Issued by {pcc_a.full_name} on" in page and first.sha256 in page
    assert second.sha256 in page
