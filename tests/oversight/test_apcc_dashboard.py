"""The APCC's cross-force dashboard at /apcc/ and its CSV export."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engage.audit import acting_as
from forces.models import Force, MonitoringPeriod, Region
from oversight import apcc
from oversight.models import (
    Action,
    BuddyPairing,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    SupportOffer,
)
from oversight.selectors import rag_counts
from ppog.models import Meeting, ReviewPoint, Slot
from tests.conftest import signed_in
from tests.oversight.conftest import TODAY, make_action

DASHBOARD = "/apcc/"
EXPORT = "/apcc/export.csv"
# Forces that left Engage with both dates known, from forces/reference_data/engage-history.csv.
EXITED_MONTHS = [14, 21, 22, 22, 23, 31, 33, 56]


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_of(page: str, slug: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row" id="force-{slug}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {slug}"
    return re.sub(r"\s+", " ", match.group(1))


def table_order(page: str) -> list[str]:
    return re.findall(r'id="force-([a-z0-9-]+)"', page)


def test_the_median_comes_from_forces_that_left_with_both_dates_known(reference):
    history = apcc.exit_history(TODAY)
    assert list(history.months) == EXITED_MONTHS
    assert (history.minimum, history.median, history.maximum) == (14, 22.5, 56)


def test_illustrative_and_open_periods_are_left_out_of_the_history(reference):
    kent = Force.objects.get(slug="kent")
    MonitoringPeriod.objects.create(force=kent, start=datetime.date(2020, 1, 1),
                                    end=datetime.date(2020, 3, 1), is_illustrative=True)
    assert list(apcc.exit_history(TODAY).months) == EXITED_MONTHS


def test_it_lists_each_force_in_engage_against_the_median(apcc_lead, force_a, force_b):
    page = body(signed_in(apcc_lead).get(DASHBOARD))
    assert "2 forces in Engage" in page
    months = (TODAY.year - 2024) * 12 + TODAY.month - 12
    lincolnshire = row_of(page, "lincolnshire")
    assert f">{months}<" in lincolnshire
    assert f"{abs(months - 22.5):g} {'over' if months > 22.5 else 'under'} the median" \
        in lincolnshire
    assert "Since 6 December 2024" in lincolnshire
    assert "median is 22.5 months" in page


def test_it_counts_concerns_overdue_actions_and_the_plan_rag_like_the_plan_does(
        apcc_lead, case_a):
    CauseOfConcern.objects.create(case=case_a, title="Open", wording="w", raised=days(-99))
    CauseOfConcern.objects.create(case=case_a, title="Done", wording="w", raised=days(-99),
                                  status="discharged", discharged=days(-9))
    statuses = ["not_started", "on_track", "at_risk", "off_track", "complete"]
    for n, (status, due) in enumerate([(s, d) for s in statuses
                                       for d in (-5, 0, 10, 30, 31, 90)], start=1):
        make_action(case_a, n, status=status, due=days(due))
    row = next(r for r in apcc.dashboard_rows(on=TODAY) if r.force == case_a.force)
    assert row.rag == rag_counts(case_a, TODAY)
    assert (row.open_concerns, row.discharged_concerns) == (1, 1)
    assert row.rag["overdue"] == 4
    cells = row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "lincolnshire")
    assert "1 open" in cells and "1 discharged" in cells
    assert f"{row.rag['red']} red" in cells and f"{row.rag['green']} green" in cells


def test_it_shows_the_next_ppog_and_the_next_review_point(apcc_lead, case_a):
    for date in (days(-20), days(40), days(100)):
        Slot.objects.create(meeting=Meeting.objects.create(date=date), case=case_a)
    ReviewPoint.objects.create(case=case_a, due=days(-3), expectation="Past")
    ReviewPoint.objects.create(case=case_a, due=days(12), expectation="Met early", met=True)
    ReviewPoint.objects.create(case=case_a, due=days(60), expectation="Next")
    cells = row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "lincolnshire")
    assert f"{days(40):%-d %b %Y}" in cells
    assert f"{days(60):%-d %b %Y}" in cells
    assert "None booked" in row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "west-midlands")


def _age(update_or_position, field: str, days_ago: int) -> None:
    type(update_or_position).objects.filter(pk=update_or_position.pk).update(
        **{field: timezone.now() - datetime.timedelta(days=days_ago)})


def test_an_office_silent_for_over_30_days_is_flagged_stale(apcc_lead, opcc_a, action_a):
    update = ProgressUpdate.objects.create(action=action_a, author=opcc_a, as_of=days(-45),
                                           rag="green", text="Old news")
    _age(update, "created_at", 45)
    cells = row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "lincolnshire")
    assert "Stale" in cells and "No update for 45 days" in cells
    assert "Stale" in row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "west-midlands")
    assert "None recorded" in row_of(body(signed_in(apcc_lead).get(DASHBOARD)),
                                          "west-midlands")


def test_a_recent_position_makes_the_office_current(apcc_lead, opcc_a, action_a, concern_a):
    _age(ProgressUpdate.objects.create(action=action_a, author=opcc_a, as_of=days(-45),
                                       rag="green", text="Old"), "created_at", 45)
    position = Position.objects.create(concern=concern_a, side="opcc", rag="amber",
                                       statement="Better", as_of=days(-2))
    _age(position, "recorded_at", 2)
    cells = row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "lincolnshire")
    assert "Stale" not in cells and "2 days ago" in cells


def test_any_change_by_the_offices_staff_counts_as_an_update(apcc_lead, opcc_a, action_a):
    with acting_as(opcc_a):
        action_a.status = "at_risk"
        action_a.save()
    row = next(r for r in apcc.dashboard_rows(on=TODAY) if r.force == action_a.case.force)
    assert row.days_since_update == 0 and not row.stale


def test_changes_by_the_apcc_do_not_count_as_the_offices_update(apcc_lead, action_a):
    with acting_as(apcc_lead):
        action_a.status = "at_risk"
        action_a.save()
    row = next(r for r in apcc.dashboard_rows(on=TODAY) if r.force == action_a.case.force)
    assert row.last_update is None and row.stale


def test_it_shows_support_in_place_and_the_active_buddy(apcc_lead, force_a):
    for kind, status in [("buddy", "accepted"), ("premeet", "in_progress"),
                         ("workshop", "offered"), ("comms", "declined")]:
        SupportOffer.objects.create(force=force_a, kind=kind, status=status, offered_on=days(-9))
    BuddyPairing.objects.create(force=force_a, buddy=Force.objects.get(slug="durham"),
                                started=days(-5))
    BuddyPairing.objects.create(force=force_a, buddy=Force.objects.get(slug="kent"),
                                started=days(-99), ended=days(-50))
    cells = row_of(body(signed_in(apcc_lead).get(DASHBOARD)), "lincolnshire")
    assert "Buddy system (accepted)" in cells and "PPOG pre-meet (in progress)" in cells
    assert "Workshops" not in cells and "Communications" not in cells
    assert "Buddy: Durham Constabulary" in cells and "Kent" not in cells


def test_it_sorts_by_each_column_both_ways(apcc_lead, force_a, force_b):
    client = signed_in(apcc_lead)
    assert table_order(body(client.get(DASHBOARD))) == ["west-midlands", "lincolnshire"]
    assert table_order(body(client.get(f"{DASHBOARD}?sort=force"))) == [
        "lincolnshire", "west-midlands"]
    assert table_order(body(client.get(f"{DASHBOARD}?sort=-force"))) == [
        "west-midlands", "lincolnshire"]
    assert table_order(body(client.get(f"{DASHBOARD}?sort=months"))) == [
        "lincolnshire", "west-midlands"]
    for key in apcc.SORTS:
        for sort in (key, f"-{key}"):
            assert len(table_order(body(client.get(f"{DASHBOARD}?sort={sort}")))) == 2


def test_the_sorted_column_says_so_and_its_link_reverses_it(apcc_lead, force_a):
    page = body(signed_in(apcc_lead).get(f"{DASHBOARD}?sort=force"))
    header = re.search(r'<th scope="col"[^>]*aria-sort="ascending"[^>]*>(.*?)</th>', page, re.S)
    assert header and 'href="?sort=-force"' in header.group(1)


def test_an_unknown_sort_falls_back_to_the_longest_in_engage_first(apcc_lead, force_a):
    page = body(signed_in(apcc_lead).get(f"{DASHBOARD}?sort=drop+table"))
    assert table_order(page) == ["west-midlands", "lincolnshire"]


def test_it_filters_by_region_and_keeps_the_sort_in_the_header_links(apcc_lead, force_a):
    page = body(signed_in(apcc_lead).get(f"{DASHBOARD}?region=west-midlands&sort=force"))
    assert table_order(page) == ["west-midlands"]
    assert 'href="?region=west-midlands&amp;sort=-force"' in page


def test_it_filters_to_stale_offices_only(apcc_lead, opcc_a, action_a):
    ProgressUpdate.objects.create(action=action_a, author=opcc_a, as_of=TODAY, rag="green",
                                  text="Fresh")
    page = body(signed_in(apcc_lead).get(f"{DASHBOARD}?stale=on"))
    assert table_order(page) == ["west-midlands"]


def test_htmx_gets_only_the_results_with_the_sort_for_the_filters(apcc_lead, force_a):
    response = signed_in(apcc_lead).get(f"{DASHBOARD}?sort=force", HTTP_HX_REQUEST="true")
    page = body(response)
    assert page.lstrip().startswith('<div id="apcc-results"')
    assert '<input type="hidden" name="sort" form="apcc-filters" value="force">' in page
    assert "<h1" not in page
    assert "HX-Request" in response["Vary"]


def test_the_chart_is_an_accessible_svg_with_the_historical_range(apcc_lead, force_a):
    page = body(signed_in(apcc_lead).get(DASHBOARD))
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "which took 14 to 56 months (median 22.5)" in svg
    assert "Forces that left: 14 to 56 months" in svg and "Median: 22.5 months" in svg
    assert svg.count('fill="#1d70b8"') == 2
    assert "style=" not in page
    assert "The chart's figures" in page


def test_recent_returns_to_scan_are_listed_apart(apcc_lead, reference):
    kent = Force.objects.get(slug="kent")
    MonitoringPeriod.objects.create(force=kent, start=days(-700), end=days(-60))
    page = body(signed_in(apcc_lead).get(DASHBOARD))
    recent = page.split("Returned to Scan in the last year")[1]
    assert "Kent Police" in recent
    assert "kent" not in table_order(page)


def test_the_csv_has_the_same_rows_and_figures(apcc_lead, action_a, force_b):
    SupportOffer.objects.create(force=action_a.case.force, kind="buddy", status="accepted",
                                offered_on=days(-3))
    response = signed_in(apcc_lead).get(f"{EXPORT}?sort=force")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Force", "Region", "In Engage since", "Months in Engage"]
    assert [r[0] for r in rows[1:]] == ["Lincolnshire Police", "West Midlands Police"]
    lincolnshire = dict(zip(rows[0], rows[1], strict=True))
    assert lincolnshire["In Engage since"] == "2024-12-06"
    assert lincolnshire["Median months of forces that left Engage"] == "22.5"
    assert lincolnshire["Green"] == "1" and lincolnshire["Causes of concern open"] == "1"
    assert lincolnshire["Support in place"] == "Buddy system (accepted)"
    assert lincolnshire["Stale"] == "yes"


def test_the_csv_follows_the_filters(apcc_lead, force_a):
    rows = list(csv.reader(io.StringIO(signed_in(apcc_lead).get(
        f"{EXPORT}?region=east-midlands").content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Lincolnshire Police"]


def test_the_csv_neutralises_cells_a_spreadsheet_would_run(apcc_lead, force_a):
    region = Region.objects.create(name="+Region", slug="plus-region")
    evil = Force.objects.create(ons_code="X00000001", name="=HYPERLINK(\"http://x\")",
                                slug="evil", region=region, country="England")
    MonitoringPeriod.objects.create(force=evil, start=days(-400))
    BuddyPairing.objects.create(force=force_a, buddy=Force.objects.create(
        ons_code="X00000002", name="@SUM(1)", slug="at", region=region, country="England"),
        started=days(-1))
    text = signed_in(apcc_lead).get(EXPORT).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+Region" in text and "'@SUM(1)" in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text


def _add_forces_in_engage(n: int, start: int, author) -> None:
    region = Region.objects.get_or_create(name="Bench region", slug="bench-region")[0]
    buddy = Force.objects.get(slug="durham")
    for i in range(start, start + n):
        force = Force.objects.create(ons_code=f"Z{i:08d}", name=f"Extra force {i}",
                                     slug=f"extra-{i}", region=region, country="England")
        period = MonitoringPeriod.objects.create(force=force, start=days(-300 - i))
        case = EngageCase.objects.create(force=force, period=period)
        concern = CauseOfConcern.objects.create(case=case, title="c", wording="w",
                                                raised=days(-200))
        for n_action in range(1, 4 + i % 3):
            action = make_action(case, n_action, due=days(n_action * 7 - 10))
            ProgressUpdate.objects.create(action=action, author=author, as_of=TODAY,
                                          rag="amber", text="u")
        Position.objects.create(concern=concern, side="force", rag="red", statement="s",
                                as_of=TODAY)
        Slot.objects.create(meeting=Meeting.objects.create(date=days(30 + i)), case=case)
        ReviewPoint.objects.create(case=case, due=days(50), expectation="e")
        SupportOffer.objects.create(force=force, kind="buddy", status="accepted",
                                    offered_on=TODAY)
        BuddyPairing.objects.create(force=force, buddy=buddy, started=TODAY)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", [DASHBOARD, f"{DASHBOARD}?sort=updated&stale=on", EXPORT])
def test_its_query_count_does_not_grow_with_forces_or_actions(apcc_lead, opcc_a, path):
    client = signed_in(apcc_lead)
    _add_forces_in_engage(2, 0, opcc_a)
    client.get(path)
    before = _queries(client, path)
    _add_forces_in_engage(12, 2, opcc_a)
    assert Action.objects.count() > 40
    assert _queries(client, path) == before


def test_the_dashboard_answers_in_a_handful_of_queries(apcc_lead, opcc_a):
    client = signed_in(apcc_lead)
    _add_forces_in_engage(5, 0, opcc_a)
    client.get(DASHBOARD)
    # About eight for the page's chrome (session, user, device, roles, the header's notification
    # count, the session's renewal) and thirteen for the dashboard itself.
    assert _queries(client, DASHBOARD) <= 22


APCC_ONLY = [DASHBOARD, EXPORT, "/apcc/forces/lincolnshire/", "/apcc/forces/lincolnshire/offers/new/",
             "/apcc/forces/lincolnshire/buddies/new/", "/apcc/forces/lincolnshire/debrief/",
             "/apcc/learning/new/"]


@pytest.mark.parametrize("persona", ["opcc_a", "pcc_a", "opcc_b"])
def test_offices_and_pccs_get_403_on_every_apcc_page(persona, request, force_a):
    client = signed_in(request.getfixturevalue(persona))
    offer = SupportOffer.objects.create(force=force_a, kind="buddy", offered_on=TODAY)
    for path in [*APCC_ONLY, f"/apcc/offers/{offer.pk}/edit/"]:
        assert client.get(path).status_code == 403, path
        assert client.post(path, {}).status_code == 403, path


def test_anonymous_people_are_sent_to_sign_in(reference):
    for path in APCC_ONLY:
        response = signed_in(None).get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"), path


def test_admins_see_the_dashboard_too(admin_user, force_a):
    assert "Forces in Engage" in body(signed_in(admin_user).get(DASHBOARD))


def test_it_rejects_other_methods(apcc_lead, force_a):
    client = signed_in(apcc_lead)
    assert client.post(DASHBOARD).status_code == 405
    assert client.post(EXPORT).status_code == 405
