"""Measures of improvement: adding them, their figures (one at a time or pasted), the chart, and
how the cause of concern page shows them."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from oversight.charts import render_measure_svg, y_ticks
from oversight.measures import measure_update, parse_figures
from oversight.models import Measure, MeasurePoint
from tests.conftest import signed_in

SVG = "{http://www.w3.org/2000/svg}"
VALUES_2025 = ["71.5", "74", "76.2", "78", "80.4", "81", "83.3", "84", "85.1", "85.9", "86", "86.2"]


@pytest.fixture
def measure_a(concern_a) -> Measure:
    return Measure.objects.create(concern=concern_a, name="999 calls answered within 10 seconds",
                                  unit="%", target=Decimal("90"), threshold=Decimal("85"))


@pytest.fixture
def year_of_figures(measure_a) -> list[MeasurePoint]:
    return [MeasurePoint.objects.create(measure=measure_a, period=datetime.date(2025, month, 1),
                                        value=Decimal(value))
            for month, value in enumerate(VALUES_2025, start=1)]


@pytest.fixture
def measure_b(concern_b) -> Measure:
    return Measure.objects.create(concern=concern_b, name="Force B measure marker", unit="%")


def url(name: str, **kwargs) -> str:
    return reverse(f"oversight:{name}", kwargs={"slug": "lincolnshire", **kwargs})


# Adding and changing measures -----------------------------------------------------------------


def test_opcc_staff_add_a_measure_and_go_on_to_its_figures(opcc_a, concern_a):
    response = signed_in(opcc_a).post(url("measure-create", concern_id=concern_a.pk), {
        "name": "999 calls answered within 10 seconds", "unit": "%", "direction": "higher",
        "target": "90", "threshold": "85", "source": "Force control room data"})
    measure = Measure.objects.get(concern=concern_a)
    assert response.status_code == 302
    assert response["Location"] == url("measure-points", measure_id=measure.pk)
    assert (measure.name, measure.unit, measure.target, measure.threshold) == (
        "999 calls answered within 10 seconds", "%", Decimal("90"), Decimal("85"))


def test_a_threshold_above_the_target_is_refused_where_higher_is_better(opcc_a, concern_a):
    response = signed_in(opcc_a).post(url("measure-create", concern_id=concern_a.pk), {
        "name": "Calls", "direction": "higher", "target": "85", "threshold": "90"})
    assert response.status_code == 422
    assert "the threshold cannot be above the target" in response.content.decode()
    assert not Measure.objects.exists()


def test_opcc_staff_change_a_measure(opcc_a, measure_a):
    response = signed_in(opcc_a).post(url("measure-edit", measure_id=measure_a.pk), {
        "version": 1, "name": measure_a.name, "unit": "%", "direction": "higher",
        "target": "92", "threshold": "85"})
    assert response.status_code == 302
    measure_a.refresh_from_db()
    assert (measure_a.target, measure_a.version) == (Decimal("92"), 2)


def test_a_stale_save_of_a_measure_is_refused_and_keeps_what_was_typed(opcc_a, measure_a):
    measure_update(actor=opcc_a, measure=measure_a, version=1, data={"target": Decimal("95")})
    response = signed_in(opcc_a).post(url("measure-edit", measure_id=measure_a.pk), {
        "version": 1, "name": "My better name", "unit": "%", "direction": "higher",
        "target": "90", "threshold": "85"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else" in body and "My better name" in body
    measure_a.refresh_from_db()
    assert (measure_a.name, measure_a.target) == ("999 calls answered within 10 seconds",
                                                  Decimal("95"))


# Figures --------------------------------------------------------------------------------------


def test_opcc_staff_add_a_figure(opcc_a, measure_a):
    response = signed_in(opcc_a).post(url("measure-points", measure_id=measure_a.pk), {
        "form": "add", "period": "2025-01-01", "value": "71.5", "note": "New call system"})
    assert response.status_code == 302
    point = measure_a.points.get()
    assert (point.period, point.value, point.note) == (
        datetime.date(2025, 1, 1), Decimal("71.5"), "New call system")


def test_a_second_figure_for_a_period_is_refused_beside_the_period(opcc_a, measure_a):
    MeasurePoint.objects.create(measure=measure_a, period=datetime.date(2025, 1, 1), value=70)
    response = signed_in(opcc_a).post(url("measure-points", measure_id=measure_a.pk), {
        "form": "add", "period": "2025-01-01", "value": "71.5"})
    body = response.content.decode()
    assert response.status_code == 422
    error = body[body.index('id="id_period_error"'):]
    assert "There is already a figure for 1 January 2025" in error[:400]
    assert measure_a.points.get().value == Decimal("70")


def test_pasted_figures_are_added_and_a_held_period_is_replaced(opcc_a, measure_a):
    MeasurePoint.objects.create(measure=measure_a, period=datetime.date(2025, 1, 1), value=70)
    pasted = "Month\tAnswered\n2025-01\t71.5%\n2025-02-28,74\n\n2025-03, 76.2, After training\n"
    response = signed_in(opcc_a).post(url("measure-points", measure_id=measure_a.pk),
                                      {"form": "import", "text": pasted})
    assert response.status_code == 302
    assert [(p.period, p.value, p.note) for p in measure_a.points.order_by("period")] == [
        (datetime.date(2025, 1, 1), Decimal("71.5"), ""),
        (datetime.date(2025, 2, 28), Decimal("74"), ""),
        (datetime.date(2025, 3, 1), Decimal("76.2"), "After training"),
    ]


def test_a_paste_with_a_bad_line_saves_nothing_and_names_the_line(opcc_a, measure_a):
    pasted = "2025-01, 71.5\n2025-02, 74\n2025-13, 76\n2025-04, lots\n"
    response = signed_in(opcc_a).post(url("measure-points", measure_id=measure_a.pk),
                                      {"form": "import", "text": pasted})
    body = response.content.decode()
    assert response.status_code == 422
    assert "Line 3: “2025-13” is not a date" in body
    assert "Line 4: “lots” is not a number" in body
    assert "2025-01, 71.5\n2025-02, 74" in body, "the paste is kept to correct"
    assert not measure_a.points.exists()


def test_a_period_pasted_twice_is_named():
    with pytest.raises(Exception) as refused:
        parse_figures("2025-01,1\nJan 2025,2", datetime.date(2026, 1, 1))
    assert "Line 2: the period is already on line 1" in str(refused.value)


def test_periods_are_read_in_the_ways_people_paste_them():
    figures = parse_figures("31/01/2025\t1,234.5\nFeb-25,2\nMarch 2025,3\n04/2025,4",
                            datetime.date(2026, 1, 1))
    assert [(f.period, f.value) for f in figures] == [
        (datetime.date(2025, 1, 31), Decimal("1234.50")), (datetime.date(2025, 2, 1), 2),
        (datetime.date(2025, 3, 1), 3), (datetime.date(2025, 4, 1), 4)]


# The chart ------------------------------------------------------------------------------------


def test_the_chart_is_an_accessible_svg_of_every_figure(pcc_a, measure_a, year_of_figures):
    response = signed_in(pcc_a).get(url("measure-chart", measure_id=measure_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = ET.fromstring(response.content)
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert svg.get("viewBox") == "0 0 640 320"
    assert title.text == "999 calls answered within 10 seconds"
    assert desc.text.startswith(
        "999 calls answered within 10 seconds, %: 12 monthly values from January 2025 to "
        "December 2025, latest 86.2 against a target of 90")
    line = svg.find(f"{SVG}polyline")
    assert len(line.get("points").split()) == 12
    dashed = [el for el in svg.iter(f"{SVG}line") if el.get("stroke-dasharray")]
    assert {el.get("stroke") for el in dashed} == {"#d4351c", "#4c2c92"}
    labels = [el.text for el in svg.iter(f"{SVG}text")]
    assert "Jan 2025" in labels and "90%" in labels


def test_a_chart_without_figures_says_so(measure_a):
    svg = ET.fromstring(render_measure_svg(measure_a, []))
    assert svg.find(f"{SVG}desc").text.endswith("no data yet.")
    assert svg.find(f"{SVG}polyline") is None


def test_awkward_names_still_make_well_formed_svg(measure_a):
    measure_a.name = "Calls <answered> & \x01logged"
    point = MeasurePoint(measure=measure_a, period=datetime.date(2025, 1, 1), value=5)
    svg = ET.fromstring(render_measure_svg(measure_a, [point]))
    assert svg.find(f"{SVG}title").text == "Calls <answered> & logged"


def test_the_y_axis_steps_are_round_numbers():
    assert y_ticks([71.5, 86.2, 90, 85]) == [70, 75, 80, 85, 90]
    assert [str(t) for t in y_ticks([3, 3])] == ["2.6", "2.8", "3.0", "3.2", "3.4"]
    assert [str(t) for t in y_ticks([0, 0])] == ["-1.0", "-0.5", "0.0", "0.5", "1.0"]


# The cause of concern page's part -------------------------------------------------------------


def _render(concern, *, can_edit: bool) -> str:
    measures = list(concern.measures.prefetch_related("points"))
    return render_to_string("oversight/_concern_measures.html", {
        "concern": concern, "force": concern.case.force, "measures": measures,
        "can_edit": can_edit})


def test_the_concern_page_shows_each_measure_with_its_data_table(concern_a, measure_a,
                                                                 year_of_figures):
    html = _render(concern_a, can_edit=False)
    assert '<caption class="govuk-table__caption govuk-table__caption--s">999 calls answered ' \
           'within 10 seconds (%)</caption>' in html
    assert html.count('<tr class="govuk-table__row">') == 13
    assert "December 2025" in html and "86.2%" in html
    assert "Target not met" in html
    assert f'src="/forces/lincolnshire/measures/{measure_a.pk}/chart.svg" alt=""' in html
    assert "Change the measure" not in html and "Add a measure" not in html


def test_a_lower_is_better_measure_meets_a_target_from_below(concern_a):
    measure = Measure.objects.create(concern=concern_a, name="Open investigations",
                                     direction="lower", target=Decimal("5000"))
    MeasurePoint.objects.create(measure=measure, period=datetime.date(2025, 6, 30), value=4200)
    html = _render(concern_a, can_edit=True)
    assert "Target met" in html and "30 June 2025" in html
    assert "Change the measure" in html


def test_empty_states_are_explained(concern_a):
    assert "No measures yet" in _render(concern_a, can_edit=True)
    Measure.objects.create(concern=concern_a, name="Crimes recorded correctly")
    html = _render(concern_a, can_edit=False)
    assert "No data yet" in html and "<table" not in html


# Who may do what ------------------------------------------------------------------------------

PAGES = ["measure-points", "measure-chart"]
FORMS = ["measure-edit", "measure-points"]


@pytest.mark.parametrize("persona", ["pcc_a", "apcc_lead", "admin"])
def test_readers_see_figures_but_cannot_change_them(persona, personas, measure_a, concern_a):
    client = signed_in(personas[persona])
    for name in PAGES:
        assert client.get(url(name, measure_id=measure_a.pk)).status_code == 200, name
    for name in FORMS:
        assert client.post(url(name, measure_id=measure_a.pk), {}).status_code == 403, name
    assert client.get(url("measure-edit", measure_id=measure_a.pk)).status_code == 403
    create = url("measure-create", concern_id=concern_a.pk)
    assert client.post(create, {"name": "X", "direction": "higher"}).status_code == 403
    assert not measure_a.points.exists() and Measure.objects.count() == 1


def test_another_forces_staff_get_404(opcc_b, measure_a, concern_a):
    client = signed_in(opcc_b)
    for name in ["measure-edit", "measure-points", "measure-chart"]:
        assert client.get(url(name, measure_id=measure_a.pk)).status_code == 404, name
    for name in FORMS:
        assert client.post(url(name, measure_id=measure_a.pk), {}).status_code == 404, name
    assert client.post(url("measure-create", concern_id=concern_a.pk), {}).status_code == 404


def test_a_measure_of_another_forces_case_is_404_under_this_forces_address(opcc_a, measure_b):
    client = signed_in(opcc_a)
    for name in ["measure-edit", "measure-points", "measure-chart"]:
        assert client.get(url(name, measure_id=measure_b.pk)).status_code == 404, name
    response = client.post(url("measure-points", measure_id=measure_b.pk),
                           {"form": "add", "period": "2025-01-01", "value": "1"})
    assert response.status_code == 404
    assert not measure_b.points.exists()


def test_anonymous_visitors_are_sent_to_sign_in(measure_a):
    response = signed_in(None).get(url("measure-chart", measure_id=measure_a.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_chart_rejects_post(opcc_a, measure_a):
    assert signed_in(opcc_a).post(url("measure-chart", measure_id=measure_a.pk)).status_code == 405
