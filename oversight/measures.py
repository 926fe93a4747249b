"""Measures of improvement and the case's readiness to exit Engage: the writes (services) and
reads (selectors) for both. Writes check ``can_edit_case`` on the force and refuse a stale
version; reads are scoped by the force the user may see, so another force's ids are a 404."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from oversight.models import (
    CauseOfConcern,
    EngageCase,
    ExitTest,
    ExitTheme,
    ExitThemeCheck,
    Measure,
    MeasurePoint,
)
from oversight.selectors import force_for
from oversight.services import require, save_versioned

# Formatting ------------------------------------------------------------------------------------


def format_number(value: Decimal | float | int) -> str:
    """A figure as people write it: 86.2, not 86.20 or 8.62E+1."""
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def with_unit(value: Decimal | float | int, unit: str) -> str:
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def period_label(period: datetime.date, *, monthly: bool = True) -> str:
    return period.strftime("%B %Y") if monthly else f"{period.day} {period.strftime('%B %Y')}"


def is_monthly(points: list[MeasurePoint]) -> bool:
    """One figure a month at most: the chart and summaries then speak in months."""
    return len({(p.period.year, p.period.month) for p in points}) == len(points)


# Measures: selectors ---------------------------------------------------------------------------


def measure_for(user, slug: str, measure_id: int) -> Measure:
    """The measure if it belongs to a case of a force the user may see; 404 otherwise."""
    force = force_for(user, slug)
    return get_object_or_404(
        Measure.objects.select_related("concern__case__force", "concern__case__period"),
        pk=measure_id, concern__case__force=force,
    )


def measure_points(measure: Measure) -> list[MeasurePoint]:
    return list(measure.points.order_by("period"))


@dataclass
class MeasureStatus:
    """The latest figure and how it stands against the target and threshold."""

    latest: MeasurePoint | None
    meets_target: bool | None
    meets_threshold: bool | None
    summary: str


def _meets(measure: Measure, value: Decimal, level: Decimal | None) -> bool | None:
    if level is None:
        return None
    return value <= level if measure.direction == Measure.Direction.LOWER else value >= level


def measure_status(measure: Measure, points: list[MeasurePoint]) -> MeasureStatus:
    if not points:
        return MeasureStatus(None, None, None, "No data yet")
    latest = max(points, key=lambda p: p.period)
    meets_target = _meets(measure, latest.value, measure.target)
    meets_threshold = _meets(measure, latest.value, measure.threshold)
    when = period_label(latest.period, monthly=is_monthly(points))
    summary = f"Latest {with_unit(latest.value, measure.unit)} ({when})"
    if meets_target is not None:
        verdict = "meets" if meets_target else "does not meet"
        summary += f": {verdict} the target of {with_unit(measure.target, measure.unit)}"
    return MeasureStatus(latest, meets_target, meets_threshold, summary)


# Measures: services ----------------------------------------------------------------------------

MEASURE_FIELDS = ["name", "unit", "direction", "target", "threshold", "source"]


def _check_levels(direction: str, target: Decimal | None, threshold: Decimal | None) -> None:
    """A threshold is the lesser bar: below the target where higher is better, above it where
    lower is better."""
    if target is None or threshold is None:
        return
    if direction == Measure.Direction.LOWER and threshold < target:
        raise ValidationError({"threshold": "Where lower is better, the threshold cannot be "
                                            "below the target"})
    if direction != Measure.Direction.LOWER and threshold > target:
        raise ValidationError({"threshold": "Where higher is better, the threshold cannot be "
                                            "above the target"})


def measure_create(*, actor, concern: CauseOfConcern, data: dict[str, Any]) -> Measure:
    require(actor, "can_edit_case", concern.case.force)
    _check_levels(data.get("direction", Measure.Direction.HIGHER), data.get("target"),
                  data.get("threshold"))
    measure = Measure(concern=concern, **{k: v for k, v in data.items() if k in MEASURE_FIELDS})
    measure.full_clean()
    measure.save()
    return measure


def measure_update(*, actor, measure: Measure, version: int, data: dict[str, Any]) -> Measure:
    require(actor, "can_edit_case", measure.concern.case.force)
    _check_levels(*(data.get(k, getattr(measure, k)) for k in ("direction", "target", "threshold")))
    return save_versioned(measure, version=version,
                          fields={k: v for k, v in data.items() if k in MEASURE_FIELDS})


def _check_period(period: datetime.date, today: datetime.date) -> None:
    if period > today:
        raise ValidationError({"period": "The period cannot be in the future"})


def _duplicate(period: datetime.date) -> ValidationError:
    return ValidationError({"period": (
        f"There is already a figure for {period_label(period, monthly=False)}. "
        "To change it, paste the new figure into the import box")})


def point_add(*, actor, measure: Measure, period: datetime.date, value: Decimal,
              note: str = "", today: datetime.date | None = None) -> MeasurePoint:
    require(actor, "can_edit_case", measure.concern.case.force)
    _check_period(period, today or datetime.date.today())
    if measure.points.filter(period=period).exists():
        raise _duplicate(period)
    point = MeasurePoint(measure=measure, period=period, value=value, note=note.strip())
    point.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            point.save()
    except IntegrityError:  # added by someone else since the check above
        raise _duplicate(period) from None
    return point


# Pasted figures --------------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
LARGEST = Decimal("9999999999.99")


@dataclass
class PastedFigure:
    line: int
    period: datetime.date
    value: Decimal
    note: str | None


@dataclass
class ImportResult:
    added: int
    updated: int
    unchanged: int


def parse_period(text: str) -> datetime.date:
    """2025-01, 2025-01-31, 31/01/2025, 01/2025, Jan 2025, January 2025 or Jan-25.

    A month on its own is kept as the first day of that month."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3] or 1))
        if m := re.fullmatch(r"(?:(\d{1,2})/)?(\d{1,2})/(\d{4})", text):
            return datetime.date(int(m[3]), int(m[2]), int(m[1] or 1))
        if m := re.fullmatch(r"([A-Za-z]+)[ \-]+(\d{2}|\d{4})", text):
            year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
            if m[1].lower() in MONTHS:
                return datetime.date(year, MONTHS[m[1].lower()], 1)
    except ValueError:
        pass
    raise ValueError(f"“{text}” is not a date: use a month like 2025-01 or a day like 2025-01-31")


def parse_value(text: str, *, tabbed: bool) -> Decimal:
    cleaned = text.strip().removesuffix("%").strip()
    if tabbed:  # a spreadsheet's thousands separators ("1,234"); with commas they split columns
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not a number: enter a figure like 71.5") from None
    if not value.is_finite() or abs(value) > LARGEST:
        raise ValueError(f"“{text.strip()}” is not a figure this can keep")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _parse_line(number: int, line: str) -> PastedFigure:
    tabbed = "\t" in line
    parts = line.split("\t") if tabbed else line.split(",", 2)
    if len(parts) < 2 or not parts[1].strip():
        raise ValueError("give a period and a figure, like 2025-01, 71.5")
    note = parts[2].strip()[:200] if len(parts) > 2 else None
    return PastedFigure(number, parse_period(parts[0]), parse_value(parts[1], tabbed=tabbed),
                        note)


def parse_figures(text: str, today: datetime.date) -> list[PastedFigure]:
    """Every line or none: a ValidationError names each line that cannot be read."""
    figures: list[PastedFigure] = []
    errors: list[str] = []
    seen: dict[datetime.date, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or (number == 1 and not re.search(r"\d", line)):
            continue  # blank lines, and a first row of column headings
        try:
            figure = _parse_line(number, line)
            if figure.period > today:
                raise ValueError(f"{figure.period:%Y-%m-%d} is in the future")
            if figure.period in seen:
                raise ValueError(f"the period is already on line {seen[figure.period]}")
        except ValueError as error:
            errors.append(f"Line {number}: {error}")
            continue
        seen[figure.period] = number
        figures.append(figure)
    if errors:
        raise ValidationError({"text": errors})
    if not figures:
        raise ValidationError({"text": "Paste at least one line, like 2025-01, 71.5"})
    return figures


def points_import(*, actor, measure: Measure, text: str,
                  today: datetime.date | None = None) -> ImportResult:
    """Add the pasted figures, replacing the figure of any period already held. All or none."""
    require(actor, "can_edit_case", measure.concern.case.force)
    figures = parse_figures(text, today or datetime.date.today())
    result = ImportResult(0, 0, 0)
    with transaction.atomic():
        existing = {p.period: p for p in measure.points.select_for_update()}
        for figure in figures:
            point = existing.get(figure.period)
            if point is None:
                MeasurePoint.objects.create(measure=measure, period=figure.period,
                                            value=figure.value, note=figure.note or "")
                result.added += 1
            elif point.value != figure.value or (figure.note is not None
                                                 and figure.note != point.note):
                point.value = figure.value
                point.note = point.note if figure.note is None else figure.note
                point.save(update_fields=["value", "note"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result


# Exit readiness: selectors ---------------------------------------------------------------------

THEME_ORDER = {value: index for index, value in enumerate(ExitTheme.values)}


@dataclass
class EvidenceLink:
    text: str
    url: str | None


def _is_web_address(text: str) -> bool:
    if not text.lower().startswith(("http://", "https://")):
        return False
    if re.search(r"[\s\x00-\x1f\x7f]", text):
        return False
    try:
        return bool(urlsplit(text).netloc)
    except ValueError:
        return False


def evidence_links(text: str) -> list[EvidenceLink]:
    """One entry a line; only a plain http(s) address becomes a link (never javascript: etc.)."""
    links = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        links.append(EvidenceLink(line, line if _is_web_address(line) else None))
    return links


def _read_exit_rows(case: EngageCase) -> tuple[dict[str, ExitTest], dict[str, ExitThemeCheck]]:
    return ({t.test: t for t in case.exit_tests.all()},
            {c.theme: c for c in case.exit_themes.all()})


def _exit_rows(case: EngageCase) -> tuple[list[ExitTest], list[ExitThemeCheck]]:
    """The case's two tests and its themes, creating any not yet kept with their defaults."""
    tests, checks = _read_exit_rows(case)
    new_tests = [ExitTest(case=case, test=t) for t in ExitTest.Test.values if t not in tests]
    new_checks = [ExitThemeCheck(case=case, theme=t) for t in ExitTheme.values if t not in checks]
    if new_tests or new_checks:
        try:
            with transaction.atomic():
                ExitTest.objects.bulk_create(new_tests)
                ExitThemeCheck.objects.bulk_create(new_checks)
        except IntegrityError:  # another request created them first: read theirs
            pass
        tests, checks = _read_exit_rows(case)
    return (sorted(tests.values(), key=lambda t: t.test),
            sorted(checks.values(), key=lambda c: THEME_ORDER.get(c.theme, len(THEME_ORDER))))


@dataclass
class ExitReadiness:
    tests: list[ExitTest]
    themes: list[ExitThemeCheck]

    def test(self, letter: str) -> ExitTest:
        for test in self.tests:
            if test.test == letter:
                return test
        raise Http404("No such exit test")

    @property
    def evidenced(self) -> int:
        return sum(c.state == ExitThemeCheck.State.EVIDENCED for c in self.themes)

    @property
    def summary(self) -> str:
        """Test (a): Partly met · Test (b): Not yet met · 4 of 11 themes evidenced"""
        parts = [f"Test ({t.test}): {t.get_rating_display()}" for t in self.tests]
        parts.append(f"{self.evidenced} of {len(self.themes)} themes evidenced")
        return " · ".join(parts)


def exit_readiness(case: EngageCase) -> ExitReadiness:
    tests, themes = _exit_rows(case)
    for test in tests:
        test.links = evidence_links(test.evidence_links)
    return ExitReadiness(tests, themes)


def exit_themes(case: EngageCase) -> list[ExitThemeCheck]:
    return _exit_rows(case)[1]


# Exit readiness: services ----------------------------------------------------------------------

EXIT_TEST_FIELDS = ["rating", "assessment", "evidence_links", "assessed_on"]


def exit_test_update(*, actor, exit_test: ExitTest, version: int,
                     data: dict[str, Any]) -> ExitTest:
    require(actor, "can_edit_case", exit_test.case.force)
    assessed_on = data.get("assessed_on")
    if assessed_on and assessed_on > datetime.date.today():
        raise ValidationError({"assessed_on": "The date cannot be in the future"})
    return save_versioned(exit_test, version=version,
                          fields={k: v for k, v in data.items() if k in EXIT_TEST_FIELDS})


@dataclass
class ThemeEdit:
    theme: str
    version: int
    state: str
    note: str


def exit_themes_update(*, actor, case: EngageCase,
                       edits: list[ThemeEdit]) -> list[ExitThemeCheck]:
    """Save the themes that changed, all or none; a stale one raises EditConflict."""
    require(actor, "can_edit_case", case.force)
    checks = {c.theme: c for c in exit_themes(case)}
    if any(edit.theme not in checks for edit in edits):
        raise ValidationError("Choose themes from the toolkit's list")
    with transaction.atomic():
        for edit in edits:
            check = checks[edit.theme]
            note = edit.note.strip()
            if (check.state, check.note) != (edit.state, note):
                checks[edit.theme] = save_versioned(check, version=edit.version,
                                                    fields={"state": edit.state, "note": note})
    return list(checks.values())
