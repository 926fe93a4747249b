"""PPOG: start the briefing pack 21 days before (OPCC staff), the pack not approved 7 days
before (the PCC), and the APCC's pre-meet offer (the PCC and OPCC staff, not the APCC)."""

import datetime

from engage.models import Reminder, ReminderKind
from engage.reminder_plan import at_nine
from ppog.models import PreMeet
from ppog.packs import pack_approve, pack_status_set
from ppog.services import premeet_record
from tests.notifications.conftest import at, days, pending, plan

PREPARE, UNAPPROVED = ReminderKind.PPOG_PREPARE, ReminderKind.PACK_NOT_APPROVED
OFFER = ReminderKind.PREMEET_OFFER


def test_opcc_staff_are_told_to_start_the_pack_21_days_before(everyone, slot_a, slot_b):
    plan()
    [row] = pending(everyone["opcc_a"], PREPARE)
    assert row.due_at == at_nine(slot_a.meeting.date - datetime.timedelta(days=21))
    assert row.key == f"ppog_prepare:{slot_a.pk}:{slot_a.meeting.date}"
    assert row.url == f"/ppog/{slot_a.meeting_id}/lincolnshire/"
    assert pending(everyone["pcc_a"], PREPARE) == []
    assert [r.key for r in pending(everyone["opcc_b"], PREPARE)] == [
        f"ppog_prepare:{slot_b.pk}:{slot_b.meeting.date}"]


def test_the_pcc_is_told_if_the_pack_is_not_approved_7_days_before(everyone, slot_a):
    plan()
    [row] = pending(everyone["pcc_a"], UNAPPROVED)
    assert row.due_at == at_nine(days(23))
    assert pending(everyone["opcc_a"], UNAPPROVED) == []
    assert pending(everyone["opcc_b"], UNAPPROVED) == []


def test_approving_the_pack_cancels_the_reminder(everyone, slot_a):
    plan()
    pack = pack_status_set(actor=everyone["opcc_a"], pack=slot_a.pack, status="ready")
    pack.refresh_from_db()
    pack_approve(actor=everyone["pcc_a"], pack=pack, version=pack.version)
    plan()
    assert pending(everyone["pcc_a"], UNAPPROVED) == []
    assert pending(everyone["opcc_a"], PREPARE) == []


def test_a_pack_marked_ready_no_longer_needs_starting(everyone, slot_a):
    plan()
    pack_status_set(actor=everyone["opcc_a"], pack=slot_a.pack, status="ready")
    plan()
    assert pending(everyone["opcc_a"], PREPARE) == []
    assert len(pending(everyone["pcc_a"], UNAPPROVED)) == 1


def test_moving_the_meeting_moves_the_reminders(everyone, slot_a):
    plan()
    meeting = slot_a.meeting
    meeting.date = days(60)
    meeting.save()
    plan()
    [row] = pending(everyone["pcc_a"], UNAPPROVED)
    assert row.key.endswith(str(days(60))) and row.due_at == at_nine(days(53))
    assert Reminder.objects.get(user=everyone["pcc_a"], key__endswith=str(days(30))).state == (
        Reminder.State.CANCELLED)


def test_a_pre_meet_offer_reaches_the_pcc_and_the_office_at_once(everyone, slot_a, slot_b):
    premeet_record(actor=everyone["apcc_lead"], slot=slot_a, data={"status": "offered",
                                                                  "date": days(20)})
    now = at(days(0), 11)
    plan(now)
    for name in ("pcc_a", "opcc_a"):
        [row] = pending(everyone[name], OFFER)
        assert row.due_at == now and "pre-meet" in row.subject
    slot_url = f"/ppog/{slot_a.meeting_id}/lincolnshire/"
    assert pending(everyone["opcc_a"], OFFER)[0].url == f"{slot_url}premeet/"
    assert pending(everyone["pcc_a"], OFFER)[0].url == slot_url


def test_the_apcc_lead_who_makes_the_offer_is_not_reminded_of_it(everyone, slot_a, slot_b):
    premeet_record(actor=everyone["apcc_lead"], slot=slot_a, data={"status": "offered"})
    plan()
    assert pending(everyone["apcc_lead"]) == [] and pending(everyone["admin"]) == []
    assert pending(everyone["opcc_b"], OFFER) == []


def test_answering_the_offer_cancels_an_unsent_reminder(everyone, slot_a):
    premeet_record(actor=everyone["apcc_lead"], slot=slot_a, data={"status": "offered"})
    plan()
    premeet = PreMeet.objects.get(slot=slot_a)
    premeet_record(actor=everyone["opcc_a"], slot=slot_a, data={"status": "accepted"},
                   version=premeet.version)
    plan()
    assert pending(everyone["pcc_a"], OFFER) == [] and pending(everyone["opcc_a"], OFFER) == []
