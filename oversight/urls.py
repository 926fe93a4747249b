"""The Engage case, under /forces/<slug>/: every view takes the force slug first."""

from django.urls import path

from oversight import (
    urls_measures,
    urls_reports,
    urls_scrutiny,
    urls_support,
    urls_transfer,
    urls_updates,
)
from oversight.views import case, concerns, plan

app_name = "oversight"

urlpatterns = [
    path("case/", case.case_detail, name="case-detail"),
    path("case/edit/", case.case_edit, name="case-edit"),
    path("concerns/new/", concerns.concern_create, name="concern-create"),
    path("concerns/<int:concern_id>/", concerns.concern_detail, name="concern-detail"),
    path("concerns/<int:concern_id>/edit/", concerns.concern_edit, name="concern-edit"),
    path("concerns/<int:concern_id>/recommendations/new/", concerns.recommendation_create,
         name="recommendation-create"),
    path("recommendations/<int:rec_id>/edit/", concerns.recommendation_edit,
         name="recommendation-edit"),
    path("concerns/<int:concern_id>/positions/new/", concerns.position_create,
         name="position-create"),
    path("concerns/<int:concern_id>/comments/", concerns.concern_comment, name="concern-comment"),
    path("plan/", plan.plan, name="plan"),
    path("plan/actions/new/", plan.action_create, name="action-create"),
    path("plan/actions/<int:action_id>/", plan.action_detail, name="action-detail"),
    path("plan/actions/<int:action_id>/edit/", plan.action_edit, name="action-edit"),
    path("plan/actions/<int:action_id>/status/", plan.action_status, name="action-status"),
    path("plan/actions/<int:action_id>/comments/", plan.action_comment, name="action-comment"),
    *urls_updates.urlpatterns,
    *urls_transfer.urlpatterns,
    *urls_measures.urlpatterns,
    *urls_scrutiny.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_support.urlpatterns,
]
