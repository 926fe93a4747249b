from django.urls import include, path

from ppog import urls_ical, urls_packs
from ppog.views import meetings, slots

app_name = "ppog"

urlpatterns = [
    path("", meetings.meeting_list, name="meeting-list"),
    path("new/", meetings.meeting_create, name="meeting-create"),
    path("<int:meeting_id>/", meetings.meeting_detail, name="meeting-detail"),
    *urls_ical.urlpatterns,
    path("<int:meeting_id>/slots/new/", meetings.slot_create, name="slot-create"),
    path("<int:meeting_id>/<slug:slug>/", slots.slot_detail, name="slot-detail"),
    path("<int:meeting_id>/<slug:slug>/edit/", slots.slot_edit, name="slot-edit"),
    path("<int:meeting_id>/<slug:slug>/outcome/", slots.outcome_create, name="outcome-create"),
    path("<int:meeting_id>/<slug:slug>/review-points/new/", slots.review_point_create,
         name="review-point-create"),
    path("<int:meeting_id>/<slug:slug>/premeet/", slots.premeet_edit, name="premeet-edit"),
    path("<int:meeting_id>/<slug:slug>/", include(urls_packs.urlpatterns)),
]
