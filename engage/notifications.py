"""In-app notifications, email preferences, unsubscribe links and the reminder emails.

Reads (selectors) take the user and see only their own notifications: another person's
notification is a 404. Writes (services) are keyword-only and check their own preconditions.
Emails use the templates engage/email/{reminder,digest}.{txt,html}, rendered by the dispatcher;
``render_reminder_email`` and ``render_digest_email`` render them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from engage import outbox
from engage.models import (
    Delivery,
    ForceNotificationDefault,
    Membership,
    Notification,
    NotificationPreference,
    ReminderKind,
    User,
)

PAGE_SIZE = 50

# Who gets each kind, shown beside it on the preferences page.
AUDIENCE = {
    ReminderKind.REVIEW_POINT_SOON: "OPCC staff and the PCC",
    ReminderKind.REVIEW_POINT_PASSED: "OPCC staff and the PCC",
    ReminderKind.ACTIONS_DIGEST: "OPCC staff, at most once a day",
    ReminderKind.PPOG_PREPARE: "OPCC staff",
    ReminderKind.PACK_NOT_APPROVED: "The PCC",
    ReminderKind.PREMEET_OFFER: "OPCC staff and the PCC",
    ReminderKind.STALE_CONCERN: "OPCC staff",
    ReminderKind.S55_COMMENTS: "OPCC staff and the PCC",
    ReminderKind.FOLLOW_UP_DUE: "OPCC staff",
}


# Notifications -------------------------------------------------------------------------------

def unread_count(user) -> int:
    """The header's count: one indexed query on (user, read_at)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_page(user, page: str | int | None) -> Page:
    """The user's notifications, newest first."""
    return Paginator(Notification.objects.filter(user=user), PAGE_SIZE).get_page(page)


def notification_for(user, notification_id: int) -> Notification:
    """The user's own notification; anyone else's is a 404, so nothing says it exists."""
    return get_object_or_404(Notification, pk=notification_id, user=user)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now())


# Preferences ---------------------------------------------------------------------------------

def _force_defaults(user) -> dict[str, str]:
    """The defaults of the user's forces; where two forces differ, the first by name wins."""
    force_ids = Membership.objects.filter(user=user, force__isnull=False).values("force_id")
    defaults: dict[str, str] = {}
    for kind, delivery in (ForceNotificationDefault.objects.filter(force_id__in=force_ids)
                           .order_by("-force__name").values_list("kind", "delivery")):
        defaults[kind] = delivery
    return defaults


def deliveries_for(user) -> dict[str, str]:
    """How the user gets each kind by email: their choice, else their force's, else at once."""
    chosen = dict(NotificationPreference.objects.filter(user=user)
                  .values_list("kind", "delivery"))
    defaults = _force_defaults(user)
    return {kind: chosen.get(kind) or defaults.get(kind) or Delivery.IMMEDIATE
            for kind in ReminderKind.values}


def delivery_for(user, kind: str) -> str:
    return deliveries_for(user)[kind]


def preferences_save(*, actor: User, deliveries: dict[str, str]) -> None:
    """Save the person's choice for each kind given (all of them, from the preferences form)."""
    unknown = set(deliveries) - set(ReminderKind.values)
    bad = {d for d in deliveries.values() if d not in Delivery.values}
    if unknown or bad:
        raise ValueError(f"Unknown kinds {unknown} or deliveries {bad}")
    with transaction.atomic():
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=actor, kind=kind, delivery=delivery)
             for kind, delivery in deliveries.items()],
            update_conflicts=True, unique_fields=["user", "kind"], update_fields=["delivery"])


# Unsubscribe links (made by engage.outbox.unsubscribe_url) ------------------------------------

class BadUnsubscribeLink(Exception):
    """The link was not one we made (tampered, truncated) or names no kind we send."""


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: str

    @property
    def kind_label(self) -> str:
        return ReminderKind(self.kind).label


def unsubscribe_read(token: str) -> Unsubscribe:
    """What a link unsubscribes from. Raises BadUnsubscribeLink, or User.DoesNotExist."""
    try:
        data = signing.loads(token, salt=outbox.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadUnsubscribeLink from None
    if not isinstance(data, dict) or data.get("k") not in ReminderKind.values:
        raise BadUnsubscribeLink
    if not isinstance(data.get("u"), int):
        raise BadUnsubscribeLink
    return Unsubscribe(user=User.objects.get(pk=data["u"], is_active=True), kind=data["k"])


def unsubscribe(*, link: Unsubscribe) -> None:
    """The link is the proof: whoever holds it may stop that kind of email to its person."""
    preferences_save(actor=link.user, deliveries={link.kind: Delivery.OFF})


# Emails --------------------------------------------------------------------------------------
# The dispatcher renders the same templates with the same context; these helpers are for
# previews and tests, and add the link to the preferences page.

def _preferences_url() -> str:
    return outbox.absolute_url(reverse("notifications:preferences"))


def render_reminder_email(*, user, kind: str, subject: str, body: str, url: str
                          ) -> tuple[str, str, str]:
    """(subject, text, html) of the email for one reminder, with its unsubscribe link."""
    context = {"user": user, "subject": subject, "body": body, "url": outbox.absolute_url(url),
               "kind": kind, "kind_label": ReminderKind(kind).label,
               "unsubscribe_url": outbox.unsubscribe_url(user, kind),
               "preferences_url": _preferences_url()}
    return (subject, render_to_string("engage/email/reminder.txt", context),
            render_to_string("engage/email/reminder.html", context))


def render_digest_email(*, user, items: Iterable, weekly: bool = False) -> tuple[str, str, str]:
    """(subject, text, html) of a daily or weekly digest of notifications (anything with kind,
    subject, body and url), with an unsubscribe link for each kind in it."""
    items = list(items)
    kinds = list(dict.fromkeys(item.kind for item in items))
    subject = (f"Your {'weekly' if weekly else 'daily'} digest: {len(items)} "
               f"reminder{'s' if len(items) != 1 else ''}")
    context = {
        "user": user, "subject": subject, "delivery": "weekly" if weekly else "daily",
        "items": [{"subject": i.subject, "body": i.body, "url": outbox.absolute_url(i.url),
                   "kind_label": ReminderKind(i.kind).label} for i in items],
        "unsubscribe": [{"kind_label": ReminderKind(k).label,
                         "url": outbox.unsubscribe_url(user, k)} for k in kinds],
        "preferences_url": _preferences_url(),
    }
    return (subject, render_to_string("engage/email/digest.txt", context),
            render_to_string("engage/email/digest.html", context))
