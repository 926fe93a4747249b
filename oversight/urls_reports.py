"""The s55 tracker of HMICFRS reports, spliced into oversight.urls (under /forces/<slug>/)."""

from django.urls import path

from oversight.views import reports

urlpatterns: list = [
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_create, name="report-create"),
    path("reports/<int:report_id>/response/", reports.report_response, name="report-response"),
]
