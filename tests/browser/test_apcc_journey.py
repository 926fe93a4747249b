"""The APCC's journey in a real browser: sorting the dashboard in place, recording a support
offer for Lincolnshire, and Lincolnshire's office accepting it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forces.models import Force, Grade, PeelArea, PeelAssessment, PeelCycle, PeelGrade
from oversight.models import SupportOffer
from tests.browser.conftest import assert_accessible, assert_clean_console
from tests.oversight.conftest import TODAY, make_action
from tests.oversight.test_support import support_urls  # noqa: F401  (until it is spliced)

pytestmark = pytest.mark.browser

DASHBOARD = "/apcc/"


def force_order(page: Page):
    return page.locator("#apcc-table tbody th[scope=row] a")


def strong_in_responding(case, concern) -> None:
    """Lincolnshire's concern is in Responding to the public; two forces are strong there."""
    cycle = PeelCycle.objects.get(name="2023–25")
    area = PeelArea.objects.get(cycle=cycle, name="Responding to the public")
    concern.peel_area = area
    concern.save()
    for slug, grade in [("cleveland", Grade.OUTSTANDING), ("dorset", Grade.GOOD)]:
        assessment = PeelAssessment.objects.create(force=Force.objects.get(slug=slug),
                                                   cycle=cycle)
        PeelGrade.objects.create(assessment=assessment, area=area, grade=grade)
    for n, (status, due) in enumerate([("on_track", 20), ("at_risk", 40), ("not_started", -4)],
                                      start=1):
        make_action(case, n, status=status, due=TODAY.fromordinal(TODAY.toordinal() + due))


def test_an_apcc_lead_sorts_the_dashboard_and_offers_support_that_the_office_accepts(
    signed_in_page, apcc_lead, opcc_a, case_a, concern_a, screenshot
):
    strong_in_responding(case_a, concern_a)
    page = signed_in_page(apcc_lead)
    page.goto(DASHBOARD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Forces in Engage")
    expect(force_order(page)).to_have_text(["West Midlands Police", "Lincolnshire Police"])
    expect(page.get_by_role("img", name=re.compile("Months in Engage of each force"))) \
        .to_be_visible()
    assert_accessible(page)
    screenshot(page, "dashboard")

    page.evaluate("window.stillTheSamePage = true")
    page.locator("#apcc-table thead").get_by_role("link", name="Force", exact=True).click()

    expect(force_order(page)).to_have_text(["Lincolnshire Police", "West Midlands Police"])
    expect(page).to_have_url(re.compile(r"/apcc/\?sort=force$"))
    expect(page.locator("#apcc-table th[aria-sort=ascending]")).to_contain_text("Force")
    expect(page.locator("input[name=sort]")).to_have_value("force")
    assert page.evaluate("window.stillTheSamePage") is True, "the page was loaded again"
    screenshot(page, "dashboard-sorted-by-force")

    page.get_by_label("Region").select_option(label="East Midlands")
    expect(force_order(page)).to_have_text(["Lincolnshire Police"])
    expect(page).to_have_url(re.compile(r"region=east-midlands"))
    expect(page).to_have_url(re.compile(r"sort=force"))
    assert page.evaluate("window.stillTheSamePage") is True, "the page was loaded again"

    page.get_by_role("link", name="Lincolnshire Police").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lincolnshire Police")
    expect(page.get_by_text("Outstanding in Responding to the public (PEEL 2023–25); exited "
                            "Engage in September 2023")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "force")

    page.get_by_role("link", name="Record a support offer").click()
    page.get_by_label("Peer review").check()
    page.get_by_label("Notes (optional)").fill("Humberside Police could review your control room.")
    assert_accessible(page)
    screenshot(page, "offer-form")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Peer review for Lincolnshire Police is saved.")
    expect(page.locator("table").first).to_contain_text("Offered")
    offer = SupportOffer.objects.get(force=case_a.force)
    assert (offer.kind, offer.status, offer.recorded_by) == ("peer_review", "offered", apcc_lead)
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "force-with-offer")

    office = signed_in_page(opcc_a)
    office.goto("/forces/lincolnshire/support/")
    card = office.locator(f"#offer-{offer.pk}")
    expect(card).to_contain_text("Humberside Police could review your control room.")
    assert_accessible(office)
    screenshot(office, "support-offered")
    office.evaluate("window.stillTheSamePage = true")

    card.get_by_role("button", name="Accept peer review").click()

    expect(office.locator(f"#offer-{offer.pk}")).to_contain_text("You accepted this offer.")
    expect(office.locator(f"#offer-{offer.pk}").get_by_role("button")).to_have_count(0)
    assert office.evaluate("window.stillTheSamePage") is True, "the page was loaded again"
    offer.refresh_from_db()
    assert (offer.status, offer.responded_on) == ("accepted", TODAY)
    assert_accessible(office)
    assert_clean_console(office)
    screenshot(office, "support-accepted")

    page.goto(DASHBOARD)
    expect(page.locator("#force-lincolnshire")).to_contain_text("Peer review (accepted)")


def test_the_dashboard_sorts_by_its_header_links_without_javascript(
    signed_in_page, apcc_lead, case_a, screenshot
):
    page = signed_in_page(apcc_lead, java_script_enabled=False)
    page.goto(DASHBOARD)
    with page.expect_navigation():
        page.locator("#apcc-table thead").get_by_role("link", name="Months in Engage").click()
    expect(page).to_have_url(re.compile(r"sort=months"))
    page.get_by_label("Region").select_option(label="East Midlands")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    expect(force_order(page)).to_have_text(["Lincolnshire Police"])
    expect(page).to_have_url(re.compile(r"region=east-midlands"))
    expect(page).to_have_url(re.compile(r"sort=months"))
    assert_clean_console(page)
    screenshot(page, "dashboard-no-js")


def test_an_office_searches_the_learning_library_in_place(signed_in_page, pcc_a, screenshot):
    from django.apps import apps

    from oversight import case_studies

    case_studies.load(apps)
    page = signed_in_page(pcc_a)
    page.goto("/apcc/learning/")
    results = page.locator("#learning-results")
    expect(results).to_contain_text("4 results")
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Exit theme").select_option(label="Asking for help")

    expect(results).to_contain_text("1 result for this search")
    expect(results).to_contain_text("Gloucestershire: out of Engage within 21 months")
    expect(page).to_have_url(re.compile(r"theme=help"))
    assert page.evaluate("window.stillTheSamePage") is True, "the page was loaded again"
    screenshot(page, "learning-filtered")

    page.get_by_role("link", name="Gloucestershire: out of Engage within 21 months").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gloucestershire: out of Engage within 21 months")
    expect(page.get_by_text("APCC Engage Toolkit (May 2024)")).to_be_visible()
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "case-study")
