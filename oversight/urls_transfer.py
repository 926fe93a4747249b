"""Import and export of the improvement plan, and a cause of concern's history as CSV."""

from django.urls import path

from oversight.views import transfer

urlpatterns = [
    path("plan/import/", transfer.plan_import, name="plan-import"),
    path("plan/import/confirm/", transfer.plan_import_confirm, name="plan-import-confirm"),
    path("plan/import/template.csv", transfer.plan_import_template, name="plan-import-template"),
    path("plan/export.csv", transfer.plan_export_csv, name="plan-export-csv"),
    path("plan/export.xlsx", transfer.plan_export_xlsx, name="plan-export-xlsx"),
    path("concerns/<int:concern_id>/history.csv", transfer.concern_history_csv,
         name="concern-history-csv"),
]
