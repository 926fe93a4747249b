from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from django.db import transaction

from oversight import selectors, services
from oversight.updates import rca_attach, rca_documents
from oversight.forms import CaseForm
from oversight.views.base import case_or_404, editable_case, run_service


@require_GET
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_or_404(request, slug)
    return render(request, "oversight/case_detail.html", {
        "case": case,
        "force": case.force,
        "concerns": list(selectors.concerns(case)),
        "past_cases": selectors.past_cases(case),
        "rag": selectors.rag_counts(case),
        "rca_documents": rca_documents(case),
    })


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, slug: str) -> HttpResponse:
    case = editable_case(request, slug)
    form = CaseForm(request.POST or None, request.FILES or None, instance=case)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "rca_file"}}

            def save():
                with transaction.atomic():
                    saved = services.case_update(actor=request.user, case=case,
                                                 version=form.cleaned_data["version"], data=data)
                    if form.cleaned_data.get("rca_file"):
                        rca_attach(actor=request.user, case=saved,
                                   upload=form.cleaned_data["rca_file"])
                return saved

            result, status = run_service(form, save)
            if result:
                messages.success(request, "The case is saved.")
                return redirect("oversight:case-detail", slug=slug)
    return render(request, "oversight/case_form.html",
                  {"case": case, "force": case.force, "form": form}, status=status)
