"""Measures of improvement (with their figures and chart) and the case's exit readiness.

The forms live here rather than in ``oversight/forms.py`` because only these views use them.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from engage.permissions import can
from oversight import measures, selectors
from oversight.charts import render_measure_svg
from oversight.forms import DateInput, VersionedForm
from oversight.models import ExitTest, ExitThemeCheck, Measure
from oversight.views.base import case_or_404, editable_case, run_service

# Forms -----------------------------------------------------------------------------------------


class MeasureForm(VersionedForm):
    class Meta:
        model = Measure
        fields = ["name", "unit", "direction", "target", "threshold", "source"]
        widgets = {"direction": forms.RadioSelect}
        labels = {"target": "Target (optional)", "threshold": "Threshold (optional)",
                  "unit": "Unit (optional)", "source": "Source (optional)"}
        help_texts = {"target": "The level the force is aiming for, such as 90"}
        error_messages = {"name": {"required": "Enter what the measure is"},
                          "target": {"invalid": "Enter the target as a number, like 90"},
                          "threshold": {"invalid": "Enter the threshold as a number, like 85"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


class PointForm(forms.Form):
    period = forms.DateField(
        widget=DateInput, help_text="For a monthly figure, use the first day of the month",
        error_messages={"required": "Enter the date the figure is for",
                        "invalid": "Enter a real date, like 31 1 2025"})
    value = forms.DecimalField(
        label="Figure", max_digits=12, decimal_places=2,
        error_messages={"required": "Enter the figure",
                        "invalid": "Enter the figure as a number, like 71.5",
                        "max_decimal_places": "Enter the figure to no more than 2 decimal places"})
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)


class ImportForm(forms.Form):
    text = forms.CharField(
        label="Paste figures", widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="One figure a line: a period, then the figure, such as 2025-01, 71.5 or "
                  "2025-01-31,71.5, or two columns copied from a spreadsheet. A month on its own "
                  "is kept as its first day. A figure for a period already held replaces it. If "
                  "any line cannot be read, nothing is saved.",
        error_messages={"required": "Paste at least one line, like 2025-01, 71.5"})


class ExitTestForm(VersionedForm):
    class Meta:
        model = ExitTest
        fields = ["rating", "assessment", "evidence_links", "assessed_on"]
        widgets = {"rating": forms.RadioSelect, "assessed_on": DateInput,
                   "assessment": forms.Textarea(attrs={"rows": 8}),
                   "evidence_links": forms.Textarea(attrs={"rows": 5})}
        labels = {"rating": "How far is the test met?", "evidence_links": "Evidence",
                  "assessed_on": "Assessed on"}
        help_texts = {"assessment": "Your office's own view, and why"}


class ExitThemesForm(forms.Form):
    """Every exit theme of the case in one form: a state, a note and the version seen."""

    def __init__(self, *args, checks: list[ExitThemeCheck], **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            name = check.get_theme_display()
            self.fields[f"{check.theme}-state"] = forms.ChoiceField(
                label=name, choices=ExitThemeCheck.State.choices, widget=forms.RadioSelect,
                initial=check.state, error_messages={"required": f"Choose a state for {name}"})
            self.fields[f"{check.theme}-note"] = forms.CharField(
                label=f"Note on {name} (optional)", required=False, initial=check.note,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{check.theme}-version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=check.version)

    @property
    def groups(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{c.theme}-state"], self[f"{c.theme}-note"]) for c in self.checks]

    def edits(self) -> list[measures.ThemeEdit]:
        data = self.cleaned_data
        return [measures.ThemeEdit(c.theme, data[f"{c.theme}-version"], data[f"{c.theme}-state"],
                                   data[f"{c.theme}-note"]) for c in self.checks]

    def take_version(self, check: ExitThemeCheck) -> None:
        """After a conflict, the next save is meant to overwrite what is there now."""
        self.data[f"{check.theme}-version"] = check.version


# Measures --------------------------------------------------------------------------------------


def _require_edit(request: HttpRequest, force) -> None:
    if not can(request.user, "can_edit_case", force):
        raise PermissionDenied


def _concern_url(slug: str, measure: Measure) -> str:
    url = reverse("oversight:concern-detail", kwargs={"slug": slug,
                                                      "concern_id": measure.concern_id})
    return f"{url}#measure-{measure.pk}"


def _measure_form_page(request: HttpRequest, slug: str, concern, measure=None) -> HttpResponse:
    form = MeasureForm(request.POST or None, instance=measure)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if measure:
            call = lambda: measures.measure_update(  # noqa: E731
                actor=request.user, measure=measure, version=form.cleaned_data["version"],
                data=data)
        else:
            call = lambda: measures.measure_create(  # noqa: E731
                actor=request.user, concern=concern, data=data)
        result, status = run_service(form, call)
        if result:
            messages.success(request, f"{result} is saved.")
            if measure:
                return redirect(_concern_url(slug, result))
            return redirect("oversight:measure-points", slug=slug, measure_id=result.pk)
    return render(request, "oversight/measure_form.html", {
        "force": concern.case.force, "case": concern.case, "concern": concern,
        "measure": measure, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for(request.user, slug, concern_id)
    _require_edit(request, concern.case.force)
    return _measure_form_page(request, slug, concern)


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, slug: str, measure_id: int) -> HttpResponse:
    measure = measures.measure_for(request.user, slug, measure_id)
    _require_edit(request, measure.concern.case.force)
    return _measure_form_page(request, slug, measure.concern, measure)


def _post_points(request: HttpRequest, measure: Measure, form: forms.Form) -> tuple[bool, int]:
    """Add one figure or import pasted ones: whether it saved, else the status to show."""
    if not form.is_valid():
        return False, 422
    if isinstance(form, ImportForm):
        result, status = run_service(form, lambda: measures.points_import(
            actor=request.user, measure=measure, text=form.cleaned_data["text"]))
        if result:
            messages.success(request, f"Figures imported: {result.added} added, "
                                      f"{result.updated} replaced, {result.unchanged} unchanged.")
    else:
        result, status = run_service(form, lambda: measures.point_add(
            actor=request.user, measure=measure, **form.cleaned_data))
        if result:
            messages.success(request, f"The figure for "
                                      f"{measures.period_label(result.period, monthly=False)} "
                                      "is added.")
    return bool(result), status


@require_http_methods(["GET", "POST"])
def measure_points(request: HttpRequest, slug: str, measure_id: int) -> HttpResponse:
    measure = measures.measure_for(request.user, slug, measure_id)
    force = measure.concern.case.force
    point_form, import_form, status = PointForm(), ImportForm(), 200
    if request.method == "POST":
        _require_edit(request, force)
        if request.POST.get("form") == "import":
            import_form = ImportForm(request.POST)
        else:
            point_form = PointForm(request.POST)
        saved, status = _post_points(request, measure,
                                     import_form if import_form.is_bound else point_form)
        if saved:
            return redirect("oversight:measure-points", slug=slug, measure_id=measure.pk)
    points = measures.measure_points(measure)
    return render(request, "oversight/measure_points.html", {
        "force": force, "case": measure.concern.case, "concern": measure.concern,
        "measure": measure, "points": points, "status": measures.measure_status(measure, points),
        "can_edit": can(request.user, "can_edit_case", force), "point_form": point_form,
        "import_form": import_form, "form_has_errors": status >= 400,
    }, status=status)


@require_GET
def measure_chart(request: HttpRequest, slug: str, measure_id: int) -> HttpResponse:
    measure = measures.measure_for(request.user, slug, measure_id)
    svg = render_measure_svg(measure, measures.measure_points(measure))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, private=True, no_cache=True)
    return response


# Exit readiness --------------------------------------------------------------------------------


def _exit_page(request: HttpRequest, case, readiness, *, editing: str = "", form=None,
               status: int = 200) -> HttpResponse:
    """The exit readiness page; while editing, one section of it is the form."""
    return render(request, "oversight/exit_readiness.html", {
        "case": case, "force": case.force, "readiness": readiness, "editing": editing,
        "form": form, "can_edit": can(request.user, "can_edit_case", case.force),
    }, status=status)


def _exit_url(slug: str, anchor: str) -> str:
    return f"{reverse('oversight:exit-readiness', kwargs={'slug': slug})}#{anchor}"


@require_GET
def exit_readiness(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_or_404(request, slug)
    return _exit_page(request, case, measures.exit_readiness(case))


@require_http_methods(["GET", "POST"])
def exit_test_edit(request: HttpRequest, slug: str, test: str) -> HttpResponse:
    case = editable_case(request, slug)
    readiness = measures.exit_readiness(case)
    exit_test = readiness.test(test)
    initial = {} if exit_test.assessed_on else {"assessed_on": datetime.date.today()}
    form = ExitTestForm(request.POST or None, instance=exit_test, initial=initial)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        result, status = run_service(form, lambda: measures.exit_test_update(
            actor=request.user, exit_test=exit_test, version=form.cleaned_data["version"],
            data=data))
        if result:
            messages.success(request, f"Test ({result.test}) is saved.")
            return redirect(_exit_url(slug, f"test-{result.test}"))
    return _exit_page(request, case, readiness, editing=test, form=form, status=status)


@require_http_methods(["GET", "POST"])
def exit_themes_edit(request: HttpRequest, slug: str) -> HttpResponse:
    case = editable_case(request, slug)
    readiness = measures.exit_readiness(case)
    form = ExitThemesForm(request.POST or None, checks=readiness.themes)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        result, status = run_service(form, lambda: measures.exit_themes_update(
            actor=request.user, case=case, edits=form.edits()))
        if result:
            messages.success(request, "The exit themes are saved.")
            return redirect(_exit_url(slug, "themes"))
        if status == 409:
            form.take_version(form.conflict.obj)
    return _exit_page(request, case, readiness, editing="themes", form=form, status=status)
