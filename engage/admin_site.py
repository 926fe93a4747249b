"""Admin site glue: sign-in goes through the service's own page (lockout and second factor),
and every audited record's "History" shows its audit events."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from engage.models import AuditEvent


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next", reverse("admin:index"))
    return redirect(f"{reverse('accounts:login')}?next={next_url}")


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose History page lists the record's audit events, bulk updates included."""

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        events = AuditEvent.objects.filter(
            model=self.opts.label_lower, object_pk=str(obj.pk)
        ).select_related("actor")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "events": events,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/audit_history.html", context)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "model", "object_repr", "via"]
    list_filter = ["action", "model", "via"]
    search_fields = ["object_repr", "actor_label", "object_pk"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
