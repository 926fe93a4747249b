"""Import an improvement plan from a spreadsheet (check every row, then save all or nothing),
export it as CSV or Excel, and download a cause of concern's history."""

from __future__ import annotations

import datetime
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight import plan_transfer, selectors
from oversight.forms import PlanFilterForm
from oversight.models import EngageCase
from oversight.views.base import case_or_404, editable_case
from oversight.views.plan import _filters as plan_filters

PENDING = "plan_import"
CSV_TYPE = "text/csv; charset=utf-8"


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the plan",
        help_text="A CSV file or an Excel workbook (.xlsx), smaller than 5 MB, with at most "
                  f"{plan_transfer.MAX_ROWS:,} actions.",
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{plan_transfer.XLSX_TYPE}"}),
        error_messages={"required": "Choose a CSV or Excel file to upload",
                        "empty": "The selected file is empty"})


def _upload_page(request: HttpRequest, case: EngageCase, form: PlanUploadForm,
                 status: int = 200) -> HttpResponse:
    return render(request, "oversight/plan_import.html", {
        "case": case, "force": case.force, "form": form,
        "max_rows": f"{plan_transfer.MAX_ROWS:,}", "concerns": selectors.concerns(case)
        .prefetch_related("recommendations"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, slug: str) -> HttpResponse:
    case = editable_case(request, slug)
    if request.method == "GET":
        return _upload_page(request, case, PlanUploadForm())
    request.session.pop(PENDING, None)
    form = PlanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, case, form, 422)
    try:
        preview = plan_transfer.preview_upload(case, form.cleaned_data["file"])
    except plan_transfer.ImportRefused as refused:
        form.add_error("file", str(refused))
        return _upload_page(request, case, form, 422)
    token = secrets.token_urlsafe(16)
    if preview.ok:
        request.session[PENDING] = {"case": case.pk, "token": token,
                                    "rows": [row.stored() for row in preview.rows]}
    return render(request, "oversight/plan_import_preview.html", {
        "case": case, "force": case.force, "preview": preview, "token": token,
        "first_errors": preview.errors[:100], "form_has_errors": not preview.ok,
        "filename": form.cleaned_data["file"].name,
    }, status=200 if preview.ok else 422)


@require_POST
def plan_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    case = editable_case(request, slug)
    pending = request.session.get(PENDING) or {}
    if pending.get("case") != case.pk or pending.get("token") != request.POST.get("token"):
        messages.error(request, "There is no checked file to import. Upload the file again.")
        return redirect("oversight:plan-import", slug=slug)
    try:
        created = plan_transfer.plan_import(actor=request.user, case=case, rows=pending["rows"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("oversight:plan-import", slug=slug)
    finally:
        request.session.pop(PENDING, None)
    messages.success(request, f"Imported {len(created)} action{'s' if len(created) != 1 else ''}")
    return redirect("oversight:plan", slug=slug)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type, headers={
        "Content-Disposition": content_disposition_header(True, filename)})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def plan_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    editable_case(request, slug)
    return _download(plan_transfer.template_csv(), CSV_TYPE, "improvement-plan-template.csv")


def _plan_download(request: HttpRequest, slug: str, extension: str):
    case = case_or_404(request, slug)
    form = PlanFilterForm(request.GET or None, concerns=list(case.concerns.all()),
                          owners=selectors.plan_owners(case))
    today = datetime.date.today()
    actions = selectors.plan_actions(case, plan_filters(form), today)
    return actions, today, f"{case.force.slug}-improvement-plan-{today.isoformat()}.{extension}"


@require_GET
def plan_export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    actions, today, filename = _plan_download(request, slug, "csv")
    content = plan_transfer.to_csv(plan_transfer.EXPORT_COLUMNS,
                                   plan_transfer.plan_values(actions, today))
    return _download(content, CSV_TYPE, filename)


@require_GET
def plan_export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    actions, today, filename = _plan_download(request, slug, "xlsx")
    return _download(plan_transfer.plan_xlsx(actions, today), plan_transfer.XLSX_TYPE, filename)


@require_GET
def concern_history_csv(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for(request.user, slug, concern_id)
    name = slugify(concern.reference) or f"concern-{concern.pk}"
    filename = f"{concern.case.force.slug}-{name}-history-{datetime.date.today().isoformat()}.csv"
    return _download(plan_transfer.history_csv(plan_transfer.concern_history(concern)),
                     CSV_TYPE, filename)
