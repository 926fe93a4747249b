"""Writes to the Engage case. Each checks who may make it, runs in one transaction, and refuses
a save based on a stale version rather than overwrite someone else's change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from engage.models import AuditEvent
from engage.permissions import can
from oversight.models import (
    Action,
    CauseOfConcern,
    Comment,
    EngageCase,
    Position,
    Recommendation,
)


@dataclass
class Change:
    field: str
    before: Any
    after: Any


class EditConflict(Exception):
    """Someone saved the record after the editor opened it."""

    def __init__(self, obj: Model, changes: list[Change], by: str, at: datetime.datetime | None):
        super().__init__(f"{obj} was changed by {by}")
        self.obj, self.changes, self.by, self.at = obj, changes, by, at


def require(actor, rule: str, force) -> None:
    if not can(actor, rule, force):
        raise PermissionDenied


def _conflict(current: Model, since_version: int) -> EditConflict:
    events = AuditEvent.objects.filter(
        model=current._meta.label_lower, object_pk=str(current.pk), action="update"
    ).order_by("at", "id")
    changes: dict[str, Change] = {}
    last = None
    for event in events:
        version = event.changes.get("version")
        if not version or version[1] is None or version[1] <= since_version:
            continue
        last = event
        for name, (before, after) in event.changes.items():
            if name != "version":
                first = changes.get(name)
                changes[name] = Change(_label(current, name), first.before if first else before,
                                       after)
    return EditConflict(current, list(changes.values()),
                        last.actor_label if last else "someone", last.at if last else None)


def _label(obj: Model, attname: str) -> str:
    for field in obj._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name).capitalize()
    return attname


def save_versioned(obj: Model, *, version: int, fields: dict[str, Any],
                   m2m: dict[str, list] | None = None) -> Model:
    """Apply ``fields`` if the row is still at ``version``; else raise :class:`EditConflict`."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().get(pk=obj.pk)
        if current.version != version:
            raise _conflict(current, version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.version = version + 1
        current.full_clean()
        current.save()
        for name, values in (m2m or {}).items():
            getattr(current, name).set(values)
    return current


# Case ----------------------------------------------------------------------------------------

CASE_FIELDS = ["letter_url", "letter_summary", "decision_published", "hmi_name", "fll_name",
               "rca_summary", "rca_received"]


def case_update(*, actor, case: EngageCase, version: int, data: dict[str, Any]) -> EngageCase:
    require(actor, "can_edit_case", case.force)
    return save_versioned(case, version=version,
                          fields={k: v for k, v in data.items() if k in CASE_FIELDS})


def case_open(*, actor, period) -> EngageCase:
    """Open the case for an Engage period (admins, APCC leads and the force's OPCC)."""
    if not (can(actor, "can_edit_case", period.force) or can(actor, "can_manage_reference_data")):
        raise PermissionDenied
    if period.status != "engage":
        raise ValidationError("A case is kept only for a period in Engage")
    case, _ = EngageCase.objects.get_or_create(force=period.force, period=period)
    return case


# Causes of concern and recommendations ------------------------------------------------------

CONCERN_FIELDS = ["reference", "title", "wording", "source", "accelerated", "raised",
                  "peel_area", "priority", "threshold", "threshold_agreed", "status", "discharged"]


def _check_concern(data: dict[str, Any]) -> None:
    if data.get("status") == CauseOfConcern.Status.DISCHARGED and not data.get("discharged"):
        raise ValidationError({"discharged": "Enter the date HMICFRS discharged it"})
    if data.get("discharged") and data.get("status") != CauseOfConcern.Status.DISCHARGED:
        raise ValidationError({"discharged": "Only a discharged cause of concern has a discharge date"})


def concern_create(*, actor, case: EngageCase, data: dict[str, Any]) -> CauseOfConcern:
    require(actor, "can_edit_case", case.force)
    _check_concern(data)
    with transaction.atomic():
        concern = CauseOfConcern(case=case, **{k: v for k, v in data.items() if k in CONCERN_FIELDS})
        concern.full_clean()
        concern.save()
        concern.areas_for_improvement.set(data.get("areas_for_improvement") or [])
    return concern


def concern_update(*, actor, concern: CauseOfConcern, version: int,
                   data: dict[str, Any]) -> CauseOfConcern:
    require(actor, "can_edit_case", concern.case.force)
    _check_concern(data)
    m2m = ({"areas_for_improvement": data["areas_for_improvement"]}
           if "areas_for_improvement" in data else None)
    return save_versioned(concern, version=version,
                          fields={k: v for k, v in data.items() if k in CONCERN_FIELDS}, m2m=m2m)


REC_FIELDS = ["reference", "text", "due", "hmicfrs_status"]


def recommendation_create(*, actor, concern: CauseOfConcern, data: dict[str, Any]) -> Recommendation:
    require(actor, "can_edit_case", concern.case.force)
    rec = Recommendation(concern=concern, **{k: v for k, v in data.items() if k in REC_FIELDS})
    rec.full_clean()
    rec.save()
    return rec


def recommendation_update(*, actor, recommendation: Recommendation, version: int,
                          data: dict[str, Any]) -> Recommendation:
    require(actor, "can_edit_case", recommendation.concern.case.force)
    return save_versioned(recommendation, version=version,
                          fields={k: v for k, v in data.items() if k in REC_FIELDS})


def position_record(*, actor, side: str, rag: str, statement: str, as_of: datetime.date,
                    concern: CauseOfConcern | None = None,
                    recommendation: Recommendation | None = None) -> Position:
    """A new statement of one side's view. Earlier ones are kept as the history."""
    target = concern or recommendation.concern
    require(actor, "can_edit_case", target.case.force)
    if as_of > datetime.date.today():
        raise ValidationError({"as_of": "The date cannot be in the future"})
    position = Position(concern=concern, recommendation=recommendation, side=side, rag=rag,
                        statement=statement, as_of=as_of, recorded_by=actor)
    position.full_clean()
    position.save()
    return position


# Actions -------------------------------------------------------------------------------------

ACTION_FIELDS = ["reference", "title", "description", "owner", "due", "status", "is_milestone"]


def _completion(data: dict[str, Any], current: Action | None) -> dict[str, Any]:
    status = data.get("status", current.status if current else None)
    if status == Action.Status.COMPLETE and not (current and current.completed):
        data["completed"] = datetime.date.today()
    elif status != Action.Status.COMPLETE:
        data["completed"] = None
    return data


def _check_links(case: EngageCase, concerns: list, recommendations: list) -> None:
    if any(c.case_id != case.pk for c in concerns):
        raise ValidationError({"concerns": "Choose causes of concern from this case"})
    if any(r.concern.case_id != case.pk for r in recommendations):
        raise ValidationError({"recommendations": "Choose recommendations from this case"})


def action_create(*, actor, case: EngageCase, data: dict[str, Any]) -> Action:
    require(actor, "can_edit_case", case.force)
    concerns = list(data.get("concerns") or [])
    recs = list(data.get("recommendations") or [])
    _check_links(case, concerns, recs)
    fields = _completion({k: v for k, v in data.items() if k in ACTION_FIELDS}, None)
    with transaction.atomic():
        action = Action(case=case, **fields)
        action.full_clean()
        action.save()
        action.concerns.set(concerns)
        action.recommendations.set(recs)
    return action


def action_update(*, actor, action: Action, version: int, data: dict[str, Any]) -> Action:
    require(actor, "can_edit_case", action.case.force)
    m2m = {}
    if "concerns" in data or "recommendations" in data:
        concerns = list(data.get("concerns") or [])
        recs = list(data.get("recommendations") or [])
        _check_links(action.case, concerns, recs)
        m2m = {"concerns": concerns, "recommendations": recs}
    fields = _completion({k: v for k, v in data.items() if k in ACTION_FIELDS}, action)
    return save_versioned(action, version=version, fields=fields, m2m=m2m)


def action_set_status(*, actor, action: Action, version: int, status: str) -> Action:
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status from the list"})
    return action_update(actor=actor, action=action, version=version, data={"status": status})


def comment_add(*, actor, case: EngageCase, text: str, concern: CauseOfConcern | None = None,
                action: Action | None = None) -> Comment:
    require(actor, "can_comment_on_case", case.force)
    if not text.strip():
        raise ValidationError({"text": "Enter your comment"})
    return Comment.objects.create(case=case, concern=concern, action=action, author=actor,
                                  text=text.strip())
