from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from forces import selectors
from engage.permissions import can
from forces.timeline import merge, monitoring_timeline


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
    timeline = monitoring_timeline(overview.periods, today=datetime.date.today())
    can_view_case = can(request.user, "can_view_case", overview.force)
    if can_view_case:
        # Case events are not public: only those who may see the case see them here.
        from oversight.selectors import timeline_events
        from ppog.selectors import timeline_events as ppog_events

        timeline = merge(timeline, timeline_events(overview.force) + ppog_events(overview.force))
    return render(request, "forces/force_detail.html", {
        "o": overview,
        "force": overview.force,
        "timeline": timeline,
        "has_case": can_view_case and overview.force.cases.exists(),
    })
