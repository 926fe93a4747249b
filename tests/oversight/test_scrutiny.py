"""The OPCC's scrutiny log: activities, the questions put and their answers, follow-ups, and
assured positions linked to the scrutiny behind them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight import scrutiny
from oversight.models import (
    FollowUp,
    Position,
    Question,
    QuestionAsked,
    ScrutinyActivity,
)
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY

LOG = "/forces/lincolnshire/scrutiny/"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_activity(force, n: int = 1, *, concerns=(), **fields) -> ScrutinyActivity:
    defaults = {"kind": "board", "date": days(-n), "title": f"Activity {n}",
                "summary": "What was said"}
    activity = ScrutinyActivity.objects.create(force=force, **{**defaults, **fields})
    activity.concerns.set(concerns)
    return activity


@pytest.fixture
def activity_a(force_a, concern_a, opcc_a) -> ScrutinyActivity:
    return make_activity(force_a, title="Accountability board on 999 calls",
                         concerns=[concern_a], created_by=opcc_a)


@pytest.fixture
def follow_up_a(activity_a) -> FollowUp:
    return FollowUp.objects.create(activity=activity_a, text="Send the call-handling data",
                                   owner="Head of Contact", due=days(14))


def activity_form(**changes) -> dict:
    data = {"kind": "board", "date": days(-2).isoformat(), "formal": "True",
            "stance": "challenge", "title": "Board on 999 calls", "summary": "We pressed hard"}
    return {**data, **changes}


# Recording and editing activities ------------------------------------------------------------


def test_opcc_records_an_activity_with_the_concerns_it_covered(opcc_a, concern_a):
    response = signed_in(opcc_a).post(f"{LOG}new/",
                                      activity_form(concerns=[concern_a.pk], formal="False"))
    activity = ScrutinyActivity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LOG}{activity.pk}/"
    activity.refresh_from_db()
    assert activity.title == "Board on 999 calls" and activity.formal is False
    assert list(activity.concerns.all()) == [concern_a]
    assert activity.created_by == opcc_a and activity.force.slug == "lincolnshire"


def test_it_refuses_a_concern_of_another_force(opcc_a, concern_a, concern_b):
    response = signed_in(opcc_a).post(f"{LOG}new/", activity_form(concerns=[concern_b.pk]))
    assert response.status_code == 422
    assert not ScrutinyActivity.objects.exists()


def test_the_service_refuses_a_concern_of_another_force(opcc_a, force_a, concern_b):
    with pytest.raises(ValidationError, match="this force"):
        scrutiny.activity_create(actor=opcc_a, force=force_a, data={
            "kind": "board", "date": TODAY, "title": "T", "concerns": [concern_b]})
    assert not ScrutinyActivity.objects.exists()


def test_it_refuses_a_date_in_the_future(opcc_a, concern_a):
    response = signed_in(opcc_a).post(f"{LOG}new/", activity_form(date=days(3).isoformat()))
    assert response.status_code == 422
    assert "The date cannot be in the future" in response.content.decode()


def test_editing_an_activity_saves_a_new_version(opcc_a, activity_a, concern_a):
    response = signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/edit/", activity_form(
        version=1, title="Board, revised", stance="both", concerns=[]))
    assert response.status_code == 302
    activity_a.refresh_from_db()
    assert activity_a.title == "Board, revised" and activity_a.stance == "both"
    assert activity_a.version == 2 and not activity_a.concerns.exists()


def test_the_edit_form_shows_what_was_saved(opcc_a, activity_a):
    activity_a.formal = False
    activity_a.save()
    body = signed_in(opcc_a).get(f"{LOG}{activity_a.pk}/edit/").content.decode()
    assert f'value="{activity_a.date.isoformat()}"' in body
    assert 'value="False" id="id_formal_1" required checked' in body


def test_a_stale_edit_is_refused_with_the_banner_and_the_typed_text_kept(opcc_a, activity_a):
    url = f"{LOG}{activity_a.pk}/edit/"
    first, second = signed_in(opcc_a), signed_in(opcc_a)
    assert first.post(url, activity_form(version=1, summary="Theirs")).status_code == 302
    response = second.post(url, activity_form(version=1, title="My better title"))
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body and "Theirs" in body
    assert 'value="My better title"' in body
    activity_a.refresh_from_db()
    assert activity_a.title == "Board on 999 calls" and activity_a.summary == "Theirs"


# The log and its filters ---------------------------------------------------------------------


def test_the_log_lists_activities_newest_first_with_their_counts(opcc_a, force_a, concern_a,
                                                                 activity_a, follow_up_a):
    make_activity(force_a, 9, title="Older reality-testing visit", kind="reality_testing",
                  formal=False, stance="support")
    QuestionAsked.objects.create(activity=activity_a, text="Why so slow?")
    QuestionAsked.objects.create(activity=activity_a, text="When will it improve?")
    FollowUp.objects.create(activity=activity_a, text="Closed", owner="x", due=TODAY, done=True)
    body = signed_in(opcc_a).get(LOG).content.decode()
    assert body.index("Accountability board on 999 calls") < body.index("Older reality-testing")
    assert "2 activities" in body and "CoC 1" in body
    assert "Informal" in body and "Support" in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric"><strong>1</strong></td>' in body


def test_it_filters_by_kind_concern_and_dates_without_javascript(opcc_a, force_a, concern_a):
    make_activity(force_a, 1, title="Board covering calls", concerns=[concern_a])
    make_activity(force_a, 40, title="Old visit", kind="reality_testing")
    client = signed_in(opcc_a)
    body = client.get(f"{LOG}?kind=reality_testing").content.decode()
    assert "Old visit" in body and "Board covering calls" not in body
    body = client.get(f"{LOG}?concern={concern_a.pk}").content.decode()
    assert "Board covering calls" in body and "Old visit" not in body
    body = client.get(f"{LOG}?date_from={days(-10).isoformat()}").content.decode()
    assert "Board covering calls" in body and "Old visit" not in body
    body = client.get(f"{LOG}?date_to={days(-10).isoformat()}").content.decode()
    assert "Old visit" in body and "Board covering calls" not in body
    assert '<button type="submit" class="govuk-button govuk-button--secondary"' in body


def test_htmx_gets_only_the_results(opcc_a, force_a):
    make_activity(force_a, 1, title="Board", kind="board")
    make_activity(force_a, 2, title="Visit", kind="reality_testing")
    response = signed_in(opcc_a).get(f"{LOG}?kind=board", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="scrutiny-results"')
    assert "Board" in body and "Visit" not in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_the_full_page_also_varies_and_pushes_the_filter_url(opcc_a, force_a):
    make_activity(force_a)
    response = signed_in(opcc_a).get(LOG)
    assert "HX-Request" in response["Vary"]
    assert 'hx-push-url="true"' in response.content.decode()


def test_a_malformed_date_filter_is_ignored_not_an_error(opcc_a, force_a):
    make_activity(force_a, title="Still listed")
    response = signed_in(opcc_a).get(f"{LOG}?date_from=yesterday")
    assert response.status_code == 200 and "Still listed" in response.content.decode()


def test_an_empty_log_says_how_to_start(opcc_a, force_a):
    body = signed_in(opcc_a).get(LOG).content.decode()
    assert "No scrutiny recorded yet" in body and "Record the first activity" in body


def test_filters_matching_nothing_say_so(opcc_a, force_a):
    make_activity(force_a)
    body = signed_in(opcc_a).get(f"{LOG}?kind=audit").content.decode()
    assert "No activities match these filters" in body


def test_another_forces_activities_never_show(opcc_a, force_b):
    make_activity(force_b, title="Force B board marker")
    assert "Force B board marker" not in signed_in(opcc_a).get(LOG).content.decode()


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOG).status_code == 200
    return len(queries)


def test_the_log_takes_the_same_queries_for_5_or_50_activities(opcc_a, force_a, concern_a):
    client = signed_in(opcc_a)
    for n in range(5):
        make_activity(force_a, n, concerns=[concern_a])
    few = _count_queries(client)
    for n in range(5, 50):
        activity = make_activity(force_a, n, concerns=[concern_a])
        QuestionAsked.objects.create(activity=activity, text="Q")
        FollowUp.objects.create(activity=activity, text="F", owner="o", due=TODAY)
    many = _count_queries(client)
    assert many == few


# The activity page, questions and follow-ups ---------------------------------------------------


def test_the_activity_page_shows_questions_answers_verdicts_and_follow_ups(
        pcc_a, activity_a, follow_up_a):
    QuestionAsked.objects.create(activity=activity_a, text="Why are calls waiting?",
                                 answer="Staffing gaps at night", satisfactory="partly")
    QuestionAsked.objects.create(activity=activity_a, text="Is the plan funded?")
    body = signed_in(pcc_a).get(f"{LOG}{activity_a.pk}/").content.decode()
    assert "Accountability board on 999 calls" in body and "CoC 1 Answering 999 calls" in body
    assert "Staffing gaps at night" in body and "Partly satisfactory" in body
    assert "No answer recorded yet" in body and "Not judged yet" in body
    assert "Send the call-handling data" in body
    assert "as done</button>" not in body and "Add a question" not in body, "the PCC only reads"


def test_a_question_picked_from_the_bank_is_recorded_with_its_verdict(opcc_a, activity_a):
    shared = Question.objects.filter(force__isnull=True, audience="cc").first()
    response = signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/questions/new/", {
        "question": shared.pk, "answer": "We have a roadmap",
        "satisfactory": "yes"})
    assert response.status_code == 302
    asked = QuestionAsked.objects.get()
    assert asked.question == shared and asked.text == shared.text
    assert asked.answer == "We have a roadmap" and asked.satisfactory == "yes"


def test_a_typed_question_can_be_kept_in_the_offices_bank(opcc_a, force_a, activity_a):
    response = signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/questions/new/", {
        "text": "How many calls were abandoned last month?",
        "save_to_bank": "on", "audience": "cc"})
    assert response.status_code == 302
    asked = QuestionAsked.objects.get()
    assert asked.question.force == force_a and asked.question.audience == "cc"
    assert asked.text == asked.question.text == "How many calls were abandoned last month?"
    assert asked.satisfactory == ""


def test_a_typed_question_need_not_join_the_bank(opcc_a, activity_a):
    before = Question.objects.count()
    signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/questions/new/",
                           {"text": "A one-off question"})
    assert QuestionAsked.objects.get().question is None
    assert Question.objects.count() == before


def test_a_question_kept_in_the_bank_needs_its_audience(opcc_a, activity_a):
    response = signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/questions/new/",
                                      {"text": "Q", "save_to_bank": "on"})
    assert response.status_code == 422
    assert "Choose who the question is for" in response.content.decode()
    assert not QuestionAsked.objects.exists()


def test_a_question_needs_a_pick_or_a_text_but_not_both(opcc_a, activity_a):
    client = signed_in(opcc_a)
    url = f"{LOG}{activity_a.pk}/questions/new/"
    response = client.post(url, {"answer": "An answer to nothing"})
    assert response.status_code == 422
    assert "Choose a question from the bank or type a new one" in response.content.decode()
    shared = Question.objects.filter(force__isnull=True).first()
    response = client.post(url, {"question": shared.pk, "text": "Mine too"})
    assert response.status_code == 422
    assert "Type a new question only if none is chosen" in response.content.decode()
    assert not QuestionAsked.objects.exists()


def test_another_forces_own_question_cannot_be_picked(opcc_a, force_b, activity_a):
    theirs = Question.objects.create(force=force_b, audience="cc", text="Force B private q")
    url = f"{LOG}{activity_a.pk}/questions/new/"
    client = signed_in(opcc_a)
    assert "Force B private q" not in client.get(url).content.decode()
    assert client.post(url, {"question": theirs.pk}).status_code == 422
    with pytest.raises(ValidationError):
        scrutiny.question_ask(actor=opcc_a, activity=activity_a, question=theirs)
    assert not QuestionAsked.objects.exists()


def test_the_answer_and_verdict_can_be_recorded_later(opcc_a, activity_a):
    asked = QuestionAsked.objects.create(activity=activity_a, text="Why?")
    response = signed_in(opcc_a).post(f"{LOG}questions/{asked.pk}/edit/",
                                      {"answer": "Because of staffing", "satisfactory": "no"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{asked.pk}")
    asked.refresh_from_db()
    assert asked.answer == "Because of staffing" and asked.satisfactory == "no"


def test_a_verdict_needs_an_answer(opcc_a, activity_a):
    asked = QuestionAsked.objects.create(activity=activity_a, text="Why?")
    response = signed_in(opcc_a).post(f"{LOG}questions/{asked.pk}/edit/",
                                      {"answer": "", "satisfactory": "yes"})
    assert response.status_code == 422
    asked.refresh_from_db()
    assert asked.satisfactory == ""


def test_a_follow_up_is_added(opcc_a, activity_a):
    response = signed_in(opcc_a).post(f"{LOG}{activity_a.pk}/follow-ups/new/", {
        "text": "Bring the data to the next board", "owner": "Chief of Staff",
        "due": days(30).isoformat()})
    assert response.status_code == 302
    follow_up = activity_a.follow_ups.get()
    assert follow_up.owner == "Chief of Staff" and follow_up.due == days(30)
    assert not follow_up.done


def test_a_follow_up_is_marked_done_and_undone_without_javascript(opcc_a, activity_a,
                                                                  follow_up_a):
    client = signed_in(opcc_a)
    url = f"{LOG}follow-ups/{follow_up_a.pk}/done/"
    response = client.post(url, {"done": "true"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOG}{activity_a.pk}/#follow-ups"
    follow_up_a.refresh_from_db()
    assert follow_up_a.done and follow_up_a.done_on == TODAY
    assert "is marked as done" in client.get(response["Location"]).content.decode()
    client.post(url, {"done": "false"})
    follow_up_a.refresh_from_db()
    assert not follow_up_a.done and follow_up_a.done_on is None


def test_htmx_gets_the_follow_up_row_back(opcc_a, follow_up_a):
    response = signed_in(opcc_a).post(f"{LOG}follow-ups/{follow_up_a.pk}/done/",
                                      {"done": "true"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr class="govuk-table__row" id="follow-up-{follow_up_a.pk}"')
    assert "as not done</button>" in body and "Saved" in body
    follow_up_a.refresh_from_db()
    assert follow_up_a.done


def test_a_done_toggle_without_a_choice_changes_nothing(opcc_a, follow_up_a):
    response = signed_in(opcc_a).post(f"{LOG}follow-ups/{follow_up_a.pk}/done/", {},
                                      HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Choose whether the follow-up is done" in response.content.decode()
    follow_up_a.refresh_from_db()
    assert not follow_up_a.done


# Assured positions linked to scrutiny ----------------------------------------------------------


@pytest.fixture
def assured(concern_a, opcc_a) -> Position:
    return Position.objects.create(concern=concern_a, side="opcc", rag="amber",
                                   statement="Progress, not yet sustained", as_of=TODAY,
                                   recorded_by=opcc_a)


def test_activities_for_a_concern_are_those_that_covered_it(force_a, concern_a, activity_a):
    make_activity(force_a, 5, title="Unrelated")
    assert scrutiny.activities_for_concern(concern_a) == [activity_a]


def test_an_assured_position_links_to_an_activity_that_covered_its_concern(
        opcc_a, assured, activity_a, concern_a):
    client = signed_in(opcc_a)
    url = f"/forces/lincolnshire/positions/{assured.pk}/activity/"
    assert "Accountability board on 999 calls" in client.get(url).content.decode()
    response = client.post(url, {"activity": activity_a.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/forces/lincolnshire/concerns/{concern_a.pk}/"
    assured.refresh_from_db()
    assert assured.activity == activity_a
    body = client.get(f"{LOG}{activity_a.pk}/").content.decode()
    assert "Progress, not yet sustained" in body


def test_a_recommendations_assured_position_links_through_its_concern(opcc_a, rec_a,
                                                                     activity_a):
    position = Position.objects.create(recommendation=rec_a, side="opcc", rag="green",
                                       statement="Done", as_of=TODAY)
    scrutiny.position_link_activity(actor=opcc_a, position=position, activity=activity_a)
    position.refresh_from_db()
    assert position.activity == activity_a


def test_an_activity_that_did_not_cover_the_concern_is_refused(opcc_a, force_a, assured):
    other = make_activity(force_a, 3, title="About something else")
    response = signed_in(opcc_a).post(f"/forces/lincolnshire/positions/{assured.pk}/activity/",
                                      {"activity": other.pk})
    assert response.status_code == 422
    with pytest.raises(ValidationError, match="covered"):
        scrutiny.position_link_activity(actor=opcc_a, position=assured, activity=other)
    assured.refresh_from_db()
    assert assured.activity is None


def test_an_activity_of_another_force_is_refused(opcc_a, force_b, concern_a, assured):
    theirs = make_activity(force_b, concerns=[concern_a])  # even one wrongly naming our concern
    with pytest.raises(ValidationError, match="this force"):
        scrutiny.position_link_activity(actor=opcc_a, position=assured, activity=theirs)


def test_only_an_opcc_assured_position_can_be_linked(opcc_a, concern_a, activity_a):
    force_view = Position.objects.create(concern=concern_a, side="force", rag="green",
                                         statement="All fine", as_of=TODAY)
    url = f"/forces/lincolnshire/positions/{force_view.pk}/activity/"
    assert signed_in(opcc_a).get(url).status_code == 404
    with pytest.raises(ValidationError):
        scrutiny.position_link_activity(actor=opcc_a, position=force_view, activity=activity_a)


# The briefing pack's feed ----------------------------------------------------------------------


def test_scrutiny_since_gives_the_forces_activities_from_a_date_with_everything_loaded(
        case_a, force_a, force_b, activity_a, follow_up_a):
    make_activity(force_a, 60, title="Before the last PPOG")
    make_activity(force_b, 1, title="Another force")
    QuestionAsked.objects.create(activity=activity_a, text="Why?", satisfactory="no")
    activities = scrutiny.scrutiny_since(case_a, days(-30))
    assert [a.title for a in activities] == ["Accountability board on 999 calls"]
    with CaptureQueriesContext(connection) as queries:
        assert [q.text for q in activities[0].questions.all()] == ["Why?"]
        assert [f.text for f in activities[0].follow_ups.all()] == ["Send the call-handling data"]
    assert len(queries) == 0


# Who may do what -------------------------------------------------------------------------------

READ_URLS = ["", "{activity}/"]
WRITE_URLS = ["new/", "{activity}/edit/", "{activity}/questions/new/",
              "questions/{asked}/edit/", "{activity}/follow-ups/new/"]


@pytest.fixture
def urls(activity_a, follow_up_a, assured) -> dict[str, str]:
    asked = QuestionAsked.objects.create(activity=activity_a, text="Why?")
    ids = {"activity": activity_a.pk, "asked": asked.pk}
    return {
        "read": [LOG + u.format(**ids) for u in READ_URLS],
        "write": [LOG + u.format(**ids) for u in WRITE_URLS]
        + [f"/forces/lincolnshire/positions/{assured.pk}/activity/"],
        "toggle": f"{LOG}follow-ups/{follow_up_a.pk}/done/",
    }


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin"])
def test_readers_read_but_never_write(persona, personas, urls, follow_up_a):
    client = signed_in(personas[persona])
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url
        assert client.post(url, {}).status_code == 405, url
    for url in urls["write"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.post(urls["toggle"], {"done": "true"}).status_code == 403
    follow_up_a.refresh_from_db()
    assert not follow_up_a.done


def test_another_forces_opcc_gets_404_everywhere(opcc_b, urls):
    client = signed_in(opcc_b)
    for url in urls["read"]:
        assert client.get(url).status_code == 404, url
    for url in urls["write"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert client.post(urls["toggle"], {"done": "true"}).status_code == 404


def test_force_a_objects_under_force_b_slug_are_404_for_force_b(opcc_b, activity_a,
                                                                follow_up_a):
    client = signed_in(opcc_b)
    base = "/forces/west-midlands/scrutiny/"
    assert client.get(f"{base}{activity_a.pk}/").status_code == 404
    assert client.post(f"{base}follow-ups/{follow_up_a.pk}/done/",
                       {"done": "true"}).status_code == 404


def test_anonymous_is_sent_to_sign_in(urls):
    client = signed_in(None)
    for url in [*urls["read"], *urls["write"]]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_opcc_of_the_force_writes(opcc_a, urls):
    client = signed_in(opcc_a)
    for url in urls["write"]:
        assert client.get(url).status_code == 200, url
        # An empty answer form clears the answer and verdict; every other form needs input.
        expected = 302 if "/scrutiny/questions/" in url else 422
        assert client.post(url, {}).status_code == expected, url
