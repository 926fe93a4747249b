"""The PCC's briefing pack: drafting, review, approval and issue (writes), and the reads its pages
need.

OPCC staff draft (``can_draft_pack``); the PCC of the force approves one *version*
(``can_approve_pack``). Every change to what the pack says goes through :func:`_changed`, which
refuses a save based on a stale version, makes a new version and, if the PCC had approved the
pack, withdraws that approval: a PCC only ever approves words they have read. Issuing renders
the approved version to a PDF that is stored once and never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from engage.permissions import can
from oversight.models import Question
from oversight.services import require, save_versioned
from ppog import pack_content
from ppog.models import BriefingPack, IssuedPack, PackComment, PackQuestion, PackRender, PackSection
from ppog.pack_content import PackContent
from ppog.selectors import previous_slot, slot_for

MARKINGS = ["OFFICIAL", "OFFICIAL-SENSITIVE"]
TEXT_FIELDS = ["marking", "statement", "barriers", "support"]
STATEMENT_WORDS = 300
STALE_APPROVAL = "The pack changed since you opened it: read it again before approving"
Status = BriefingPack.Status


def word_count(text: str) -> int:
    return len(text.split())


# Reads ----------------------------------------------------------------------------------------

def pack_for(user, meeting_id: int, slug: str) -> BriefingPack:
    """The slot's pack for anyone who may see the force's case; 404 for everyone else."""
    slot = slot_for(user, meeting_id, slug)
    pack = get_object_or_404(BriefingPack.objects.select_related("approved_by"), slot=slot)
    pack.slot = slot
    return pack


def reloaded(pack: BriefingPack) -> BriefingPack:
    """The pack as it is now, after a change made through one of its related rows."""
    fresh = BriefingPack.objects.select_related("approved_by").get(pk=pack.pk)
    fresh.slot = pack.slot
    return fresh


def draftable_pack(user, meeting_id: int, slug: str) -> BriefingPack:
    """The pack if the user drafts it (the force's OPCC staff): 404 to outsiders, 403 to readers."""
    pack = pack_for(user, meeting_id, slug)
    require(user, "can_draft_pack", pack.slot.case.force)
    return pack


def render_for(user, meeting_id: int, slug: str, render_id: int) -> PackRender:
    pack = pack_for(user, meeting_id, slug)
    render = get_object_or_404(PackRender, pk=render_id, pack=pack)
    render.pack = pack
    return render


def issued_for(user, meeting_id: int, slug: str, issued_id: int) -> IssuedPack:
    pack = pack_for(user, meeting_id, slug)
    issued = get_object_or_404(IssuedPack, pk=issued_id, pack=pack)
    issued.pack = pack
    return issued


def issued_filename(pack: BriefingPack, version: int, suffix: str = "") -> str:
    """Like ``lincolnshire-ppog-2026-12-10-v7.pdf``: the force, the meeting and the version."""
    slot = pack.slot
    return f"{slot.case.force.slug}-ppog-{slot.meeting.date:%Y-%m-%d}-v{version}{suffix}.pdf"


def render_issued(render: PackRender) -> IssuedPack | None:
    """The issued pack an issuing render produced (the task stores it against the version)."""
    if not render.issue or render.state != PackRender.State.DONE:
        return None
    return (IssuedPack.objects.filter(pack=render.pack, pack_version=render.pack_version)
            .order_by("-issued_at").first())


@dataclass
class PackState:
    """What the pack page says about where the pack is; ``withdrawn`` is the reason the PCC's
    approval no longer stands, shown as a banner."""

    label: str
    colour: str
    detail: str
    withdrawn: str = ""


def pack_state(pack: BriefingPack) -> PackState:
    who = _name(pack.approved_by)
    when = f"{timezone.localtime(pack.approved_at):%-d %B %Y}" if pack.approved_at else ""
    approved = f"{who} approved version {pack.approved_version} on {when}"
    if pack.is_approved:
        return PackState("Approved", "green",
                         f"Version {pack.approved_version} approved by {who} on {when}.")
    if pack.approved_version is not None and pack.version > pack.approved_version:
        return PackState("Approval withdrawn", "red",
                         f"{approved}. The pack has changed since: version {pack.version} needs "
                         "the PCC's approval.",
                         withdrawn="Approval withdrawn: edited after approval")
    if pack.approved_version is not None:
        return PackState(pack.get_status_display(),
                         "grey" if pack.status == Status.DRAFT else "blue",
                         f"{approved}. OPCC staff have since returned it to draft.",
                         withdrawn="Approval withdrawn: returned to draft")
    if pack.status == Status.READY:
        return PackState("Ready for the PCC", "blue",
                         f"Version {pack.version} is waiting for the PCC's approval.")
    return PackState("Draft", "grey", "OPCC staff are drafting the pack.")


@dataclass
class SectionView:
    key: str
    label: str
    summary: list[str]
    comments: list[PackComment] = field(default_factory=list)


def _name(user) -> str:
    if user is None:
        return "someone"
    return user.full_name or user.email


def _questions_summary(questions: list[PackQuestion]) -> list[str]:
    if not questions:
        return ["No lines of questioning chosen yet."]
    to_hmicfrs = sum(q.audience == Question.Audience.HMICFRS for q in questions)
    return [f"{_plural(len(questions), 'question')}: {to_hmicfrs} for HMICFRS, "
            f"{len(questions) - to_hmicfrs} for the Chief Constable."]


def _text_summary(text: str, empty: str) -> list[str]:
    text = text.strip()
    if not text:
        return [empty]
    words = text.split()
    return [" ".join(words[:40]) + (" …" if len(words) > 40 else "")]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n or 'no'} {word if n == 1 else plural or word + 's'}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _since(day) -> str:
    return f"since {day:%-d %B %Y}" if day else "so far"


def _drawn_summaries(content: PackContent, since) -> dict[str, list[str]]:
    """What the sections drawn from the Engage case will show, in a line or two each."""
    summaries: dict[str, list[str]] = {}
    if glance := content.glance:
        months = glance.months_in_engage
        engaged = (f"In Engage since {glance.engage_since:%-d %B %Y}"
                   + (f" ({_plural(months, 'month')})." if months else " (under a month).")
                   if glance.engage_since else "Engage start date not recorded.")
        summaries[PackSection.AT_A_GLANCE] = [engaged, _sentence(
            f"{_plural(glance.concerns_open, 'cause')} of concern open, "
            f"{glance.concerns_discharged or 'none'} discharged; "
            f"{_plural(glance.actions_total, 'action')} in the plan, "
            f"{glance.overdue or 'none'} overdue.")]
    if content.concerns is not None:
        titles = [str(c.concern) for c in content.concerns]
        summaries[PackSection.CONCERNS] = (
            [f"{_plural(len(titles), 'open cause')} of concern: " + "; ".join(titles[:3])
             + ("; …" if len(titles) > 3 else ".")] if titles
            else ["No open causes of concern are recorded on the case."])
    if changes := content.changes:
        summaries[PackSection.CHANGES] = [
            f"{_sentence(_since(since))}: "
            f"{_plural(len(changes.concerns_raised), 'cause')} of concern raised, "
            f"{_plural(len(changes.completed), 'action')} completed, "
            f"{len(changes.newly_overdue) or 'none'} newly overdue, "
            f"{_plural(changes.update_count, 'progress update')}."]
    if scrutiny := content.scrutiny:
        lines = [f"{_plural(len(scrutiny.items), 'scrutiny activity', 'scrutiny activities')}"
                 " recorded"] if scrutiny.has_log else []
        lines.append(f"{_plural(scrutiny.comment_count, 'comment')} by the OPCC and PCC")
        summaries[PackSection.SCRUTINY] = [_sentence(" and ".join(lines) + f" {_since(since)}.")]
    return summaries


def section_summaries(pack: BriefingPack, questions: list[PackQuestion]
                      ) -> dict[str, list[str]]:
    """One or two lines per section in the pack, saying what it will hold there."""
    words = word_count(pack.statement)
    statement = _text_summary(pack.statement, "Not written yet.")
    if pack.statement.strip():
        statement.append(_plural(words, "word") + (
            f": over the {STATEMENT_WORDS} a succinct overview should take." if words >
            STATEMENT_WORDS else "."))
    before = previous_slot(pack.slot)
    since = before.meeting.date if before else pack.slot.case.period.start
    summaries = _drawn_summaries(pack_content.build(pack), since)
    summaries.update({
        PackSection.QUESTIONS: _questions_summary(questions),
        PackSection.STATEMENT: statement,
        PackSection.BARRIERS: _text_summary(pack.barriers, "None written yet."),
        PackSection.SUPPORT: _text_summary(pack.support, "None written yet."),
    })
    return summaries


def pack_page(pack: BriefingPack) -> dict[str, Any]:
    """Everything the pack page shows: sections in order with summaries and comments."""
    questions = list(pack.questions.all())
    comments: dict[str, list[PackComment]] = {}
    for comment in pack.comments.select_related("author"):
        comments.setdefault(comment.section, []).append(comment)
    summaries = section_summaries(pack, questions)
    labels = dict(PackSection.choices)
    sections = [SectionView(key, labels[key], summaries.get(key, []), comments.get(key, []))
                for key in pack.sections if key in labels]
    left_out = [labels[key] for key in PackSection.values if key not in pack.sections]
    # Comments on a section later taken out of the pack are still the PCC's words: keep them.
    orphans = [c for key, items in comments.items() if key not in pack.sections for c in items]
    issued = list(pack.issued.select_related("issued_by"))
    return {
        "sections": sections,
        "left_out": left_out,
        "orphan_comments": orphans,
        "questions": questions,
        "state": pack_state(pack),
        "issued": issued,
        "current_issued": any(item.pack_version == pack.version for item in issued),
        # An issuing render that finished is listed with the issued packs instead.
        "renders": [made for made in pack.renders.select_related("requested_by")[:5]
                    if not (made.issue and made.state == PackRender.State.DONE)],
    }


def bank_for(pack: BriefingPack) -> list[Question]:
    """The shared appendix B questions and the force's own, less those already in the pack."""
    force = pack.slot.case.force
    picked = pack.questions.filter(source__isnull=False).values("source_id")
    return list(Question.objects.filter(Q(force__isnull=True) | Q(force=force))
                .exclude(pk__in=picked).order_by("audience", "force", "order", "id"))


# Writes ---------------------------------------------------------------------------------------

def _force(pack: BriefingPack):
    return pack.slot.case.force


def _changed(pack: BriefingPack, *, version: int, fields: dict[str, Any] | None = None
             ) -> BriefingPack:
    """Save a change to what the pack says: refused if the pack moved on since ``version``
    (EditConflict), else a new version, and an approval of the old version is withdrawn.

    ``fields`` that change nothing save nothing; ``fields=None`` means the change is elsewhere
    (the pack's questions) and always makes a new version."""
    with transaction.atomic():
        # Read the status under the lock: an approval given since the editor opened the form
        # does not change the version, but it must still be withdrawn.
        current = BriefingPack.objects.select_for_update().get(pk=pack.pk)
        if fields is not None and current.version == version and all(
                getattr(current, name) == value for name, value in fields.items()):
            current.slot = pack.slot
            return current
        fields = dict(fields or {})
        if current.status == Status.APPROVED:
            fields["status"] = Status.READY
        saved = save_versioned(current, version=version, fields=fields)
    saved.slot = pack.slot
    return saved


def pack_update(*, actor, pack: BriefingPack, version: int, data: dict[str, Any]) -> BriefingPack:
    """The marking and the pack's own words: the PCC's statement, barriers and support."""
    require(actor, "can_draft_pack", _force(pack))
    fields = {name: data[name] for name in TEXT_FIELDS if name in data}
    if "marking" in fields and fields["marking"] not in MARKINGS:
        raise ValidationError({"marking": "Choose OFFICIAL or OFFICIAL-SENSITIVE"})
    return _changed(pack, version=version, fields=fields)


def pack_sections_set(*, actor, pack: BriefingPack, version: int,
                      sections: list[str]) -> BriefingPack:
    """Which sections are in the pack, in the order they are shown."""
    require(actor, "can_draft_pack", _force(pack))
    unknown = [key for key in sections if key not in PackSection.values]
    if unknown or len(set(sections)) != len(sections):
        raise ValidationError("Choose each section once, from the list")
    if not sections:
        raise ValidationError("Choose at least one section for the pack")
    return _changed(pack, version=version, fields={"sections": sections})


def _next_order(pack: BriefingPack) -> int:
    return (pack.questions.aggregate(last=Max("order"))["last"] or 0) + 1


def pack_questions_pick(*, actor, pack: BriefingPack, version: int,
                        question_ids: list[int]) -> list[PackQuestion]:
    """Copy questions from the bank into the pack, where their words can then be edited."""
    require(actor, "can_draft_pack", _force(pack))
    wanted = {int(pk) for pk in question_ids}
    chosen = [q for q in bank_for(pack) if q.pk in wanted]
    if not wanted or len(chosen) != len(wanted):
        raise ValidationError("Choose at least one question from the bank")
    with transaction.atomic():
        _changed(pack, version=version)
        start = _next_order(pack)
        return [PackQuestion.objects.create(pack=pack, source=q, audience=q.audience,
                                            text=q.text, order=start + n)
                for n, q in enumerate(chosen)]


def pack_question_add(*, actor, pack: BriefingPack, version: int, audience: str,
                      text: str) -> PackQuestion:
    """A question of the OPCC's own: into the pack, and into the force's private bank."""
    require(actor, "can_draft_pack", _force(pack))
    text = text.strip()
    if audience not in Question.Audience.values:
        raise ValidationError({"audience": "Choose who the question is for"})
    if not text:
        raise ValidationError({"text": "Enter the question"})
    with transaction.atomic():
        _changed(pack, version=version)
        own = Question.objects.create(audience=audience, text=text, force=_force(pack),
                                      source="Written by the OPCC")
        return PackQuestion.objects.create(pack=pack, source=own, audience=audience, text=text,
                                           order=_next_order(pack))


def pack_question_edit(*, actor, pack: BriefingPack, question: PackQuestion, version: int,
                       text: str) -> PackQuestion:
    require(actor, "can_draft_pack", _force(pack))
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the question, or remove it from the pack"})
    if text == question.text:
        return question
    with transaction.atomic():
        _changed(pack, version=version)
        question.text = text
        question.save()
    return question


def pack_question_remove(*, actor, pack: BriefingPack, question: PackQuestion,
                         version: int) -> None:
    require(actor, "can_draft_pack", _force(pack))
    with transaction.atomic():
        _changed(pack, version=version)
        question.delete()


def pack_status_set(*, actor, pack: BriefingPack, status: str) -> BriefingPack:
    """OPCC staff hand the pack to the PCC (ready) or take it back (draft). Taking back an
    approved pack withdraws the approval; the record of who approved what stays."""
    require(actor, "can_draft_pack", _force(pack))
    if status not in (Status.DRAFT, Status.READY):
        raise ValidationError({"status": "Choose draft or ready for the PCC"})
    with transaction.atomic():
        current = BriefingPack.objects.select_for_update().get(pk=pack.pk)
        if current.status == status:
            return current
        if current.status == Status.APPROVED and status == Status.READY:
            raise ValidationError({"status": "The PCC has approved this version: edit the pack "
                                             "or return it to draft"})
        current.status = status
        current.save()
    current.slot = pack.slot
    return current


def pack_approve(*, actor, pack: BriefingPack, version: int) -> BriefingPack:
    """The PCC approves the version they read; a pack edited since is refused."""
    require(actor, "can_approve_pack", _force(pack))
    with transaction.atomic():
        current = BriefingPack.objects.select_for_update().get(pk=pack.pk)
        if current.version != version:
            raise ValidationError(STALE_APPROVAL, code="stale")
        if current.is_approved:
            return current
        if current.status == Status.DRAFT:
            raise ValidationError("The OPCC is still drafting this pack: you can approve it "
                                  "once they mark it ready for you")
        current.status = Status.APPROVED
        current.approved_version = version
        current.approved_by = actor
        current.approved_at = timezone.now()
        current.save()
    current.slot = pack.slot
    return current


def pack_comment_add(*, actor, pack: BriefingPack, section: str, text: str) -> PackComment:
    """The PCC's (or a colleague's) comment on a section, against the version it was made on."""
    require(actor, "can_comment_on_case", _force(pack))
    text = text.strip()
    if section not in PackSection.values:
        raise ValidationError({"section": "Choose the section the comment is about"})
    if not text:
        raise ValidationError({"text": "Enter your comment"})
    current_version = BriefingPack.objects.values_list("version", flat=True).get(pk=pack.pk)
    return PackComment.objects.create(pack=pack, section=section, author=actor, text=text,
                                      pack_version=current_version)


def pack_render_request(*, actor, pack: BriefingPack, issue: bool = False) -> PackRender:
    """Queue a PDF of the current version; with ``issue`` the PDF becomes the issued pack, which
    only an approved current version may be."""
    force = _force(pack)
    if not (can(actor, "can_draft_pack", force) or can(actor, "can_approve_pack", force)):
        raise PermissionDenied
    from ppog.tasks import render_pack

    with transaction.atomic():
        current = BriefingPack.objects.select_for_update().get(pk=pack.pk)
        if issue and not current.is_approved:
            raise ValidationError("Only the version the PCC has approved can be issued: version "
                                  f"{current.version} is not approved yet")
        if issue and current.issued.filter(pack_version=current.version).exists():
            raise ValidationError(f"Version {current.version} is already issued")
        render = PackRender.objects.create(pack=current, pack_version=current.version,
                                           issue=issue, requested_by=actor)
        transaction.on_commit(lambda: render_pack.delay(render.pk))
    return render
