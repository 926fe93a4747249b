"""Progress updates on actions, and the evidence files they carry.

An update is never edited or deleted: a new one is a new row and the history is the record.
Evidence is checked before anything is saved: its type comes from its extension, its contents
must match that type (by their first bytes, or the parts inside an Office file), and the name
the user gave is cleaned and kept only to show and to offer back on download. On disk a file
has a random name under MEDIA_ROOT, which has no URL: only ``evidence_for`` and its view reach it.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oversight import selectors
from oversight.models import Action, Evidence, ProgressUpdate, Rag
from oversight.services import require

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 120
ALLOWED_TYPES = "PDF, Word, Excel, PowerPoint, an image or CSV"

# Characters that mean something to a filesystem or a header; path separators go first.
_RESERVED = re.compile(r'[<>:"|?*;]')


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size: int) -> str:
    """20971520 -> '20 MB': the limit as people say it."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} bytes"


# Types -----------------------------------------------------------------------------------


def _starts_with(*signatures: bytes) -> Callable[[File], bool]:
    def matches(upload: File) -> bool:
        upload.seek(0)
        return upload.read(max(map(len, signatures))).startswith(signatures)

    return matches


def _office_open_xml(folder: str) -> Callable[[File], bool]:
    """A .docx, .xlsx or .pptx: a zip (from its first byte) holding the parts of its kind."""

    def matches(upload: File) -> bool:
        if not _starts_with(b"PK\x03\x04")(upload):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()  # the directory only: nothing is decompressed
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return matches


def _utf8_text(upload: File) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_OLE2 = _starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # the legacy Office container


@dataclass(frozen=True)
class Kind:
    noun: str  # as the error message names it: "report.pdf is not a PDF"
    content_type: str  # what downloads are sent as; the browser's claim is never used
    matches: Callable[[File], bool]


_JPEG = Kind("a JPEG image", "image/jpeg", _starts_with(b"\xff\xd8\xff"))

KINDS: dict[str, Kind] = {
    "pdf": Kind("a PDF", "application/pdf", _starts_with(b"%PDF-")),
    "docx": Kind("a Word document",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 _office_open_xml("word/")),
    "doc": Kind("a Word document", "application/msword", _OLE2),
    "xlsx": Kind("an Excel spreadsheet",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 _office_open_xml("xl/")),
    "xls": Kind("an Excel spreadsheet", "application/vnd.ms-excel", _OLE2),
    "pptx": Kind("a PowerPoint presentation",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                 _office_open_xml("ppt/")),
    "ppt": Kind("a PowerPoint presentation", "application/vnd.ms-powerpoint", _OLE2),
    "png": Kind("a PNG image", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": Kind("a GIF image", "image/gif", _starts_with(b"GIF87a", b"GIF89a")),
    "csv": Kind("a CSV file", "text/csv", _utf8_text),
}


# Checking a file --------------------------------------------------------------------------


def clean_name(name: str | None) -> str:
    """The name the user gave, safe to show and to offer back: its last path part, without
    control or format characters (a right-to-left override shows "invoice\u202efdp.exe" as
    "invoiceexe.pdf"), reserved characters or leading dots, no longer than MAX_NAME_LENGTH."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(_RESERVED.sub("_", name).split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        if len(ext) > 10:
            stem, ext = name, ""
        name = stem[:MAX_NAME_LENGTH - len(ext)].rstrip(" .") + ext
    return name or "unnamed file"


@dataclass(frozen=True)
class CheckedFile:
    upload: File
    name: str
    extension: str
    kind: Kind
    size: int
    sha256: str


def check_file(upload: File) -> CheckedFile:
    """The file if it may be kept as evidence; else a ValidationError that names it."""
    name = clean_name(upload.name)
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    kind = KINDS.get(extension)
    if kind is None:
        raise ValidationError(f"{name} is not a file type you can upload: use {ALLOWED_TYPES}")
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(f"{name} is larger than {size_label(limit)}")
    if not upload.size:
        raise ValidationError(f"{name} is empty")
    if not kind.matches(upload):
        raise ValidationError(f"{name} is not {kind.noun}: its contents do not match its "
                              f".{extension} extension")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return CheckedFile(upload, name, extension, kind, upload.size, digest.hexdigest())


def _check_update(*, as_of: datetime.date, rag: str, text: str,
                  files: Iterable[File]) -> list[CheckedFile]:
    """Every problem at once, keyed by the form's field names, so each shows beside its field."""
    errors: dict[str, list[str]] = {}
    if as_of > timezone.localdate():
        errors["as_of"] = ["The date must be today or in the past"]
    if rag not in Rag.values:
        errors["rag"] = ["Choose a RAG rating"]
    if not text.strip():
        errors["text"] = ["Enter the update"]
    checked = []
    for upload in files:
        try:
            checked.append(check_file(upload))
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked


# Writes and reads -------------------------------------------------------------------------


def update_add(*, actor, action: Action, as_of: datetime.date, rag: str, text: str,
               files: Iterable[File] = ()) -> ProgressUpdate:
    """Record a dated update on an action with its evidence: all of it, or nothing."""
    require(actor, "can_edit_case", action.case.force)
    checked = _check_update(as_of=as_of, rag=rag, text=text, files=files)
    update = ProgressUpdate(action=action, author=actor, as_of=as_of, rag=rag, text=text.strip())
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            update.full_clean()
            update.save()
            for item in checked:
                evidence = Evidence(
                    case=action.case, update=update, original_name=item.name,
                    content_type=item.kind.content_type, size=item.size, sha256=item.sha256,
                    uploaded_by=actor)
                evidence.file.save(f"{uuid.uuid4().hex}.{item.extension}", item.upload,
                                   save=False)
                written.append(evidence.file)
                evidence.save()
    except BaseException:
        # The rows are rolled back; the files they named must not outlive them.
        for stored in written:
            stored.delete(save=False)
        raise
    return update


def evidence_for(user, slug: str, evidence_id: int) -> Evidence:
    """Evidence from any of the force's cases, if the user may see them; 404 otherwise."""
    force = selectors.force_for(user, slug)
    return get_object_or_404(Evidence, pk=evidence_id, case__force=force)


RCA_DESCRIPTION = "Root cause analysis"


def rca_attach(*, actor, case, upload: File) -> Evidence:
    """Keep the Chief Constable's root cause analysis document with the case."""
    require(actor, "can_edit_case", case.force)
    try:
        item = check_file(upload)
    except ValidationError as error:
        raise ValidationError({"rca_file": error.messages}) from None
    evidence = Evidence(case=case, original_name=item.name, content_type=item.kind.content_type,
                        size=item.size, sha256=item.sha256, uploaded_by=actor,
                        description=RCA_DESCRIPTION)
    evidence.file.save(f"{uuid.uuid4().hex}.{item.extension}", item.upload, save=False)
    try:
        evidence.save()
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


def rca_documents(case) -> list[Evidence]:
    return list(case.evidence.filter(update__isnull=True, concern__isnull=True,
                                     description=RCA_DESCRIPTION).order_by("-uploaded_at"))
