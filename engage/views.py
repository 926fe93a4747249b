"""Signing in and out, the second factor, the health check and the role dashboards."""

from __future__ import annotations

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from engage import dashboards, services
from engage.forms import SignInForm, TokenForm
from engage.permissions import must_use_second_factor


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                user = services.sign_in_check(request=request, **form.cleaned_data)
            except services.AccountLocked as locked:
                form.add_error(None, "This account is locked after too many wrong passwords. "
                               f"Try again after {locked.until.astimezone():%H:%M}.")
            else:
                if user is not None:
                    login(request, user)
                    request.session["signed_in_at"] = time.time()
                    return redirect(_next_url(request))
                form.add_error(None, "Enter a correct email address and password")
    return render(request, "engage/sign_in.html", {
        "form": form, "next": _next_url(request), "expired": "expired" in request.GET,
    }, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code, or (with no device yet) set one up: required for admins and APCC leads."""
    user = request.user
    devices = list(devices_for_user(user, confirmed=True))
    if user.is_verified():
        return render(request, "engage/two_factor_done.html", {"has_device": True})
    form = TokenForm(request.POST or None)
    if devices:
        if request.method == "POST" and form.is_valid():
            token = form.cleaned_data["token"].replace(" ", "").strip()
            device = next((d for d in devices if d.verify_token(token)), None)
            if device:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("token", "The code is wrong or has expired: enter the code the app shows now")
        return render(request, "engage/two_factor_verify.html", {
            "form": form, "next": _next_url(request),
        }, status=422 if request.method == "POST" else 200)
    return _two_factor_setup(request, form)


def _two_factor_setup(request: HttpRequest, form: TokenForm) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error.message_dict["token"])
        else:
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_next_url(request))
    return render(request, "engage/two_factor_setup.html", {
        "form": form,
        "next": _next_url(request),
        "required": must_use_second_factor(request.user),
        "secret": base64.b32encode(device.bin_key).decode(),
        "qr_data_uri": _qr_data_uri(device.config_url),
    }, status=422 if request.method == "POST" else 200)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = dashboards.for_user(request.user)
    return render(request, board.template, board.context)


@require_GET
def govuk_asset(request: HttpRequest, path: str) -> HttpResponse:
    """GOV.UK Frontend's CSS asks for /assets/…: send it to the vendored copy in static."""
    if ".." in path.split("/"):
        raise Http404
    return redirect(static(f"govuk/assets/{path}"), permanent=True)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("images/favicon.svg"), permanent=True)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
