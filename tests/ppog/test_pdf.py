"""The pack's PDF: text people typed stays text, WeasyPrint fetches nothing but the service's own
static files, nothing is embedded, a slow render is stopped, and the PDF is tagged."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.urls import URLFetcher

from oversight.models import Comment, Measure, Position, ProgressUpdate
from ppog import pack_content, pdf
from ppog.models import PackQuestion, PreMeet, Slot
from ppog.pdf import BASE_URL, PackRenderTimeout, RefusedURL, render_pdf, safe_fetcher
from tests.ppog.test_pack_content import flat, make_pack_case, pdf_text

IMG_FILE = '<img src="file:///etc/passwd">'
HOSTILE = (f'{IMG_FILE} <link rel="attachment" href="file:///etc/passwd"> '
           '<img src="http://127.0.0.1:6379/"> '
           '<style>@import url(http://127.0.0.1:9/x.css);</style> {{7*7}} '
           '<script>alert(1)</script>')
SHORT = f"{IMG_FILE} {{{{7*7}}}}"  # for fields of 200 characters or fewer


class RecordingFetcher(URLFetcher):
    """Wraps the real fetcher and writes down every URL it is asked for, and whether it served
    it. A file, because the render runs in a child process."""

    def __init__(self, inner: URLFetcher, log: Path):
        super().__init__()
        self.inner, self.log = inner, log

    def fetch(self, url, headers=None):
        try:
            response = self.inner.fetch(url, headers)
        except Exception:
            self._write(url, "refused")
            raise
        self._write(url, "served")
        return response

    def _write(self, url: str, outcome: str) -> None:
        with self.log.open("a") as handle:
            handle.write(f"{outcome} {url}\n")


@pytest.fixture
def fetched(tmp_path, monkeypatch) -> Path:
    log = tmp_path / "fetched.txt"
    log.touch()
    monkeypatch.setattr(pdf, "safe_fetcher", RecordingFetcher(safe_fetcher, log))
    return log


def requests(log: Path) -> list[tuple[str, str]]:
    return [tuple(line.split(" ", 1)) for line in log.read_text().splitlines()]


def own_static(url: str) -> bool:
    return url.startswith(BASE_URL + "static/") or url.startswith("data:")


def embedded_files(data: bytes, tmp_path) -> list:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    reader = PdfReader(path)
    names = reader.trailer["/Root"].get("/Names", {})
    annotations = [a.get_object().get("/Subtype") for page in reader.pages
                   for a in page.get("/Annots", [])]
    return (list(reader.attachments) + (["/EmbeddedFiles"] if "/EmbeddedFiles" in names else [])
            + [a for a in annotations if a == "/FileAttachment"])


def make_hostile(pack_case) -> None:
    """Hostile text in every field a person can type that the pack shows."""
    case, pack = pack_case.case, pack_case.pack
    pack.statement = pack.barriers = pack.support = HOSTILE
    pack.marking = IMG_FILE
    pack.save()
    PackQuestion.objects.filter(pack=pack).update(text=HOSTILE)
    for concern in pack_case.concerns:
        concern.title, concern.wording, concern.threshold = SHORT, HOSTILE, HOSTILE
        concern.threshold_agreed = datetime.date.today()
        concern.save()
        concern.recommendations.update(text=HOSTILE)
    Position.objects.filter(concern__case=case).update(statement=HOSTILE)
    Position.objects.filter(recommendation__concern__case=case).update(statement=HOSTILE)
    case.actions.update(title=HOSTILE)
    ProgressUpdate.objects.filter(action__case=case).update(text=HOSTILE)
    Measure.objects.filter(concern__case=case).update(name=SHORT, unit=IMG_FILE)
    Comment.objects.create(case=case, concern=pack_case.concerns[0], author=pack_case.pcc,
                           text=HOSTILE)
    Slot.objects.filter(case=case).update(attendees=HOSTILE, notes=HOSTILE)
    PreMeet.objects.filter(slot=pack.slot).update(messages=HOSTILE)


@pytest.fixture
def hostile_pack(force_a, opcc_a, pcc_a):
    pack_case = make_pack_case(force_a, opcc_a)
    pack_case.pcc = pcc_a
    make_hostile(pack_case)
    pack_case.pack.refresh_from_db()
    return pack_case


# Hostile text ----------------------------------------------------------------------------------


def test_hostile_text_in_every_field_is_printed_as_text_and_fetches_nothing(
        hostile_pack, fetched, tmp_path):
    html = pack_content.render_html(hostile_pack.pack)
    data = render_pdf(html)
    text = flat(pdf_text(data, tmp_path))
    asked = requests(fetched)
    assert ("served", BASE_URL + "static/css/pack.css") in asked  # the spy sees the fetches
    assert [url for _, url in asked if not own_static(url)] == []
    assert embedded_files(data, tmp_path) == []
    assert "root:" not in text
    assert IMG_FILE in text
    assert "{{7*7}}" in text
    assert "<script>alert(1)</script>" in text
    assert "<script>" not in html and "<img src=" not in html


def test_the_marking_a_person_typed_is_text_in_the_running_header(hostile_pack, tmp_path):
    pages = pdf_text(render_pdf(pack_content.render_html(hostile_pack.pack)), tmp_path)
    assert all(page.lstrip().startswith(IMG_FILE) for page in pages.split("\f")[:-1])


def test_even_unescaped_markup_could_not_fetch_or_embed_anything(fetched, tmp_path):
    html = ('<!doctype html><html lang="en-GB"><head><title>t</title>'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
            '<link rel="attachment" href="file:///etc/passwd">'
            '<link rel="attachment" href="/static/css/pack.css">'
            '<style>@import url(http://127.0.0.1:9/y.css);</style></head><body>'
            '<img src="file:///etc/passwd" alt="x"><img src="http://127.0.0.1:6379/" alt="y">'
            '<img src="/static/../../../etc/passwd" alt="z">'
            '<a rel="attachment" href="/static/css/pack.css">a file</a>'
            '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>'
            '<p>Plain text</p></body></html>')
    data = render_pdf(html)
    served = [url for outcome, url in requests(fetched) if outcome == "served"]
    assert all(own_static(url) for url in served)
    assert "file:///etc/passwd" in [url for _, url in requests(fetched)]
    assert embedded_files(data, tmp_path) == []
    assert "root:" not in pdf_text(data, tmp_path)


# The fetcher -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:6379/",
    "https://example.org/static/css/pack.css",
    "https://pack.invalid.example.org/static/css/pack.css",
    "file:///etc/passwd",
    "ftp://example.org/x.css",
    BASE_URL + "static/../../etc/passwd",
    BASE_URL + "static/css/../../../../etc/passwd",
    BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
    BASE_URL + "static//etc/passwd",
    BASE_URL + "static/css/no-such-file.css",
    BASE_URL + "etc/passwd",
    "/static/../../etc/passwd",
])
def test_the_fetcher_refuses_anything_but_the_services_static_files(url):
    with pytest.raises(RefusedURL):
        safe_fetcher(url)


def test_the_fetcher_serves_the_packs_stylesheet_and_data_uris():
    css = safe_fetcher(BASE_URL + "static/css/pack.css")
    data = safe_fetcher("data:text/plain;charset=utf-8,hello")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    assert data.read() == b"hello"


# Time limit ------------------------------------------------------------------------------------


def child_pids() -> set[int]:
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            pids.add(int(stat.parent.name))
    return pids


def test_a_render_that_takes_too_long_is_stopped_and_its_process_ended():
    before = child_pids()
    huge = "<!doctype html><html lang='en-GB'><body>" + "<p>Lorem ipsum dolor</p>" * 60000
    started = time.monotonic()
    with pytest.raises(PackRenderTimeout,
                       match="The pack took longer than 0.05 seconds to render and was stopped"):
        render_pdf(huge, timeout=0.05)
    assert time.monotonic() - started < 5
    assert child_pids() <= before


def test_the_time_limit_comes_from_the_settings(settings):
    settings.PACK_RENDER_TIMEOUT = 0.01
    with pytest.raises(PackRenderTimeout, match="longer than 0.01 seconds"):
        render_pdf("<p>Lorem ipsum</p>" * 20000)


# Accessibility ---------------------------------------------------------------------------------


def test_the_pdf_is_tagged_with_its_language_and_title(force_a, opcc_a, tmp_path):
    pack_case = make_pack_case(force_a, opcc_a)
    path = tmp_path / "pack.pdf"
    path.write_bytes(render_pdf(pack_content.render_html(pack_case.pack)))
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    meeting = pack_case.pack.slot.meeting.date
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == (
        f"PPOG briefing pack – Lincolnshire Police – {meeting:%-d %B %Y}")
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    figures = [e for e in structure(root["/StructTreeRoot"]) if e.get("/S") == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["Calls answered in time 1",
                                                 "Calls answered in time 2"]


def structure(element) -> list:
    """Every element of the PDF's structure tree."""
    element = element.get_object()
    found = [element]
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            found += structure(kid)
    return found
