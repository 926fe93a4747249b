"""Reads of PPOG records, scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from engage.permissions import can, force_ids
from ppog.models import Meeting, ReviewPoint, Slot


def visible_slots(user) -> QuerySet[Slot]:
    """Every slot for APCC leads and admins; a force's own slots for its OPCC and PCC."""
    slots = Slot.objects.select_related("case__force", "case__period", "meeting")
    if can(user, "can_use_apcc_tools"):
        return slots
    return slots.filter(case__force_id__in=force_ids(user))


def meetings(user) -> list[Meeting]:
    return list(Meeting.objects.prefetch_related(
        Prefetch("slots", visible_slots(user).select_related("outcome", "pack"),
                 to_attr="visible")).order_by("-date"))


def meeting_for(user, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    meeting.visible = list(visible_slots(user).filter(meeting=meeting)
                           .select_related("pack").order_by("starts", "id"))
    return meeting


def slot_for(user, meeting_id: int, slug: str) -> Slot:
    slot = (Slot.objects.select_related("meeting", "case__force", "case__period")
            .filter(meeting_id=meeting_id, case__force__slug=slug).first())
    if slot is None or not can(user, "can_view_case", slot.case.force):
        raise Http404("No such slot")
    return slot


def previous_slot(slot: Slot) -> Slot | None:
    """The force's slot at the PPOG before this one (what "since the last PPOG" counts from)."""
    return (Slot.objects.filter(case__force=slot.case.force, meeting__date__lt=slot.meeting.date)
            .select_related("meeting").order_by("-meeting__date").first())


def next_review_point(case, today: datetime.date | None = None) -> ReviewPoint | None:
    today = today or datetime.date.today()
    return case.review_points.filter(met__isnull=True, due__gte=today).order_by("due").first()


def upcoming_slots(user, today: datetime.date | None = None) -> QuerySet[Slot]:
    today = today or datetime.date.today()
    return visible_slots(user).filter(meeting__date__gte=today).order_by("meeting__date")


def timeline_events(force, today: datetime.date | None = None) -> list:
    """PPOG slots, HMCI's decisions and review points, for the force overview's timeline."""
    from django.urls import reverse

    from forces.timeline import TimelineEntry

    today = today or datetime.date.today()
    events = []
    slots = Slot.objects.filter(case__force=force).select_related("meeting", "outcome")
    for slot in slots:
        url = reverse("ppog:slot-detail", args=[slot.meeting_id, force.slug])
        events.append(TimelineEntry("ppog", "PPOG", f"{slot.meeting.date:%-d %B %Y}", "",
                                    "Slot at the Policing Performance Oversight Group.",
                                    sort_date=slot.meeting.date, url=url))
        outcome = getattr(slot, "outcome", None)
        if outcome:
            events.append(TimelineEntry("decision", "HMCI's decision",
                                        f"{outcome.decided_on:%-d %B %Y}", "",
                                        outcome.get_decision_display() + ".",
                                        sort_date=outcome.decided_on, url=url))
    for point in ReviewPoint.objects.filter(case__force=force):
        state = {True: " Met.", False: " Not met."}.get(point.met, "")
        events.append(TimelineEntry("review", "Review point", f"{point.due:%-d %B %Y}", "",
                                    point.expectation + state, sort_date=point.due))
    return events
