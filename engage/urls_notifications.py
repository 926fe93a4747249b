"""The signed-in person's notifications and email preferences, mounted at /notifications/.

Unsubscribe is reachable signed out: /notifications/unsubscribe/ is an open path in
engage.middleware."""

from django.urls import path

from engage import views_notifications as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
