"""The briefing pack's HTML as a tagged PDF (PDF/UA-1), by WeasyPrint, in a child process.

Two guards, whatever the HTML holds:

- WeasyPrint fetches through :data:`safe_fetcher`, which serves the service's own static files
  and ``data:`` URIs and refuses everything else (other schemes and hosts, paths outside the
  static folders), so a pack can never read a local file or reach a network address. Refused
  resources are logged by WeasyPrint and left out. Attachments are dropped as well.
- The render runs in a forked child that is killed after ``timeout`` seconds, so one pathological
  pack cannot hold a worker.
"""

from __future__ import annotations

import gc
import logging
import mimetypes
import os
import selectors
import signal
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the pack (its stylesheet) resolve against this; the host is reserved
# (RFC 2606) so nothing could ever be fetched from it over the network.
BASE_URL = "https://pack.invalid/"
DEFAULT_TIMEOUT = 60


class PackRenderTimeout(Exception):
    """The render took longer than allowed and was stopped."""


class PackRenderError(Exception):
    """WeasyPrint failed, or the child process died, before a PDF was made."""


class RefusedURL(ValueError):
    """A URL the pack may not fetch."""


def static_roots() -> list[Path]:
    """Every folder the service's static files come from."""
    roots = [settings.STATIC_ROOT] if settings.STATIC_ROOT else []
    for entry in settings.STATICFILES_DIRS:
        roots.append(entry[1] if isinstance(entry, (tuple, list)) else entry)
    roots += [Path(app.path) / "static" for app in apps.get_app_configs()]
    return [Path(root).resolve() for root in roots]


def static_file(url: str) -> Path:
    """The file under the static folders that ``url`` names; RefusedURL for anything else."""
    prefix = urlsplit(urljoin(BASE_URL, settings.STATIC_URL))
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (prefix.scheme, prefix.netloc) or not (
            parts.path.startswith(prefix.path)):
        raise RefusedURL(f"The pack may only use the service's own static files, not {url}")
    name = unquote(parts.path[len(prefix.path):])
    if not name or any(c in name for c in "\\\x00") or any(
            segment in {"", ".", ".."} for segment in name.split("/")):
        raise RefusedURL(f"Not a static file: {url}")
    collected = Path(settings.STATIC_ROOT) / name if settings.STATIC_ROOT else None
    found = collected if collected and collected.is_file() else finders.find(name)
    if not found:
        raise RefusedURL(f"No such static file: {url}")
    path = Path(found).resolve()
    if not path.is_file() or not any(path.is_relative_to(root) for root in static_roots()):
        raise RefusedURL(f"Not a static file: {url}")
    return path


class StaticOnlyFetcher(URLFetcher):
    """Serves the service's static files and ``data:`` URIs; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=5)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        path = static_file(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


safe_fetcher = StaticOnlyFetcher()


def write_pdf(html: str) -> bytes:
    """The PDF, in this process and without a time limit (render_pdf wraps this)."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per page step
    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "attachments": []}
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=safe_fetcher).render(**options)
    # The fetcher would refuse a file outside static anyway; a pack never embeds files at all.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(**options)


def _render_in_child(html: str, out: int) -> None:
    """In the forked child: write b"P" and the PDF, or b"E" and what went wrong, then exit."""
    code = 0
    try:
        try:
            result = b"P" + write_pdf(html)
        except BaseException as error:  # noqa: BLE001 - whatever it was, the parent must hear
            result, code = b"E" + f"{type(error).__name__}: {error}".encode(), 1
        with os.fdopen(out, "wb") as pipe:
            pipe.write(result)
    finally:
        os._exit(code)  # never back into the caller's code (a Celery worker, a test runner)


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None if the deadline passes."""
    chunks = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def render_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """The pack's PDF; PackRenderTimeout if it takes longer than ``timeout`` seconds."""
    if timeout is None:
        timeout = getattr(settings, "PACK_RENDER_TIMEOUT", DEFAULT_TIMEOUT)
    deadline = time.monotonic() + timeout
    pid, read_end = _start_child(html)
    result = None
    try:
        result = _read_all(read_end, deadline)
    finally:
        os.close(read_end)
        if result is None:
            _kill(pid)
        os.waitpid(pid, 0)
    if result is None:
        raise PackRenderTimeout(
            f"The pack took longer than {timeout:g} seconds to render and was stopped")
    if result[:1] != b"P":
        message = result[1:].decode(errors="replace") or "it stopped without a word"
        raise PackRenderError(f"The PDF renderer failed: {message}")
    return result[1:]


def _start_child(html: str) -> tuple[int, int]:
    """Fork the renderer: its pid, and the end of the pipe it writes to.

    A plain fork, not multiprocessing: Celery's prefork workers are daemonic processes, which
    multiprocessing does not allow to have children."""
    read_end, write_end = os.pipe()
    # Frozen, the caller's objects are left alone by the child's garbage collector, so their
    # memory pages are shared rather than copied (a fifth less CPU for a 20-page pack).
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:
        os.close(read_end)
        _render_in_child(html, write_end)
    gc.unfreeze()
    os.close(write_end)
    return pid, read_end


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
