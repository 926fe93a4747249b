"""PPOG dates as iCalendar (RFC 5545), to add a meeting to Outlook or any other calendar.

One VEVENT per meeting, whose UID never changes, so downloading it again updates the entry
(SEQUENCE follows the meeting's version). If the person's force has a slot with a start time,
the event is that hour; otherwise it is the whole day. Only the date, place and a link go into
the file: calendars are often synced to other services, so no case detail or notes do.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from engage.permissions import force_ids
from ppog.models import Meeting, Slot

CRLF = "\r\n"
LINE_OCTETS = 75
LONDON = ZoneInfo("Europe/London")
SLOT_LENGTH = datetime.timedelta(hours=1)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (RFC 5545 3.1); each continuation
    starts with a space, which counts, and no UTF-8 character is cut in two."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts, current, limit = [], b"", LINE_OCTETS
    for char in line:
        octets = char.encode()
        if len(current) + len(octets) > limit:
            parts.append(current.decode())
            current, limit = b"", LINE_OCTETS - 1
        current += octets
    parts.append(current.decode())
    return (CRLF + " ").join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _when(meeting: Meeting, slot: Slot | None) -> list[str]:
    if slot is not None and slot.starts is not None:
        start = datetime.datetime.combine(meeting.date, slot.starts, tzinfo=LONDON)
        return [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(start + SLOT_LENGTH)}"]
    next_day = meeting.date + datetime.timedelta(days=1)
    return [f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}", f"DTEND;VALUE=DATE:{next_day:%Y%m%d}"]


def _summary(meeting: Meeting, slot: Slot | None) -> tuple[str, str]:
    what = "Policing Performance Oversight Group (PPOG), chaired by HMCI."
    if slot is None:
        return "PPOG meeting", what
    force = slot.case.force
    if slot.starts is None:
        return f"PPOG: {force}'s slot", f"{what} {force}'s slot time is not set yet."
    end = (datetime.datetime.combine(meeting.date, slot.starts) + SLOT_LENGTH).time()
    return (f"PPOG: {force}'s slot",
            f"{what} {force}'s slot: {slot.starts:%H:%M} to {end:%H:%M}.")


def meeting_calendar(meeting: Meeting, slot: Slot | None, *, now: datetime.datetime) -> str:
    """The whole VCALENDAR text, CRLF line endings, folded."""
    site = settings.SITE_URL.rstrip("/")
    url = site + reverse("ppog:meeting-detail", args=[meeting.pk])
    summary, description = _summary(meeting, slot)
    location = meeting.place or ("Online" if meeting.online else "")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Engage case manager//PPOG//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:ppog-meeting-{meeting.pk}@{urlsplit(site).hostname or 'engage'}",
        f"DTSTAMP:{_utc(now)}",
        f"SEQUENCE:{meeting.version}",
        *_when(meeting, slot),
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description + chr(10) + url)}",
        *([f"LOCATION:{escape_text(location)}"] if location else []),
        f"URL:{url}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)


def own_slot(user, meeting: Meeting) -> Slot | None:
    """The slot of the user's own force at this meeting, if it has one."""
    return (Slot.objects.filter(meeting=meeting, case__force_id__in=force_ids(user))
            .select_related("case__force").order_by("starts", "id").first())


@require_GET
def meeting_ical(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    body = meeting_calendar(meeting, own_slot(request.user, meeting), now=timezone.now())
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ppog-{meeting.date:%Y-%m-%d}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
