"""The APCC's view across forces and its support offers. (Buddies are in ``buddies``; the
learning library and post-Engage debriefs in ``case_studies``.)

Reads are selectors whose query count does not grow with the number of forces or actions (each
figure is one grouped query over every force at once); writes are services that check who may
make them and their own rules, and run in one transaction.

"The OPCC's last update" for a force is the latest of: a progress update on its current case's
plan, a position recorded on one of that case's concerns or recommendations, and any audited
change made by a member of the force's OPCC staff (status changes, edits, the scrutiny log,
answers to support offers). All three are indexed reads, grouped once for every force.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any, Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from engage.models import AuditEvent, Role
from forces.dates import Precision, format_precise
from forces.models import Force, MonitoringPeriod
from forces.selectors import months_between
from oversight.models import (
    Action,
    BuddyPairing,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    SupportOffer,
)
from oversight.rag import DUE_SOON_DAYS
from oversight.services import require, save_versioned

STALE_AFTER_DAYS = 30
RECENT_EXIT_DAYS = 365
ENGAGE = MonitoringPeriod.Status.ENGAGE
IN_PLACE = [SupportOffer.Status.ACCEPTED, SupportOffer.Status.IN_PROGRESS]

# What each offer is, from the toolkit's "APCC support offer", for the OPCC reading it.
OFFER_DESCRIPTIONS = {
    SupportOffer.Kind.INITIAL_MEETING: "A first meeting to explain the Engage process and agree "
                                       "what support would help.",
    SupportOffer.Kind.WORKSHOP: "Engage workshops where PCCs whose forces have left Engage share "
                                "what helped, with recordings to watch later.",
    SupportOffer.Kind.BUDDY: "An informal pairing with a PCC whose force is doing well in your "
                             "areas of concern, to share learning. Optional.",
    SupportOffer.Kind.PEER_REVIEW: "A more formal second opinion: a high-performing force or "
                                   "office visits, observes and suggests improvements.",
    SupportOffer.Kind.COMMS: "Help for your communications team with media and messaging, "
                             "joined up with the force's where that suits you.",
    SupportOffer.Kind.ACCOUNTABILITY: "The APCC Accountability Framework, to support holding "
                                      "the Chief Constable to account beyond Engage.",
    SupportOffer.Kind.PREMEET: "A meeting before PPOG to raise issues, test ideas and ask the "
                               "APCC to reinforce your messages to HMICFRS.",
}


# The history of exits ------------------------------------------------------------------------

@dataclass(frozen=True)
class History:
    """How long the forces that have left Engage were in it (public history only)."""

    months: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def minimum(self) -> int | None:
        return self.months[0] if self.months else None

    @property
    def maximum(self) -> int | None:
        return self.months[-1] if self.months else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.months) if self.months else None


def exit_history(on: datetime.date) -> History:
    """Periods with a known start and end; an end known only as "before" a date is left out."""
    periods = (MonitoringPeriod.objects
               .filter(status=ENGAGE, is_illustrative=False, start__isnull=False,
                       end__isnull=False, end__lte=on)
               .exclude(start_precision=Precision.BEFORE).exclude(end_precision=Precision.BEFORE)
               .values_list("start", "end"))
    return History(tuple(sorted(months_between(start, end) for start, end in periods)))


def exit_label(period: MonitoringPeriod) -> str:
    """When a force left Engage, to the month at most ("September 2023")."""
    precision = Precision.MONTH if period.end_precision == Precision.DAY else period.end_precision
    return format_precise(period.end, precision)


# The dashboard -------------------------------------------------------------------------------

RAG_KEYS = ("red", "amber", "green", "grey", "complete", "overdue")


@dataclass
class Row:
    force: Force
    since: datetime.date
    since_label: str
    months: int
    case_id: int | None
    median: float | None
    open_concerns: int = 0
    discharged_concerns: int = 0
    rag: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RAG_KEYS, 0))
    next_ppog: datetime.date | None = None
    next_review: datetime.date | None = None
    last_update: datetime.datetime | None = None
    days_since_update: int | None = None
    support: list[str] = field(default_factory=list)
    buddy: Force | None = None

    @property
    def vs_median(self) -> float | None:
        return None if self.median is None else self.months - self.median

    @property
    def median_gap(self) -> str:
        """How the time in Engage compares with the median of forces that left, in words."""
        gap = self.vs_median
        if gap is None:
            return ""
        if gap == 0:
            return "at the median"
        return f"{abs(gap):g} {'over' if gap > 0 else 'under'} the median"

    @property
    def stale(self) -> bool:
        return self.days_since_update is None or self.days_since_update > STALE_AFTER_DAYS


def _open_periods(on: datetime.date) -> QuerySet[MonitoringPeriod]:
    return (MonitoringPeriod.objects
            .filter(force=OuterRef("pk"), status=ENGAGE, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gt=on)).order_by("-start"))


def _forces_in_engage(on: datetime.date, region: str) -> list[Force]:
    periods = _open_periods(on)
    cases = EngageCase.objects.filter(period=OuterRef("period_id"))
    forces = (Force.objects.select_related("region").filter(Exists(periods))
              .annotate(since=Subquery(periods.values("start")[:1]),
                        since_precision=Subquery(periods.values("start_precision")[:1]),
                        period_id=Subquery(periods.values("pk")[:1]))
              .annotate(case_id=Subquery(cases.values("pk")[:1])).order_by("name"))
    if region:
        forces = forces.filter(region__slug=region)
    return list(forces)


def rag_filters(on: datetime.date) -> dict[str, Q]:
    """oversight.rag.action_rag as conditions, so a database counts every plan at once."""
    done = Q(status=Action.Status.COMPLETE)
    late = ~done & Q(due__lt=on)
    live = ~done & Q(due__gte=on) & ~Q(status=Action.Status.OFF_TRACK)
    soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
    return {
        "red": late | Q(status=Action.Status.OFF_TRACK),
        "amber": live & (Q(status=Action.Status.AT_RISK)
                         | Q(status=Action.Status.NOT_STARTED, due__lte=soon)),
        "green": live & Q(status=Action.Status.ON_TRACK),
        "grey": live & Q(status=Action.Status.NOT_STARTED, due__gt=soon),
        "complete": done,
        "overdue": late,
    }


def _by(queryset: QuerySet, key: str, **aggregates) -> dict[Any, dict]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


def _case_figures(case_ids: list[int], on: datetime.date) -> dict[str, dict]:
    rag = rag_filters(on)
    return {
        "concerns": _by(CauseOfConcern.objects.filter(case_id__in=case_ids), "case_id",
                        open=Count("pk", filter=Q(status=CauseOfConcern.Status.OPEN)),
                        discharged=Count("pk", filter=Q(status=CauseOfConcern.Status.DISCHARGED))),
        "actions": _by(Action.objects.filter(case_id__in=case_ids), "case_id",
                       **{key: Count("pk", filter=rule) for key, rule in rag.items()}),
        "ppog": _by(_slots().filter(case_id__in=case_ids, meeting__date__gte=on), "case_id",
                    next=Min("meeting__date")),
        "review": _by(_review_points().filter(case_id__in=case_ids, met__isnull=True,
                                              due__gte=on), "case_id", next=Min("due")),
        "updates": _by(ProgressUpdate.objects.filter(action__case_id__in=case_ids),
                       "action__case_id", latest=Max("created_at")),
        "positions": _by(Position.objects.filter(Q(concern__case_id__in=case_ids)
                                                 | Q(recommendation__concern__case_id__in=case_ids))
                         .annotate(of_case=Coalesce("concern__case_id",
                                                    "recommendation__concern__case_id")),
                         "of_case", latest=Max("recorded_at")),
    }


def _slots():
    from ppog.models import Slot

    return Slot.objects


def _review_points():
    from ppog.models import ReviewPoint

    return ReviewPoint.objects


def _staff_changes(force_ids: list[int]) -> dict[int, datetime.datetime]:
    rows = _by(AuditEvent.objects.filter(actor__memberships__role=Role.OPCC_STAFF,
                                         actor__memberships__force_id__in=force_ids),
               "actor__memberships__force_id", latest=Max("at"))
    return {force_id: row["latest"] for force_id, row in rows.items()}


def _support(force_ids: list[int], on: datetime.date) -> tuple[dict, dict]:
    offers: dict[int, list[str]] = {}
    for offer in SupportOffer.objects.filter(force_id__in=force_ids, status__in=IN_PLACE) \
            .order_by("kind"):
        offers.setdefault(offer.force_id, []).append(
            f"{offer.get_kind_display()} ({offer.get_status_display().lower()})")
    buddies = {p.force_id: p.buddy for p in active_pairings(on).filter(force_id__in=force_ids)
               .select_related("buddy").order_by("started")}
    return offers, buddies


def active_pairings(on: datetime.date) -> QuerySet[BuddyPairing]:
    return BuddyPairing.objects.filter(started__lte=on).filter(
        Q(ended__isnull=True) | Q(ended__gt=on))


def _latest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def dashboard_rows(*, on: datetime.date, region: str = "", stale_only: bool = False,
                   sort: str = "", history: History | None = None) -> list[Row]:
    """Every force in Engage today with its figures: about ten queries whatever the numbers."""
    history = history or exit_history(on)
    forces = _forces_in_engage(on, region)
    case_ids = [f.case_id for f in forces if f.case_id]
    figures = _case_figures(case_ids, on)
    changes = _staff_changes([f.pk for f in forces])
    offers, buddies = _support([f.pk for f in forces], on)
    rows = []
    for force in forces:
        row = Row(force, force.since, format_precise(force.since, force.since_precision),
                  months_between(force.since, on), force.case_id, history.median,
                  support=offers.get(force.pk, []), buddy=buddies.get(force.pk))
        cid = force.case_id
        concerns = figures["concerns"].get(cid, {})
        row.open_concerns = concerns.get("open", 0)
        row.discharged_concerns = concerns.get("discharged", 0)
        row.rag = {key: figures["actions"].get(cid, {}).get(key, 0) for key in RAG_KEYS}
        row.next_ppog = figures["ppog"].get(cid, {}).get("next")
        row.next_review = figures["review"].get(cid, {}).get("next")
        row.last_update = _latest(figures["updates"].get(cid, {}).get("latest"),
                                  figures["positions"].get(cid, {}).get("latest"),
                                  changes.get(force.pk))
        if row.last_update:
            row.days_since_update = (on - row.last_update.date()).days
        rows.append(row)
    if stale_only:
        rows = [row for row in rows if row.stale]
    return sort_rows(rows, sort)


# Sorting: the key of each column, and which way it goes first. Empty values always go last.
SORTS: dict[str, Callable[[Row], Any]] = {
    "force": lambda r: r.force.name,
    "region": lambda r: r.force.region.name,
    "months": lambda r: r.months,
    "concerns": lambda r: r.open_concerns,
    "overdue": lambda r: r.rag["overdue"],
    "red": lambda r: r.rag["red"],
    "ppog": lambda r: r.next_ppog,
    "review": lambda r: r.next_review,
    "updated": lambda r: r.last_update,
    "support": lambda r: len(r.support) + (r.buddy is not None),
}
DEFAULT_SORT = "-months"


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    name = sort.lstrip("-")
    if name not in SORTS:
        name, sort = DEFAULT_SORT.lstrip("-"), DEFAULT_SORT
    key = SORTS[name]
    rows = sorted(rows, key=lambda r: r.force.name)
    known = sorted((r for r in rows if key(r) is not None), key=key,
                   reverse=sort.startswith("-"))
    return known + [r for r in rows if key(r) is None]


def recently_exited(on: datetime.date) -> list[MonitoringPeriod]:
    """Forces that returned to Scan in the last year, with their case and debrief if kept."""
    periods = list(MonitoringPeriod.objects
                   .filter(status=ENGAGE, end__lte=on,
                           end__gt=on - datetime.timedelta(days=RECENT_EXIT_DAYS))
                   .select_related("force__region", "case__debrief").order_by("-end"))
    for period in periods:
        period.months = months_between(period.start, period.end) if period.start else None
        period.exit_label = exit_label(period)
        period.kept_case = getattr(period, "case", None)
        period.debrief = getattr(period.kept_case, "debrief", None) if period.kept_case else None
    return periods


# The chart of time in Engage -----------------------------------------------------------------

@dataclass
class Bar:
    label: str
    months: int
    y: float
    width: float
    middle: float
    value_x: float


@dataclass
class Chart:
    """Coordinates in viewBox units; the template draws them as SVG attributes."""

    width: int
    height: int
    left: int
    right: int
    axis_y: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]
    band: tuple[float, float, float, float] | None  # x, y, width, height
    median_x: float | None
    description: str

    @property
    def axis_label_y(self) -> int:
        return self.axis_y + 38

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 18

    @property
    def plot_middle(self) -> float:
        return (self.left + self.right) / 2


CHART_WIDTH, CHART_LEFT, CHART_RIGHT, CHART_TOP, ROW_HEIGHT, BAR_HEIGHT = 640, 200, 64, 60, 30, 18


def engage_chart(rows: list[Row], history: History) -> Chart:
    """A horizontal bar per force in Engage, over the range and median of forces that left."""
    longest = max([r.months for r in rows] + [history.maximum or 0, 12])
    top_month = -(-longest // 12) * 12
    right = CHART_WIDTH - CHART_RIGHT

    def x(months: float) -> float:
        return round(CHART_LEFT + months / top_month * (right - CHART_LEFT), 1)

    bars = []
    for i, row in enumerate(rows):
        y = CHART_TOP + i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bars.append(Bar(row.force.name, row.months, y, max(x(row.months) - CHART_LEFT, 1),
                        y + BAR_HEIGHT / 2, x(row.months) + 6))
    axis_y = CHART_TOP + max(len(rows), 1) * ROW_HEIGHT
    band = None
    if history.count:
        lo, hi = x(history.minimum), x(history.maximum)
        band = (lo, CHART_TOP - 6, max(hi - lo, 1), axis_y - CHART_TOP + 6)
    step = 12 if top_month <= 72 else 24
    return Chart(CHART_WIDTH, axis_y + 48, CHART_LEFT, right, axis_y, bars,
                 [(x(m), m) for m in range(0, top_month + 1, step)], band,
                 x(history.median) if history.count else None, describe_chart(rows, history))


def describe_chart(rows: list[Row], history: History) -> str:
    forces = "; ".join(f"{r.force.name} {r.months} months" for r in rows) or "none"
    if not history.count:
        return f"Months in Engage of each force in Engage today: {forces}."
    return (f"Months in Engage of each force in Engage today, against the {history.count} forces "
            f"that have left Engage, which took {history.minimum} to {history.maximum} months "
            f"(median {history.median:g}): {forces}.")


# Support offers ------------------------------------------------------------------------------

OFFER_FIELDS = ["kind", "status", "offered_on", "responded_on", "completed_on", "notes"]


def _check_offer(data: dict[str, Any]) -> None:
    errors = {}
    status, offered = data.get("status"), data.get("offered_on")
    responded, completed = data.get("responded_on"), data.get("completed_on")
    if responded and offered and responded < offered:
        errors["responded_on"] = "The reply must be on or after the date it was offered"
    if status == SupportOffer.Status.OFFERED and responded:
        errors["responded_on"] = "An offer not answered yet has no reply date"
    if status == SupportOffer.Status.COMPLETE and not completed:
        errors["completed_on"] = "Enter the date the support was completed"
    if completed and status != SupportOffer.Status.COMPLETE:
        errors["completed_on"] = "Only complete support has a completion date"
    if errors:
        raise ValidationError(errors)


def offer_create(*, actor, force: Force, data: dict[str, Any]) -> SupportOffer:
    require(actor, "can_use_apcc_tools", force)
    _check_offer(data)
    offer = SupportOffer(force=force, recorded_by=actor,
                         **{k: v for k, v in data.items() if k in OFFER_FIELDS})
    offer.full_clean()
    offer.save()
    return offer


def offer_update(*, actor, offer: SupportOffer, version: int,
                 data: dict[str, Any]) -> SupportOffer:
    require(actor, "can_use_apcc_tools", offer.force)
    _check_offer(data)
    return save_versioned(offer, version=version,
                          fields={k: v for k, v in data.items() if k in OFFER_FIELDS})


def offer_respond(*, actor, offer: SupportOffer, accept: bool,
                  today: datetime.date | None = None) -> SupportOffer:
    """The force's OPCC accepts or declines an offer; only an offer not yet answered."""
    require(actor, "can_edit_case", offer.force)
    with transaction.atomic():
        current = SupportOffer.objects.select_for_update().get(pk=offer.pk)
        if current.status != SupportOffer.Status.OFFERED:
            raise ValidationError(
                f"This offer is already {current.get_status_display().lower()}, so it cannot be "
                "answered again. Contact the APCC to change it.")
        current.status = SupportOffer.Status.ACCEPTED if accept else SupportOffer.Status.DECLINED
        current.responded_on = today or datetime.date.today()
        current.version += 1
        current.save()
    return current


def offer_for(force: Force, offer_id: int) -> SupportOffer:
    """One of the force's offers; an offer of another force is a 404 here."""
    return get_object_or_404(SupportOffer.objects.select_related("force"), pk=offer_id,
                             force=force)


def offer_by_id(offer_id: int) -> SupportOffer:
    """Any force's offer, for the APCC (who may see them all)."""
    return get_object_or_404(SupportOffer.objects.select_related("force__region"), pk=offer_id)


def offers_for(force: Force) -> list[SupportOffer]:
    offers = list(SupportOffer.objects.filter(force=force).order_by("-offered_on", "-id"))
    for offer in offers:
        offer.description = OFFER_DESCRIPTIONS.get(offer.kind, "")
    return offers


# Who is in Engage ---------------------------------------------------------------------------

def _engage_on(on: datetime.date) -> QuerySet[MonitoringPeriod]:
    return (MonitoringPeriod.objects.filter(status=ENGAGE, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gt=on)))


def in_engage(force: Force, on: datetime.date) -> bool:
    return _engage_on(on).filter(force=force).exists()


def in_engage_ids(on: datetime.date) -> set[int]:
    return set(_engage_on(on).values_list("force_id", flat=True))
