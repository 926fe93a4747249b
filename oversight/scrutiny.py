"""The OPCC's scrutiny log and its question bank: writes (services) and reads (selectors).

The toolkit asks PCCs to "build in areas of concern into your own assurance and scrutiny
activity". An activity records a meeting or review, the causes of concern it covered, the
questions put (from the appendix B bank or the office's own), the answers and whether they
satisfied the office, and what was to be followed up. Everything is scoped to one force: reads
take the force the user may see (``selectors.force_for``), and another force's rows are a 404.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from forces.models import Force
from oversight.models import (
    CauseOfConcern,
    EngageCase,
    FollowUp,
    Position,
    Question,
    QuestionAsked,
    ScrutinyActivity,
)
from oversight.services import require, save_versioned

PAGE_SIZE = 50

AUDIENCE_HEADINGS = {
    Question.Audience.HMICFRS: "To ask HMICFRS outside PPOG",
    Question.Audience.CHIEF_CONSTABLE: "To ask the Chief Constable",
}

# Selectors: the log ----------------------------------------------------------------------------


@dataclass
class ActivityFilters:
    kind: str = ""
    concern: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.kind or self.concern or self.date_from or self.date_to)


def _concerns_prefetch() -> Prefetch:
    return Prefetch("concerns", CauseOfConcern.objects.only("id", "reference", "title", "case_id")
                    .order_by("reference", "id"))


def _count(model, **filters) -> Coalesce:
    """A per-activity count as a subquery, so that two counts never multiply each other."""
    rows = (model.objects.filter(activity=OuterRef("pk"), **filters).order_by()
            .values("activity").annotate(n=Count("id")).values("n")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def activity_queryset(force: Force, filters: ActivityFilters) -> QuerySet[ScrutinyActivity]:
    activities = (ScrutinyActivity.objects.filter(force=force)
                  .prefetch_related(_concerns_prefetch())
                  .annotate(question_count=_count(QuestionAsked),
                            open_follow_ups=_count(FollowUp, done=False)))
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.concern:
        activities = activities.filter(concerns=filters.concern)
    if filters.date_from:
        activities = activities.filter(date__gte=filters.date_from)
    if filters.date_to:
        activities = activities.filter(date__lte=filters.date_to)
    return activities.order_by("-date", "-id")


def activity_page(force: Force, filters: ActivityFilters, number: str | int | None) -> Page:
    """One page of the log, newest first, in a fixed number of queries whatever its length."""
    return Paginator(activity_queryset(force, filters), PAGE_SIZE).get_page(number)


def has_activities(force: Force) -> bool:
    return ScrutinyActivity.objects.filter(force=force).exists()


def force_concerns(force: Force) -> list[CauseOfConcern]:
    """The force's causes of concern (of every case), for choosing what an activity covered."""
    return list(CauseOfConcern.objects.filter(case__force=force)
                .order_by("-case__period__start", "reference", "id"))


def activity_for(force: Force, activity_id: int) -> ScrutinyActivity:
    return get_object_or_404(ScrutinyActivity.objects.select_related("force", "created_by"),
                             pk=activity_id, force=force)


def activity_detail(activity: ScrutinyActivity) -> dict[str, Any]:
    """Everything an activity's page shows."""
    positions = list(activity.positions.select_related(
        "concern", "recommendation__concern").order_by("-as_of", "-id"))
    for position in positions:
        position.about = position_concern(position)
    return {
        "activity": activity,
        "force": activity.force,
        "concerns": list(activity.concerns.order_by("reference", "id")),
        "questions": list(activity.questions.select_related("question")),
        "follow_ups": list(activity.follow_ups.all()),
        "positions": positions,
        "today": timezone.localdate(),
    }


def asked_for(force: Force, asked_id: int) -> QuestionAsked:
    return get_object_or_404(QuestionAsked.objects.select_related("activity__force", "question"),
                             pk=asked_id, activity__force=force)


def follow_up_for(force: Force, follow_up_id: int) -> FollowUp:
    return get_object_or_404(FollowUp.objects.select_related("activity__force"),
                             pk=follow_up_id, activity__force=force)


def activities_for_concern(concern: CauseOfConcern) -> list[ScrutinyActivity]:
    """The activities that covered a cause of concern, newest first."""
    return list(concern.scrutiny.filter(force_id=concern.case.force_id).order_by("-date", "-id"))


def scrutiny_since(case: EngageCase, since: datetime.date | None) -> list[ScrutinyActivity]:
    """The force's scrutiny from ``since`` (inclusive), oldest first, for the briefing pack's
    "OPCC's scrutiny since the last PPOG". Questions, follow-ups and concerns are prefetched."""
    activities = ScrutinyActivity.objects.filter(force_id=case.force_id)
    if since is not None:
        activities = activities.filter(date__gte=since)
    return list(activities.prefetch_related(
        Prefetch("questions", QuestionAsked.objects.select_related("question")),
        "follow_ups", _concerns_prefetch(),
    ).order_by("date", "id"))


def opcc_position_for(force: Force, position_id: int) -> Position:
    """An OPCC-assured position on one of the force's concerns or recommendations."""
    positions = Position.objects.select_related(
        "concern__case", "recommendation__concern__case", "activity")
    return get_object_or_404(
        positions, Q(concern__case__force=force) | Q(recommendation__concern__case__force=force),
        pk=position_id, side=Position.Side.OPCC)


def position_concern(position: Position) -> CauseOfConcern:
    return position.concern or position.recommendation.concern


# Selectors: the question bank ------------------------------------------------------------------


@dataclass
class BankEntry:
    """A question and every time this force used it: in scrutiny, and in briefing packs."""

    question: Question
    asked: list[QuestionAsked] = field(default_factory=list)
    packs: list[Any] = field(default_factory=list)

    @property
    def verdicts(self) -> list[tuple[str, int]]:
        """How the answers were judged, as (label, count), most satisfied first."""
        counts = Counter(a.satisfactory or "" for a in self.asked)
        labels = [*QuestionAsked.Verdict.choices, ("", "Not judged yet")]
        return [(label, counts[value]) for value, label in labels if counts[value]]

    @property
    def is_used(self) -> bool:
        return bool(self.asked or self.packs)


@dataclass
class BankGroup:
    audience: str
    heading: str
    shared: list[BankEntry]
    own: list[BankEntry]


def bank_questions(force: Force) -> QuerySet[Question]:
    """The shared appendix B questions and the force's own; never another force's."""
    return Question.objects.filter(Q(force__isnull=True) | Q(force=force))


def question_for(force: Force, question_id: int) -> Question:
    """A question of the bank this force sees: another force's own question is a 404."""
    return get_object_or_404(bank_questions(force).select_related("force"), pk=question_id)


def question_bank(force: Force) -> list[BankGroup]:
    """The bank grouped by audience, each question with when the force asked it (4 queries)."""
    from ppog.models import PackQuestion

    entries = {q.pk: BankEntry(q) for q in bank_questions(force).order_by("order", "id")}
    asked = (QuestionAsked.objects.filter(question__in=entries.keys(), activity__force=force)
             .select_related("activity").order_by("-activity__date", "-id"))
    for row in asked:
        entries[row.question_id].asked.append(row)
    in_packs = (PackQuestion.objects.filter(source__in=entries.keys(),
                                            pack__slot__case__force=force)
                .select_related("pack__slot__meeting").order_by("-pack__slot__meeting__date"))
    for row in in_packs:
        entries[row.source_id].packs.append(row)
    return [BankGroup(audience, heading,
                      [e for e in entries.values()
                       if e.question.audience == audience and e.question.force_id is None],
                      [e for e in entries.values()
                       if e.question.audience == audience and e.question.force_id is not None])
            for audience, heading in AUDIENCE_HEADINGS.items()]


def question_uses(question: Question) -> tuple[int, int]:
    """How many times a question was asked in scrutiny, and how many packs hold it."""
    from ppog.models import PackQuestion

    return (QuestionAsked.objects.filter(question=question).count(),
            PackQuestion.objects.filter(source=question).count())


# Services: activities --------------------------------------------------------------------------

ACTIVITY_FIELDS = ["kind", "date", "formal", "stance", "title", "summary"]


def _check_activity(force: Force, data: dict[str, Any]) -> list[CauseOfConcern]:
    concerns = list(data.get("concerns") or [])
    ours = CauseOfConcern.objects.filter(pk__in=[c.pk for c in concerns], case__force=force)
    if len(concerns) != ours.count():
        raise ValidationError({"concerns": "Choose causes of concern of this force"})
    if data.get("date") and data["date"] > timezone.localdate():
        raise ValidationError({"date": "The date cannot be in the future"})
    return concerns


def activity_create(*, actor, force: Force, data: dict[str, Any]) -> ScrutinyActivity:
    require(actor, "can_edit_case", force)
    concerns = _check_activity(force, data)
    with transaction.atomic():
        activity = ScrutinyActivity(force=force, created_by=actor,
                                    **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS})
        activity.full_clean()
        activity.save()
        activity.concerns.set(concerns)
    return activity


def activity_update(*, actor, activity: ScrutinyActivity, version: int,
                    data: dict[str, Any]) -> ScrutinyActivity:
    """Refused with :class:`~oversight.services.EditConflict` if saved since ``version``."""
    require(actor, "can_edit_case", activity.force)
    m2m = {"concerns": _check_activity(activity.force, data)} if "concerns" in data else None
    return save_versioned(activity, version=version, m2m=m2m,
                          fields={k: v for k, v in data.items() if k in ACTIVITY_FIELDS})


# Services: questions asked and follow-ups ------------------------------------------------------


def question_ask(*, actor, activity: ScrutinyActivity, question: Question | None = None,
                 text: str = "", answer: str = "", satisfactory: str = "",
                 save_to_bank: bool = False, audience: str = "") -> QuestionAsked:
    """Put a bank question, or a new one (kept in the office's own bank if asked), to the force."""
    force = activity.force
    require(actor, "can_edit_case", force)
    text = text.strip()
    if question and text:
        raise ValidationError("Choose a question from the bank or type a new one, not both")
    if not (question or text):
        raise ValidationError("Choose a question from the bank or type a new one")
    if question and question.force_id not in (None, force.pk):
        raise ValidationError({"question": "Choose a question from this office's bank"})
    if save_to_bank and not question and audience not in Question.Audience.values:
        raise ValidationError({"audience": "Choose who the question is for"})
    with transaction.atomic():
        if save_to_bank and not question:
            question = question_create(actor=actor, force=force, audience=audience, text=text)
        asked = QuestionAsked(activity=activity, question=question,
                              text=question.text if question else text, answer=answer.strip(),
                              satisfactory=satisfactory)
        asked.full_clean()
        asked.save()
    return asked


def question_answer(*, actor, asked: QuestionAsked, answer: str,
                    satisfactory: str) -> QuestionAsked:
    require(actor, "can_edit_case", asked.activity.force)
    if satisfactory and not answer.strip():
        raise ValidationError({"answer": "Record the answer before judging it"})
    asked.answer, asked.satisfactory = answer.strip(), satisfactory
    asked.full_clean()
    asked.save(update_fields=["answer", "satisfactory"])
    return asked


def follow_up_add(*, actor, activity: ScrutinyActivity, text: str, owner: str,
                  due: datetime.date) -> FollowUp:
    require(actor, "can_edit_case", activity.force)
    follow_up = FollowUp(activity=activity, text=text.strip(), owner=owner.strip(), due=due)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


def follow_up_set_done(*, actor, follow_up: FollowUp, done: bool) -> FollowUp:
    require(actor, "can_edit_case", follow_up.activity.force)
    if follow_up.done != done:
        follow_up.done = done
        follow_up.done_on = timezone.localdate() if done else None
        follow_up.save(update_fields=["done", "done_on"])
    return follow_up


# Services: the office's own questions ----------------------------------------------------------


def _own(actor, question: Question) -> None:
    """Only the office's own questions change; the shared appendix B bank never does."""
    if question.force_id is None:
        raise PermissionDenied("The toolkit's questions are shared and cannot be changed")
    require(actor, "can_edit_case", question.force)


def question_create(*, actor, force: Force, audience: str, text: str) -> Question:
    require(actor, "can_edit_case", force)
    question = Question(force=force, audience=audience, text=text.strip())
    question.full_clean()
    question.save()
    return question


def question_update(*, actor, question: Question, audience: str, text: str) -> Question:
    _own(actor, question)
    question.audience, question.text = audience, text.strip()
    question.full_clean()
    question.save(update_fields=["audience", "text"])
    return question


def question_delete(*, actor, question: Question) -> None:
    """Only a question never used: once asked, it is part of the record."""
    _own(actor, question)
    asked, packs = question_uses(question)
    if asked or packs:
        raise ValidationError(
            "This question has been used, so it is kept as part of the record: "
            f"asked in {asked} scrutiny activit{'y' if asked == 1 else 'ies'} and in "
            f"{packs} briefing pack{'' if packs == 1 else 's'}. You can still change its wording.")
    question.delete()


# Services: assured positions -------------------------------------------------------------------


def position_link_activity(*, actor, position: Position,
                           activity: ScrutinyActivity) -> Position:
    """Name the scrutiny activity that supports an OPCC-assured position."""
    concern = position_concern(position)
    require(actor, "can_edit_case", concern.case.force)
    if position.side != Position.Side.OPCC:
        raise ValidationError("Only an OPCC-assured position is supported by scrutiny")
    if activity.force_id != concern.case.force_id:
        raise ValidationError({"activity": "Choose an activity of this force"})
    if not activity.concerns.filter(pk=concern.pk).exists():
        raise ValidationError({"activity": f"Choose an activity that covered {concern}"})
    position.activity = activity
    position.save(update_fields=["activity"])
    return position
