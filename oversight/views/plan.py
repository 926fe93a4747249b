from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engage.permissions import can
from oversight import selectors, services
from oversight.forms import ActionForm, CommentForm, PlanFilterForm, StatusForm
from oversight.models import Action
from oversight.views.base import case_or_404, editable_case, render_htmx, run_service


def _filters(form: PlanFilterForm) -> selectors.PlanFilters:
    if not form.is_valid():
        return selectors.PlanFilters()
    data = form.cleaned_data
    return selectors.PlanFilters(concern=data["concern"], owner=data["owner"],
                                 status=data["status"], overdue=data["overdue"],
                                 sort=data["sort"] or "due")


@require_GET
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_or_404(request, slug)
    if request.htmx and request.GET.get("fragment") == "rag":
        return render_htmx(request, "oversight/plan.html", {
            "force": case.force, "rag": selectors.rag_counts(case)}, partial="rag")
    concerns = list(case.concerns.all())
    form = PlanFilterForm(request.GET or None, concerns=concerns,
                          owners=selectors.plan_owners(case))
    page = selectors.plan_page(case, _filters(form), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_htmx(request, "oversight/plan.html", {
        "case": case, "force": case.force, "filter_form": form, "actions": page.object_list,
        "page": page, "page_query": query.urlencode(),
        "rag": selectors.rag_counts(case), "can_edit": can(request.user, "can_edit_case", case.force),
        "status_choices": Action.Status.choices, "query": request.GET.urlencode(),
    }, partial="results")


def _action(request: HttpRequest, slug: str, action_id: int, *, edit: bool = False) -> Action:
    case = editable_case(request, slug) if edit else case_or_404(request, slug)
    return get_object_or_404(Action.objects.select_related("case__force", "case__period"),
                             pk=action_id, case=case)


@require_GET
def action_detail(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    action = _action(request, slug, action_id)
    return render(request, "oversight/action_detail.html", {
        **selectors.action_page(action), "comment_form": CommentForm(),
    })


def _action_form_page(request: HttpRequest, slug: str, action: Action | None) -> HttpResponse:
    case = editable_case(request, slug)
    form = ActionForm(request.POST or None, instance=action, case=case,
                      initial={"due": datetime.date.today() + datetime.timedelta(days=28)})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if action:
                call = lambda: services.action_update(  # noqa: E731
                    actor=request.user, action=action, version=form.cleaned_data["version"],
                    data=data)
            else:
                call = lambda: services.action_create(actor=request.user, case=case, data=data)  # noqa: E731
            result, status = run_service(form, call)
            if result:
                messages.success(request, f"Action {result} is saved.")
                return redirect("oversight:action-detail", slug=slug, action_id=result.pk)
    return render(request, "oversight/action_form.html",
                  {"case": case, "force": case.force, "form": form, "action": action},
                  status=status)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _action_form_page(request, slug, None)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    return _action_form_page(request, slug, _action(request, slug, action_id, edit=True))


@require_POST
def action_status(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    """Change an action's status in place: htmx gets the row back, others the plan page."""
    action = _action(request, slug, action_id, edit=True)
    form = StatusForm(request.POST)
    error = conflict = None
    if form.is_valid():
        result, code = run_service(form, lambda: services.action_set_status(
            actor=request.user, action=action, version=form.cleaned_data["version"],
            status=form.cleaned_data["status"]))
        if result:
            action = result
        else:
            conflict = getattr(form, "conflict", None)
            error = form.non_field_errors()[0]
            action.refresh_from_db()
    else:
        code, error = 422, "Choose a status from the list"
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"{action} is now {action.get_status_display().lower()}.")
        return redirect(_safe_next(request, f"/forces/{slug}/plan/"))
    action = selectors.plan_row(action.case, action.pk)
    response = render(request, "oversight/plan.html#action-row", {
        "action": action, "force": action.case.force, "can_edit": True,
        "status_choices": Action.Status.choices, "row_error": error, "conflict": conflict,
        "saved": error is None,
    }, status=200 if error is None else code)
    if error is None:
        response["HX-Trigger"] = "planChanged"  # the RAG counts above the plan refresh
    return response


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return default


@require_POST
def action_comment(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    action = _action(request, slug, action_id)
    services.require(request.user, "can_comment_on_case", action.case.force)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, case=action.case, action=action,
                             text=form.cleaned_data["text"])
        messages.success(request, "Your comment is added.")
        return redirect(f"/forces/{slug}/plan/actions/{action.pk}/#comments")
    return render(request, "oversight/action_detail.html", {
        **selectors.action_page(action), "comment_form": form, "form_has_errors": True}, status=422)
