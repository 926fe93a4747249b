"""Evidence files: only the allowed types, whose contents match their extension, are kept, under
random names; the name the user gave is cleaned; only people who may see the case download
them, and always as attachments."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from forces.models import MonitoringPeriod
from oversight.models import Action, EngageCase, Evidence, ProgressUpdate
from oversight.updates import check_file, clean_name, update_add
from tests.conftest import signed_in

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
CSV = "\ufeffMonth,Calls answered in 10s\n2025-05,87%\nCafé,1\n".encode()
STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+$")
WRONG_TYPE = ("is not a file type you can upload: use PDF, Word, Excel, PowerPoint, an image "
              "or CSV")


def zipped(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return out.getvalue()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Month", "Calls"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DOCX = zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml")
PPTX = zipped("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")
XLSX = xlsx()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def action_a(force_a) -> Action:
    case = EngageCase.objects.create(
        force=force_a, period=force_a.monitoring_periods.get(end__isnull=True))
    return Action.objects.create(case=case, title="Answer 999 calls faster", owner="Contact",
                                 due=datetime.date(2026, 3, 31))


def add_update(actor, action: Action, *files) -> ProgressUpdate:
    return update_add(actor=actor, action=action, as_of=datetime.date(2025, 5, 31), rag="amber",
                      text="Half the backlog is cleared.", files=files)


@pytest.fixture
def evidence_a(opcc_a, action_a) -> Evidence:
    return add_update(opcc_a, action_a, ContentFile(PDF, name="Board report.pdf")).evidence.get()


@pytest.fixture
def evidence_b(opcc_b, force_b) -> Evidence:
    period = MonitoringPeriod.objects.create(force=force_b, start=datetime.date(2025, 1, 1))
    case = EngageCase.objects.create(force=force_b, period=period)
    action = Action.objects.create(case=case, title="Force B's action", owner="B",
                                   due=datetime.date(2026, 3, 31))
    return add_update(opcc_b, action, ContentFile(PDF, name="b.pdf")).evidence.get()


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


# What may be kept -------------------------------------------------------------------------


@pytest.mark.parametrize("name,content,content_type", [
    ("report.pdf", PDF, "application/pdf"),
    ("REPORT.PDF", PDF, "application/pdf"),
    ("letter.docx", DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("calls.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("board.pptx", PPTX,
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("old letter.doc", OLE2, "application/msword"),
    ("old calls.xls", OLE2, "application/vnd.ms-excel"),
    ("old board.ppt", OLE2, "application/vnd.ms-powerpoint"),
    ("chart.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("old.gif", b"GIF87a\x01\x00\x01\x00", "image/gif"),
    ("new.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
    ("figures.csv", CSV, "text/csv"),
])
def test_allowed_files_whose_contents_match_are_accepted(name, content, content_type):
    checked = check_file(ContentFile(content, name=name))

    assert checked.kind.content_type == content_type
    assert (checked.size, checked.sha256) == (len(content), hashlib.sha256(content).hexdigest())


@pytest.mark.parametrize("name,content,kind", [
    ("report.pdf", b"<html><script>alert(1)</script></html>", "a PDF"),
    ("report.pdf", b" %PDF-1.4", "a PDF"),
    ("chart.png", JPEG, "a PNG image"),
    ("photo.jpg", PNG, "a JPEG image"),
    ("anim.gif", b"GIF90a\x01\x00", "a GIF image"),
    ("letter.docx", XLSX, "a Word document"),
    ("letter.docx", zipped("word/document.xml"), "a Word document"),
    ("letter.docx", b"PK\x03\x04 not really a zip", "a Word document"),
    ("letter.docx", b"MZ" + DOCX, "a Word document"),
    ("calls.xlsx", DOCX, "an Excel spreadsheet"),
    ("board.pptx", XLSX, "a PowerPoint presentation"),
    ("old letter.doc", DOCX, "a Word document"),
    ("old calls.xls", PDF, "an Excel spreadsheet"),
    ("figures.csv", b"a,b\x00,c\n", "a CSV file"),
    ("figures.csv", "Café,1\n".encode("latin-1"), "a CSV file"),
    ("figures.csv", PNG, "a CSV file"),
])
def test_a_file_whose_contents_do_not_match_its_extension_is_refused(name, content, kind):
    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(content, name=name))

    extension = name.rsplit(".", 1)[1]
    assert refused.value.messages == [
        f"{name} is not {kind}: its contents do not match its .{extension} extension"]


@pytest.mark.parametrize("name", ["notes.exe", "page.html", "drawing.svg", "macro.docm",
                                  "archive.zip", "report.pdf.exe", "README", ".pdf"])
def test_other_types_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(PDF, name=name))

    assert refused.value.messages == [f"{clean_name(name)} {WRONG_TYPE}"]


def test_a_disguised_extension_is_refused():
    # A right-to-left override shows "invoice\u202efdp.exe" as "invoiceexe.pdf".
    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(b"MZ", name="invoice\u202efdp.exe"))

    assert refused.value.messages == [f"invoicefdp.exe {WRONG_TYPE}"]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(b"", name="empty.pdf"))

    assert refused.value.messages == ["empty.pdf is empty"]


def test_a_file_over_the_limit_is_refused(settings):
    if hasattr(settings, "EVIDENCE_MAX_BYTES"):
        del settings.EVIDENCE_MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(PDF + bytes(20 * 1024 * 1024), name="big.pdf"))

    assert refused.value.messages == ["big.pdf is larger than 20 MB"]


def test_the_limit_comes_from_settings(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    check_file(ContentFile(PDF.ljust(1024, b" "), name="just-fits.pdf"))

    with pytest.raises(ValidationError) as refused:
        check_file(ContentFile(PDF.ljust(1025, b" "), name="big.pdf"))

    assert refused.value.messages == ["big.pdf is larger than 1 KB"]


# Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given,kept", [
    ("Board report (May).pdf", "Board report (May).pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    ("C:\\Users\\alice\\report.pdf", "report.pdf"),
    ("rep\x00ort.pdf", "report.pdf"),
    ("\x1b[2Jreport\r\n.pdf", "[2Jreport.pdf"),
    (".htaccess.pdf", "htaccess.pdf"),
    ("...pdf", "pdf"),
    ('a<b>c:"d"|e?f*;g.pdf', "a_b_c__d__e_f__g.pdf"),
    ("  lots   of\tspace  .pdf ", "lots ofspace .pdf"),
    ("Café.pdf", "Café.pdf"),
    ("../", "unnamed file"),
    ("", "unnamed file"),
])
def test_a_name_keeps_only_its_safe_last_part(given, kept):
    assert clean_name(given) == kept


def test_a_very_long_name_is_cut_short_and_keeps_its_extension():
    kept = clean_name("a" * 300 + ".pdf")

    assert kept == "a" * 116 + ".pdf"


def test_path_tricks_in_names_never_reach_the_disk(opcc_a, action_a, media):
    update = add_update(opcc_a, action_a,
                        ContentFile(PDF, name="../../etc/passwd.pdf"),
                        ContentFile(CSV, name="\x00..\\..\\evil\x07.csv"),
                        ContentFile(PDF, name="." + "x" * 400 + ".pdf"))

    evidence = list(update.evidence.order_by("pk"))
    assert [e.original_name for e in evidence] == ["passwd.pdf", "evil.csv", "x" * 116 + ".pdf"]
    for item in evidence:
        assert STORED_NAME.match(item.file.name), item.file.name
    assert sorted(stored_files(media)) == sorted(media / e.file.name for e in evidence)
    assert all(path.is_relative_to(media / "evidence") for path in stored_files(media))


def test_a_path_sent_by_a_browser_is_dropped(opcc_a, action_a, media):
    response = signed_in(opcc_a).post(
        reverse("oversight:update-create", args=["lincolnshire", action_a.pk]),
        {"as_of": "2025-05-31", "rag": "green", "text": "Done",
         "files": SimpleUploadedFile("..\\..\\secret.pdf", PDF, content_type="text/html")})

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "secret.pdf"
    assert evidence.content_type == "application/pdf"  # never the browser's claim
    assert STORED_NAME.match(evidence.file.name)
    assert stored_files(media) == [media / evidence.file.name]


# Bad uploads through the form ------------------------------------------------------------


@pytest.mark.parametrize("name,content,message", [
    ("report.pdf", b"<html></html>",
     "report.pdf is not a PDF: its contents do not match its .pdf extension"),
    ("big.pdf", PDF.ljust(2048, b" "), "big.pdf is larger than 1 KB"),
    ("notes.exe", b"MZ\x90\x00", f"notes.exe {WRONG_TYPE}"),
    ("../../etc/x.exe", b"MZ\x90\x00", f"x.exe {WRONG_TYPE}"),
])
def test_a_bad_file_is_named_beside_the_field_and_nothing_is_saved(
        name, content, message, opcc_a, action_a, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = signed_in(opcc_a).post(
        reverse("oversight:update-create", args=["lincolnshire", action_a.pk]),
        {"as_of": "2025-05-31", "rag": "amber", "text": "Backlog halved",
         "files": [SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile(name, content)]})

    assert response.status_code == 422
    body = response.content.decode()
    assert f'<a href="#id_files">{message}</a>' in body  # the error summary
    assert re.search(r'id="id_files_error"[^>]*>\s*<span[^>]*>Error:</span> '
                     + re.escape(message), body)
    assert "Backlog halved</textarea>" in body
    assert "Choose your files again" in body
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_files_already_written_are_removed_when_the_database_refuses_a_row(
        opcc_a, action_a, media, monkeypatch):
    saves = []
    original_save = Evidence.save

    def refuse_the_second(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise IntegrityError("refused")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Evidence, "save", refuse_the_second)
    with pytest.raises(IntegrityError):
        add_update(opcc_a, action_a, ContentFile(PDF, name="a.pdf"), ContentFile(PDF, name="b.pdf"))

    assert not ProgressUpdate.objects.exists()
    assert stored_files(media) == []


# Downloads --------------------------------------------------------------------------------


def download_url(evidence: Evidence, slug: str = "lincolnshire") -> str:
    return reverse("oversight:evidence-download", kwargs={"slug": slug, "evidence_id": evidence.pk})


@pytest.mark.parametrize("persona", ["opcc_a", "pcc_a", "apcc_lead", "admin_user"])
def test_people_who_may_see_the_case_download_evidence_as_an_attachment(
        persona, request, evidence_a):
    response = signed_in(request.getfixturevalue(persona)).get(download_url(evidence_a))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Board report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_a_name_with_quotes_and_accents_is_offered_back_safely(opcc_a, action_a):
    update = add_update(opcc_a, action_a, ContentFile(PDF, name='Rapport "final" é.pdf'))

    response = signed_in(opcc_a).get(download_url(update.evidence.get()))

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Rapport%20_final_%20%C3%A9.pdf")


def test_staff_of_another_force_get_404(opcc_b, evidence_a):
    assert signed_in(opcc_b).get(download_url(evidence_a)).status_code == 404


def test_evidence_of_another_force_is_not_found_under_this_force(opcc_a, evidence_a, evidence_b):
    client = signed_in(opcc_a)

    assert client.get(download_url(evidence_b, slug="lincolnshire")).status_code == 404
    assert client.get(download_url(evidence_b, slug="west-midlands")).status_code == 404
    assert client.get(download_url(evidence_a)).status_code == 200


def test_anonymous_people_are_sent_to_sign_in(evidence_a):
    response = signed_in(None).get(download_url(evidence_a))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_rejects_post(opcc_a, evidence_a):
    assert signed_in(opcc_a).post(download_url(evidence_a)).status_code == 405


def test_evidence_whose_file_is_gone_is_not_found(opcc_a, evidence_a, media):
    (media / evidence_a.file.name).unlink()

    assert signed_in(opcc_a).get(download_url(evidence_a)).status_code == 404


def test_evidence_files_have_no_address_of_their_own(opcc_a, evidence_a):
    client = signed_in(opcc_a)

    for path in (f"/media/{evidence_a.file.name}", f"/{evidence_a.file.name}",
                 f"/static/{evidence_a.file.name}"):
        assert client.get(path).status_code == 404, path
