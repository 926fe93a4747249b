"""Admins set each force's default delivery; what was planned and sent is read-only."""

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import RequestFactory

from engage import admin_notify
from engage.models import (
    ForceNotificationDefault,
    Notification,
    NotificationPreference,
    OutboxEmail,
    Reminder,
)

CLASSES = {
    ForceNotificationDefault: admin_notify.ForceNotificationDefaultAdmin,
    NotificationPreference: admin_notify.NotificationPreferenceAdmin,
    Reminder: admin_notify.ReminderAdmin,
    Notification: admin_notify.NotificationAdmin,
    OutboxEmail: admin_notify.OutboxEmailAdmin,
}


def test_the_admin_classes_pass_django_s_checks(db):
    for model, cls in CLASSES.items():
        # The project's site, where forces and users (their autocompletes) are registered.
        assert cls(model, admin.site).check() == []


def test_reminders_notifications_and_emails_cannot_be_changed(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    for model in (Reminder, Notification, OutboxEmail):
        model_admin = CLASSES[model](model, AdminSite())
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)


def test_admins_edit_force_defaults(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = CLASSES[ForceNotificationDefault](ForceNotificationDefault, AdminSite())
    assert model_admin.has_add_permission(request) and model_admin.has_change_permission(request)
