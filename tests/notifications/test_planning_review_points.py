"""Review points: 14, 7 and 1 days before at 09:00 London, and the day after if no review is
recorded; to the force's OPCC staff and PCC only."""

import datetime

from engage.models import Reminder, ReminderKind
from engage.reminder_plan import at_nine
from ppog.models import ReviewPoint
from ppog.services import review_point_review
from tests.conftest import make_user
from tests.notifications.conftest import TODAY, at, days, keys, pending, plan

SOON, PASSED = ReminderKind.REVIEW_POINT_SOON, ReminderKind.REVIEW_POINT_PASSED


def point(case, due, **fields) -> ReviewPoint:
    return ReviewPoint.objects.create(case=case, due=due, expectation="Answer 999 calls faster",
                                      **fields)


def test_the_force_s_opcc_staff_and_pcc_get_each_reminder(everyone, case_a):
    rp = point(case_a, days(20))
    plan()
    expected = {f"review_point:{rp.pk}:{rp.due}:{n}d" for n in (14, 7, 1)}
    for name in ("opcc_a", "pcc_a"):
        assert keys(everyone[name], SOON) == expected
        assert keys(everyone[name], PASSED) == {f"review_point:{rp.pk}:{rp.due}:passed"}


def test_nobody_is_reminded_about_another_force_s_review_point(everyone, case_a, case_b):
    point(case_b, days(20))
    plan()
    for name in ("opcc_a", "pcc_a", "apcc_lead", "admin"):
        assert pending(everyone[name]) == []
    assert len(pending(everyone["opcc_b"])) == 4


def test_apcc_leads_and_admins_get_no_review_point_reminders(everyone, case_a):
    point(case_a, days(20))
    plan()
    assert pending(everyone["apcc_lead"]) == [] and pending(everyone["admin"]) == []


def test_reminders_fall_at_nine_in_the_morning_london_time(everyone, case_a):
    rp = point(case_a, days(20))
    plan()
    seven = Reminder.objects.get(user=everyone["opcc_a"], key=f"review_point:{rp.pk}:{rp.due}:7d")
    assert seven.due_at == at_nine(days(13))
    assert seven.due_at.astimezone(at(TODAY).tzinfo).time() == datetime.time(9, 0)
    assert seven.url == "/forces/lincolnshire/case/"
    assert "in 7 days" in seven.subject and "Answer 999 calls faster" in seven.body


def test_nine_o_clock_follows_british_summer_time():
    assert at_nine(datetime.date(2026, 1, 15)).astimezone(datetime.UTC).hour == 9
    assert at_nine(datetime.date(2026, 7, 15)).astimezone(datetime.UTC).hour == 8


def test_a_review_point_at_a_ppog_slot_links_to_the_slot(everyone, slot_a):
    point(slot_a.case, days(20), slot=slot_a)
    plan()
    assert {r.url for r in pending(everyone["pcc_a"])} == {
        f"/ppog/{slot_a.meeting_id}/lincolnshire/"}


def test_a_point_added_five_days_out_skips_the_reminders_already_gone(everyone, case_a):
    rp = point(case_a, days(5))
    plan()
    assert keys(everyone["opcc_a"], SOON) == {f"review_point:{rp.pk}:{rp.due}:1d"}


def test_a_reminder_whose_moment_passed_within_the_day_is_still_sent(everyone, case_a):
    rp = point(case_a, days(7))
    plan(at(TODAY, 15))  # six hours after 09:00, seven days before
    assert f"review_point:{rp.pk}:{rp.due}:7d" in keys(everyone["opcc_a"], SOON)


def test_planning_twice_makes_no_second_row(everyone, case_a):
    point(case_a, days(20))
    plan()
    result = plan()
    assert result.created == 0 and result.updated == 0
    assert Reminder.objects.filter(user=everyone["opcc_a"]).count() == 4


def test_a_review_point_passed_without_a_review_reminds_the_day_after(everyone, case_a):
    rp = point(case_a, days(-1))
    plan(at(TODAY, 8))
    row = Reminder.objects.get(user=everyone["pcc_a"], kind=PASSED)
    assert row.key == f"review_point:{rp.pk}:{rp.due}:passed" and row.due_at == at_nine(TODAY)
    assert "passed with no review recorded" in row.subject
    assert keys(everyone["pcc_a"], SOON) == set()


def test_moving_the_due_date_cancels_the_old_reminders_and_plans_new_ones(everyone, case_a):
    rp = point(case_a, days(20))
    plan()
    old = keys(everyone["opcc_a"])
    rp.due = days(40)
    rp.save()
    plan()
    assert keys(everyone["opcc_a"], state="cancelled") == old
    assert keys(everyone["opcc_a"]) == {f"review_point:{rp.pk}:{days(40)}:{n}"
                                         for n in ("14d", "7d", "1d", "passed")}
    assert pending(everyone["opcc_a"])[0].due_at == at_nine(days(26))


def test_recording_the_review_cancels_its_pending_reminders(everyone, case_a):
    rp = point(case_a, days(20))
    plan()
    review_point_review(actor=everyone["opcc_a"], point=rp, version=rp.version, met=True,
                        reviewed_on=TODAY)
    result = plan()
    assert result.cancelled == 8
    assert pending(everyone["opcc_a"]) == [] and pending(everyone["pcc_a"]) == []


def test_a_sent_reminder_is_never_cancelled_or_changed(everyone, case_a):
    rp = point(case_a, days(20))
    plan()
    sent = Reminder.objects.get(user=everyone["opcc_a"], key__endswith=":14d")
    Reminder.objects.filter(pk=sent.pk).update(state=Reminder.State.SENT)
    rp.met = False
    rp.save()
    plan()
    sent.refresh_from_db()
    assert sent.state == Reminder.State.SENT


def test_someone_who_leaves_the_office_is_no_longer_reminded(everyone, case_a):
    point(case_a, days(20))
    plan()
    everyone["opcc_a"].memberships.all().delete()
    plan()
    assert pending(everyone["opcc_a"]) == [] and len(pending(everyone["pcc_a"])) == 4


def test_a_new_colleague_is_reminded_from_the_next_plan(everyone, case_a, force_a):
    point(case_a, days(20))
    plan()
    colleague = make_user("cara.opcc@example.org", role="opcc_staff", force=force_a)
    plan()
    assert len(pending(colleague)) == 4


def test_a_closed_case_s_review_points_are_not_reminded(everyone, case_a):
    point(case_a, days(20))
    period = case_a.period
    period.end = days(-1)
    period.save()
    plan()
    assert pending(everyone["opcc_a"]) == []


def test_a_passed_review_point_is_reminded_once_however_long_it_stays_unreviewed(everyone,
                                                                                 case_a):
    point(case_a, days(-1))
    plan(at(TODAY))
    Reminder.objects.update(state=Reminder.State.SENT)
    result = plan(at(days(10)))
    assert result.created == 0 and result.revived == 0
    assert Reminder.objects.filter(user=everyone["opcc_a"], kind=PASSED).count() == 1
