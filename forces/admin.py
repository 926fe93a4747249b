from django.contrib import admin

from engage.admin_site import AuditedAdmin
from forces.models import (
    AreaForImprovement,
    Force,
    MonitoringPeriod,
    PeelArea,
    PeelAssessment,
    PeelCycle,
    PeelGrade,
    PolicingBody,
    PostHolder,
    Region,
)


class PolicingBodyInline(admin.TabularInline):
    model = PolicingBody
    extra = 0


class PostHolderInline(admin.TabularInline):
    model = PostHolder
    extra = 0


class MonitoringPeriodInline(admin.TabularInline):
    model = MonitoringPeriod
    extra = 0
    fields = ["status", "start", "start_precision", "end", "end_precision", "published",
              "letter_url", "is_illustrative"]


@admin.register(Force)
class ForceAdmin(AuditedAdmin):
    list_display = ["name", "slug", "ons_code", "region", "country"]
    list_filter = ["region", "country"]
    search_fields = ["name", "ons_code", "slug"]
    inlines = [PolicingBodyInline, PostHolderInline, MonitoringPeriodInline]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(PolicingBody)
class PolicingBodyAdmin(AuditedAdmin):
    list_display = ["name", "force", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["name", "force__name"]


@admin.register(PostHolder)
class PostHolderAdmin(AuditedAdmin):
    list_display = ["name", "post", "force", "start", "end", "is_illustrative"]
    list_filter = ["post", "is_illustrative"]
    search_fields = ["name", "force__name"]


@admin.register(MonitoringPeriod)
class MonitoringPeriodAdmin(AuditedAdmin):
    list_display = ["force", "status", "start", "start_precision", "end", "end_precision",
                    "is_illustrative"]
    list_filter = ["status", "is_illustrative"]
    search_fields = ["force__name"]


class PeelAreaInline(admin.TabularInline):
    model = PeelArea
    extra = 0


@admin.register(PeelCycle)
class PeelCycleAdmin(AuditedAdmin):
    list_display = ["name", "starts"]
    inlines = [PeelAreaInline]


class PeelGradeInline(admin.TabularInline):
    model = PeelGrade
    extra = 0


class AreaForImprovementInline(admin.StackedInline):
    model = AreaForImprovement
    extra = 0


@admin.register(PeelAssessment)
class PeelAssessmentAdmin(AuditedAdmin):
    list_display = ["force", "cycle", "published", "is_illustrative"]
    list_filter = ["cycle", "is_illustrative"]
    search_fields = ["force__name"]
    inlines = [PeelGradeInline, AreaForImprovementInline]


admin.site.register(PeelArea, AuditedAdmin)
admin.site.site_header = "Engage case manager administration"
admin.site.site_title = "Engage case manager"
