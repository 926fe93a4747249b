"""The question bank: the toolkit's appendix B lines of questioning, shared by every office, and
each office's own questions, private to it; each shown with when the office asked it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from oversight import scrutiny
from oversight.models import Question, QuestionAsked, ScrutinyActivity
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY

BANK = "/forces/lincolnshire/questions/"


@pytest.fixture
def shared() -> Question:
    return Question.objects.filter(force__isnull=True, audience="hmicfrs").order_by("order").first()


@pytest.fixture
def own_a(force_a) -> Question:
    return Question.objects.create(force=force_a, audience="cc",
                                   text="How many 999 calls were abandoned last month?")


def asked_in(force, question, *, date, title, verdict="") -> QuestionAsked:
    activity = ScrutinyActivity.objects.create(force=force, kind="board", date=date, title=title)
    return QuestionAsked.objects.create(activity=activity, question=question, text=question.text,
                                        answer="An answer", satisfactory=verdict)


def in_a_pack(case, question, *, date):
    from ppog.models import BriefingPack, Meeting, PackQuestion, Slot

    slot = Slot.objects.create(meeting=Meeting.objects.create(date=date), case=case)
    pack = BriefingPack.objects.create(slot=slot)
    return PackQuestion.objects.create(pack=pack, source=question, audience=question.audience,
                                       text=question.text)


# What the bank shows ---------------------------------------------------------------------------


def test_the_bank_shows_the_toolkits_questions_grouped_by_audience(pcc_a):
    body = signed_in(pcc_a).get(BANK).content.decode()
    hmicfrs = body.index("To ask HMICFRS outside PPOG")
    chief = body.index("To ask the Chief Constable")
    assert hmicfrs < body.index("Have you identified specific barriers") < chief
    assert chief < body.index("Is there anything, as the PCC, I can do")
    assert Question.objects.filter(force__isnull=True).count() == 19


def test_it_shows_when_a_question_was_asked_and_whether_the_answer_satisfied(
        opcc_a, force_a, case_a, shared):
    asked = asked_in(force_a, shared, date=datetime.date(2025, 3, 4), title="March board",
                     verdict="partly")
    asked_in(force_a, shared, date=datetime.date(2025, 5, 6), title="May board", verdict="yes")
    in_a_pack(case_a, shared, date=datetime.date(2025, 6, 12))
    body = signed_in(opcc_a).get(BANK).content.decode()
    assert "Asked 2 times: 1 satisfactory, 1 partly satisfactory" in body
    assert "In 1 briefing pack" in body
    assert "4 Mar 2025" in body and "March board" in body and "Partly satisfactory" in body
    assert f"/forces/lincolnshire/scrutiny/{asked.activity_id}/#question-{asked.pk}" in body
    assert "12 Jun 2025" in body and "briefing pack for PPOG" in body
    assert body.index("May board") < body.index("March board"), "newest first"


def test_another_forces_use_of_a_shared_question_is_not_shown(opcc_a, force_b, case_b, shared):
    asked_in(force_b, shared, date=TODAY, title="Force B board marker", verdict="no")
    in_a_pack(case_b, shared, date=TODAY)
    body = signed_in(opcc_a).get(BANK).content.decode()
    assert "Force B board marker" not in body
    assert "Asked 1 time" not in body and "briefing pack" not in body


def test_a_forces_own_question_never_appears_for_another_force(opcc_b, own_a, force_b):
    client = signed_in(opcc_b)
    body = client.get("/forces/west-midlands/questions/").content.decode()
    assert "Have you identified specific barriers" in body, "the shared bank is there"
    assert own_a.text not in body
    assert client.get(f"/forces/west-midlands/questions/{own_a.pk}/edit/").status_code == 404
    assert own_a not in scrutiny.bank_questions(force_b)


def test_the_force_sees_its_own_questions_apart_from_the_toolkits(pcc_a, own_a):
    body = signed_in(pcc_a).get(BANK).content.decode()
    assert body.index("The office’s own") < body.index(own_a.text)
    assert "Edit" not in body.split(own_a.text)[1][:300], "the PCC reads, does not edit"


def test_the_bank_takes_the_same_queries_however_often_questions_were_asked(
        opcc_a, force_a, case_a, shared, own_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(opcc_a)
    asked_in(force_a, shared, date=TODAY, title="One")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(BANK)
        return len(queries)

    few = count()
    for n in range(10):
        asked_in(force_a, own_a, date=TODAY, title=f"Board {n}", verdict="yes")
        in_a_pack(case_a, shared, date=TODAY + datetime.timedelta(days=n + 1))
    assert count() == few


# The office's own questions --------------------------------------------------------------------


def test_opcc_adds_its_own_question(opcc_a, force_a):
    response = signed_in(opcc_a).post(f"{BANK}new/", {"audience": "hmicfrs",
                                                      "text": "When is the next revisit?"})
    assert response.status_code == 302
    question = Question.objects.get(text="When is the next revisit?")
    assert question.force == force_a and question.audience == "hmicfrs"
    assert response["Location"] == f"{BANK}#q-{question.pk}"


def test_a_question_needs_its_text_and_audience(opcc_a):
    response = signed_in(opcc_a).post(f"{BANK}new/", {})
    body = response.content.decode()
    assert response.status_code == 422
    assert "Enter the question" in body and "Choose who the question is for" in body


def test_opcc_edits_its_own_question(opcc_a, own_a):
    response = signed_in(opcc_a).post(f"{BANK}{own_a.pk}/edit/",
                                      {"audience": "hmicfrs", "text": "Reworded"})
    assert response.status_code == 302
    own_a.refresh_from_db()
    assert own_a.text == "Reworded" and own_a.audience == "hmicfrs"


def test_the_shared_questions_cannot_be_edited(opcc_a, shared):
    client = signed_in(opcc_a)
    url = f"{BANK}{shared.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"audience": "cc", "text": "Changed"}).status_code == 403
    assert client.post(url, {"delete": "1"}).status_code == 403
    shared.refresh_from_db()
    assert shared.text.startswith("Have you identified")
    with pytest.raises(PermissionDenied):
        scrutiny.question_update(actor=opcc_a, question=shared, audience="cc", text="x")


def test_a_question_never_asked_can_be_deleted(opcc_a, own_a):
    response = signed_in(opcc_a).post(f"{BANK}{own_a.pk}/edit/", {"delete": "1"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=own_a.pk).exists()


def test_a_question_once_asked_is_kept(opcc_a, force_a, own_a):
    asked_in(force_a, own_a, date=TODAY, title="Board")
    client = signed_in(opcc_a)
    url = f"{BANK}{own_a.pk}/edit/"
    assert "cannot be deleted" in client.get(url).content.decode()
    response = client.post(url, {"delete": "1"})
    assert response.status_code == 422
    assert "asked in 1 scrutiny activity" in response.content.decode()
    assert Question.objects.filter(pk=own_a.pk).exists()


def test_a_question_in_a_briefing_pack_is_kept(opcc_a, case_a, own_a):
    in_a_pack(case_a, own_a, date=TODAY)
    response = signed_in(opcc_a).post(f"{BANK}{own_a.pk}/edit/", {"delete": "1"})
    assert response.status_code == 422
    assert Question.objects.filter(pk=own_a.pk).exists()


# Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin"])
def test_readers_see_the_bank_but_never_change_it(persona, personas, own_a):
    client = signed_in(personas[persona])
    assert client.get(BANK).status_code == 200
    assert client.post(BANK, {}).status_code == 405
    for url in [f"{BANK}new/", f"{BANK}{own_a.pk}/edit/"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.post(f"{BANK}{own_a.pk}/edit/", {"delete": "1"}).status_code == 403
    assert Question.objects.filter(pk=own_a.pk).exists()


def test_another_forces_opcc_gets_404(opcc_b, own_a):
    client = signed_in(opcc_b)
    for url in [BANK, f"{BANK}new/", f"{BANK}{own_a.pk}/edit/"]:
        assert client.get(url).status_code == 404, url
    for url in [f"{BANK}new/", f"{BANK}{own_a.pk}/edit/"]:
        assert client.post(url, {}).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(own_a):
    client = signed_in(None)
    for url in [BANK, f"{BANK}new/", f"{BANK}{own_a.pk}/edit/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
