"""What every case view needs: the force's case for this user, or 404; edit rights, or 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from engage.permissions import can
from oversight import selectors
from oversight.models import EngageCase


def case_or_404(request: HttpRequest, slug: str) -> EngageCase:
    return selectors.case_for(request.user, slug)


def editable_case(request: HttpRequest, slug: str) -> EngageCase:
    """The case if the user may edit it: another force's user gets 404, a reader 403."""
    case = selectors.case_for(request.user, slug)
    if not can(request.user, "can_edit_case", case.force):
        raise PermissionDenied
    return case


def render_htmx(request: HttpRequest, template: str, context: dict, *, partial: str | None = None,
                status: int = 200) -> HttpResponse:
    """The full page, or the named partial when htmx asks; either way vary on HX-Request."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def run_service(form, call):
    """Call a service for a valid form. Returns (result, status): on a refused save the form
    keeps what the user typed and carries the reason, so nothing they entered is lost."""
    from django.core.exceptions import ValidationError

    from oversight.services import EditConflict

    try:
        return call(), 200
    except ValidationError as error:
        form.add_error(None, error)
        return None, 422
    except EditConflict as conflict:
        form.conflict = conflict
        form.add_error(None, f"{conflict.by} changed this while you were editing it, so your "
                             "changes have not been saved yet. Check what changed below, then "
                             "save again to keep your version.")
        data = form.data.copy()
        data["version"] = conflict.obj.version
        form.data = data
        return None, 409
