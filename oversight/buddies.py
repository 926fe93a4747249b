"""Buddies: suggestions of forces strong where a force in Engage is weak, and pairings.

The toolkit's buddy system pairs a PCC whose force needs to improve with one whose force shows
good practice, and PCCs in Engage asked for matches on "similar outstanding/good areas". So a
candidate must be graded good or outstanding, in its latest PEEL assessment, in an area behind
one of the force's open causes of concern. PEEL frameworks change between cycles, so areas are
compared by name, and only within the cycle of the candidate's latest assessment (an older good
grade that a later inspection replaced does not count).

Order: forces strong in more of the areas first; then forces that have left Engage (they can
speak to the way out); then better grades; then by name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery

from forces.models import Force, Grade, MonitoringPeriod, PeelAssessment, PeelGrade
from oversight.apcc import active_pairings, exit_label, in_engage, in_engage_ids
from oversight.models import BuddyPairing, CauseOfConcern
from oversight.services import require

ENGAGE = MonitoringPeriod.Status.ENGAGE


@dataclass(frozen=True)
class Strength:
    area: str
    grade: int

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


@dataclass
class Suggestion:
    force: Force
    strengths: list[Strength]
    cycle: str
    exited: MonitoringPeriod | None

    @property
    def reason(self) -> str:
        parts = [f"{s.grade_label.lower()} in {s.area}" for s in self.strengths]
        strong = ", ".join(parts)
        text = f"{strong[0].upper()}{strong[1:]} ({self.cycle})"
        if self.exited is None:
            return f"{text}; no Engage period on record"
        when = exit_label(self.exited)
        return f"{text}; exited Engage {when if when.startswith('before') else 'in ' + when}"

    @property
    def rank(self) -> tuple:
        return (-len(self.strengths), self.exited is None,
                sum(s.grade for s in self.strengths), self.force.name)


def concern_areas(force: Force, on: datetime.date) -> set[str]:
    """PEEL area names behind the open causes of concern of the force's open case."""
    return set(CauseOfConcern.objects
               .filter(case__force=force, case__period__status=ENGAGE,
                       case__period__start__lte=on, status=CauseOfConcern.Status.OPEN,
                       peel_area__isnull=False)
               .filter(Q(case__period__end__isnull=True) | Q(case__period__end__gt=on))
               .values_list("peel_area__name", flat=True))


def _strong_grades(areas: set[str], excluded: set[int]) -> list[PeelGrade]:
    latest = (PeelAssessment.objects.filter(force=OuterRef("assessment__force"))
              .order_by("-cycle__starts").values("pk")[:1])
    return list(PeelGrade.objects
                .filter(assessment=Subquery(latest), area__name__in=areas,
                        grade__lte=Grade.GOOD)
                .exclude(assessment__force_id__in=excluded)
                .select_related("assessment__force__region", "assessment__cycle", "area")
                .order_by("area__order"))


def _last_exits(force_ids: set[int], on: datetime.date) -> dict[int, MonitoringPeriod]:
    exits = {}
    for period in (MonitoringPeriod.objects
                   .filter(force_id__in=force_ids, status=ENGAGE, end__isnull=False, end__lte=on)
                   .order_by("end")):
        exits[period.force_id] = period
    return exits


def suggest_buddies(force: Force, *, limit: int = 5,
                    on: datetime.date | None = None) -> list[Suggestion]:
    """Up to ``limit`` buddies for ``force``, best first, each with the reason. Five queries."""
    on = on or datetime.date.today()
    areas = concern_areas(force, on)
    if not areas:
        return []
    paired = set(active_pairings(on).filter(force=force).values_list("buddy_id", flat=True))
    excluded = {force.pk} | in_engage_ids(on) | paired
    found: dict[int, Suggestion] = {}
    for grade in _strong_grades(areas, excluded):
        assessment = grade.assessment
        suggestion = found.setdefault(assessment.force_id, Suggestion(
            assessment.force, [], str(assessment.cycle), None))
        suggestion.strengths.append(Strength(grade.area.name, grade.grade))
    exits = _last_exits(set(found), on)
    for force_id, suggestion in found.items():
        suggestion.exited = exits.get(force_id)
        suggestion.strengths.sort(key=lambda s: (s.grade, s.area))
    return sorted(found.values(), key=lambda s: s.rank)[:limit]


# Pairings ------------------------------------------------------------------------------------

def pairings_for(force: Force, on: datetime.date, *,
                 active_only: bool = False) -> list[BuddyPairing]:
    """The force's buddies, current ones first, each marked ``active``."""
    pairings = force.buddies.select_related("buddy").order_by("-started", "-id")
    if active_only:
        pairings = pairings.filter(pk__in=active_pairings(on).values("pk"))
    pairings = list(pairings)
    for pairing in pairings:
        pairing.active = pairing.started <= on and (pairing.ended is None or pairing.ended > on)
    return sorted(pairings, key=lambda p: not p.active)


def buddy_pair(*, actor, force: Force, buddy: Force, reason: str, started: datetime.date,
               on: datetime.date | None = None) -> BuddyPairing:
    require(actor, "can_use_apcc_tools", force)
    on = on or datetime.date.today()
    if buddy.pk == force.pk:
        raise ValidationError({"buddy": "Choose another force: a force cannot buddy itself"})
    if in_engage(buddy, on):
        raise ValidationError({"buddy": f"{buddy} is in Engage itself: choose a force that "
                                        "is not"})
    if active_pairings(on).filter(force=force, buddy=buddy).exists():
        raise ValidationError({"buddy": f"{buddy} already buddies {force}"})
    pairing = BuddyPairing(force=force, buddy=buddy, reason=reason, started=started,
                           recorded_by=actor)
    pairing.full_clean()
    pairing.save()
    return pairing
