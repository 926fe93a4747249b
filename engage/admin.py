from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from engage import admin_notify  # noqa: F401  (reminders, notifications, outbox)
from engage.admin_site import AuditedAdmin
from engage.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["force"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "locked_until"]
    list_filter = ["is_active", "is_superuser", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Sign-in", {"fields": ["failed_login_attempts", "locked_until", "last_login",
                                "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "force", "created_at"]
    list_filter = ["role", "force"]
    search_fields = ["user__email", "force__name"]
    autocomplete_fields = ["user", "force"]
