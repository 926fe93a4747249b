"""Writes for PPOG meetings, slots, outcomes, review points and pre-meets.

Who may do what (engage/permissions.py): a force's OPCC staff record their own slot, outcome
and review points; APCC leads and admins arrange meetings for every force and keep pre-meets.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from engage.permissions import can
from oversight.models import EngageCase
from oversight.services import require, save_versioned
from ppog.models import DEFAULT_SECTIONS, BriefingPack, Meeting, Outcome, PreMeet, ReviewPoint, Slot


def _may_arrange(actor, case: EngageCase | None = None) -> None:
    if can(actor, "can_use_apcc_tools"):
        return
    if case is not None and can(actor, "can_edit_case", case.force):
        return
    if case is None and can(actor, "can_arrange_ppog"):
        return
    raise PermissionDenied


def meeting_create(*, actor, date: datetime.date, place: str = "", online: bool = False,
                   notes: str = "") -> Meeting:
    _may_arrange(actor)
    if not place and not online:
        raise ValidationError({"place": "Enter where the meeting is, or say it is online"})
    meeting = Meeting(date=date, place=place, online=online, notes=notes)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_update(*, actor, meeting: Meeting, version: int, data: dict[str, Any]) -> Meeting:
    _may_arrange(actor)
    fields = {k: v for k, v in data.items() if k in {"date", "place", "online", "notes"}}
    return save_versioned(meeting, version=version, fields=fields)


def slot_add(*, actor, meeting: Meeting, case: EngageCase, starts=None, attendees: str = "") -> Slot:
    _may_arrange(actor, case)
    if not case.is_open:
        raise ValidationError({"case": f"{case.force} is no longer in Engage"})
    if Slot.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError({"case": f"{case.force} already has a slot at this meeting"})
    with transaction.atomic():
        slot = Slot.objects.create(meeting=meeting, case=case, starts=starts, attendees=attendees)
        BriefingPack.objects.create(slot=slot, sections=list(DEFAULT_SECTIONS))
    return slot


def slot_update(*, actor, slot: Slot, version: int, data: dict[str, Any]) -> Slot:
    require(actor, "can_edit_case", slot.case.force)
    fields = {k: v for k, v in data.items() if k in {"starts", "attendees", "notes"}}
    return save_versioned(slot, version=version, fields=fields)


def outcome_record(*, actor, slot: Slot, decision: str, decided_on: datetime.date,
                   letter_url: str = "", summary: str = "",
                   today: datetime.date | None = None) -> Outcome:
    """HMCI's decision, made after the meeting. Returning to Scan closes the case: the force's
    Engage period ends on the decision date, so its monitoring history shows the exit."""
    today = today or datetime.date.today()
    require(actor, "can_edit_case", slot.case.force)
    if decided_on < slot.meeting.date:
        raise ValidationError({"decided_on": "HMCI decides after the meeting: the decision date "
                                             "cannot be before the meeting"})
    if decided_on > today:
        raise ValidationError({"decided_on": "The decision date cannot be in the future"})
    if hasattr(slot, "outcome"):
        raise ValidationError("The outcome of this slot is already recorded")
    with transaction.atomic():
        outcome = Outcome(slot=slot, decision=decision, decided_on=decided_on,
                          letter_url=letter_url, summary=summary, recorded_by=actor)
        outcome.full_clean()
        outcome.save()
        if decision == Outcome.Decision.SCAN:
            period = slot.case.period
            period.end, period.end_precision = decided_on, "day"
            if letter_url and not period.letter_url:
                period.letter_url = letter_url
            period.save()
    return outcome


def review_point_add(*, actor, case: EngageCase, due: datetime.date, expectation: str,
                     slot: Slot | None = None) -> ReviewPoint:
    require(actor, "can_edit_case", case.force)
    if not expectation.strip():
        raise ValidationError({"expectation": "Enter what HMCI expects by the review point"})
    point = ReviewPoint(case=case, slot=slot, due=due, expectation=expectation.strip())
    point.full_clean()
    point.save()
    return point


def review_point_review(*, actor, point: ReviewPoint, version: int, met: bool,
                        reviewed_on: datetime.date) -> ReviewPoint:
    require(actor, "can_edit_case", point.case.force)
    return save_versioned(point, version=version, fields={"met": met, "reviewed_on": reviewed_on})


def premeet_record(*, actor, slot: Slot, data: dict[str, Any], version: int | None = None) -> PreMeet:
    """The APCC's pre-meet before PPOG: APCC leads keep it; the force's OPCC may accept or
    decline an offer and say what the PCC wants reinforced."""
    fields = {k: v for k, v in data.items() if k in {"status", "date", "notes", "messages"}}
    if not can(actor, "can_use_apcc_tools"):
        require(actor, "can_edit_case", slot.case.force)
        fields = {k: v for k, v in fields.items() if k in {"status", "messages"}}
        if fields.get("status") not in {None, PreMeet.Status.ACCEPTED, PreMeet.Status.DECLINED}:
            raise ValidationError({"status": "Accept or decline the APCC's offer"})
    premeet = PreMeet.objects.filter(slot=slot).first()
    if premeet is None:
        premeet = PreMeet(slot=slot, **fields)
        premeet.full_clean()
        premeet.save()
        return premeet
    return save_versioned(premeet, version=version or premeet.version, fields=fields)
