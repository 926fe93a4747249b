"""Reminders that fire exactly once, in-app notifications and the email outbox.

Reminders are database rows with a due time, not long-delayed Celery tasks (which Redis
re-delivers after its visibility timeout). A beat tick runs a dispatcher that claims due rows
(SELECT … FOR UPDATE SKIP LOCKED) and, in the same transaction, writes the notification and an
outbox email keyed by (reminder, occurrence), so a second claim is a no-op. A separate task
sends the outbox with retries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReminderKind(models.TextChoices):
    REVIEW_POINT_SOON = "review_soon", "HMCI review point approaching"
    REVIEW_POINT_PASSED = "review_passed", "HMCI review point passed without a recorded review"
    ACTIONS_DIGEST = "actions_digest", "Improvement plan actions due or overdue"
    PPOG_PREPARE = "ppog_prepare", "PPOG in 21 days: start the briefing pack"
    PACK_NOT_APPROVED = "pack_unapproved", "Briefing pack not approved 7 days before PPOG"
    PREMEET_OFFER = "premeet_offer", "APCC pre-meet offer"
    STALE_CONCERN = "stale_concern", "No progress update on a cause of concern for 30 days"
    S55_COMMENTS = "s55_due", "PCC's comments on an HMICFRS report due (s55)"
    FOLLOW_UP_DUE = "follow_up_due", "Scrutiny follow-up action due"


class Reminder(models.Model):
    """One reminder to one person, due at a time. ``key`` names what it is about and which
    occurrence (e.g. "review_point:12:7d"), so planning it twice never makes two rows."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=120)
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_unique_key")]
        indexes = [models.Index(fields=["state", "due_at"], name="reminder_due")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id} at {self.due_at}"


class Notification(models.Model):
    """What a person sees in the app. One per (reminder, occurrence): a second claim is a no-op."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    reminder = models.ForeignKey(Reminder, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="notifications")
    occurrence = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "occurrence"],
                                               name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread"),
                   models.Index(fields=["created_at"], name="notification_created")]

    def __str__(self) -> str:
        return self.subject


class OutboxEmail(models.Model):
    """An email waiting to be sent (or sent). Written in the same transaction as its
    notification; sent by a task with retries; ``key`` makes each one unique."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=160, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=ReminderKind.choices, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    send_after = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "send_after"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "As it happens"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest"
    OFF = "off", "No emails (in the app only)"


class NotificationPreference(models.Model):
    """How a person wants each kind of reminder by email. No row: the force's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")]


class ForceNotificationDefault(models.Model):
    """A force's default delivery for a kind of reminder (set by admins)."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "kind"],
                                               name="force_default_unique")]
