from django.contrib import admin
from django.urls import include, path

from engage import views
from engage.admin_site import admin_login_redirect

accounts = ([
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor, name="two-factor"),
], "accounts")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(accounts)),
    path("forces/", include("forces.urls")),
    path("forces/<slug:slug>/", include("oversight.urls")),
    path("ppog/", include("ppog.urls")),
    path("notifications/", include("engage.urls_notifications")),
    path("apcc/", include(("oversight.urls_apcc", "apcc"))),
    path("admin/login/", admin_login_redirect),
    path("admin/", admin.site.urls),
    path("assets/<path:path>", views.govuk_asset, name="govuk-asset"),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler404 = "engage.views.not_found"
handler403 = "engage.views.forbidden"
handler500 = "engage.views.server_error"
