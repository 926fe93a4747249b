"""Accounts, roles and the audit history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from engage.audit import AuditedModel, AuditedQuerySet


class UserManager(BaseUserManager.from_queryset(AuditedQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AuditedModel, AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Admins are superusers; every other role is a Membership."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Admins: may sign in to the admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    failed_login_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()
    audit_masked = ("password",)
    audit_ignored = ("last_login",)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    OPCC_STAFF = "opcc_staff", "OPCC staff"
    PCC = "pcc", "PCC"
    APCC_LEAD = "apcc_lead", "APCC performance lead"


FORCE_ROLES = {Role.OPCC_STAFF, Role.PCC}


class Membership(AuditedModel):
    """What a user may see and do: OPCC staff or PCC of one force, or an APCC lead."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    force = models.ForeignKey(
        "forces.Force", on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships",
        help_text="Required for OPCC staff and PCCs; empty for APCC leads.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_force_matches_role",
                condition=(Q(role="apcc_lead", force__isnull=True)
                           | (Q(role__in=["opcc_staff", "pcc"]) & Q(force__isnull=False))),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "force"], condition=Q(force__isnull=False),
                name="membership_unique_per_force",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(force__isnull=True),
                name="membership_unique_without_force",
            ),
        ]

    def __str__(self) -> str:
        where = f" of {self.force}" if self.force_id else ""
        return f"{self.get_role_display()}{where}"


class AuditEvent(models.Model):
    """One recorded change to an audited record: who, when, what changed."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100, help_text="app_label.model_name")
    object_pk = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=20, default="save", help_text="save, bulk update, …")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_pk", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_pk}"


# Reminders, notifications and the email outbox live in their own module.
from engage.models_notify import (  # noqa: E402,F401
    Delivery,
    ForceNotificationDefault,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
    ReminderKind,
)
