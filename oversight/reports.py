"""The s55 tracker: HMICFRS reports about a force and the PCC's published comments on them.

Under the Police Act 1996, s55(5), the PCC must publish comments on an HMICFRS report about
their force within 56 days of its publication. The force's OPCC records each report and the
comments once published; the PCC, APCC leads and admins read; another force's users get 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone

from forces.models import Force
from oversight.models import HmicfrsReport
from oversight.selectors import force_for
from oversight.services import require

COMMENTS_DAYS = 56
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class ReportRow:
    """A report as the tracker shows it: when comments are due and where they stand."""

    report: HmicfrsReport
    comments_due: datetime.date
    days_left: int  # negative once overdue; days after the due date once published late
    state: str  # "published", "published_late", "overdue", "due_soon", "due"

    @property
    def label(self) -> str:
        days = abs(self.days_left)
        plural = "s" if days != 1 else ""
        return {
            "published": "Published",
            "published_late": f"Published {days} day{plural} late",
            "overdue": f"Overdue by {days} day{plural}",
            "due_soon": "Due today" if days == 0 else f"{days} day{plural} left",
            "due": f"{days} day{plural} left",
        }[self.state]

    @property
    def tag_class(self) -> str:
        return {"published": "govuk-tag--green", "published_late": "govuk-tag--yellow",
                "overdue": "govuk-tag--red", "due_soon": "govuk-tag--orange",
                "due": "govuk-tag--blue"}[self.state]


def comments_due(published: datetime.date) -> datetime.date:
    return published + datetime.timedelta(days=COMMENTS_DAYS)


def report_row(report: HmicfrsReport, today: datetime.date) -> ReportRow:
    due = comments_due(report.published)
    if report.response_published:
        late = (report.response_published - due).days
        return ReportRow(report, due, -late, "published_late" if late > 0 else "published")
    left = (due - today).days
    state = "overdue" if left < 0 else "due_soon" if left <= DUE_SOON_DAYS else "due"
    return ReportRow(report, due, left, state)


# Selectors -----------------------------------------------------------------------------------

def reports_page(user, slug: str, today: datetime.date | None = None) -> tuple[Force, list]:
    """The force (404 unless the user may see it) and its reports, newest first."""
    force = force_for(user, slug)
    today = today or timezone.localdate()
    return force, [report_row(r, today) for r in force.hmicfrs_reports.order_by("-published",
                                                                                  "-id")]


def report_for(user, slug: str, report_id: int) -> HmicfrsReport:
    force = force_for(user, slug)
    return get_object_or_404(HmicfrsReport.objects.select_related("force"), pk=report_id,
                             force=force)


# Services ------------------------------------------------------------------------------------

def _not_future(day: datetime.date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})


def report_create(*, actor, force: Force, title: str, published: datetime.date,
                  url: str = "") -> HmicfrsReport:
    require(actor, "can_edit_case", force)
    if not title.strip():
        raise ValidationError({"title": "Enter the report's title"})
    _not_future(published, "published", "The publication date")
    report = HmicfrsReport(force=force, title=title.strip(), published=published, url=url)
    report.full_clean()
    report.save()
    return report


def report_response_record(*, actor, report: HmicfrsReport, response_published: datetime.date,
                           response_url: str) -> HmicfrsReport:
    """Record (or correct) when and where the PCC's comments were published."""
    require(actor, "can_edit_case", report.force)
    if response_published < report.published:
        raise ValidationError({"response_published": "The comments cannot be published before "
                                                      "the report"})
    _not_future(response_published, "response_published", "The date the comments were published")
    if not response_url.strip():
        raise ValidationError({"response_url": "Enter the link to the published comments"})
    report.response_published = response_published
    report.response_url = response_url.strip()
    report.full_clean()
    report.save(update_fields=["response_published", "response_url"])
    return report
