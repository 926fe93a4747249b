"""A PPOG meeting as an iCalendar file (RFC 5545)."""

import datetime

import pytest

from ppog.ical import escape_text, fold
from ppog.models import Meeting
from tests.conftest import signed_in


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def props(body: str) -> dict[str, str]:
    return {line.split(":", 1)[0]: line.split(":", 1)[1] for line in unfold(body) if ":" in line}


@pytest.fixture
def meeting(db) -> Meeting:
    return Meeting.objects.create(date=datetime.date(2026, 7, 15),
                                  place="Church House, Great Smith Street; London\nRoom 2")


def test_the_file_is_a_calendar_download(opcc_a, meeting):
    response = signed_in(opcc_a).get(f"/ppog/{meeting.pk}/ical/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ppog-2026-07-15.ics"'
    body = response.content.decode()
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines and "VERSION:2.0" in lines
    assert body.count("\r\n") == body.count("\n"), "every line ends CRLF"


def test_a_meeting_without_our_slot_is_a_whole_day_event(apcc_lead, meeting):
    fields = props(signed_in(apcc_lead).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    assert fields["DTSTART;VALUE=DATE"] == "20260715"
    assert fields["DTEND;VALUE=DATE"] == "20260716"
    assert fields["SUMMARY"] == "PPOG meeting"


def test_our_slot_time_becomes_the_event_in_utc(opcc_a, meeting, slot_a):
    slot_a.starts = datetime.time(10, 30)
    slot_a.save()
    fields = props(signed_in(opcc_a).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    assert fields["DTSTART"] == "20260715T093000Z"  # 10:30 BST
    assert fields["DTEND"] == "20260715T103000Z"
    assert fields["SUMMARY"] == "PPOG: Lincolnshire Police's slot"


def test_another_force_s_slot_is_not_ours(opcc_b, meeting, slot_a):
    slot_a.starts = datetime.time(10, 30)
    slot_a.save()
    fields = props(signed_in(opcc_b).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    assert "DTSTART;VALUE=DATE" in fields and "Lincolnshire" not in fields["SUMMARY"]


def test_the_uid_is_stable_and_dtstamp_is_utc(opcc_a, meeting, settings):
    settings.SITE_URL = "https://engage.example.org"
    first = props(signed_in(opcc_a).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    again = props(signed_in(opcc_a).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    assert first["UID"] == again["UID"] == f"ppog-meeting-{meeting.pk}@engage.example.org"
    assert len(first["DTSTAMP"]) == 16 and first["DTSTAMP"].endswith("Z")
    assert first["SEQUENCE"] == str(meeting.version)


def test_commas_semicolons_and_newlines_are_escaped(opcc_a, meeting):
    fields = props(signed_in(opcc_a).get(f"/ppog/{meeting.pk}/ical/").content.decode())
    assert fields["LOCATION"] == "Church House\\, Great Smith Street\\; London\\nRoom 2"
    assert escape_text("a\\b") == "a\\\\b"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_signed_out_people_are_sent_to_sign_in(meeting):
    response = signed_in(None).get(f"/ppog/{meeting.pk}/ical/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_missing_meeting_is_not_found(opcc_a):
    assert signed_in(opcc_a).get("/ppog/999999/ical/").status_code == 404
