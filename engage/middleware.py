"""Request-wide rules: sign-in required, second factor, session limits, security headers."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from engage.permissions import must_use_second_factor

# Paths a signed-out person may reach. Static files are served before this middleware runs.
OPEN_PATHS = ("/accounts/login/", "/healthz", "/static/", "/assets/", "/favicon.ico",
              "/notifications/unsubscribe/")
SECOND_FACTOR_PATHS = ("/accounts/two-factor/", "/accounts/logout/")


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PATHS):
            login = reverse("accounts:login")
            return redirect(f"{login}?next={request.get_full_path()}")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until the second factor is given, a signed-in person reaches only the TOTP pages.

    Admins and APCC leads must use one; anyone with a confirmed device has opted in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_PATHS + OPEN_PATHS)
            and (must_use_second_factor(user) or _has_confirmed_device(user))
        ):
            return redirect(f"{reverse('accounts:two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def _has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class AbsoluteSessionLimitMiddleware:
    """Idle expiry is the cookie age; this ends any session 12 hours after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get("signed_in_at")
            if started is None:
                request.session["signed_in_at"] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?expired=1")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content Security Policy with a per-request nonce, and the headers Django doesn't set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{request.csp_nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
