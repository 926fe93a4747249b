"""Two people editing the same record: the second save is refused and says what changed."""

from oversight.models import Action, CauseOfConcern
from tests.conftest import signed_in


def _action_form(action, **changes):
    data = {"version": action.version, "reference": action.reference, "title": action.title,
            "description": "", "owner": action.owner, "due": action.due.isoformat(),
            "status": action.status}
    return {**data, **changes}


def test_the_second_save_of_an_action_is_refused_with_what_changed(opcc_a, action_a):
    first, second = signed_in(opcc_a), signed_in(opcc_a)
    seen_by_both = Action.objects.get(pk=action_a.pk)
    url = f"/forces/lincolnshire/plan/actions/{action_a.pk}/edit/"
    assert first.post(url, _action_form(seen_by_both, owner="Head of Crime")).status_code == 302
    response = second.post(url, _action_form(seen_by_both, title="My better title"))
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body
    assert "Owner" in body and "Head of Crime" in body
    assert "My better title" in body, "the second editor's text is kept on the page"
    action_a.refresh_from_db()
    assert action_a.owner == "Head of Crime" and action_a.title == "Action 1"
    resubmit = second.post(url, _action_form(action_a, title="My better title"))
    assert resubmit.status_code == 302
    action_a.refresh_from_db()
    assert action_a.title == "My better title" and action_a.owner == "Head of Crime"


def test_the_second_save_of_a_concern_is_refused(opcc_a, concern_a):
    url = f"/forces/lincolnshire/concerns/{concern_a.pk}/edit/"
    data = {"version": 1, "reference": "CoC 1", "title": concern_a.title,
            "wording": concern_a.wording, "source": "peel", "raised": "2025-01-10",
            "priority": "high", "status": "open"}
    assert signed_in(opcc_a).post(url, {**data, "threshold": "Ours"}).status_code == 302
    response = signed_in(opcc_a).post(url, {**data, "title": "Theirs"})
    assert response.status_code == 409
    assert "Threshold for sufficient improvement" in response.content.decode()
    assert CauseOfConcern.objects.get(pk=concern_a.pk).title == "Answering 999 calls"
