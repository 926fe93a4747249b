"""Reads of public reference data, each a bounded number of queries whatever the row count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from forces.models import (
    Force,
    MonitoringPeriod,
    PeelAssessment,
    PeelGrade,
    PolicingBody,
    PostHolder,
    Region,
)


def _open_engage(on: datetime.date) -> QuerySet[MonitoringPeriod]:
    return MonitoringPeriod.objects.filter(
        force=OuterRef("pk"), status=MonitoringPeriod.Status.ENGAGE, start__lte=on
    ).filter(Q(end__isnull=True) | Q(end__gt=on))


def force_list(
    *, region: str = "", status: str = "", on: datetime.date | None = None
) -> QuerySet[Force]:
    """Forces with their current policing body and whether they are in Engage today."""
    on = on or datetime.date.today()
    bodies = PolicingBody.objects.current(on).filter(force=OuterRef("pk")).order_by("-start")
    forces = (
        Force.objects.select_related("region")
        .annotate(
            in_engage=Exists(_open_engage(on)),
            engage_since=Subquery(_open_engage(on).order_by("-start").values("start")[:1]),
            body_name=Subquery(bodies.values("name")[:1]),
            body_kind=Subquery(bodies.values("kind")[:1]),
        )
        .order_by("name")
    )
    if region:
        forces = forces.filter(region__slug=region)
    if status == "engage":
        forces = forces.filter(in_engage=True)
    elif status == "scan":
        forces = forces.filter(in_engage=False)
    return forces


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


@dataclass
class ForceOverview:
    force: Force
    in_engage: bool
    current_period: MonitoringPeriod | None
    periods: list[MonitoringPeriod]
    bodies: list[PolicingBody]
    current_body: PolicingBody | None
    people: list[PostHolder]
    assessments: list[PeelAssessment]


def force_overview(*, slug: str, on: datetime.date | None = None) -> ForceOverview:
    on = on or datetime.date.today()
    force = get_object_or_404(Force.objects.select_related("region"), slug=slug)
    periods = list(force.monitoring_periods.order_by("start"))
    bodies = list(force.policing_bodies.order_by("-start"))
    current_body = next(
        (b for b in bodies if (b.start is None or b.start <= on) and (b.end is None or b.end > on)),
        None,
    )
    people = list(PostHolder.objects.current(on).filter(force=force).order_by("post", "name"))
    assessments = list(
        force.peel_assessments.select_related("cycle").prefetch_related(
            Prefetch("grades", PeelGrade.objects.select_related("area").order_by("area__order")),
            "areas_for_improvement__area",
        )
    )
    current = next(
        (p for p in reversed(periods)
         if p.status == MonitoringPeriod.Status.ENGAGE and p.start and p.start <= on
         and (p.end is None or p.end > on)),
        None,
    )
    return ForceOverview(force, current is not None, current, periods, bodies, current_body,
                         people, assessments)


def forces_in_engage(on: datetime.date | None = None) -> QuerySet[Force]:
    return force_list(status="engage", on=on)


def recently_exited(*, within_days: int = 365, on: datetime.date | None = None):
    on = on or datetime.date.today()
    return (
        MonitoringPeriod.objects.filter(
            status=MonitoringPeriod.Status.ENGAGE,
            end__lte=on,
            end__gt=on - datetime.timedelta(days=within_days),
        )
        .select_related("force")
        .order_by("-end")
    )


def months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month
