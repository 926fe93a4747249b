"""Progress updates and evidence downloads, spliced into oversight.urls (under /forces/<slug>/).

There is deliberately no URL to edit or delete an update: the history is the record."""

from django.urls import path

from oversight.views import updates

urlpatterns: list = [
    path("plan/actions/<int:action_id>/updates/new/", updates.update_create,
         name="update-create"),
    path("evidence/<int:evidence_id>/", updates.evidence_download, name="evidence-download"),
]
