from django.urls import reverse

from engage.permissions import can, force_ids, is_admin, role_label


def navigation(request) -> dict:
    """Service navigation by role, and the CSP nonce for the few scripts that need one."""
    context = {"csp_nonce": getattr(request, "csp_nonce", "")}
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return context
    if not user.is_verified() and request.path.startswith("/accounts/two-factor/"):
        return context  # until the code is given, the menu would only lead back here
    items = [("Dashboard", reverse("dashboard")), ("Forces", reverse("forces:force-list")),
             ("PPOG", reverse("ppog:meeting-list"))]
    own = force_ids(user)
    if len(own) == 1:
        from forces.models import Force

        slug = Force.objects.filter(pk=next(iter(own))).values_list("slug", flat=True).first()
        if slug:
            items.append(("Our force", reverse("forces:force-detail", args=[slug])))
    if can(user, "can_use_apcc_tools"):
        items.append(("APCC", reverse("apcc:dashboard")))
    items.append(("Learning", reverse("apcc:learning")))
    if is_admin(user):
        items.append(("Admin", reverse("admin:index")))
    # The longest matching item is the current one: /forces/lincolnshire/ is "Our force".
    path = request.path
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    context["nav_items"] = [{"label": label, "url": url, "active": url == current}
                            for label, url in items]
    context["role_label"] = role_label(user)
    context["can_use_apcc_tools"] = can(user, "can_use_apcc_tools")
    return context
