from django.contrib import admin

from engage.admin_site import AuditedAdmin
from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    Evidence,
    Measure,
    Position,
    ProgressUpdate,
    Recommendation,
)


@admin.register(EngageCase)
class EngageCaseAdmin(AuditedAdmin):
    list_display = ["force", "period", "hmi_name"]
    search_fields = ["force__name"]
    raw_id_fields = ["period"]


@admin.register(CauseOfConcern)
class CauseOfConcernAdmin(AuditedAdmin):
    list_display = ["__str__", "case", "status", "raised"]
    list_filter = ["status", "source", "accelerated"]
    search_fields = ["title", "case__force__name"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["__str__", "case", "owner", "due", "status"]
    list_filter = ["status"]
    search_fields = ["title", "owner", "case__force__name"]


class ReadOnlyHistoryAdmin(AuditedAdmin):
    """Progress updates and positions are the record: never edited, here or anywhere."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Recommendation, AuditedAdmin)
admin.site.register(Measure, AuditedAdmin)
admin.site.register(ProgressUpdate, ReadOnlyHistoryAdmin)
admin.site.register(Position, ReadOnlyHistoryAdmin)
admin.site.register(Evidence, ReadOnlyHistoryAdmin)
