"""The APCC's pages under /apcc/ (APCC leads and admins; the learning library is read by every
signed-in user), and a force's own view of the support offered to it under /forces/<slug>/."""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engage.permissions import can
from forces.models import Force, PeelArea
from forces.selectors import regions
from oversight import apcc, buddies, case_studies, plan_transfer, selectors
from oversight.forms import DateInput, VersionedForm
from oversight.models import CaseStudy, Debrief, ExitTheme, SupportOffer
from oversight.views.base import render_htmx, run_service

# Forms ---------------------------------------------------------------------------------------

COLUMNS = [  # key, heading, right-aligned, largest first on the first click
    ("force", "Force", False, False), ("region", "Region", False, False),
    ("months", "Months in Engage", True, True), ("concerns", "Causes of concern", True, True),
    ("overdue", "Overdue actions", True, True), ("red", "Plan RAG", False, True),
    ("ppog", "Next PPOG", False, False), ("review", "Next review point", False, False),
    ("updated", "Last OPCC update", False, False), ("support", "Support in place", False, True),
]
SORT_CHOICES = [(s, s) for key in apcc.SORTS for s in (key, f"-{key}")]


class DashboardFilters(forms.Form):
    region = forms.ChoiceField(required=False)
    stale = forms.BooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions")] + [
            (r.slug, r.name) for r in regions()]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"region": data.get("region", ""), "stale_only": data.get("stale", False),
                "sort": data.get("sort") or apcc.DEFAULT_SORT}


class OfferForm(VersionedForm):
    class Meta:
        model = SupportOffer
        fields = ["kind", "status", "offered_on", "responded_on", "completed_on", "notes"]
        labels = {"kind": "Support", "responded_on": "Answered on (optional)",
                  "completed_on": "Completed on (optional)", "notes": "Notes (optional)"}
        widgets = {"kind": forms.RadioSelect, "status": forms.RadioSelect,
                   "offered_on": DateInput, "responded_on": DateInput,
                   "completed_on": DateInput, "notes": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"kind": {"required": "Choose the support offered"},
                          "offered_on": {"required": "Enter the date it was offered"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SupportOffer.Kind.choices  # no empty radio
        if not self.instance.pk:
            del self.fields["version"]


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")],
                                 error_messages={"required": "Choose to accept or decline"})


class BuddyForm(forms.Form):
    buddy = forms.ModelChoiceField(queryset=Force.objects.none(), label="Buddy force",
                                   empty_label="Choose a force",
                                   error_messages={"required": "Choose the buddy force"})
    reason = forms.CharField(label="Why this buddy (optional)", required=False,
                             help_text="The areas the buddy force is strong in.",
                             widget=forms.Textarea(attrs={"rows": 3}))
    started = forms.DateField(label="Pairing starts", widget=DateInput,
                              error_messages={"required": "Enter the date the pairing starts"})

    def __init__(self, *args, force: Force, on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        # Forces in Engage are not offered; the service refuses them as well.
        self.fields["buddy"].queryset = Force.objects.exclude(pk=force.pk).exclude(
            pk__in=apcc.in_engage_ids(on)).order_by("name")


def _area_choices() -> list[tuple[str, str]]:
    names = sorted(set(PeelArea.objects.values_list("name", flat=True)))
    return [(n, n) for n in names]


class CaseStudyForm(forms.ModelForm):
    exit_themes = forms.MultipleChoiceField(
        label="Exit themes (optional)", required=False, choices=ExitTheme.choices,
        widget=forms.CheckboxSelectMultiple)
    concern_areas = forms.MultipleChoiceField(
        label="Areas of the causes of concern (optional)", required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CaseStudy
        fields = ["force", "title", "summary", "body", "exit_themes", "concern_areas", "source",
                  "published"]
        labels = {"body": "Full account (optional)", "source": "Source (optional)",
                  "published": "Show in the learning library"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}),
                   "body": forms.Textarea(attrs={"rows": 10})}
        error_messages = {"force": {"required": "Choose the force"},
                          "title": {"required": "Enter a title"},
                          "summary": {"required": "Enter a summary"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern_areas"].choices = _area_choices()


class DebriefForm(forms.ModelForm):
    exit_themes = forms.MultipleChoiceField(
        label="Exit themes that helped (optional)", required=False, choices=ExitTheme.choices,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Debrief
        fields = ["what_helped", "what_hindered", "advice", "exit_themes", "share",
                  "recorded_on"]
        labels = {"what_helped": "What helped the force leave Engage",
                  "what_hindered": "What got in the way (optional)",
                  "advice": "Advice for PCCs now in Engage (optional)",
                  "recorded_on": "Debrief held on"}
        widgets = {"what_helped": forms.Textarea(attrs={"rows": 6}),
                   "what_hindered": forms.Textarea(attrs={"rows": 4}),
                   "advice": forms.Textarea(attrs={"rows": 4}), "recorded_on": DateInput}
        error_messages = {"what_helped": {"required": "Enter what helped the force leave Engage"},
                          "recorded_on": {"required": "Enter the date of the debrief"}}


# Access --------------------------------------------------------------------------------------

def apcc_only(view):
    """APCC leads and admins; everyone else signed in gets 403 whatever the method."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can(request.user, "can_use_apcc_tools"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _bound(form_class, request: HttpRequest, **kwargs):
    """Bound on POST even when the body is empty, so an empty form shows its errors."""
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# The dashboard -------------------------------------------------------------------------------

def _columns(filters: dict) -> list[dict]:
    current = filters["sort"]
    base = {"region": filters["region"], "stale": "on" if filters["stale_only"] else ""}
    columns = []
    for key, label, numeric, largest_first in COLUMNS:
        if current == key:
            target, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, aria = key, "descending"
        else:
            target, aria = (f"-{key}" if largest_first else key), ""
        query = urlencode({k: v for k, v in {**base, "sort": target}.items() if v})
        columns.append({"key": key, "label": label, "numeric": numeric, "aria_sort": aria,
                        "href": f"?{query}"})
    return columns


def _dashboard_query(request: HttpRequest) -> tuple[DashboardFilters, dict, str]:
    form = DashboardFilters(request.GET)
    filters = form.values()
    query = urlencode({k: v for k, v in {"region": filters["region"],
                                         "stale": "on" if filters["stale_only"] else "",
                                         "sort": filters["sort"]}.items() if v})
    return form, filters, query


@apcc_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()
    form, filters, query = _dashboard_query(request)
    history = apcc.exit_history(today)
    rows = apcc.dashboard_rows(on=today, history=history, **filters)
    context = {"rows": rows, "history": history, "chart": apcc.engage_chart(rows, history),
               "columns": _columns(filters), "filters": filters, "query": query,
               "filter_form": form, "stale_days": apcc.STALE_AFTER_DAYS}
    if not request.htmx:
        context["recently_exited"] = apcc.recently_exited(today)
    return render_htmx(request, "oversight/apcc_dashboard.html", context, partial="results")


EXPORT_COLUMNS = [
    "Force", "Region", "In Engage since", "Months in Engage",
    "Median months of forces that left Engage", "Months over the median",
    "Causes of concern open", "Causes of concern discharged", "Overdue actions", "Red",
    "Amber", "Green", "Not started", "Complete", "Next PPOG", "Next review point",
    "Last OPCC update", "Days since the last update", "Stale", "Support in place", "Buddy",
]


def _export_values(row: apcc.Row) -> list:
    updated = timezone.localdate(row.last_update) if row.last_update else None
    return [row.force.name, row.force.region.name, row.since, row.months, row.median,
            row.vs_median, row.open_concerns, row.discharged_concerns, row.rag["overdue"],
            row.rag["red"], row.rag["amber"], row.rag["green"], row.rag["grey"],
            row.rag["complete"], row.next_ppog, row.next_review, updated,
            row.days_since_update, "yes" if row.stale else "no", "; ".join(row.support),
            row.buddy.name if row.buddy else ""]


@apcc_only
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()
    _, filters, _ = _dashboard_query(request)
    rows = apcc.dashboard_rows(on=today, **filters)
    content = plan_transfer.to_csv(EXPORT_COLUMNS, [_export_values(r) for r in rows])
    filename = f"forces-in-engage-{today.isoformat()}.csv"
    return HttpResponse(content, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": content_disposition_header(True, filename)})


# A force: support, buddies and debrief -------------------------------------------------------

def _force(slug: str) -> Force:
    return get_object_or_404(Force.objects.select_related("region"), slug=slug)


@apcc_only
@require_GET
def force_page(request: HttpRequest, slug: str) -> HttpResponse:
    force, today = _force(slug), datetime.date.today()
    closed = case_studies.closed_case(force)
    return render(request, "oversight/apcc_force.html", {
        "force": force, "in_engage": apcc.in_engage(force, today),
        "case": selectors.current_case(force), "offers": apcc.offers_for(force),
        "pairings": buddies.pairings_for(force, today),
        "suggestions": buddies.suggest_buddies(force, on=today),
        "closed_case": closed, "debrief": case_studies.debrief_of(closed),
    })


def _offer_page(request: HttpRequest, force: Force, offer: SupportOffer | None) -> HttpResponse:
    # Defaults for a new offer only: initial values would override an instance's own.
    initial = {} if offer else {"offered_on": datetime.date.today(),
                                "status": SupportOffer.Status.OFFERED,
                                "kind": request.GET.get("kind")}
    form = _bound(OfferForm, request, instance=offer, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if offer:
                call = lambda: apcc.offer_update(  # noqa: E731
                    actor=request.user, offer=offer, version=form.cleaned_data["version"],
                    data=data)
            else:
                call = lambda: apcc.offer_create(actor=request.user, force=force, data=data)  # noqa: E731
            result, status = run_service(form, call)
            if result:
                messages.success(request, f"{result.get_kind_display()} for {force} is saved.")
                return redirect("apcc:force", slug=force.slug)
    return render(request, "oversight/apcc_offer_form.html",
                  {"force": force, "form": form, "offer": offer}, status=status)


@apcc_only
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _offer_page(request, _force(slug), None)


@apcc_only
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = apcc.offer_by_id(offer_id)
    return _offer_page(request, offer.force, offer)


@apcc_only
@require_http_methods(["GET", "POST"])
def buddy_create(request: HttpRequest, slug: str) -> HttpResponse:
    force, today = _force(slug), datetime.date.today()
    picked = next((s for s in buddies.suggest_buddies(force, on=today)
                   if s.force.slug == request.GET.get("buddy")), None)
    initial = {"started": today}
    if picked:
        initial.update(buddy=picked.force.pk, reason=picked.reason)
    form = _bound(BuddyForm, request, force=force, on=today, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: buddies.buddy_pair(
                actor=request.user, force=force, **form.cleaned_data))
            if result:
                messages.success(request, f"{result.buddy} now buddies {force}.")
                return redirect("apcc:force", slug=force.slug)
    return render(request, "oversight/apcc_buddy_form.html",
                  {"force": force, "form": form, "picked": picked}, status=status)


@apcc_only
@require_http_methods(["GET", "POST"])
def debrief(request: HttpRequest, slug: str) -> HttpResponse:
    force = _force(slug)
    case = case_studies.closed_case(force)
    if case is None:
        raise Http404("This force has no closed Engage case")
    existing = case_studies.debrief_of(case)
    form = _bound(DebriefForm, request, instance=existing,
                  initial={} if existing else {"recorded_on": datetime.date.today()})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: case_studies.debrief_record(
                actor=request.user, force=force, data=form.cleaned_data))
            if result:
                messages.success(request, f"The debrief for {force} is saved.")
                return redirect("apcc:force", slug=force.slug)
    return render(request, "oversight/apcc_debrief_form.html",
                  {"force": force, "case": case, "form": form, "existing": existing},
                  status=status)


# The learning library ------------------------------------------------------------------------

class LearningSearch(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    theme = forms.ChoiceField(required=False)
    area = forms.ChoiceField(required=False)

    def __init__(self, *args, areas: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme"), *ExitTheme.choices]
        self.fields["area"].choices = [("", "Any area")] + [(a, a) for a in areas]


@require_GET
def learning(request: HttpRequest) -> HttpResponse:
    form = LearningSearch(request.GET, areas=case_studies.learning_areas())
    data = form.cleaned_data if form.is_valid() else {}
    search = {k: data.get(k, "") for k in ("theme", "area")} | {"query": data.get("q", "")}
    items = case_studies.learning(**search)
    for item in items:
        item.theme_labels = case_studies.theme_labels(item.themes)
    return render_htmx(request, "oversight/apcc_learning.html", {
        "form": form, "items": items, "searched": any(search.values()),
        "can_edit": can(request.user, "can_use_apcc_tools")}, partial="results")


@require_GET
def case_study(request: HttpRequest, study_id: int) -> HttpResponse:
    study = case_studies.case_study_for(request.user, study_id)
    return render(request, "oversight/apcc_case_study.html", {
        "study": study, "themes": case_studies.theme_labels(study.exit_themes),
        "paragraphs": [p for p in study.body.split("\n\n") if p.strip()]})


@apcc_only
@require_http_methods(["GET", "POST"])
def case_study_create(request: HttpRequest) -> HttpResponse:
    form = _bound(CaseStudyForm, request, initial={"source": "APCC", "published": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            result, status = run_service(form, lambda: case_studies.case_study_create(
                actor=request.user, data=form.cleaned_data))
            if result:
                messages.success(request, f"“{result.title}” is in the learning library.")
                return redirect("apcc:case-study", study_id=result.pk)
    return render(request, "oversight/apcc_case_study_form.html", {"form": form},
                  status=status)


# The force's own view of its support ---------------------------------------------------------

def _support_context(request: HttpRequest, force: Force) -> dict:
    return {"force": force, "offers": apcc.offers_for(force),
            "pairings": buddies.pairings_for(force, datetime.date.today(), active_only=True),
            "can_respond": can(request.user, "can_edit_case", force)}


@require_GET
def support(request: HttpRequest, slug: str) -> HttpResponse:
    force = selectors.force_for(request.user, slug)
    return render(request, "oversight/support_list.html", _support_context(request, force))


@require_POST
def support_respond(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    """Accept or decline an offer: htmx gets the offer back in place, others the page."""
    force = selectors.force_for(request.user, slug)
    offer = apcc.offer_for(force, offer_id)
    if not can(request.user, "can_edit_case", force):
        raise PermissionDenied
    form = RespondForm(request.POST)
    result, status = None, 422
    if form.is_valid():
        result, status = run_service(form, lambda: apcc.offer_respond(
            actor=request.user, offer=offer, accept=form.cleaned_data["decision"] == "accept"))
    error = None if result else (form.non_field_errors() or form.errors.get("decision"))[0]
    if result and not request.htmx:
        messages.success(request, f"You {result.get_status_display().lower()} "
                                  f"{result.get_kind_display().lower()}.")
        return redirect("oversight:support", slug=slug)
    offer = result or apcc.offer_for(force, offer_id)
    offer.description = apcc.OFFER_DESCRIPTIONS.get(offer.kind, "")
    context = {**_support_context(request, force), "offer": offer, "error": error,
               "error_offer": offer.pk, "answered": result is not None}
    if request.htmx:
        return render(request, "oversight/support_list.html#offer", context, status=status)
    return render(request, "oversight/support_list.html", context, status=status)
