"""Measures of improvement and exit readiness, under /forces/<slug>/ (spliced into urls.py)."""

from django.urls import path

from oversight.views import measures

urlpatterns = [
    path("concerns/<int:concern_id>/measures/new/", measures.measure_create,
         name="measure-create"),
    path("measures/<int:measure_id>/edit/", measures.measure_edit, name="measure-edit"),
    path("measures/<int:measure_id>/points/", measures.measure_points, name="measure-points"),
    path("measures/<int:measure_id>/chart.svg", measures.measure_chart, name="measure-chart"),
    path("exit/", measures.exit_readiness, name="exit-readiness"),
    path("exit/tests/<str:test>/", measures.exit_test_edit, name="exit-test-edit"),
    path("exit/themes/", measures.exit_themes_edit, name="exit-themes-edit"),
]
