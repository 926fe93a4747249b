"""A measure's figures as a small SVG line chart, drawn in plain Python.

The same markup serves the web page (as an ``<img>``, next to a data table that carries the
figures for people who cannot see the chart) and the PDF briefing pack (inline). Sizes are in
viewBox units, so it stays crisp at any size; colours are from the GOV.UK palette.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from oversight.measures import format_number, is_monthly, period_label, with_unit
from oversight.models import Measure, MeasurePoint

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 88, 24, 56
LABEL_GAP = 34
LINE, TARGET, THRESHOLD, GRID, TEXT = "#1d70b8", "#d4351c", "#4c2c92", "#505a5f", "#0b0c0c"
FONT = 'font-family="Arial, sans-serif"'
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
MAX_X_TICKS = 7


@dataclass
class Scale:
    lo: float
    hi: float
    start: float
    length: float
    flip: bool = False

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return round(self.start + self.length / 2, 1)
        share = (value - self.lo) / (self.hi - self.lo)
        return round(self.start + (1 - share if self.flip else share) * self.length, 1)


def _text(value: str) -> str:
    """Escaped for XML, without the control characters XML 1.0 cannot hold."""
    return escape(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value))


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    raw = span / max(ticks - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)


def y_ticks(values: list[float]) -> list[Decimal]:
    lo, hi = min(values), max(values)
    if lo == hi:
        pad = abs(lo) * 0.1 or 1
        lo, hi = lo - pad, hi + pad
    step = Decimal(str(nice_step(hi - lo)))
    first = math.floor(lo / float(step))
    last = math.ceil(hi / float(step))
    return [step * n for n in range(first, last + 1)]


def _month_key(period) -> int:
    return period.year * 12 + period.month - 1


def _day_key(period) -> float:
    days = calendar.monthrange(period.year, period.month)[1]
    return _month_key(period) + (period.day - 1) / days


def x_ticks(lo: int, hi: int) -> list[int]:
    """Month keys for the x axis, on calendar boundaries (every quarter starts in January)."""
    step = next((s for s in MONTH_STEPS if (hi - lo) / s + 1 <= MAX_X_TICKS), MONTH_STEPS[-1])
    return [key for key in range(lo, hi + 1) if key % step == 0] or [lo]


def _month_name(key: int) -> str:
    year, month = divmod(key, 12)
    return f"{('Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec').split()[month]} {year}"


def describe(measure: Measure, points: list[MeasurePoint]) -> str:
    """One sentence saying what the chart shows, for its <desc> and for screen readers."""
    name = f"{measure.name}, {measure.unit}" if measure.unit else measure.name
    if not points:
        return f"{name}: no data yet."
    monthly = is_monthly(points)
    first, last = points[0], points[-1]
    kind = "monthly values" if monthly else "values"
    count = f"1 {kind[:-1]}" if len(points) == 1 else f"{len(points)} {kind}"
    span = (f"for {period_label(first.period, monthly=monthly)}" if len(points) == 1 else
            f"from {period_label(first.period, monthly=monthly)} to "
            f"{period_label(last.period, monthly=monthly)}")
    sentence = f"{name}: {count} {span}, latest {format_number(last.value)}"
    levels = []
    if measure.target is not None:
        levels.append(f"a target of {format_number(measure.target)}")
    if measure.threshold is not None:
        levels.append(f"a threshold of {format_number(measure.threshold)}")
    if levels:
        sentence += " against " + " and ".join(levels)
    if measure.direction == Measure.Direction.LOWER:
        sentence += " (lower is better)"
    return sentence + "."


def _axis_label(value: Decimal, unit: str) -> str:
    """A figure on the chart: a per cent sign fits, longer units are named once on the axis."""
    return with_unit(value, unit) if unit == "%" else format_number(value)


def _level(y: Scale, value: Decimal, colour: str, dash: str, label: str, unit: str,
           label_y: float) -> list[str]:
    at, end = y(float(value)), WIDTH - RIGHT
    return [
        f'<line x1="{LEFT}" y1="{at}" x2="{end}" y2="{at}" stroke="{colour}" stroke-width="2" '
        f'stroke-dasharray="{dash}"/>',
        f'<text x="{end + 6}" y="{label_y - 8}" fill="{colour}" font-size="14" {FONT} '
        f'dy="0.35em">{_text(label)}<tspan x="{end + 6}" dy="16">'
        f'{_text(_axis_label(value, unit))}</tspan></text>',
    ]


def _level_labels(y: Scale, measure: Measure) -> tuple[float, float]:
    """Where to write the target and threshold labels (two lines each), kept apart."""
    t = y(float(measure.target)) if measure.target is not None else None
    h = y(float(measure.threshold)) if measure.threshold is not None else None
    if t is not None and h is not None and abs(t - h) < LABEL_GAP:
        middle, half = (t + h) / 2, LABEL_GAP / 2
        t, h = (middle - half, middle + half) if t <= h else (middle + half, middle - half)
    return (t or 0.0), (h or 0.0)


def _axes(x: Scale, y: Scale, yticks: list[Decimal], xticks: list[int], unit: str,
          monthly: bool) -> list[str]:
    parts = []
    for tick in yticks:
        at = y(float(tick))
        parts.append(f'<line x1="{LEFT}" y1="{at}" x2="{WIDTH - RIGHT}" y2="{at}" '
                     f'stroke="{GRID}" stroke-opacity="0.25" stroke-width="1"/>')
        label = _axis_label(tick, unit)
        parts.append(f'<text x="{LEFT - 8}" y="{at}" fill="{TEXT}" font-size="14" {FONT} '
                     f'text-anchor="end" dy="0.35em">{_text(label)}</text>')
    base = TOP + (HEIGHT - TOP - BOTTOM)
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" '
                 f'stroke="{GRID}" stroke-width="1"/>')
    for key in xticks:
        at = x(key)
        parts.append(f'<line x1="{at}" y1="{base}" x2="{at}" y2="{base + 5}" stroke="{GRID}"/>')
        parts.append(f'<text x="{at}" y="{base + 20}" fill="{TEXT}" font-size="14" {FONT} '
                     f'text-anchor="middle">{_month_name(key)}</text>')
    parts.append(f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2}" y="{HEIGHT - 8}" fill="{TEXT}" '
                 f'font-size="14" {FONT} text-anchor="middle">{"Month" if monthly else "Date"}'
                 '</text>')
    title = "Per cent" if unit == "%" else unit or "Value"
    parts.append(f'<text transform="translate(16 {TOP + (HEIGHT - TOP - BOTTOM) / 2}) rotate(-90)" '
                 f'fill="{TEXT}" font-size="14" {FONT} text-anchor="middle">{_text(title)}</text>')
    return parts


def _series(x: Scale, y: Scale, points: list[MeasurePoint], key, unit: str,
            monthly: bool) -> list[str]:
    coords = [(x(key(p.period)), y(float(p.value))) for p in points]
    parts = [f'<polyline points="{" ".join(f"{a},{b}" for a, b in coords)}" fill="none" '
             f'stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round"/>']
    for (a, b), point in zip(coords, points, strict=True):
        label = f"{period_label(point.period, monthly=monthly)}: {with_unit(point.value, unit)}"
        parts.append(f'<circle cx="{a}" cy="{b}" r="4" fill="{LINE}"><title>{_text(label)}'
                     '</title></circle>')
    return parts


def _plot(measure: Measure, points: list[MeasurePoint]) -> list[str]:
    monthly = is_monthly(points)
    key = _month_key if monthly else _day_key
    keys = [key(p.period) for p in points]
    lo, hi = math.floor(min(keys)), math.ceil(max(keys))
    x = Scale(lo, hi, LEFT + 12, WIDTH - LEFT - RIGHT - 24)
    levels = [float(v) for v in (measure.target, measure.threshold) if v is not None]
    yticks = y_ticks([float(p.value) for p in points] + levels)
    y = Scale(float(yticks[0]), float(yticks[-1]), TOP, HEIGHT - TOP - BOTTOM, flip=True)
    parts = _axes(x, y, yticks, x_ticks(lo, hi), measure.unit, monthly)
    target_y, threshold_y = _level_labels(y, measure)
    if measure.threshold is not None:
        parts += _level(y, measure.threshold, THRESHOLD, "2 4", "Threshold", measure.unit,
                        threshold_y)
    if measure.target is not None:
        parts += _level(y, measure.target, TARGET, "8 5", "Target", measure.unit, target_y)
    return parts + _series(x, y, points, key, measure.unit, monthly)


def render_measure_svg(measure: Measure, points: list[MeasurePoint]) -> str:
    """The chart as a standalone SVG document (also fit to inline in HTML or a PDF)."""
    points = sorted(points, key=lambda p: p.period)
    ident = f"measure-{measure.pk or 'new'}-chart"
    body = (_plot(measure, points) if points else [
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" fill="{TEXT}" font-size="16" {FONT} '
        'text-anchor="middle">No data yet</text>'])
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{_text(measure.name)}</title>',
        f'<desc id="{ident}-desc">{_text(describe(measure, points))}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        *body,
        "</svg>",
    ]) + "\n"

