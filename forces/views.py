from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from forces import selectors
from forces.timeline import monitoring_timeline


@require_GET
def force_list(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    status = request.GET.get("status", "")
    if status not in {"", "engage", "scan"}:
        status = ""
    forces = list(selectors.force_list(region=region, status=status))
    context = {
        "forces": forces,
        "regions": selectors.regions(),
        "region": region,
        "status": status,
        "engage_count": sum(1 for f in forces if f.in_engage),
    }
    template = "forces/force_list.html#results" if request.htmx else "forces/force_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    overview = selectors.force_overview(slug=slug)
    return render(request, "forces/force_detail.html", {
        "o": overview,
        "force": overview.force,
        "timeline": monitoring_timeline(overview.periods, today=datetime.date.today()),
    })
