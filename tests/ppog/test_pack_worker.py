"""Rendering a pack to PDF in the background: the render ends done or failed (never left
running), stores its PDF, and issues the pack only while the PCC's approval still stands."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager

import kombu.pools
import pytest

from engage.celery import app as celery_app
from ppog import pdf
from ppog.models import BriefingPack, IssuedPack, PackRender
from ppog.tasks import CHANGED_AFTER_APPROVAL, COULD_NOT_RENDER, render_pack
from tests.ppog.test_pack_content import make_pack_case
from tests.worker import running_worker


@contextmanager
def worker_with_results():
    """running_worker, with the test process's broker connections and result backend made anew
    on the way in and out: kombu keeps pools in a global registry, so a pool closed by an
    earlier worker test, or a backend cached by an in-process task, would otherwise be reused."""
    fresh_connections()
    try:
        with running_worker() as worker:
            fresh_connections()
            yield worker
    finally:
        fresh_connections()


def fresh_connections() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pack(force_a, opcc_a) -> BriefingPack:
    return make_pack_case(force_a, opcc_a).pack


def approve(pack: BriefingPack, pcc) -> None:
    pack.status, pack.approved_version, pack.approved_by = "approved", pack.version, pcc
    pack.save()


def test_a_render_stores_the_pdf_and_says_how_long_it_took(media, pack, opcc_a):
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, requested_by=opcc_a)
    render_pack(render.pk)
    render.refresh_from_db()
    assert render.state == PackRender.State.DONE
    assert render.error == ""
    assert render.seconds > 0 and render.finished_at is not None
    assert render.pdf.name.startswith("packs/")
    assert render.pdf.name.endswith(f"lincolnshire-ppog-{pack.slot.meeting.date:%Y-%m-%d}-v1.pdf")
    assert (media / render.pdf.name).read_bytes().startswith(b"%PDF-1.7")
    assert not IssuedPack.objects.exists()


def test_issuing_an_approved_pack_keeps_the_pdf_with_its_hash(media, pack, opcc_a, pcc_a):
    approve(pack, pcc_a)
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, issue=True,
                                       requested_by=opcc_a)
    render_pack(render.pk)
    render.refresh_from_db()
    issued = IssuedPack.objects.get(pack=pack)
    data = (media / issued.pdf.name).read_bytes()
    assert render.state == PackRender.State.DONE
    assert data == (media / render.pdf.name).read_bytes()
    assert (issued.sha256, issued.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (issued.pack_version, issued.issued_by) == (pack.version, opcc_a)


def test_a_pack_changed_after_approval_is_not_issued(media, pack, opcc_a, pcc_a):
    approve(pack, pcc_a)
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, issue=True,
                                       requested_by=opcc_a)
    pack.statement, pack.version = "Changed after the PCC approved it.", pack.version + 1
    pack.save()
    render_pack(render.pk)
    render.refresh_from_db()
    assert render.state == PackRender.State.FAILED
    assert render.error == CHANGED_AFTER_APPROVAL
    assert not render.pdf
    assert not IssuedPack.objects.exists()
    assert list(media.rglob("*.pdf")) == []


def test_a_render_that_runs_out_of_time_fails_with_a_message(settings, media, pack, opcc_a):
    settings.PACK_RENDER_TIMEOUT = 0.01
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, requested_by=opcc_a)
    render_pack(render.pk)
    render.refresh_from_db()
    assert render.state == PackRender.State.FAILED
    assert render.error == ("The pack took longer than 0.01 seconds to render and was stopped")
    assert render.finished_at is not None and not render.pdf


def test_a_renderer_that_breaks_fails_the_render_with_a_plain_message(
        media, pack, opcc_a, monkeypatch):
    def broken(html):
        raise RuntimeError("cairo went away")

    monkeypatch.setattr(pdf, "write_pdf", broken)  # runs in the forked child
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, requested_by=opcc_a)
    render_pack(render.pk)
    render.refresh_from_db()
    assert (render.state, render.error) == (PackRender.State.FAILED, COULD_NOT_RENDER)


@pytest.mark.redis
@pytest.mark.postgres  # the worker process must share the test database: not an in-memory SQLite one
def test_a_real_worker_renders_the_pack_through_redis(transactional_db, reference, force_a,
                                                      opcc_a, settings, tmp_path, monkeypatch):
    # The worker is a subprocess that reads its settings from the environment.
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = tmp_path
    pack = make_pack_case(force_a, opcc_a).pack
    render = PackRender.objects.create(pack=pack, pack_version=pack.version, requested_by=opcc_a)
    with worker_with_results():
        assert render_pack.delay(render.pk).get(timeout=60) == PackRender.State.DONE
    render.refresh_from_db()
    assert render.state == PackRender.State.DONE
    assert (tmp_path / render.pdf.name).read_bytes().startswith(b"%PDF-")
