"""Stale causes of concern (30 days with no progress update and no new position), scrutiny
follow-ups (the day before, while not done) and the PCC's s55 comments (14 and 3 days before)."""

import datetime

import pytest

from engage.models import ReminderKind
from engage.reminder_plan import at_nine
from oversight.models import (
    Action,
    CauseOfConcern,
    FollowUp,
    HmicfrsReport,
    Position,
    ProgressUpdate,
    ScrutinyActivity,
)
from tests.notifications.conftest import TODAY, at, days, keys, pending, plan

STALE, FOLLOW_UP = ReminderKind.STALE_CONCERN, ReminderKind.FOLLOW_UP_DUE
S55 = ReminderKind.S55_COMMENTS


@pytest.fixture
def concern(case_a) -> CauseOfConcern:
    return CauseOfConcern.objects.create(case=case_a, reference="CoC 1", title="999 calls",
                                         wording="w", raised=days(-10))


def test_a_concern_with_no_news_is_flagged_30_days_after_it_was_raised(everyone, concern):
    plan()
    [row] = pending(everyone["opcc_a"], STALE)
    assert row.key == f"stale_concern:{concern.pk}:{days(-10)}"
    assert row.due_at == at_nine(days(20))
    assert row.url == f"/forces/lincolnshire/concerns/{concern.pk}/"
    assert pending(everyone["pcc_a"], STALE) == [] and pending(everyone["opcc_b"]) == []


def test_a_concern_long_without_news_is_flagged_at_once(everyone, case_a):
    CauseOfConcern.objects.create(case=case_a, title="Old", wording="w", raised=days(-200))
    plan()
    [row] = pending(everyone["opcc_a"], STALE)
    assert row.due_at == at_nine(days(-170))


def test_a_progress_update_on_its_action_restarts_the_30_days(everyone, concern):
    plan()
    action = Action.objects.create(case=concern.case, title="Act", owner="o", due=days(40))
    action.concerns.add(concern)
    ProgressUpdate.objects.create(action=action, author=everyone["opcc_a"], as_of=TODAY,
                                  rag="green", text="Progress")
    plan()
    [row] = pending(everyone["opcc_a"], STALE)
    assert row.key == f"stale_concern:{concern.pk}:{TODAY}" and row.due_at == at_nine(days(30))
    assert keys(everyone["opcc_a"], STALE, state="cancelled") == {
        f"stale_concern:{concern.pk}:{days(-10)}"}


def test_a_new_position_restarts_the_30_days(everyone, concern):
    Position.objects.create(concern=concern, side="opcc", rag="amber", statement="s",
                            as_of=TODAY, recorded_by=everyone["opcc_a"])
    plan()
    assert keys(everyone["opcc_a"], STALE) == {f"stale_concern:{concern.pk}:{TODAY}"}


def test_a_discharged_concern_is_not_flagged(everyone, concern):
    plan()
    concern.status = CauseOfConcern.Status.DISCHARGED
    concern.save()
    plan()
    assert pending(everyone["opcc_a"], STALE) == []


@pytest.fixture
def follow_up(force_a, opcc_a) -> FollowUp:
    activity = ScrutinyActivity.objects.create(force=force_a, kind="board", date=days(-3),
                                               title="Accountability board")
    return FollowUp.objects.create(activity=activity, text="Send the call data", owner="ACC",
                                   due=days(5))


def test_a_follow_up_is_reminded_the_day_before_to_opcc_staff(everyone, follow_up):
    plan()
    [row] = pending(everyone["opcc_a"], FOLLOW_UP)
    assert row.key == f"follow_up:{follow_up.pk}:{days(5)}" and row.due_at == at_nine(days(4))
    assert "Send the call data" in row.body
    assert row.url.startswith("/forces/lincolnshire/")
    assert pending(everyone["pcc_a"], FOLLOW_UP) == [] and pending(everyone["opcc_b"]) == []


def test_marking_the_follow_up_done_cancels_it(everyone, follow_up):
    plan()
    follow_up.done, follow_up.done_on = True, TODAY
    follow_up.save()
    assert plan().cancelled == 1
    assert pending(everyone["opcc_a"], FOLLOW_UP) == []


def test_a_new_due_date_moves_the_follow_up_reminder(everyone, follow_up):
    plan()
    follow_up.due = days(9)
    follow_up.save()
    plan()
    assert [r.due_at for r in pending(everyone["opcc_a"], FOLLOW_UP)] == [at_nine(days(8))]


def test_the_pcc_and_office_are_reminded_14_and_3_days_before_comments_are_due(everyone, force_a):
    from oversight.models import HmicfrsReport

    report = HmicfrsReport.objects.create(force=force_a, title="PEEL 2025", published=days(-40))
    plan()
    due = days(16)
    for name in ("pcc_a", "opcc_a"):
        assert [r.due_at for r in pending(everyone[name], S55)] == [
            at_nine(due - datetime.timedelta(days=14)), at_nine(due - datetime.timedelta(days=3))]
    assert pending(everyone["opcc_b"]) == [] and pending(everyone["apcc_lead"]) == []
    assert pending(everyone["pcc_a"], S55)[0].url == "/forces/lincolnshire/reports/"
    assert report.comments_due == due


def test_publishing_the_comments_cancels_the_s55_reminders(everyone, force_a):
    from oversight.models import HmicfrsReport

    report = HmicfrsReport.objects.create(force=force_a, title="PEEL 2025", published=days(-40))
    plan(at(TODAY))
    report.response_published = TODAY
    report.save()
    plan(at(TODAY))
    assert pending(everyone["pcc_a"], S55) == [] and pending(everyone["opcc_a"], S55) == []
