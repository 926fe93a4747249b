"""The s55 tracker under /forces/<slug>/reports/: HMICFRS reports and the PCC's comments."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from engage.permissions import can
from oversight import reports
from oversight.forms import DateInput
from oversight.selectors import force_for
from oversight.views.base import run_service


class ReportForm(forms.Form):
    title = forms.CharField(label="Title of the report", max_length=300,
                            error_messages={"required": "Enter the report's title"})
    url = forms.URLField(label="Link to the report (optional)", required=False,
                         assume_scheme="https",
                         error_messages={"invalid": "Enter a link starting https://"})
    published = forms.DateField(
        label="Date HMICFRS published it", widget=DateInput(),
        help_text="The PCC's comments are due 56 days after this date (s55 Police Act 1996).",
        error_messages={"required": "Enter the date the report was published",
                        "invalid": "Enter a real date"})


class ResponseForm(forms.Form):
    response_published = forms.DateField(
        label="Date the PCC's comments were published", widget=DateInput(),
        error_messages={"required": "Enter the date the comments were published",
                        "invalid": "Enter a real date"})
    response_url = forms.URLField(
        label="Link to the published comments", max_length=200, assume_scheme="https",
        error_messages={"required": "Enter the link to the published comments",
                        "invalid": "Enter a link starting https://"})


def _editable_force(request: HttpRequest, slug: str):
    force = force_for(request.user, slug)
    if not can(request.user, "can_edit_case", force):
        raise PermissionDenied
    return force


@require_GET
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    force, rows = reports.reports_page(request.user, slug)
    return render(request, "oversight/reports_list.html", {
        "force": force, "rows": rows, "can_edit": can(request.user, "can_edit_case", force)})


def _form_page(request, template: str, context: dict, form, call, success: str) -> HttpResponse:
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: call(form.cleaned_data))
            if result:
                messages.success(request, success)
                return redirect("oversight:reports", slug=context["force"].slug)
    return render(request, template, {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    force = _editable_force(request, slug)
    form = ReportForm(request.POST if request.method == "POST" else None)
    return _form_page(request, "oversight/reports_form.html", {"force": force}, form,
                      lambda data: reports.report_create(actor=request.user, force=force, **data),
                      "The report is added.")


@require_http_methods(["GET", "POST"])
def report_response(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    report = reports.report_for(request.user, slug, report_id)
    if not can(request.user, "can_edit_case", report.force):
        raise PermissionDenied
    initial = {"response_published": report.response_published,
               "response_url": report.response_url}
    form = ResponseForm(request.POST if request.method == "POST" else None, initial=initial)
    return _form_page(request, "oversight/reports_form.html",
                      {"force": report.force, "report": report}, form,
                      lambda data: reports.report_response_record(
                          actor=request.user, report=report, **data),
                      "The PCC's published comments are recorded.")
