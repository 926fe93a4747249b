"""What a PCC's briefing pack shows, gathered in a fixed number of queries, and its HTML.

The same HTML is the on-screen preview and the source of the PDF (``ppog.pdf``). Everything a
person typed reaches the template as plain text, so Django's autoescaping covers it; the only
markup marked safe is the measure charts, which ``oversight.charts`` draws from numbers and
XML-escaped names.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from engage.models import AuditEvent, Membership, Role
from oversight import selectors as oversight_selectors
from oversight.charts import render_measure_svg
from oversight.measures import measure_status
from oversight.models import (
    Action,
    CauseOfConcern,
    Comment,
    EngageCase,
    Measure,
    MeasurePoint,
    Position,
    ProgressUpdate,
    Recommendation,
)
from oversight.selectors import Positions, latest_positions, rag_counts
from ppog.models import BriefingPack, PackQuestion, PackSection, PreMeet, ReviewPoint, Slot
from ppog.selectors import next_review_point, previous_slot

LATEST_UPDATES = 5
LISTED_ACTIONS = 30
LISTED_STATUS_CHANGES = 12
LISTED_COMMENTS = 20
QUESTION_GROUPS = [("hmicfrs", "To ask HMICFRS outside PPOG"),
                   ("cc", "To ask the Chief Constable")]


@dataclass
class Cover:
    force: str
    meeting_date: datetime.date
    starts: datetime.time | None
    place: str
    online: bool
    attendees: str
    marking: str
    version: int
    status: str
    approved: bool
    approved_by: str
    approved_at: datetime.datetime | None


@dataclass
class Glance:
    engage_since: datetime.date | None
    months_in_engage: int | None
    concerns_open: int
    concerns_discharged: int
    rag: dict[str, int]
    actions_total: int
    overdue: int
    next_review: ReviewPoint | None


@dataclass
class RecommendationContent:
    recommendation: Recommendation
    positions: Positions


@dataclass
class MeasureContent:
    measure: Measure
    chart: SafeString
    summary: str
    points: int


@dataclass
class ConcernContent:
    concern: CauseOfConcern
    threshold: str
    threshold_agreed: bool
    positions: Positions
    recommendations: list[RecommendationContent]
    measures: list[MeasureContent]


@dataclass
class PositionChange:
    position: Position
    subject: str
    previous_rag: str | None

    @property
    def rating_changed(self) -> bool:
        """A first position counts: it is a rating where there was none."""
        return self.previous_rag != self.position.get_rag_display()


@dataclass
class StatusChange:
    subject: str
    old: str
    new: str
    at: datetime.datetime


@dataclass
class Changes:
    since: datetime.date | None
    previous_meeting: datetime.date | None
    previous_notes: str
    concerns_raised: list[CauseOfConcern]
    concern_status_changes: list[StatusChange]
    positions: list[PositionChange]
    completed: list[Action]
    newly_overdue: list[Action]
    action_status_changes: list[StatusChange]
    action_status_change_count: int
    update_count: int
    latest_updates: list[ProgressUpdate]

    @property
    def completed_listed(self) -> list[Action]:
        """The latest completed, newest first, so a long quarter does not fill pages."""
        return self.completed[:LISTED_ACTIONS]

    @property
    def newly_overdue_listed(self) -> list[Action]:
        """The longest overdue first."""
        return self.newly_overdue[:LISTED_ACTIONS]

    @property
    def rating_changes(self) -> list[PositionChange]:
        return [change for change in self.positions if change.rating_changed]


@dataclass
class ScrutinyItem:
    date: datetime.date | None
    title: str
    kind: str
    concerns: str
    summary: str


@dataclass
class Scrutiny:
    has_log: bool
    items: list[ScrutinyItem]
    comments: list[Comment]
    comment_count: int


@dataclass
class PackContent:
    pack: BriefingPack
    title: str
    description: str
    today: datetime.date
    sections: list[tuple[str, str]]
    cover: Cover
    glance: Glance | None = None
    concerns: list[ConcernContent] | None = None
    discharged: list[CauseOfConcern] = field(default_factory=list)
    changes: Changes | None = None
    scrutiny: Scrutiny | None = None
    questions: list[tuple[str, list[PackQuestion]]] | None = None
    statement: str = ""
    barriers: str = ""
    support: str = ""
    premeet_messages: str = ""


def build(pack: BriefingPack, *, today: datetime.date | None = None) -> PackContent:
    """Everything the pack shows, for the sections it has, in their order."""
    today = today or timezone.localdate()
    slot, case = pack.slot, pack.slot.case
    keys = [key for key in pack.sections if key in PackSection.values]
    content = PackContent(
        pack=pack, title=_title(slot), description=_description(pack, slot), today=today,
        sections=[(key, PackSection(key).label) for key in keys], cover=_cover(pack, slot),
        statement=pack.statement, barriers=pack.barriers, support=pack.support,
        premeet_messages=_premeet_messages(slot),
    )
    wanted = set(keys)
    concerns = sorted(case.concerns.all(), key=lambda c: (natural(c.reference), c.raised, c.pk))
    recommendations, positions = (_recommendations_and_positions(case)
                                  if wanted & {"concerns", "changes"} else ([], []))
    before = previous_slot(slot) if wanted & {"changes", "scrutiny"} else None
    since = before.meeting.date if before else case.period.start
    if "glance" in wanted:
        content.glance = _glance(case, concerns, today)
    if "concerns" in wanted:
        content.concerns = _concerns(case, [c for c in concerns if c.status == "open"],
                                     recommendations, positions)
        content.discharged = [c for c in concerns if c.status != "open"]
    if "changes" in wanted:
        content.changes = _changes(case, concerns, before, since, min(today, slot.meeting.date))
        content.changes.positions = _new_positions(concerns, recommendations, positions, since)
    if "scrutiny" in wanted:
        content.scrutiny = _scrutiny(case, since)
    if "questions" in wanted:
        questions = list(pack.questions.all())
        content.questions = [(label, [q for q in questions if q.audience == audience])
                             for audience, label in QUESTION_GROUPS]
    return content


def render_html(pack: BriefingPack, *, content: PackContent | None = None) -> str:
    """The pack as one HTML document: the preview on screen and the source of the PDF."""
    content = content or build(pack)
    return render_to_string("ppog/pack_document.html", {"content": content})


# The parts ---------------------------------------------------------------------------------------


def _title(slot: Slot) -> str:
    return f"PPOG briefing pack – {slot.case.force} – {slot.meeting.date:%-d %B %Y}"


def _description(pack: BriefingPack, slot: Slot) -> str:
    state = "approved by the PCC" if pack.is_approved else pack.get_status_display().lower()
    return (f"The PCC's briefing for {slot.case.force}'s slot at the Police Performance "
            f"Oversight Group on {slot.meeting.date:%-d %B %Y} (version {pack.version}, {state}).")


def _cover(pack: BriefingPack, slot: Slot) -> Cover:
    meeting = slot.meeting
    return Cover(
        force=str(slot.case.force), meeting_date=meeting.date, starts=slot.starts,
        place=meeting.place, online=meeting.online, attendees=slot.attendees,
        marking=pack.marking or "OFFICIAL-SENSITIVE", version=pack.version,
        status=pack.get_status_display(), approved=pack.is_approved,
        approved_by=str(pack.approved_by) if pack.is_approved and pack.approved_by else "",
        approved_at=pack.approved_at if pack.is_approved else None,
    )


def _premeet_messages(slot: Slot) -> str:
    premeet = PreMeet.objects.filter(slot=slot).only("messages").first()
    return premeet.messages.strip() if premeet else ""


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (14 March to 13 May is one month)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def _glance(case: EngageCase, concerns: list[CauseOfConcern], today: datetime.date) -> Glance:
    rag = rag_counts(case, today)
    start = case.period.start
    return Glance(
        engage_since=start, months_in_engage=months_between(start, today) if start else None,
        concerns_open=sum(c.status == "open" for c in concerns),
        concerns_discharged=sum(c.status != "open" for c in concerns),
        rag=rag, actions_total=sum(rag[k] for k in ("red", "amber", "green", "grey", "complete")),
        overdue=rag["overdue"], next_review=next_review_point(case, today),
    )


def natural(reference: str) -> list:
    """Sorts CoC 2 before CoC 10, and 1.2 before 1.10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", reference) if part]


def _recommendations_and_positions(case: EngageCase
                                   ) -> tuple[list[Recommendation], list[Position]]:
    recommendations = Recommendation.objects.filter(concern__case=case)
    return (sorted(recommendations, key=lambda r: (natural(r.reference), r.pk)),
            list(Position.objects.filter(Q(concern__case=case)
                                         | Q(recommendation__concern__case=case))))


def _concerns(case: EngageCase, concerns: list[CauseOfConcern],
              recommendations: list[Recommendation],
              positions: list[Position]) -> list[ConcernContent]:
    measures = list(Measure.objects.filter(concern__case=case).prefetch_related(
        Prefetch("points", MeasurePoint.objects.order_by("period"))))
    by_concern, by_recommendation = defaultdict(list), defaultdict(list)
    for position in positions:
        if position.concern_id:
            by_concern[position.concern_id].append(position)
        else:
            by_recommendation[position.recommendation_id].append(position)
    return [ConcernContent(
        concern=concern,
        threshold=concern.threshold.strip() or "Not agreed",
        threshold_agreed=bool(concern.threshold.strip() and concern.threshold_agreed),
        positions=latest_positions(by_concern[concern.pk]),
        recommendations=[RecommendationContent(r, latest_positions(by_recommendation[r.pk]))
                         for r in recommendations if r.concern_id == concern.pk],
        measures=[_measure(m) for m in measures if m.concern_id == concern.pk],
    ) for concern in concerns]


def _measure(measure: Measure) -> MeasureContent:
    points = list(measure.points.all())
    # Safe: render_measure_svg writes numbers and XML-escaped names only (oversight/charts.py).
    chart = mark_safe(render_measure_svg(measure, points))  # noqa: S308
    return MeasureContent(measure, chart, measure_status(measure, points).summary, len(points))


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def _changes(case: EngageCase, concerns: list[CauseOfConcern], before: Slot | None,
             since: datetime.date | None, until: datetime.date) -> Changes:
    """Since the last PPOG (on or after its date) or, at the first, since Engage began."""
    start = _start_of(since)
    actions = list(case.actions.only("id", "case_id", "reference", "title", "owner", "due",
                                     "status", "completed"))
    by_id = {a.pk: a for a in actions}
    status_events = _status_events("oversight.action", by_id, start)
    completed_ids = {int(e.object_pk) for e in status_events
                     if e.changes["status"][1] == "complete"}
    completed = [a for a in actions if a.status == "complete" and (
        a.pk in completed_ids or (a.completed and (since is None or a.completed >= since)))]
    overdue = [a for a in actions if a.status != "complete" and a.due < until
               and (since is None or a.due >= since)]
    concern_by_id = {c.pk: c for c in concerns}
    updates = ProgressUpdate.objects.filter(action__case=case)
    if start:
        updates = updates.filter(created_at__gte=start)
    return Changes(
        since=since, previous_meeting=before.meeting.date if before else None,
        previous_notes=before.notes if before else "",
        concerns_raised=[c for c in concerns if since is None or c.raised >= since],
        concern_status_changes=[
            _status_change(concern_by_id[int(e.object_pk)], e, CauseOfConcern.Status)
            for e in _status_events("oversight.causeofconcern", concern_by_id, start)],
        positions=[],
        completed=sorted(completed, key=lambda a: (a.completed or until, a.pk), reverse=True),
        newly_overdue=sorted(overdue, key=lambda a: (a.due, a.pk)),
        action_status_changes=[_status_change(by_id[int(e.object_pk)], e, Action.Status)
                               for e in status_events[:LISTED_STATUS_CHANGES]],
        action_status_change_count=len(status_events),
        update_count=updates.count(),
        latest_updates=list(updates.select_related("action").only(
            "id", "as_of", "rag", "text", "created_at", "action__reference", "action__title")
            .order_by("-created_at", "-id")[:LATEST_UPDATES]),
    )


def _status_events(model: str, objects: dict[int, Any],
                   start: datetime.datetime | None) -> list[AuditEvent]:
    """Recorded status changes of these objects, newest first."""
    if not objects:
        return []
    events = AuditEvent.objects.filter(model=model, action=AuditEvent.Action.UPDATE,
                                       object_pk__in=[str(pk) for pk in objects],
                                       changes__has_key="status")
    if start:
        events = events.filter(at__gte=start)
    return [e for e in events.order_by("-at", "-id")
            if isinstance(e.changes.get("status"), list) and len(e.changes["status"]) == 2]


def _status_change(obj, event: AuditEvent, choices) -> StatusChange:
    old, new = event.changes["status"]
    labels = dict(choices.choices)
    return StatusChange(str(obj), labels.get(old, str(old)), labels.get(new, str(new)), event.at)


def _new_positions(concerns: list[CauseOfConcern], recommendations: list[Recommendation],
                   positions: list[Position], since: datetime.date | None) -> list[PositionChange]:
    """Positions stated (as of) since then, each with the side's rating before it, in the
    order of the pack: each concern, then its recommendations; force, OPCC, HMICFRS."""
    order = {("c", c.pk): (n, -1) for n, c in enumerate(concerns)}
    subjects = {("c", c.pk): str(c) for c in concerns}
    references = {c.pk: c.reference or c.title for c in concerns}
    for n, rec in enumerate(recommendations):
        order[("r", rec.pk)] = (order.get(("c", rec.concern_id), (len(concerns), 0))[0], n)
        subjects[("r", rec.pk)] = (f"Recommendation {rec.reference}" if rec.reference else
                                   f"A recommendation of {references.get(rec.concern_id, '')}")
    sides = {side: n for n, side in enumerate(Position.Side.values)}
    last_rag: dict[tuple, str] = {}
    changes = []
    for p in sorted(positions, key=lambda p: (p.as_of, p.pk)):
        key = ("c", p.concern_id) if p.concern_id else ("r", p.recommendation_id)
        if since is None or p.as_of >= since:
            changes.append((order.get(key, (len(concerns), 0)), sides.get(p.side, 9), p.as_of,
                            PositionChange(p, subjects.get(key, ""),
                                           last_rag.get((key, p.side)))))
        last_rag[(key, p.side)] = p.get_rag_display()
    return [change for *_, change in sorted(changes, key=lambda row: row[:3])]


def scrutiny_hook():
    """The scrutiny log's reader, once there is one (``scrutiny_since(case, since)``)."""
    hook = getattr(oversight_selectors, "scrutiny_since", None)
    if hook is None:
        try:
            from oversight import scrutiny
        except ImportError:
            return None
        hook = getattr(scrutiny, "scrutiny_since", None)
    return hook


def _scrutiny(case: EngageCase, since: datetime.date | None) -> Scrutiny:
    hook = scrutiny_hook()
    items = [_scrutiny_item(entry) for entry in hook(case, since)] if hook else []
    comments = case.comments.filter(Exists(Membership.objects.filter(
        user=OuterRef("author"), force=case.force, role__in=[Role.OPCC_STAFF, Role.PCC])))
    start = _start_of(since)
    if start:
        comments = comments.filter(created_at__gte=start)
    comments = comments.annotate(by_pcc=Exists(Membership.objects.filter(
        user=OuterRef("author"), force=case.force, role=Role.PCC)))
    listed = list(comments.select_related("author", "concern", "action")
                  .order_by("-created_at", "-id")[:LISTED_COMMENTS])
    count = len(listed) if len(listed) < LISTED_COMMENTS else comments.count()
    return Scrutiny(has_log=hook is not None, items=items, comments=listed, comment_count=count)


def _scrutiny_item(entry: Any) -> ScrutinyItem:
    """An activity of the log as the pack lists it (read by name, whatever its model)."""
    kind = entry.get_kind_display() if hasattr(entry, "get_kind_display") else ""
    concerns = getattr(entry, "concerns", None)
    covered = ", ".join(c.reference or c.title for c in concerns.all()) if concerns else ""
    return ScrutinyItem(date=getattr(entry, "date", None),
                        title=getattr(entry, "title", "") or str(entry), kind=kind,
                        concerns=covered, summary=getattr(entry, "summary", "") or "")
