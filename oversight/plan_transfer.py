"""An improvement plan in and out of a spreadsheet, and a cause of concern's history as CSV.

Import reads every row of a CSV or XLSX file and checks it against the case before anything is
saved; the rows are then created together, each through :func:`services.action_create`, or not
at all. Export writes the same columns, so an exported plan imports cleanly.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from engage.models import AuditEvent
from oversight import services
from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    Rag,
    Recommendation,
)
from oversight.rag import action_rag

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# An XLSX is a zip: a small file that unpacks to far more is a zip bomb, not a plan.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_COLUMNS = 50
# Formatted but empty rows can run on for a million lines; this many in a row ends the data.
BLANK_RUN_ENDS_DATA = 500

COLUMNS = ["reference", "title", "description", "owner", "due", "status", "concerns",
           "recommendations", "milestone"]
REQUIRED = ["title", "owner", "due"]
EXPORT_COLUMNS = [*COLUMNS, "rag", "updates"]
ALIASES = {"due date": "due", "cause of concern": "concerns", "causes of concern": "concerns",
           "recommendation": "recommendations", "is milestone": "milestone"}
UNREADABLE = "The file could not be read as a spreadsheet"
INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


# Reading ------------------------------------------------------------------------------------

def read_table(upload: UploadedFile) -> list[tuple[int, list[Any]]]:
    """The file's non-blank rows as (spreadsheet row number, cell values), header first."""
    name = (upload.name or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ImportRefused("The file must be a CSV file or an Excel workbook (.xlsx)")
    if upload.size > MAX_BYTES:
        raise ImportRefused("The file must be smaller than 5 MB")
    if upload.size == 0:
        raise ImportRefused("The selected file is empty")
    upload.seek(0)
    data = upload.read()
    if name.endswith(".csv"):
        return _collect(_csv_rows(data))
    return _xlsx_table(data)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Excel on Windows saves "CSV" as Windows-1252 unless asked for UTF-8.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused(UNREADABLE)
    if "\x00" in text:
        raise ImportRefused(UNREADABLE)
    try:
        # Numbered by record, as a spreadsheet numbers the rows when it opens the file.
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as error:
        raise ImportRefused(UNREADABLE) from error


def _xlsx_table(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportRefused(UNREADABLE) from error
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportRefused("The workbook is too large: save it as CSV, or split it")
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        return _collect(enumerate((list(r) for r in rows), start=1))
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises all sorts on a damaged file; all mean the same
        raise ImportRefused(UNREADABLE) from error
    finally:
        if workbook is not None:
            workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(rows: Iterable[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    kept: list[tuple[int, list[Any]]] = []
    blank_run = 0
    for number, values in rows:
        if all(_blank(v) for v in values):
            blank_run += 1
            if blank_run >= BLANK_RUN_ENDS_DATA:
                break
            continue
        blank_run = 0
        kept.append((number, values))
        if len(kept) > MAX_ROWS + 1:
            raise ImportRefused(f"The file has more than {MAX_ROWS:,} actions: split it into "
                                "smaller files")
    return kept


# Checking -----------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.column} – {self.message}"


@dataclass
class PlanRow:
    row: int
    raw: dict[str, str]
    reference: str = ""
    title: str = ""
    description: str = ""
    owner: str = ""
    due: datetime.date | None = None
    status: str = Action.Status.NOT_STARTED
    milestone: bool = False
    concerns: list[CauseOfConcern] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    @property
    def status_label(self) -> str:
        return Action.Status(self.status).label

    @property
    def bad_columns(self) -> set[str]:
        return {error.column for error in self.errors}

    def stored(self) -> dict[str, Any]:
        """The row as JSON, to keep between the preview and the confirmation."""
        return {"row": self.row, "reference": self.reference, "title": self.title,
                "description": self.description, "owner": self.owner,
                "due": self.due.isoformat(), "status": self.status,
                "is_milestone": self.milestone, "concerns": [c.pk for c in self.concerns],
                "recommendations": [r.pk for r in self.recommendations]}


@dataclass
class Preview:
    rows: list[PlanRow]
    existing: int = 0

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def ready(self) -> int:
        return sum(1 for row in self.rows if not row.errors)

    @property
    def with_errors(self) -> int:
        return len(self.rows) - self.ready

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


def preview_upload(case: EngageCase, upload: UploadedFile) -> Preview:
    """Read and check every row; raises :class:`ImportRefused` if the file itself is unusable."""
    return check_rows(case, read_table(upload))


def check_rows(case: EngageCase, table: list[tuple[int, list[Any]]]) -> Preview:
    if not table:
        raise ImportRefused("The file is empty")
    columns = _columns(table[0][1])
    if len(table) == 1:
        raise ImportRefused("The file has a header row but no actions")
    lookups = _References(case)
    rows = []
    for number, values in table[1:]:
        raw = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        rows.append(_check_row(number, raw, lookups))
    return Preview(rows, existing=case.actions.count())


def _key(text: Any) -> str:
    return " ".join(_text(text).lower().replace("_", " ").replace("-", " ").split())


def _columns(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = ALIASES.get(_key(cell), _key(cell))
        if name in COLUMNS:
            if name in columns:
                raise ImportRefused(f"The file has two '{name}' columns")
            columns[name] = index
    if not columns:
        raise ImportRefused("The first row must name the columns: " + ", ".join(COLUMNS))
    missing = [name for name in REQUIRED if name not in columns]
    if len(missing) == 1:
        raise ImportRefused(f"The file has no '{missing[0]}' column")
    if missing:
        names = ", ".join(f"'{n}'" for n in missing[:-1]) + f" or '{missing[-1]}'"
        raise ImportRefused(f"The file has no {names} columns")
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in INJECTION_STARTS:  # undo our own export's escaping
        text = text[1:].strip()
    return text


class _References:
    """The case's causes of concern and recommendations, found by reference."""

    def __init__(self, case: EngageCase):
        self.concerns: dict[str, list] = {}
        self.recommendations: dict[str, list] = {}
        for concern in case.concerns.all():
            self.concerns.setdefault(self.norm(concern.reference), []).append(concern)
        for rec in Recommendation.objects.filter(concern__case=case).select_related("concern"):
            self.recommendations.setdefault(self.norm(rec.reference), []).append(rec)

    @staticmethod
    def norm(reference: str) -> str:
        return re.sub(r"\s+", "", reference.lower().removeprefix("recommendation"))


def _check_row(number: int, raw: dict[str, Any], refs: _References) -> PlanRow:
    row = PlanRow(number, {name: _text(value) for name, value in raw.items()})
    required = {"title": "enter what the action is", "owner": "enter who owns the action"}
    for column in ("reference", "title", "description", "owner"):
        value = row.raw.get(column, "")
        limit = Action._meta.get_field(column).max_length
        if column in required and not value:
            row.fail(column, required[column])
        elif limit and len(value) > limit:
            row.fail(column, f"is {len(value)} characters long: it can be at most {limit}")
        setattr(row, column, value)
    row.due = _due(raw.get("due"), row)
    status = _key(raw.get("status")) or "not started"
    names = {_key(label): value for value, label in Action.Status.choices}
    if status in names:
        row.status = names[status]
    else:
        row.fail("status", f"'{row.raw['status']}' is not a status: use not started, on track, "
                           "at risk, off track or complete")
    milestone = _key(raw.get("milestone"))
    if milestone not in {"", "yes", "y", "true", "1", "no", "n", "false", "0"}:
        row.fail("milestone", f"'{row.raw['milestone']}' is not yes or no")
    row.milestone = milestone in {"yes", "y", "true", "1"}
    row.concerns = _linked(row, "concerns", refs.concerns, "cause of concern")
    row.recommendations = _linked(row, "recommendations", refs.recommendations, "recommendation")
    return row


ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _due(value: Any, row: PlanRow) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # A date cell that lost its date format arrives as Excel's day number (1950 to 2099).
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 18264 < value < 73051:
        return from_excel(value).date()
    text = row.raw.get("due", "")
    if not text:
        row.fail("due", "enter the date the action is due")
        return None
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := UK_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        row.fail("due", f"'{text}' is not a date: use a date like 31/03/2025 or 2025-03-31")
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        row.fail("due", f"'{text}' is not a real date")
        return None


def _linked(row: PlanRow, column: str, known: dict[str, list], noun: str) -> list:
    found = []
    for reference in re.split(r"[;,\n]", row.raw.get(column, "")):
        reference = reference.strip()
        if not reference:
            continue
        matches = known.get(_References.norm(reference), [])
        if not matches:
            row.fail(column, f"there is no {noun} '{reference}' in this case")
        elif len(matches) > 1:
            row.fail(column, f"more than one {noun} in this case has the reference "
                             f"'{reference}': give them different references first")
        elif matches[0] not in found:
            found.append(matches[0])
    return found


# Saving -------------------------------------------------------------------------------------

def plan_import(*, actor, case: EngageCase, rows: list[dict[str, Any]]) -> list[Action]:
    """Create every checked row as an action, or none: one bad row undoes the rest."""
    services.require(actor, "can_edit_case", case.force)
    if not rows or len(rows) > MAX_ROWS:
        raise ValidationError("There are no actions to import")
    concerns = {c.pk: c for c in case.concerns.all()}
    recs = {r.pk: r for r in Recommendation.objects.filter(concern__case=case)
            .select_related("concern")}
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                links = {"concerns": [concerns[pk] for pk in row["concerns"]],
                         "recommendations": [recs[pk] for pk in row["recommendations"]]}
            except KeyError:
                raise ValidationError(
                    f"Row {row['row']}: a cause of concern or recommendation it names was "
                    "deleted after the file was checked. Upload the file again.") from None
            data = {**{k: row[k] for k in services.ACTION_FIELDS if k != "due"},
                    "due": datetime.date.fromisoformat(row["due"]), **links}
            try:
                created.append(services.action_create(actor=actor, case=case, data=data))
            except ValidationError as error:
                raise ValidationError(f"Row {row['row']}: {' '.join(error.messages)}") from None
    return created


# Writing ------------------------------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula, made plain text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(INJECTION_STARTS):
        return "'" + value
    return value


def plan_values(actions: list[Action], today: datetime.date) -> list[list[Any]]:
    """One row per action, in EXPORT_COLUMNS order (dates as dates)."""
    return [[a.reference, a.title, a.description, a.owner, a.due, a.get_status_display(),
             "; ".join(c.reference for c in a.concerns.all() if c.reference),
             "; ".join(r.reference for r in a.recommendations.all() if r.reference),
             "yes" if a.is_milestone else "no", action_rag(a.status, a.due, today).label,
             getattr(a, "update_count", 0)]
            for a in actions]


def to_csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values in rows:
        writer.writerow([neutralise(v.isoformat() if isinstance(v, datetime.date) else v)
                         for v in values])
    # The byte order mark tells Excel the file is UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def template_csv() -> bytes:
    return to_csv(COLUMNS, [])


WIDTHS = {"reference": 12, "title": 50, "description": 60, "owner": 28, "due": 12,
          "status": 12, "concerns": 16, "recommendations": 18, "milestone": 10, "rag": 30,
          "updates": 9}


def plan_xlsx(actions: list[Action], today: datetime.date) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Improvement plan"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for values in plan_values(actions, today):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in map(neutralise, values)])
    due = EXPORT_COLUMNS.index("due") + 1
    for index, name in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
    for (cell,) in sheet.iter_rows(min_row=2, min_col=due, max_col=due):
        cell.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A cause of concern's history ---------------------------------------------------------------

HISTORY_COLUMNS = ["date", "what", "who", "detail"]


@dataclass
class HistoryEntry:
    date: datetime.date
    recorded: datetime.datetime
    what: str
    who: str
    detail: str


def _person(user, label: str = "") -> str:
    return (user.full_name or user.email) if user else (label or "someone")


def _changes(model, event: AuditEvent) -> str:
    if event.action == AuditEvent.Action.CREATE:
        return "Created"
    if event.action == AuditEvent.Action.DELETE:
        return "Deleted"
    labels = {f.attname: f for f in model._meta.concrete_fields}
    parts = []
    for name, (before, after) in event.changes.items():
        field_ = labels.get(name)
        if name == "version" or field_ is None:
            continue
        if field_.choices:
            shown = dict(field_.flatchoices)
            before, after = shown.get(before, before), shown.get(after, after)
        parts.append(f"{str(field_.verbose_name).capitalize()}: "
                     f"{before if before not in (None, '') else '(blank)'} → "
                     f"{after if after not in (None, '') else '(blank)'}")
    return "; ".join(parts) or "Updated"


def concern_history(concern: CauseOfConcern) -> list[HistoryEntry]:
    """Every recorded change to the concern, its recommendations and positions, and progress on
    its actions, oldest first: four queries whatever the length."""
    recs = {str(r.pk): r for r in concern.recommendations.all()}
    deleted = AuditEvent.objects.filter(model="oversight.recommendation",
                                        action=AuditEvent.Action.DELETE,
                                        changes__concern_id__0=concern.pk).values("object_pk")
    events = AuditEvent.objects.filter(
        Q(model="oversight.causeofconcern", object_pk=str(concern.pk))
        | Q(model="oversight.recommendation", object_pk__in=list(recs))
        | Q(model="oversight.recommendation", object_pk__in=deleted)
    ).select_related("actor")
    entries = []
    for event in events:
        is_concern = event.model == "oversight.causeofconcern"
        rec = recs.get(event.object_pk)
        what = (f"Cause of concern {concern.reference}".strip() if is_concern
                else str(rec) if rec else event.object_repr)
        local = timezone.localtime(event.at)
        entries.append(HistoryEntry(local.date(), event.at, what,
                                    _person(event.actor, event.actor_label),
                                    _changes(CauseOfConcern if is_concern else Recommendation,
                                             event)))
    positions = Position.objects.filter(
        Q(concern=concern) | Q(recommendation__concern=concern)
    ).select_related("recorded_by", "recommendation")
    for position in positions:
        about = f" on recommendation {position.recommendation.reference}" if \
            position.recommendation else ""
        entries.append(HistoryEntry(
            position.as_of, position.recorded_at,
            f"Position{about} ({position.get_side_display()})", _person(position.recorded_by),
            f"{Rag(position.rag).label}: {position.statement}"))
    actions = Action.objects.filter(Q(concerns=concern) | Q(recommendations__concern=concern))
    updates = ProgressUpdate.objects.filter(action__in=actions.values("pk")).select_related(
        "author", "action")
    for update in updates:
        name = update.action.reference or f"'{update.action.title}'"
        entries.append(HistoryEntry(update.as_of, update.created_at,
                                    f"Progress update on {name}", _person(update.author),
                                    f"{Rag(update.rag).label}: {update.text}"))
    return sorted(entries, key=lambda e: (e.date, e.recorded))


def history_csv(entries: list[HistoryEntry]) -> bytes:
    return to_csv(HISTORY_COLUMNS, ([e.date, e.what, e.who, e.detail] for e in entries))
