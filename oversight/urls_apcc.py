"""The APCC's pages, mounted at /apcc/ with the namespace "apcc". APCC leads and admins only,
except the learning library's read pages, which every signed-in user may read."""

from django.urls import path

from oversight.views import apcc

urlpatterns = [
    path("", apcc.dashboard, name="dashboard"),
    path("export.csv", apcc.export, name="export"),
    path("forces/<slug:slug>/", apcc.force_page, name="force"),
    path("forces/<slug:slug>/offers/new/", apcc.offer_create, name="offer-create"),
    path("offers/<int:offer_id>/edit/", apcc.offer_edit, name="offer-edit"),
    path("forces/<slug:slug>/buddies/new/", apcc.buddy_create, name="buddy-create"),
    path("forces/<slug:slug>/debrief/", apcc.debrief, name="debrief"),
    path("learning/", apcc.learning, name="learning"),
    path("learning/new/", apcc.case_study_create, name="case-study-create"),
    path("learning/<int:study_id>/", apcc.case_study, name="case-study"),
]
