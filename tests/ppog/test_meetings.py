import datetime

from forces.models import MonitoringPeriod
from forces.selectors import force_list
from ppog.models import Meeting, Outcome, PreMeet, ReviewPoint, Slot
from tests.conftest import signed_in
from tests.ppog.conftest import TODAY


def test_opcc_staff_add_a_meeting_and_their_slot(opcc_a, case_a):
    client = signed_in(opcc_a)
    response = client.post("/ppog/new/", {"date": "2027-01-20", "place": "London"})
    meeting = Meeting.objects.get(date="2027-01-20")
    assert response["Location"] == f"/ppog/{meeting.pk}/"
    response = client.post(f"/ppog/{meeting.pk}/slots/new/", {"case": case_a.pk, "starts": "10:00"})
    slot = Slot.objects.get(meeting=meeting, case=case_a)
    assert response["Location"] == f"/ppog/{meeting.pk}/lincolnshire/"
    assert slot.pack.status == "draft"


def test_a_meeting_needs_a_place_or_online(opcc_a):
    response = signed_in(opcc_a).post("/ppog/new/", {"date": "2027-01-20", "place": ""})
    assert response.status_code == 422
    assert "Enter where the meeting is, or say it is online" in response.content.decode()


def test_opcc_staff_cannot_add_another_forces_slot(opcc_a, meeting, case_b):
    response = signed_in(opcc_a).post(f"/ppog/{meeting.pk}/slots/new/", {"case": case_b.pk})
    assert response.status_code == 422
    assert not Slot.objects.filter(case=case_b).exists()


def test_a_force_sees_only_its_own_slot(opcc_a, slot_a, slot_b):
    client = signed_in(opcc_a)
    body = client.get(f"/ppog/{slot_a.meeting_id}/").content.decode()
    assert "Lincolnshire Police" in body and "West Midlands Police" not in body
    assert client.get(f"/ppog/{slot_a.meeting_id}/west-midlands/").status_code == 404


def test_the_apcc_lead_sees_every_slot(apcc_lead, slot_a, slot_b):
    body = signed_in(apcc_lead).get(f"/ppog/{slot_a.meeting_id}/").content.decode()
    assert "Lincolnshire Police" in body and "West Midlands Police" in body


def test_a_return_to_scan_closes_the_case_and_updates_the_history(opcc_a, slot_a):
    url = f"/ppog/{slot_a.meeting_id}/lincolnshire/outcome/"
    decided = (TODAY - datetime.timedelta(days=2)).isoformat()
    response = signed_in(opcc_a).post(url, {"decision": "scan", "decided_on": decided,
                                            "letter_url": "https://example.org/letter"})
    assert response.status_code == 302
    period = MonitoringPeriod.objects.get(pk=slot_a.case.period_id)
    assert str(period.end) == decided and period.end_precision == "day"
    slot_a.case.refresh_from_db()
    assert not slot_a.case.is_open
    assert "lincolnshire" not in {f.slug for f in force_list(status="engage")}
    overview = signed_in(opcc_a).get("/forces/lincolnshire/").content.decode()
    assert "Returned to Scan" in overview and "Return to Scan." in overview


def test_the_decision_comes_after_the_meeting(opcc_a, slot_a):
    before = (slot_a.meeting.date - datetime.timedelta(days=1)).isoformat()
    response = signed_in(opcc_a).post(f"/ppog/{slot_a.meeting_id}/lincolnshire/outcome/",
                                      {"decision": "scan", "decided_on": before})
    assert response.status_code == 422
    assert "HMCI decides after the meeting" in response.content.decode()
    assert not Outcome.objects.exists()
    assert MonitoringPeriod.objects.get(pk=slot_a.case.period_id).end is None


def test_remaining_in_engage_leaves_the_period_open(opcc_a, slot_a):
    signed_in(opcc_a).post(f"/ppog/{slot_a.meeting_id}/lincolnshire/outcome/",
                           {"decision": "remain", "decided_on": TODAY.isoformat()})
    assert Outcome.objects.get().decision == "remain"
    assert MonitoringPeriod.objects.get(pk=slot_a.case.period_id).end is None


def test_only_the_forces_opcc_records_the_outcome(pcc_a, apcc_lead, opcc_b, slot_a):
    url = f"/ppog/{slot_a.meeting_id}/lincolnshire/outcome/"
    data = {"decision": "scan", "decided_on": TODAY.isoformat()}
    assert signed_in(pcc_a).post(url, data).status_code == 403
    assert signed_in(apcc_lead).post(url, data).status_code == 403
    assert signed_in(opcc_b).post(url, data).status_code == 404
    assert not Outcome.objects.exists()


def test_review_points_show_on_the_timeline_and_dashboard(opcc_a, slot_a):
    due = (TODAY + datetime.timedelta(days=60)).isoformat()
    client = signed_in(opcc_a)
    client.post(f"/ppog/{slot_a.meeting_id}/lincolnshire/review-points/new/",
                {"due": due, "expectation": "Sustained 999 performance for three months"})
    assert ReviewPoint.objects.get().slot == slot_a
    assert "Sustained 999 performance" in client.get("/forces/lincolnshire/").content.decode()
    assert "Sustained 999 performance" in client.get("/").content.decode()


def test_the_apcc_offers_a_premeet_and_the_office_accepts(apcc_lead, opcc_a, slot_a):
    url = f"/ppog/{slot_a.meeting_id}/lincolnshire/premeet/"
    signed_in(apcc_lead).post(url, {"status": "offered", "notes": "Call on Monday"})
    assert PreMeet.objects.get().status == "offered"
    response = signed_in(opcc_a).post(url, {"status": "accepted",
                                            "messages": "Ask HMICFRS for thresholds"})
    assert response.status_code == 302
    premeet = PreMeet.objects.get()
    assert premeet.status == "accepted" and premeet.messages == "Ask HMICFRS for thresholds"
    assert premeet.notes == "Call on Monday"


def test_the_office_cannot_mark_a_premeet_held(opcc_a, slot_a):
    response = signed_in(opcc_a).post(f"/ppog/{slot_a.meeting_id}/lincolnshire/premeet/",
                                      {"status": "held"})
    assert response.status_code == 422
    assert not PreMeet.objects.exists()
