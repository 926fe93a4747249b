"""The header's count of unread notifications, for every page that extends base.html."""

from __future__ import annotations

from functools import partial

from engage import notifications
from engage.permissions import must_use_second_factor


def notification_count(request) -> dict:
    """``unread_notifications``: a callable, so the one indexed COUNT runs only on pages that
    show it (``{% with %}`` in the badge evaluates it once). Nothing for signed-out people, or
    for those still owing their second factor."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    verified = getattr(user, "is_verified", lambda: True)()
    if not verified and must_use_second_factor(user):
        return {}
    return {"unread_notifications": partial(notifications.unread_count, user)}
