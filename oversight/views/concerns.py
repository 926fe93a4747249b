from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight import selectors, services
from oversight.forms import CommentForm, ConcernForm, PositionForm, RecommendationForm
from oversight.models import Recommendation
from oversight.views.base import editable_case, run_service


def _editable_concern(request: HttpRequest, slug: str, concern_id: int):
    concern = selectors.concern_for(request.user, slug, concern_id)
    editable_case(request, slug)
    return concern


@require_GET
def concern_detail(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for(request.user, slug, concern_id)
    return render(request, "oversight/concern_detail.html", {
        **selectors.concern_page(concern),
        "comment_form": CommentForm(),
    })


def _concern_form_page(request, slug, *, concern=None) -> HttpResponse:
    case = editable_case(request, slug)
    form = ConcernForm(request.POST or None, instance=concern, case=case)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if concern:
                call = lambda: services.concern_update(  # noqa: E731
                    actor=request.user, concern=concern, version=form.cleaned_data["version"],
                    data=data)
            else:
                call = lambda: services.concern_create(actor=request.user, case=case, data=data)  # noqa: E731
            result, status = run_service(form, call)
            if result:
                messages.success(request, f"{result} is saved.")
                return redirect("oversight:concern-detail", slug=slug, concern_id=result.pk)
    return render(request, "oversight/concern_form.html",
                  {"case": case, "force": case.force, "form": form, "concern": concern},
                  status=status)


@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _concern_form_page(request, slug)


@require_http_methods(["GET", "POST"])
def concern_edit(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    return _concern_form_page(request, slug,
                              concern=_editable_concern(request, slug, concern_id))


def _recommendation_page(request, slug, concern, recommendation=None) -> HttpResponse:
    form = RecommendationForm(request.POST or None, instance=recommendation)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if recommendation:
                call = lambda: services.recommendation_update(  # noqa: E731
                    actor=request.user, recommendation=recommendation,
                    version=form.cleaned_data["version"], data=data)
            else:
                call = lambda: services.recommendation_create(  # noqa: E731
                    actor=request.user, concern=concern, data=data)
            result, status = run_service(form, call)
            if result:
                messages.success(request, f"{result} is saved.")
                return redirect("oversight:concern-detail", slug=slug, concern_id=concern.pk)
    return render(request, "oversight/recommendation_form.html", {
        "force": concern.case.force, "concern": concern, "form": form,
        "recommendation": recommendation}, status=status)


@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    return _recommendation_page(request, slug, _editable_concern(request, slug, concern_id))


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    case = editable_case(request, slug)
    rec = get_object_or_404(Recommendation.objects.select_related("concern__case__force"),
                            pk=rec_id, concern__case__force=case.force)
    return _recommendation_page(request, slug, rec.concern, rec)


@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    concern = _editable_concern(request, slug, concern_id)
    initial = {"as_of": datetime.date.today(), "side": request.GET.get("side", ""),
               "target": request.GET.get("recommendation", "")}
    form = PositionForm(request.POST or None, concern=concern, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            rec = (concern.recommendations.filter(pk=form.cleaned_data["target"]).first()
                   if form.cleaned_data["target"] else None)
            data = {k: form.cleaned_data[k] for k in ("side", "rag", "statement", "as_of")}
            result, status = run_service(form, lambda: services.position_record(
                actor=request.user, concern=None if rec else concern, recommendation=rec, **data))
            if result:
                messages.success(request, f"{result.get_side_display()} position is recorded.")
                return redirect("oversight:concern-detail", slug=slug, concern_id=concern.pk)
    return render(request, "oversight/position_form.html",
                  {"force": concern.case.force, "concern": concern, "form": form}, status=status)


@require_POST
def concern_comment(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for(request.user, slug, concern_id)
    services.require(request.user, "can_comment_on_case", concern.case.force)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, case=concern.case, concern=concern,
                             text=form.cleaned_data["text"])
        messages.success(request, "Your comment is added.")
        return redirect(f"{concern_url(slug, concern)}#comments")
    return render(request, "oversight/concern_detail.html", {
        **selectors.concern_page(concern), "comment_form": form, "form_has_errors": True}, status=422)


def concern_url(slug: str, concern) -> str:
    from django.urls import reverse

    return reverse("oversight:concern-detail", kwargs={"slug": slug, "concern_id": concern.pk})
