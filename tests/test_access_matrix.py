"""Every URL × every persona × GET and POST, against a table of expected outcomes.

A new URL pattern without an entry here fails ``test_every_url_has_an_entry``. Outcomes:
an HTTP status, or "login" for a redirect to the sign-in page. Force-scoped case pages take
force A's slug; personas of force B must get 404 there (and never see force A's data).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import signed_in

PERSONAS = ["anonymous", "opcc_a", "pcc_a", "opcc_b", "apcc_lead", "admin"]
SIGNED_IN = PERSONAS[1:]


def everyone(outcome, anonymous="login"):
    return {"anonymous": anonymous, **{p: outcome for p in SIGNED_IN}}


# Force A's case: its OPCC edits, its PCC reads and comments, the APCC lead and admins read,
# force B's OPCC gets 404.
READ = {"anonymous": "login", "opcc_a": 200, "pcc_a": 200, "opcc_b": 404, "apcc_lead": 200,
        "admin": 200}
EDIT_GET = {**READ, "pcc_a": 403, "apcc_lead": 403, "admin": 403}
EDIT_POST = {**EDIT_GET, "opcc_a": 422}  # an empty form: the errors come back
COMMENT_POST = {**EDIT_POST, "pcc_a": 422}
ONLY_POST = everyone(405)
# The APCC's own pages: APCC leads and admins only; everyone else 403 (not a force's data).
APCC_ONLY = {**everyone(403), "apcc_lead": 200, "admin": 200}
APCC_POST = {**APCC_ONLY, "apcc_lead": 422, "admin": 422}


def case_page(read: dict, post: dict | int = 405):
    return {"GET": read, "POST": post if isinstance(post, dict) else everyone(post)}


slug = lambda f: {"slug": f["a"].slug}  # noqa: E731
concern = lambda f: {"slug": f["a"].slug, "concern_id": f["concern"].pk}  # noqa: E731
action = lambda f: {"slug": f["a"].slug, "action_id": f["action"].pk}  # noqa: E731
measure = lambda f: {"slug": f["a"].slug, "measure_id": f["measure"].pk}  # noqa: E731
meeting = lambda f: {"meeting_id": f["meeting"].pk}  # noqa: E731
activity = lambda f: {"slug": f["a"].slug, "activity_id": f["activity"].pk}  # noqa: E731
slot = lambda f: {"meeting_id": f["meeting"].pk, "slug": f["a"].slug}  # noqa: E731


# name: (kwargs builder, {method: {persona: outcome}})
MATRIX = {
    "dashboard": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "healthz": (None, {"GET": everyone(200, anonymous=200), "POST": everyone(405, anonymous=405)}),
    "govuk-asset": (lambda f: {"path": "images/favicon.svg"},
                    {"GET": everyone(301, anonymous=301), "POST": everyone(405, anonymous=405)}),
    "favicon": (None, {"GET": everyone(301, anonymous=301), "POST": everyone(405, anonymous=405)}),
    "accounts:login": (None, {"GET": everyone(302, anonymous=200),
                              "POST": everyone(302, anonymous=422)}),
    "accounts:logout": (None, {"GET": everyone(405), "POST": everyone("login")}),
    "accounts:two-factor": (None, {
        "GET": everyone(200),
        # Without a device the form is checked (an empty code: 422); once verified it shows status.
        "POST": {**everyone(422), "apcc_lead": 200, "admin": 200},
    }),
    "forces:force-list": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "forces:force-detail": (lambda f: {"slug": f["a"].slug},
                            {"GET": everyone(200), "POST": everyone(405)}),
    "oversight:case-detail": (slug, case_page(READ)),
    "oversight:case-edit": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:concern-create": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:concern-detail": (concern, case_page(READ)),
    "oversight:concern-edit": (concern, case_page(EDIT_GET, EDIT_POST)),
    "oversight:recommendation-create": (concern, case_page(EDIT_GET, EDIT_POST)),
    "oversight:recommendation-edit": (lambda f: {"slug": f["a"].slug, "rec_id": f["rec"].pk},
                                      case_page(EDIT_GET, EDIT_POST)),
    "oversight:position-create": (concern, case_page(EDIT_GET, EDIT_POST)),
    "oversight:concern-comment": (concern, {"GET": ONLY_POST, "POST": COMMENT_POST}),
    "oversight:plan": (slug, case_page(READ)),
    "oversight:action-create": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:action-detail": (action, case_page(READ)),
    "oversight:action-edit": (action, case_page(EDIT_GET, EDIT_POST)),
    # Without JavaScript a refused status change redirects back to the plan with a message.
    "oversight:action-status": (action, {"GET": ONLY_POST, "POST": {**EDIT_POST, "opcc_a": 302}}),
    "oversight:action-comment": (action, {"GET": ONLY_POST, "POST": COMMENT_POST}),
    "oversight:update-create": (action, case_page(EDIT_GET, EDIT_POST)),
    "oversight:evidence-download": (lambda f: {"slug": f["a"].slug, "evidence_id": f["evidence"].pk},
                                    case_page(READ)),
    "oversight:measure-create": (concern, case_page(EDIT_GET, EDIT_POST)),
    "oversight:measure-edit": (measure, case_page(EDIT_GET, EDIT_POST)),
    "oversight:measure-points": (measure, case_page(READ, {**EDIT_POST})),
    "oversight:measure-chart": (measure, case_page(READ)),
    "oversight:exit-readiness": (slug, case_page(READ)),
    "oversight:exit-test-edit": (lambda f: {"slug": f["a"].slug, "test": "a"},
                                 case_page(EDIT_GET, EDIT_POST)),
    "oversight:exit-themes-edit": (slug, case_page(EDIT_GET, EDIT_POST)),
    "ppog:meeting-list": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "ppog:meeting-create": (None, {"GET": {**everyone(200), "pcc_a": 403},
                                   "POST": {**everyone(422), "pcc_a": 403}}),
    "ppog:meeting-detail": (meeting, {"GET": everyone(200), "POST": everyone(405)}),
    "ppog:slot-create": (meeting, {"GET": {**everyone(200), "pcc_a": 403},
                                   "POST": {**everyone(422), "pcc_a": 403}}),
    "ppog:slot-detail": (slot, case_page(READ)),
    "ppog:slot-edit": (slot, case_page(EDIT_GET, EDIT_POST)),
    "ppog:outcome-create": (slot, case_page(EDIT_GET, EDIT_POST)),
    "ppog:review-point-create": (slot, case_page(EDIT_GET, EDIT_POST)),
    # The APCC keeps pre-meets for every force; the force's office answers the offer.
    "ppog:premeet-edit": (slot, {"GET": {**EDIT_GET, "apcc_lead": 200, "admin": 200},
                                 "POST": {**EDIT_POST, "apcc_lead": 422, "admin": 422}}),
    "oversight:scrutiny-list": (slug, case_page(READ)),
    "oversight:scrutiny-create": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:scrutiny-detail": (activity, case_page(READ)),
    "oversight:scrutiny-edit": (activity, case_page(EDIT_GET, EDIT_POST)),
    "oversight:scrutiny-question-create": (activity, case_page(EDIT_GET, EDIT_POST)),
    # Both answer fields are optional: an empty form saves (clears) and redirects.
    "oversight:scrutiny-question-edit": (lambda f: {"slug": f["a"].slug, "asked_id": f["asked"].pk},
                                         case_page(EDIT_GET, {**EDIT_POST, "opcc_a": 302})),
    "oversight:follow-up-create": (activity, case_page(EDIT_GET, EDIT_POST)),
    "oversight:follow-up-done": (lambda f: {"slug": f["a"].slug, "follow_up_id": f["follow_up"].pk},
                                 {"GET": ONLY_POST, "POST": {**EDIT_POST, "opcc_a": 302}}),
    "oversight:question-bank": (slug, case_page(READ)),
    "oversight:question-create": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:question-edit": (lambda f: {"slug": f["a"].slug, "question_id": f["question"].pk},
                                case_page(EDIT_GET, EDIT_POST)),
    "oversight:position-activity": (lambda f: {"slug": f["a"].slug, "position_id": f["position"].pk},
                                    case_page(EDIT_GET, EDIT_POST)),
    "notifications:list": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "notifications:read": (lambda f: {"notification_id": f["note"].pk},
                           {"GET": everyone(405), "POST": {**everyone(404), "opcc_a": 302}}),
    "notifications:read-all": (None, {"GET": everyone(405), "POST": everyone(302)}),
    "notifications:preferences": (None, {"GET": everyone(200), "POST": everyone(422)}),
    # The link in every email: works signed out; GET confirms, POST unsubscribes.
    "notifications:unsubscribe": (lambda f: {"token": f["token"]},
                                  {"GET": everyone(200, anonymous=200),
                                   "POST": everyone(302, anonymous=302)}),
    "ppog:meeting-ical": (meeting, {"GET": everyone(200), "POST": everyone(405)}),
    "oversight:reports": (slug, case_page(READ)),
    "oversight:report-create": (slug, case_page(EDIT_GET, EDIT_POST)),
    "oversight:report-response": (lambda f: {"slug": f["a"].slug, "report_id": f["report"].pk},
                                  case_page(EDIT_GET, EDIT_POST)),
    "ppog:pack": (slot, case_page(READ)),
    "ppog:pack-preview": (slot, case_page(READ)),
    "ppog:pack-render-status": (lambda f: {**slot(f), "render_id": f["render"].pk}, case_page(READ)),
    "ppog:pack-download": (lambda f: {**slot(f), "render_id": f["render"].pk}, case_page(READ)),
    "ppog:pack-issued": (lambda f: {**slot(f), "issued_id": f["issued"].pk}, case_page(READ)),
    "ppog:pack-edit": (slot, case_page(EDIT_GET, EDIT_POST)),
    "ppog:pack-sections": (slot, case_page(EDIT_GET, EDIT_POST)),
    "ppog:pack-questions": (slot, case_page(EDIT_GET, EDIT_POST)),
    "ppog:pack-question-delete": (lambda f: {**slot(f), "question_id": f["pack_question"].pk},
                                  {"GET": ONLY_POST, "POST": {**EDIT_POST, "opcc_a": 302}}),
    "ppog:pack-status": (slot, {"GET": ONLY_POST, "POST": EDIT_POST}),
    # Only the force's PCC approves; an empty form names no version (422).
    "ppog:pack-approve": (slot, {"GET": ONLY_POST,
                                 "POST": {**EDIT_POST, "opcc_a": 403, "pcc_a": 422}}),
    "ppog:pack-comment": (slot, {"GET": ONLY_POST, "POST": COMMENT_POST}),
    "ppog:pack-render": (slot, {"GET": ONLY_POST,
                                "POST": {**EDIT_POST, "opcc_a": 302, "pcc_a": 302}}),
    "apcc:dashboard": (None, {"GET": APCC_ONLY, "POST": {**APCC_ONLY, "apcc_lead": 405, "admin": 405}}),
    "apcc:export": (None, {"GET": APCC_ONLY, "POST": {**APCC_ONLY, "apcc_lead": 405, "admin": 405}}),
    "apcc:force": (slug, {"GET": APCC_ONLY, "POST": {**APCC_ONLY, "apcc_lead": 405, "admin": 405}}),
    "apcc:offer-create": (slug, {"GET": APCC_ONLY, "POST": APCC_POST}),
    "apcc:offer-edit": (lambda f: {"offer_id": f["offer"].pk}, {"GET": APCC_ONLY, "POST": APCC_POST}),
    "apcc:buddy-create": (slug, {"GET": APCC_ONLY, "POST": APCC_POST}),
    "apcc:case-study-create": (None, {"GET": APCC_ONLY, "POST": APCC_POST}),
    # A debrief is for a force whose case has closed; force A is still in Engage.
    "apcc:debrief": (slug, {"GET": {**APCC_ONLY, "apcc_lead": 404, "admin": 404},
                            "POST": {**APCC_ONLY, "apcc_lead": 404, "admin": 404}}),
    "apcc:learning": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "apcc:case-study": (lambda f: {"study_id": f["study"].pk}, {"GET": everyone(200),
                                                               "POST": everyone(405)}),
    "oversight:support": (slug, case_page(READ)),
    "oversight:support-respond": (lambda f: {"slug": f["a"].slug, "offer_id": f["offer"].pk},
                                  {"GET": ONLY_POST, "POST": {**EDIT_POST}}),
    "oversight:plan-import": (slug, case_page(EDIT_GET, EDIT_POST)),
    # With nothing pending, confirming goes back to the upload page.
    "oversight:plan-import-confirm": (slug, {"GET": ONLY_POST, "POST": {**EDIT_POST, "opcc_a": 302}}),
    "oversight:plan-import-template": (slug, case_page(EDIT_GET)),
    "oversight:plan-export-csv": (slug, case_page(READ)),
    "oversight:plan-export-xlsx": (slug, case_page(READ)),
    "oversight:concern-history-csv": (concern, case_page(READ)),
}

# The admin site: one rule for all its pages, checked on a representative set.
ADMIN_SAMPLES = [
    ("admin:index", lambda f: {}),
    ("admin:forces_force_changelist", lambda f: {}),
    ("admin:forces_force_change", lambda f: {"object_id": f["a"].pk}),
    ("admin:forces_force_history", lambda f: {"object_id": f["a"].pk}),
    ("admin:engage_user_changelist", lambda f: {}),
    ("admin:engage_membership_add", lambda f: {}),
    ("admin:engage_auditevent_changelist", lambda f: {}),
]


def _names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


@pytest.fixture
def clients(personas):
    return {name: signed_in(user) for name, user in personas.items()}


@pytest.fixture
def forces(force_a, force_b, personas, settings, tmp_path):
    """Force A with a case holding one of each thing, and force B with a case of its own."""
    import datetime

    settings.MEDIA_ROOT = tmp_path

    from oversight.models import Action, CauseOfConcern, EngageCase, Recommendation

    case = EngageCase.objects.create(force=force_a,
                                     period=force_a.monitoring_periods.get(end__isnull=True))
    concern = CauseOfConcern.objects.create(case=case, reference="CoC 1", title="Calls",
                                            wording="w", raised=datetime.date(2025, 1, 1))
    rec = Recommendation.objects.create(concern=concern, reference="1.1", text="r")
    action = Action.objects.create(case=case, title="Act", owner="o",
                                   due=datetime.date(2026, 1, 1))
    evidence = _evidence(case, action)
    from oversight.models import Measure

    measure_a = Measure.objects.create(concern=concern, name="999 calls", unit="%", target=90)
    from ppog.models import Meeting
    from ppog.services import slot_add

    ppog_meeting = Meeting.objects.create(date=datetime.date(2026, 1, 15), place="London")
    from oversight.models import FollowUp, Position, Question, QuestionAsked, ScrutinyActivity

    activity = ScrutinyActivity.objects.create(
        force=force_a, kind="board", date=datetime.date(2025, 6, 1), title="Board",
        created_by=personas["opcc_a"])
    activity.concerns.add(concern)
    asked = QuestionAsked.objects.create(activity=activity, text="Q?")
    follow_up = FollowUp.objects.create(activity=activity, text="Do it", owner="o",
                                        due=datetime.date(2026, 1, 1))
    question = Question.objects.create(force=force_a, audience="cc", text="Our own question")
    position = Position.objects.create(concern=concern, side="opcc", rag="amber", statement="s",
                                       as_of=datetime.date(2025, 6, 2))
    from django.core import signing

    from engage.models import Notification
    from oversight.models import HmicfrsReport

    note = Notification.objects.create(user=personas["opcc_a"], occurrence="matrix", kind="review_soon",
                                       subject="A reminder")
    token = signing.dumps({"u": personas["opcc_a"].pk, "k": "review_soon"}, salt="unsubscribe")
    report = HmicfrsReport.objects.create(force=force_a, title="PEEL report",
                                          published=datetime.date(2025, 5, 1))
    from oversight.models import CaseStudy, SupportOffer

    offer = SupportOffer.objects.create(force=force_a, kind="buddy", offered_on=datetime.date(2025, 1, 1))
    study = CaseStudy.objects.filter(published=True).first()
    slot_add(actor=personas["opcc_a"], meeting=ppog_meeting, case=case)
    case_b = EngageCase.objects.create(force=force_b,
                                       period=force_b.monitoring_periods.get(end__isnull=True))
    CauseOfConcern.objects.create(case=case_b, title=FORCE_B_MARKER, wording=FORCE_B_MARKER,
                                  raised=datetime.date(2025, 1, 1))
    slot_a = ppog_meeting.slots.get(case=case)
    render, issued, pack_question = _pack_things(slot_a.pack, personas["opcc_a"])
    slot_b = slot_add(actor=personas["opcc_b"], meeting=ppog_meeting, case=case_b)
    slot_b.attendees = FORCE_B_MARKER
    slot_b.save()
    return {"a": force_a, "b": force_b, "case": case, "concern": concern, "rec": rec,
            "action": action, "evidence": evidence, "measure": measure_a,
            "meeting": ppog_meeting, "activity": activity, "asked": asked,
            "follow_up": follow_up, "question": question, "position": position,
            "note": note, "token": token, "report": report, "render": render,
            "issued": issued, "pack_question": pack_question, "offer": offer, "study": study}


def _pack_things(pack, author):
    """A finished render, an issued PDF and a picked question for force A's pack."""
    import hashlib

    from django.core.files.base import ContentFile

    from ppog.models import IssuedPack, PackQuestion, PackRender

    pdf = b"%PDF-1.7 matrix"
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, state="done",
                                       requested_by=author)
    render.pdf.save("matrix.pdf", ContentFile(pdf), save=True)
    issued = IssuedPack(pack=pack, pack_version=pack.version, sha256=hashlib.sha256(pdf).hexdigest(),
                        size=len(pdf), issued_by=author)
    issued.pdf.save("matrix-issued.pdf", ContentFile(pdf), save=False)
    issued.save()
    question = PackQuestion.objects.create(pack=pack, audience="cc", text="Why?")
    return render, issued, question


def _evidence(case, action):
    import datetime

    from django.core.files.base import ContentFile

    from oversight.models import Evidence, ProgressUpdate

    author = case.force.memberships.first().user
    update = ProgressUpdate.objects.create(action=action, author=author, rag="green", text="u",
                                           as_of=datetime.date(2025, 1, 1))
    evidence = Evidence(case=case, update=update, original_name="note.csv", content_type="text/csv",
                        size=4, sha256="0" * 64, uploaded_by=author)
    evidence.file.save("matrix-note.csv", ContentFile(b"a,b\n"), save=True)
    return evidence


def test_every_url_has_an_entry():
    names = _names(get_resolver().url_patterns)
    missing = sorted(n for n in names if n not in MATRIX and not n.startswith("admin:"))
    assert not missing, f"add these URLs to the access matrix: {missing}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_what_the_matrix_says(name, clients, forces):
    kwargs_for, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(forces) if kwargs_for else None)
    seen = {}
    for method, by_persona in expected.items():
        for persona in PERSONAS:
            client = clients[persona]
            response = client.get(url) if method == "GET" else client.post(url, {})
            seen[(method, persona)] = _outcome(response)
    wanted = {(m, p): o for m, by in expected.items() for p, o in by.items()}
    assert seen == wanted


@pytest.mark.parametrize("name,kwargs_for", ADMIN_SAMPLES)
def test_only_admins_reach_the_admin_site(name, kwargs_for, clients, forces):
    url = reverse(name, kwargs=kwargs_for(forces))
    assert _outcome(clients["anonymous"].get(url)) == "login"
    for persona in ["opcc_a", "pcc_a", "opcc_b", "apcc_lead"]:
        response = clients[persona].get(url)
        assert response.status_code == 302, (persona, url)
        assert "/admin/login/" in response["Location"]
    assert clients["admin"].get(url).status_code == 200


FORCE_B_MARKER = "Force-B-only marker 7f3a"


def test_force_a_objects_under_force_b_slug_are_404_for_force_b(clients, forces):
    client = clients["opcc_b"]
    for path in [f"/forces/west-midlands/concerns/{forces['concern'].pk}/",
                 f"/forces/west-midlands/plan/actions/{forces['action'].pk}/",
                 f"/forces/west-midlands/recommendations/{forces['rec'].pk}/edit/"]:
        assert client.get(path).status_code == 404, path


def test_force_b_markers_never_reach_force_a_users(clients, forces, opcc_b):
    marker = opcc_b.full_name
    for persona in ["opcc_a", "pcc_a"]:
        for name, (kwargs_for, expected) in MATRIX.items():
            if expected["GET"][persona] != 200:
                continue
            url = reverse(name, kwargs=kwargs_for(forces) if kwargs_for else None)
            response = clients[persona].get(url)
            body = b"".join(response.streaming_content if response.streaming
                            else [response.content]).decode(errors="replace")
            assert marker not in body, (persona, url)
            assert FORCE_B_MARKER not in body, (persona, url)
            assert opcc_b.email not in body, (persona, url)


def test_removing_a_membership_takes_effect_on_the_next_request(opcc_a, force_a):
    client = signed_in(opcc_a)
    assert force_a.name in client.get("/").content.decode()
    opcc_a.memberships.all().delete()
    body = client.get("/").content.decode()
    assert "You have no role yet" in body
    assert "Lincolnshire Police" not in body
