"""The project's URLs with this feature's spliced in, for as long as they are not yet.

Once engage/urls.py mounts /notifications/, ppog/urls.py splices urls_ical and oversight/urls.py
splices urls_reports, this module changes nothing and the tests run against the real routes.
"""

from django.urls import URLResolver, include, path

import oversight.urls
import ppog.urls
from engage.urls import urlpatterns as project
from oversight import urls_reports
from ppog import urls_ical


def _names(patterns) -> set[str]:
    return {getattr(p, "name", None) for p in patterns}


def _spliced(module, extra: list, namespace: str):
    missing = [p for p in extra if p.name not in _names(module.urlpatterns)]
    # First, as they will be spliced: /ppog/<id>/ical/ must win over /ppog/<id>/<slug>/.
    return include(([*missing, *module.urlpatterns], namespace))


def _build() -> list:
    patterns = []
    for entry in project:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver) and route == "ppog/":
            entry = path("ppog/", _spliced(ppog.urls, urls_ical.urlpatterns, "ppog"))
        elif isinstance(entry, URLResolver) and route == "forces/<slug:slug>/":
            entry = path("forces/<slug:slug>/",
                         _spliced(oversight.urls, urls_reports.urlpatterns, "oversight"))
        patterns.append(entry)
    if not any(str(p.pattern) == "notifications/" for p in project):
        patterns.insert(0, path("notifications/", include("engage.urls_notifications")))
    return patterns


urlpatterns = _build()
handler404 = "engage.views.not_found"
handler403 = "engage.views.forbidden"
handler500 = "engage.views.server_error"
