"""The force's monitoring history as a timeline: Scan spells between the recorded Engage ones."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from forces.models import MonitoringPeriod


@dataclass
class TimelineEntry:
    status: str
    status_label: str
    start_label: str
    end_label: str
    description: str
    note: str = ""
    letter_url: str = ""
    is_illustrative: bool = False
    is_current: bool = False
    sort_date: datetime.date = datetime.date.min
    url: str = ""


def monitoring_timeline(periods: list[MonitoringPeriod], *, today: datetime.date) -> list[TimelineEntry]:
    """Newest first. Between two Engage periods, and after the last exit, the force was in Scan."""
    entries: list[TimelineEntry] = []
    engage = [p for p in periods if p.status == MonitoringPeriod.Status.ENGAGE]
    for index, period in enumerate(engage):
        current = period.end is None or period.end > today
        entries.append(TimelineEntry(
            status="engage",
            status_label="Engage",
            start_label=period.start_label or "Date not known",
            end_label=period.end_label if period.end else ("now" if current else ""),
            description=_describe(period, current),
            note=period.note,
            letter_url=period.letter_url,
            is_illustrative=period.is_illustrative,
            is_current=current,
            sort_date=period.start or period.end or datetime.date.min,
        ))
        if period.end and period.end <= today:
            following = engage[index + 1] if index + 1 < len(engage) else None
            entries.append(TimelineEntry(
                status="scan",
                status_label="Scan",
                start_label=period.end_label,
                end_label=following.start_label if following else "now",
                description="Returned to Scan, the default phase of monitoring.",
                is_current=following is None,
                sort_date=period.end,
            ))
    entries.reverse()
    return entries


def merge(entries: list[TimelineEntry], events: list[TimelineEntry]) -> list[TimelineEntry]:
    """Case events (concerns raised and discharged, plan milestones) among the periods, newest
    first; on the same date a period comes before the events within it."""
    return sorted(entries + events, key=lambda e: (e.sort_date, e.status in {"engage", "scan"}),
                  reverse=True)


def _describe(period: MonitoringPeriod, current: bool) -> str:
    if period.start is None and period.end:
        return "In Engage; left it " + period.end_label + "."
    return "Moved into Engage by HMCI."
