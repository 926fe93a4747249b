"""PPOG dates as iCalendar, spliced into ppog.urls (relative to /ppog/)."""

from django.urls import path

from ppog import ical

urlpatterns: list = [
    path("<int:meeting_id>/ical/", ical.meeting_ical, name="meeting-ical"),
]
