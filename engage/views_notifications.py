"""The notifications list, marking read, email preferences and the unsubscribe link.

Every page but unsubscribe is the signed-in person's own: there is nobody else's to see, and
another person's notification id is a 404. Unsubscribe works signed in or not (the link in an
email is the proof) and changes nothing on GET.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engage import notifications
from engage.models import Delivery, ReminderKind, User


def _htmx(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return default


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = notifications.notifications_page(request.user, request.GET.get("page"))
    return render(request, "engage/notifications_list.html", {
        "page": page, "items": page.object_list,
        "unread": notifications.unread_count(request.user)})


@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    item = notifications.notification_for(request.user, notification_id)
    notifications.notification_mark_read(actor=request.user, notification=item)
    if request.htmx:
        # The item comes back marked read, and the header's count with it (out of band).
        return _htmx(request, "engage/notifications_list.html#read-response", {"item": item})
    return redirect(_back(request, "notifications:list"))


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_all_read(actor=request.user)
    if not request.htmx:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as "
                                  "read." if count else "You have no unread notifications.")
        return redirect("notifications:list")
    page = notifications.notifications_page(request.user, request.POST.get("page"))
    return _htmx(request, "engage/notifications_list.html#list-response", {
        "page": page, "items": page.object_list, "unread": 0})


class PreferencesForm(forms.Form):
    """One set of radios per kind of reminder, in one form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ReminderKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect,
                help_text=f"Sent to: {notifications.AUDIENCE[kind]}.",
                error_messages={"required": f"Choose how to get “{kind.label}” by email",
                                "invalid_choice": "Choose one of the options"})


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = notifications.deliveries_for(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=current)
    if form.is_bound:
        if form.is_valid():
            notifications.preferences_save(actor=request.user, deliveries=form.cleaned_data)
            messages.success(request, "Your email preferences are saved.")
            return redirect("notifications:preferences")
    return render(request, "engage/notifications_preferences.html", {"form": form},
                  status=422 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = notifications.unsubscribe_read(token)
    except notifications.BadUnsubscribeLink:
        return render(request, "engage/notifications_unsubscribe_invalid.html",
                      {"reason": "bad"}, status=400)
    except User.DoesNotExist:
        return render(request, "engage/notifications_unsubscribe_invalid.html",
                      {"reason": "gone"}, status=404)
    if request.method == "POST":
        notifications.unsubscribe(link=link)
        return redirect("notifications:unsubscribe", token=token)
    done = notifications.delivery_for(link.user, link.kind) == Delivery.OFF
    return render(request, "engage/notifications_unsubscribe.html", {
        "link": link, "done": done, "email": _masked(link.user.email)})


def _masked(email: str) -> str:
    """Enough of the address to recognise it, for whoever the email was forwarded to."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}…@{domain}"
