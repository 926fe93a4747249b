"""Admin for reminders and notifications: admins set each force's default email delivery;
people's own choices are editable for support; what was planned and sent is read-only, so the
admin site cannot make a reminder fire twice or rewrite what someone was told."""

from __future__ import annotations

from django.contrib import admin

from engage.models import (
    ForceNotificationDefault,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
)


@admin.register(ForceNotificationDefault)
class ForceNotificationDefaultAdmin(admin.ModelAdmin):
    list_display = ["force", "kind", "delivery"]
    list_filter = ["kind", "delivery", "force"]
    list_editable = ["delivery"]
    search_fields = ["force__name"]
    autocomplete_fields = ["force"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["subject", "user", "kind", "force", "due_at", "state", "sent_at"]
    list_filter = ["state", "kind", "force"]
    search_fields = ["key", "subject", "user__email"]
    date_hierarchy = "due_at"
    list_select_related = ["user", "force"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "occurrence", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "kind", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
