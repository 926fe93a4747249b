"""Reads of the Engage case, scoped to what the user may see: another force's case is a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models.functions import Coalesce
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from engage.permissions import can
from forces.models import Force
from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    Recommendation,
)
from oversight.rag import action_rag, is_overdue


def force_for(user, slug: str) -> Force:
    """The force if the user may see its case; 404 otherwise (never confirm it exists)."""
    force = Force.objects.filter(slug=slug).first()
    if force is None or not can(user, "can_view_case", force):
        raise Http404("No such force case")
    return force


def current_case(force: Force) -> EngageCase | None:
    """The open case, else the most recent one."""
    cases = EngageCase.objects.filter(force=force).select_related("period", "force")
    open_case = cases.filter(period__end__isnull=True).order_by("-period__start").first()
    return open_case or cases.order_by("-period__start").first()


def case_for(user, slug: str) -> EngageCase:
    case = current_case(force_for(user, slug))
    if case is None:
        raise Http404("This force has no Engage case")
    return case


def past_cases(case: EngageCase) -> list[EngageCase]:
    return list(EngageCase.objects.filter(force=case.force).exclude(pk=case.pk)
                .select_related("period").order_by("-period__start"))


def concerns(case: EngageCase) -> QuerySet[CauseOfConcern]:
    return case.concerns.select_related("peel_area").annotate(
        recommendation_count=Count("recommendations", distinct=True),
        action_count=Count("actions", distinct=True),
    )


def concern_for(user, slug: str, concern_id: int) -> CauseOfConcern:
    force = force_for(user, slug)
    return get_object_or_404(
        CauseOfConcern.objects.select_related("case__period", "case__force", "peel_area")
        .prefetch_related("areas_for_improvement"),
        pk=concern_id, case__force=force,
    )


@dataclass
class Positions:
    """The latest view of each side, and whether they disagree."""

    force: Position | None
    opcc: Position | None
    hmicfrs: Position | None

    @property
    def sides(self) -> list[tuple[str, Position | None]]:
        return [("Force reports", self.force), ("OPCC assured", self.opcc),
                ("HMICFRS position", self.hmicfrs)]

    @property
    def disagree(self) -> bool:
        rags = {p.rag for p in (self.force, self.opcc, self.hmicfrs) if p}
        return len(rags) > 1


def latest_positions(positions: list[Position]) -> Positions:
    latest: dict[str, Position] = {}
    for position in sorted(positions, key=lambda p: (p.as_of, p.pk)):
        latest[position.side] = position
    return Positions(latest.get("force"), latest.get("opcc"), latest.get("hmicfrs"))


def recommendations_with_positions(concern: CauseOfConcern) -> list[Recommendation]:
    recs = list(concern.recommendations.prefetch_related(
        Prefetch("positions", Position.objects.select_related("recorded_by", "activity"))))
    for rec in recs:
        rec.latest = latest_positions(list(rec.positions.all()))
    return recs


@dataclass
class PlanFilters:
    concern: int | None = None
    owner: str = ""
    status: str = ""
    overdue: bool = False
    sort: str = "due"


SORTS = {"due": ["due", "id"], "-due": ["-due", "-id"], "reference": ["reference", "id"],
         "status": ["status", "due"]}


PLAN_PAGE_SIZE = 100


def plan_queryset(case: EngageCase, filters: PlanFilters, today: datetime.date) -> QuerySet[Action]:
    actions = case.actions.prefetch_related(
        Prefetch("concerns", CauseOfConcern.objects.only("id", "reference", "title", "case_id")),
        Prefetch("recommendations", Recommendation.objects.only("id", "reference", "concern_id")),
    ).annotate(update_count=Coalesce(Subquery(
        ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by().values("action")
        .annotate(n=Count("id")).values("n")[:1]), 0))
    if filters.concern:
        actions = actions.filter(Q(concerns=filters.concern)
                                 | Q(recommendations__concern=filters.concern)).distinct()
    if filters.owner:
        actions = actions.filter(owner=filters.owner)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(due__lt=today).exclude(status=Action.Status.COMPLETE)
    return actions.order_by(*SORTS.get(filters.sort, SORTS["due"]))


def _with_rag(rows, today: datetime.date) -> list[Action]:
    rows = list(rows)
    for action in rows:
        action.rag = action_rag(action.status, action.due, today)
        action.overdue = is_overdue(action.status, action.due, today)
    return rows


def plan_actions(case: EngageCase, filters: PlanFilters,
                 today: datetime.date | None = None) -> list[Action]:
    """Every action of the plan, filtered and sorted, each with its RAG (for exports)."""
    today = today or datetime.date.today()
    return _with_rag(plan_queryset(case, filters, today), today)


def plan_page(case: EngageCase, filters: PlanFilters, number: str | int | None,
              today: datetime.date | None = None) -> Page:
    """One page of the plan: a fixed number of queries whatever the plan's size."""
    today = today or datetime.date.today()
    page = Paginator(plan_queryset(case, filters, today), PLAN_PAGE_SIZE).get_page(number)
    page.object_list = _with_rag(page.object_list, today)
    return page


def plan_row(case: EngageCase, action_id: int, today: datetime.date | None = None) -> Action:
    """One row of the plan, as the plan page shows it (after a change in place)."""
    today = today or datetime.date.today()
    action = (case.actions.prefetch_related("concerns", "recommendations")
              .annotate(update_count=Count("updates")).get(pk=action_id))
    action.rag = action_rag(action.status, action.due, today)
    action.overdue = is_overdue(action.status, action.due, today)
    return action


def plan_owners(case: EngageCase) -> list[str]:
    return list(case.actions.order_by("owner").values_list("owner", flat=True).distinct())


def rag_counts(case: EngageCase, today: datetime.date | None = None) -> dict[str, int]:
    today = today or datetime.date.today()
    counts = {"red": 0, "amber": 0, "green": 0, "grey": 0, "complete": 0, "overdue": 0}
    for status, due in case.actions.values_list("status", "due"):
        counts[action_rag(status, due, today).key] += 1
        counts["overdue"] += is_overdue(status, due, today)
    return counts


def concern_page(concern: CauseOfConcern, today: datetime.date | None = None) -> dict:
    """Everything the cause of concern page shows, in a bounded number of queries."""
    today = today or datetime.date.today()
    positions = list(concern.positions.select_related("recorded_by", "activity"))
    actions = list(
        Action.objects.filter(Q(concerns=concern) | Q(recommendations__concern=concern))
        .distinct().order_by("due", "id")
    )
    for action in actions:
        action.rag = action_rag(action.status, action.due, today)
    return {
        "concern": concern,
        "case": concern.case,
        "force": concern.case.force,
        "positions": latest_positions(positions),
        "position_history": positions,
        "recommendations": recommendations_with_positions(concern),
        "actions": actions,
        "measures": list(concern.measures.prefetch_related("points")),
        "evidence": list(concern.evidence.select_related("uploaded_by")),
        "comments": list(concern.comments.select_related("author")),
    }


def action_page(action: Action, today: datetime.date | None = None) -> dict:
    today = today or datetime.date.today()
    action.rag = action_rag(action.status, action.due, today)
    action.overdue = is_overdue(action.status, action.due, today)
    return {
        "action": action,
        "case": action.case,
        "force": action.case.force,
        "concerns": list(action.concerns.all()),
        "recommendations": list(action.recommendations.select_related("concern")),
        "updates": list(ProgressUpdate.objects.filter(action=action)
                        .select_related("author").prefetch_related("evidence")),
        "comments": list(action.comments.select_related("author")),
    }


def timeline_events(force: Force, today: datetime.date | None = None) -> list:
    """Concerns raised and discharged, and plan milestones, for the force overview's timeline."""
    from django.urls import reverse

    from forces.timeline import TimelineEntry

    today = today or datetime.date.today()
    events = []
    concerns = CauseOfConcern.objects.filter(case__force=force).only(
        "id", "reference", "title", "raised", "discharged", "status")
    for c in concerns:
        url = reverse("oversight:concern-detail", args=[force.slug, c.pk])
        events.append(TimelineEntry("concern", "Cause of concern raised", f"{c.raised:%-d %B %Y}",
                                    "", f"{c.reference} {c.title}".strip(), sort_date=c.raised,
                                    url=url))
        if c.status == CauseOfConcern.Status.DISCHARGED and c.discharged:
            events.append(TimelineEntry("discharged", "Cause of concern discharged",
                                        f"{c.discharged:%-d %B %Y}", "", f"{c.reference} {c.title}",
                                        sort_date=c.discharged, url=url))
    milestones = Action.objects.filter(case__force=force, is_milestone=True).only(
        "id", "reference", "title", "due", "completed", "status")
    for a in milestones:
        when = a.completed or a.due
        label = "Plan milestone met" if a.completed else (
            "Plan milestone missed" if a.due < today else "Plan milestone due")
        events.append(TimelineEntry("milestone", label, f"{when:%-d %B %Y}", "", str(a),
                                    sort_date=when,
                                    url=reverse("oversight:action-detail", args=[force.slug, a.pk])))
    return events


def actions_due_soon(case: EngageCase, today: datetime.date, days: int = 14) -> QuerySet[Action]:
    """Open actions due in the next ``days`` or already overdue, soonest first."""
    return (case.actions.exclude(status=Action.Status.COMPLETE)
            .filter(due__lte=today + datetime.timedelta(days=days)).order_by("due")[:8])


from oversight.scrutiny import scrutiny_since  # noqa: E402,F401  (the briefing pack reads it here)
