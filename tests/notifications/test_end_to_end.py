"""Plan → dispatch → the reminder shows in the header's count and in the list, and its email
(from this feature's templates) carries the unsubscribe link that works."""

import pytest

from engage.dispatch import dispatch_due
from engage.models import Notification, OutboxEmail, Reminder
from engage.notifications import delivery_for
from engage.reminder_plan import plan_reminders
from ppog.models import ReviewPoint
from tests.conftest import signed_in
from tests.notifications.conftest import TODAY, at, badge, days


@pytest.fixture
def planned_and_due(everyone, case_a):
    ReviewPoint.objects.create(case=case_a, due=days(7), expectation="Answer 999 calls faster")
    plan_reminders(at(TODAY, 8))
    return dispatch_due(now=at(TODAY, 9, 1), queue_send=False)


def test_a_planned_reminder_is_dispatched_once_and_counted_in_the_header(everyone,
                                                                        planned_and_due, wired):
    assert planned_and_due == 2  # the 7-day reminder, to OPCC staff and the PCC of force A
    assert dispatch_due(now=at(TODAY, 9, 2), queue_send=False) == 0
    [note] = Notification.objects.filter(user=everyone["opcc_a"])
    assert "in 7 days" in note.subject and note.url == "/forces/lincolnshire/case/"
    assert ">1<span class=\"govuk-visually-hidden\"> unread notifications</span>" in badge(
        everyone["opcc_a"])
    assert note.subject in signed_in(everyone["opcc_a"]).get("/notifications/").content.decode()
    assert not Notification.objects.filter(user__in=[everyone["opcc_b"], everyone["apcc_lead"]])


def test_the_email_uses_our_template_and_its_unsubscribe_link_works(everyone, planned_and_due,
                                                                    wired):
    email = OutboxEmail.objects.get(user=everyone["pcc_a"])
    assert "Open it in the Engage case manager" in email.text
    link = next(line.split(": ", 1)[1] for line in email.text.splitlines()
                if line.startswith("Stop emails about"))
    path = "/" + link.split("/", 3)[3]
    signed_in(None).post(path)
    assert delivery_for(everyone["pcc_a"], "review_soon") == "off"


def test_replanning_after_dispatch_leaves_sent_reminders_alone(everyone, planned_and_due):
    plan_reminders(at(TODAY, 10))
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 2
