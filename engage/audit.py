"""The audit history: every change to an audited model is recorded (who, when, what changed).

Saves and deletes (a queryset's ``delete()`` too: with a receiver connected Django deletes
row by row and signals each) are caught by signals; bulk ``QuerySet.update()``,
``bulk_update()`` and ``bulk_create()`` send no signals and go through
:class:`AuditedQuerySet`, which records one event per row they touch. The actor is the signed-in user of the request (set by
:class:`AuditActorMiddleware`) or whoever a service or command names with :func:`acting_as`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the changes made inside the block to ``user`` (None for the system)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        with acting_as(user):
            return self.get_response(request)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _field_names(model: type[models.Model]) -> list[str]:
    ignored = getattr(model, "audit_ignored", ())
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ignored]


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values as JSON; secrets (``audit_masked``) as a fingerprint that shows a change."""
    masked = getattr(type(instance), "audit_masked", ())
    values = {}
    loaded = instance.__dict__
    for name in _field_names(type(instance)):
        if name not in loaded:  # deferred: reading it would query, and it cannot have changed
            continue
        value = _plain(loaded[name])
        if name in masked and value:
            value = "hidden:" + hashlib.sha256(str(value).encode()).hexdigest()[:8]
        values[name] = value
    return values


def _describe(instance: models.Model) -> str:
    try:
        return str(instance)
    except Exception:  # a half-built instance must not stop the write being recorded
        return f"{instance._meta.verbose_name} {instance.pk}"


def _record(model: type[models.Model], rows: list[tuple[Any, str, str, dict]], via: str) -> None:
    from engage.models import AuditEvent

    actor = _actor.get()
    label = model._meta.label_lower
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "email", "") or "system",
            action=action,
            model=label,
            object_pk=str(pk),
            object_repr=repr_[:200],
            changes=changes,
            via=via,
        )
        for pk, action, repr_, changes in rows
    )


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes are recorded like single saves."""

    def update(self, **kwargs: Any) -> int:
        fields = [self.model._meta.get_field(name).attname for name in kwargs]
        with transaction.atomic(using=self.db):
            before = {row["pk"]: row for row in self.values("pk", *fields)}
            count = super().update(**kwargs)
            after = self.model._base_manager.filter(pk__in=before).values("pk", *fields)
            rows = []
            for row in after:
                old = before[row["pk"]]
                changes = {f: [_plain(old[f]), _plain(row[f])] for f in fields if old[f] != row[f]}
                if changes:
                    rows.append((row["pk"], "update", f"{self.model._meta.verbose_name} {row['pk']}",
                                 changes))
            _record(self.model, rows, via="bulk update")
        return count

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        objs = list(objs)
        attnames = [self.model._meta.get_field(name).attname for name in fields]
        with transaction.atomic(using=self.db):
            before = {
                row["pk"]: row
                for row in self.model._base_manager.filter(pk__in=[o.pk for o in objs])
                .values("pk", *attnames)
            }
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            rows = []
            for obj in objs:
                old = before.get(obj.pk, {})
                changes = {
                    f: [_plain(old.get(f)), _plain(getattr(obj, f))]
                    for f in attnames if old.get(f) != getattr(obj, f)
                }
                if changes:
                    rows.append((obj.pk, "update", _describe(obj), changes))
            _record(self.model, rows, via="bulk update")
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            _record(
                self.model,
                [(o.pk, "create", _describe(o), {k: [None, v] for k, v in snapshot(o).items()})
                 for o in created],
                via="bulk create",
            )
        return created


class AuditedModel(models.Model):
    """Base for models whose every change is recorded in the audit history."""

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = snapshot(instance)
        return instance


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if not isinstance(instance, AuditedModel) or raw:
        return
    now = snapshot(instance)
    if created:
        changes = {k: [None, v] for k, v in now.items()}
    else:
        before = getattr(instance, "_audit_loaded", {})
        changes = {k: [before.get(k), v] for k, v in now.items()
                   if k in before and before[k] != v}
        if not changes:
            return
    _record(type(instance), [(instance.pk, "create" if created else "update", _describe(instance),
                              changes)], via="save")
    instance._audit_loaded = now


def _on_delete(sender, instance, **kwargs) -> None:
    if not isinstance(instance, AuditedModel):
        return
    _record(type(instance), [(instance.pk, "delete", _describe(instance),
                              {k: [v, None] for k, v in snapshot(instance).items()})], via="delete")


post_save.connect(_on_save, dispatch_uid="audit-save")
post_delete.connect(_on_delete, dispatch_uid="audit-delete")
