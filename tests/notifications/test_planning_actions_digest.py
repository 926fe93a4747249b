"""Improvement plan actions due within 7 days or overdue: one digest per OPCC person per day."""

from engage.models import Reminder, ReminderKind
from engage.reminder_plan import at_nine
from oversight.models import Action, EngageCase
from oversight.services import action_set_status
from tests.conftest import make_user
from tests.notifications.conftest import TODAY, at, days, keys, pending, plan

DIGEST = ReminderKind.ACTIONS_DIGEST


def action(case, n: int, due, **fields) -> Action:
    defaults = {"reference": f"A{n}", "title": f"Action {n}", "owner": "Head of Contact"}
    return Action.objects.create(case=case, due=due, **{**defaults, **fields})


def test_several_actions_make_one_digest_per_person_per_day(everyone, case_a):
    for n, due in enumerate([days(-3), days(0), days(6)], start=1):
        action(case_a, n, due)
    plan()
    [digest] = pending(everyone["opcc_a"], DIGEST)
    assert digest.key == f"actions_digest:{TODAY}" and digest.due_at == at_nine(TODAY)
    assert digest.subject == ("Improvement plan: 1 action overdue, 2 actions due within 7 days")
    assert digest.body.count("\n- ") + digest.body.startswith("- ") == 3
    assert "A1 Action 1 (overdue, was due" in digest.body
    assert digest.url == "/forces/lincolnshire/plan/"


def test_every_opcc_colleague_gets_their_own_digest(everyone, case_a, force_a):
    colleague = make_user("cara.opcc@example.org", role="opcc_staff", force=force_a)
    action(case_a, 1, days(2))
    plan()
    assert len(pending(everyone["opcc_a"], DIGEST)) == 1 and len(pending(colleague, DIGEST)) == 1


def test_the_digest_goes_to_opcc_staff_not_the_pcc(everyone, case_a):
    action(case_a, 1, days(2))
    plan()
    assert pending(everyone["pcc_a"], DIGEST) == []
    assert pending(everyone["apcc_lead"]) == []


def test_another_force_s_actions_are_not_in_the_digest(everyone, case_a, case_b):
    action(case_a, 1, days(2))
    action(case_b, 1, days(1), title="Force B secret action")
    plan()
    [digest] = pending(everyone["opcc_a"], DIGEST)
    assert "Force B" not in digest.body and "1 action due" in digest.subject
    [theirs] = pending(everyone["opcc_b"], DIGEST)
    assert "Force B secret action" in theirs.body


def test_actions_due_later_or_complete_are_left_out(everyone, case_a):
    action(case_a, 1, days(8))
    action(case_a, 2, days(-2), status=Action.Status.COMPLETE)
    plan()
    assert pending(everyone["opcc_a"], DIGEST) == []


def test_completing_the_last_action_cancels_the_day_s_digest(everyone, case_a):
    act = action(case_a, 1, days(1))
    plan()
    action_set_status(actor=everyone["opcc_a"], action=act, version=act.version,
                      status=Action.Status.COMPLETE)
    plan()
    assert keys(everyone["opcc_a"], DIGEST, state="cancelled") == {f"actions_digest:{TODAY}"}


def test_the_digest_follows_the_plan_until_it_is_sent(everyone, case_a):
    action(case_a, 1, days(1))
    plan()
    action(case_a, 2, days(-1))
    plan()
    [digest] = pending(everyone["opcc_a"], DIGEST)
    assert "A2 Action 2" in digest.body and "1 action overdue" in digest.subject


def test_the_next_day_has_its_own_digest_and_an_unsent_one_is_superseded(everyone, case_a):
    action(case_a, 1, days(3))
    plan(at(TODAY))
    plan(at(days(1)))
    assert keys(everyone["opcc_a"], DIGEST) == {f"actions_digest:{days(1)}"}
    assert keys(everyone["opcc_a"], DIGEST, state="cancelled") == {f"actions_digest:{TODAY}"}


def test_a_sent_digest_is_not_sent_again_the_same_day(everyone, case_a):
    action(case_a, 1, days(3))
    plan(at(TODAY, 8))
    Reminder.objects.filter(kind=DIGEST).update(state=Reminder.State.SENT)
    action(case_a, 2, days(2))
    plan(at(TODAY, 14))
    assert Reminder.objects.filter(user=everyone["opcc_a"], kind=DIGEST).count() == 1
    assert pending(everyone["opcc_a"], DIGEST) == []


def test_someone_in_two_offices_gets_one_digest_for_both(everyone, case_a, case_b, force_b):
    from engage.services import membership_grant

    membership_grant(user=everyone["opcc_a"], role="opcc_staff", force=force_b)
    action(case_a, 1, days(1))
    action(case_b, 1, days(2), title="Force B action")
    plan()
    [digest] = pending(everyone["opcc_a"], DIGEST)
    assert "Lincolnshire Police:" in digest.body and "West Midlands Police:" in digest.body
    assert digest.url == "/" and digest.force_id is None
    assert EngageCase.objects.count() == 2
