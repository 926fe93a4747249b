from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from engage.permissions import can
from oversight.services import require
from oversight.views.base import run_service
from ppog import selectors, services
from ppog.forms import OutcomeForm, PreMeetForm, ReviewPointForm, SlotNotesForm
from ppog.models import SLOT_AGENDA, PreMeet


def _slot_page(request, slot, **extra) -> dict:
    force = slot.case.force
    return {"slot": slot, "meeting": slot.meeting, "force": force, "case": slot.case,
            "agenda": SLOT_AGENDA,
            "outcome": getattr(slot, "outcome", None),
            "premeet": PreMeet.objects.filter(slot=slot).first(),
            "review_points": list(slot.case.review_points.all()),
            "can_edit": can(request.user, "can_edit_case", force),
            "can_apcc": can(request.user, "can_use_apcc_tools"), **extra}


@require_GET
def slot_detail(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    slot = selectors.slot_for(request.user, meeting_id, slug)
    return render(request, "ppog/slot_detail.html", _slot_page(request, slot))


def _slot_form_page(request, slot, form, template, call, done_message, status=200):
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: call(form.cleaned_data))
            if result:
                messages.success(request, done_message)
                return redirect("ppog:slot-detail", meeting_id=slot.meeting_id,
                                slug=slot.case.force.slug)
    return render(request, template, _slot_page(request, slot, form=form), status=status)


@require_http_methods(["GET", "POST"])
def slot_edit(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    slot = selectors.slot_for(request.user, meeting_id, slug)
    require(request.user, "can_edit_case", slot.case.force)
    form = SlotNotesForm(request.POST or None, instance=slot)
    return _slot_form_page(request, slot, form, "ppog/slot_form_notes.html", lambda data: (
        services.slot_update(actor=request.user, slot=slot, version=data.pop("version"),
                             data=data)), "The slot is saved.")


@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    slot = selectors.slot_for(request.user, meeting_id, slug)
    require(request.user, "can_edit_case", slot.case.force)
    form = OutcomeForm(request.POST or None)
    return _slot_form_page(request, slot, form, "ppog/outcome_form.html", lambda data: (
        services.outcome_record(actor=request.user, slot=slot, **data)),
        "HMCI's decision is recorded.")


@require_http_methods(["GET", "POST"])
def review_point_create(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    slot = selectors.slot_for(request.user, meeting_id, slug)
    require(request.user, "can_edit_case", slot.case.force)
    form = ReviewPointForm(request.POST or None)
    return _slot_form_page(request, slot, form, "ppog/review_point_form.html", lambda data: (
        services.review_point_add(actor=request.user, case=slot.case, slot=slot, **data)),
        "The review point is recorded.")


@require_http_methods(["GET", "POST"])
def premeet_edit(request: HttpRequest, meeting_id: int, slug: str) -> HttpResponse:
    slot = selectors.slot_for(request.user, meeting_id, slug)
    apcc = can(request.user, "can_use_apcc_tools")
    if not apcc:
        require(request.user, "can_edit_case", slot.case.force)
    premeet = PreMeet.objects.filter(slot=slot).first()
    form = PreMeetForm(request.POST or None, instance=premeet, apcc=apcc)
    return _slot_form_page(request, slot, form, "ppog/premeet_form.html", lambda data: (
        services.premeet_record(actor=request.user, slot=slot, data=data)),
        "The APCC pre-meet is saved.")
