"""This feature's URLs × every persona × GET and an empty POST (the rows to add to
tests/test_access_matrix.py), checked here so the table handed over is known to hold."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse

from engage.models import Notification
from oversight.models import HmicfrsReport
from ppog.models import Meeting
from tests.conftest import signed_in


def everyone(outcome, anonymous="login"):
    return {"anonymous": anonymous, **{p: outcome for p in
                                       ("opcc_a", "pcc_a", "opcc_b", "apcc_lead", "admin")}}


# As in tests/test_access_matrix.py: force A's OPCC edits; its PCC, the APCC lead and admins
# read; force B's OPCC gets 404.
READ = {"anonymous": "login", "opcc_a": 200, "pcc_a": 200, "opcc_b": 404, "apcc_lead": 200,
        "admin": 200}
EDIT_GET = {**READ, "pcc_a": 403, "apcc_lead": 403, "admin": 403}
EDIT_POST = {**EDIT_GET, "opcc_a": 422}
OWN_ONLY = {**everyone(404), "opcc_a": 302}

MATRIX = {
    "notifications:list": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # Another person's notification is a 404; the owner's POST without htmx redirects back.
    "notifications:read": (lambda f: {"notification_id": f["note"].pk},
                           {"GET": everyone(405), "POST": OWN_ONLY}),
    "notifications:read-all": (None, {"GET": everyone(405), "POST": everyone(302)}),
    "notifications:preferences": (None, {"GET": everyone(200), "POST": everyone(422)}),
    # The link in the email is the proof: anyone holding it, signed in or not.
    "notifications:unsubscribe": (lambda f: {"token": f["token"]},
                                  {"GET": everyone(200, anonymous=200),
                                   "POST": everyone(302, anonymous=302)}),
    "ppog:meeting-ical": (lambda f: {"meeting_id": f["meeting"].pk},
                          {"GET": everyone(200), "POST": everyone(405)}),
    "oversight:reports": (lambda f: {"slug": f["a"].slug}, {"GET": READ, "POST": everyone(405)}),
    "oversight:report-create": (lambda f: {"slug": f["a"].slug},
                                {"GET": EDIT_GET, "POST": EDIT_POST}),
    "oversight:report-response": (lambda f: {"slug": f["a"].slug, "report_id": f["report"].pk},
                                  {"GET": EDIT_GET, "POST": EDIT_POST}),
}


@pytest.fixture
def things(personas, force_a, case_a, wired):
    opcc_a = personas["opcc_a"]
    return {
        "a": force_a,
        "note": Notification.objects.create(user=opcc_a, occurrence="x", kind="review_soon",
                                            subject="s", url="/"),
        "token": signing.dumps({"u": opcc_a.pk, "k": "review_soon"}, salt="unsubscribe"),
        "meeting": Meeting.objects.create(date=datetime.date(2027, 1, 15), place="London"),
        "report": HmicfrsReport.objects.create(force=force_a, title="PEEL",
                                               published=datetime.date(2026, 1, 5)),
    }


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


@pytest.mark.parametrize("name", MATRIX)
def test_each_persona_gets_the_expected_outcome(name, personas, things):
    kwargs, table = MATRIX[name]
    url = reverse(name, kwargs=kwargs(things) if kwargs else None)
    failures = []
    for method, expected in table.items():
        for persona, outcome in expected.items():
            client = signed_in(personas[persona])
            response = client.get(url) if method == "GET" else client.post(url, {})
            if _outcome(response) != outcome:
                failures.append(f"{method} {persona}: {_outcome(response)} != {outcome}")
    assert not failures, f"{name} {url}: " + "; ".join(failures)
