"""Rendering a briefing pack to PDF, off the request: the pack page polls the PackRender.

Callers queue it once their transaction has committed:
``transaction.on_commit(lambda: render_pack.delay(render.pk))``.
"""

from __future__ import annotations

import hashlib
import logging
import time

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engage.audit import acting_as
from ppog import pack_content
from ppog.models import BriefingPack, IssuedPack, PackRender
from ppog.pdf import PackRenderTimeout, render_pdf

logger = logging.getLogger(__name__)

CHANGED_AFTER_APPROVAL = "The pack was changed after approval: ask the PCC to approve it again"
COULD_NOT_RENDER = ("The PDF could not be made. Try again; if it fails again, tell the "
                    "service's support team")


class PackNotApproved(Exception):
    pass


@shared_task(name="ppog.render_pack")
def render_pack(render_id: int) -> str | None:
    """Render the pack to PDF and store it; with ``issue``, also keep it as the issued pack."""
    render = (PackRender.objects.select_related("pack__slot__meeting", "pack__slot__case__force",
                                                "pack__slot__case__period", "requested_by")
              .filter(pk=render_id).first())
    if render is None:
        return None
    started = time.monotonic()
    _set_state(render, PackRender.State.RUNNING, error="")
    try:
        with acting_as(render.requested_by):
            _render(render)
    except BaseException as error:
        logger.exception("Pack render %s failed", render_id)
        render.seconds = time.monotonic() - started
        _set_state(render, PackRender.State.FAILED, error=_message(error))
        if not isinstance(error, Exception):
            raise
        return render.state
    render.seconds = time.monotonic() - started
    _set_state(render, PackRender.State.DONE)
    return render.state


def _render(render: PackRender) -> None:
    pack = render.pack
    if render.issue:
        _check_approved(pack, render.pack_version)
    pdf = render_pdf(pack_content.render_html(pack))
    name = _file_name(pack, render.pack_version)
    render.pdf.save(name, ContentFile(pdf), save=False)
    stored = [render.pdf]
    try:
        with transaction.atomic():
            render.save(update_fields=["pdf"])
            if render.issue:
                locked = BriefingPack.objects.select_for_update().get(pk=pack.pk)
                _check_approved(locked, render.pack_version)
                issued = IssuedPack(pack=locked, pack_version=render.pack_version,
                                    sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                                    issued_by=render.requested_by)
                issued.pdf.save(name, ContentFile(pdf), save=False)
                stored.append(issued.pdf)
                issued.save()
    except BaseException:
        for file in stored:  # nothing refers to them now
            file.storage.delete(file.name)
        render.pdf = ""
        raise


def _check_approved(pack: BriefingPack, version: int) -> None:
    if not (pack.is_approved and pack.approved_version == version):
        raise PackNotApproved(CHANGED_AFTER_APPROVAL)


def _file_name(pack: BriefingPack, version: int) -> str:
    slot = pack.slot
    return f"{slot.case.force.slug}-ppog-{slot.meeting.date:%Y-%m-%d}-v{version}.pdf"


def _message(error: BaseException) -> str:
    if isinstance(error, (PackNotApproved, PackRenderTimeout)):
        return str(error)
    return COULD_NOT_RENDER


def _set_state(render: PackRender, state: str, *, error: str | None = None) -> None:
    render.state = state
    fields = ["state", "seconds", "finished_at"]
    if error is not None:
        render.error = error
        fields.append("error")
    render.finished_at = None if state == PackRender.State.RUNNING else timezone.now()
    render.save(update_fields=fields)
