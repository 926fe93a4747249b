from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from engage.permissions import can, force_ids
from oversight.models import EngageCase
from oversight.views.base import run_service
from ppog import selectors, services
from ppog.forms import MeetingForm, SlotForm
from ppog.models import SLOT_AGENDA


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ppog/meeting_list.html", {
        "meetings": selectors.meetings(request.user),
        "can_arrange": can(request.user, "can_arrange_ppog"),
    })


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "can_arrange_ppog"):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            meeting, status = run_service(form, lambda: services.meeting_create(
                actor=request.user, **form.cleaned_data))
            if meeting:
                messages.success(request, f"{meeting} is added. Now add the forces' slots.")
                return redirect("ppog:meeting-detail", meeting_id=meeting.pk)
    return render(request, "ppog/meeting_form.html", {"form": form}, status=status)


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    return render(request, "ppog/meeting_detail.html", {
        "meeting": meeting, "agenda": SLOT_AGENDA,
        "can_add_slot": bool(_slot_cases(request.user).exclude(slots__meeting=meeting)),
    })


def _slot_cases(user):
    cases = EngageCase.objects.filter(period__end__isnull=True).select_related("force")
    if can(user, "can_use_apcc_tools"):
        return cases.order_by("force__name")
    return cases.filter(force_id__in=force_ids(user, "opcc_staff")).order_by("force__name")


@require_http_methods(["GET", "POST"])
def slot_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    cases = _slot_cases(request.user).exclude(slots__meeting=meeting)
    if not can(request.user, "can_arrange_ppog"):
        raise PermissionDenied
    form = SlotForm(request.POST or None, cases=cases)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            slot, status = run_service(form, lambda: services.slot_add(
                actor=request.user, meeting=meeting, **form.cleaned_data))
            if slot:
                messages.success(request, f"{slot.case.force}'s slot is added, with a draft "
                                          "briefing pack.")
                return redirect("ppog:slot-detail", meeting_id=meeting.pk,
                                slug=slot.case.force.slug)
    return render(request, "ppog/slot_form.html", {"meeting": meeting, "form": form},
                  status=status)
