"""The journeys a person makes in a real browser, with the site's real CSP, htmx and GOV.UK JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_clean_console, sign_in, totp_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_opcc_staff_sign_in_through_the_form_and_see_their_force(
    watched_page, opcc_a, screenshot
):
    page = watched_page()
    page.goto("/accounts/login/")
    expect(page).to_have_title("Sign in – Engage case manager")
    assert_accessible(page)
    screenshot(page, "sign-in")

    sign_in(page, opcc_a)

    assert page.url.endswith("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your force")
    expect(page.get_by_role("heading", level=2, name="Lincolnshire Police")).to_be_visible()
    expect(page.get_by_text(opcc_a.email)).to_be_visible()
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "dashboard")


def test_the_force_list_filters_in_place_with_javascript(signed_in_page, opcc_a, screenshot):
    page = signed_in_page(opcc_a)
    page.goto("/forces/")
    caption = page.locator("#force-results caption")
    expect(caption).to_have_text(re.compile(r"^\s*43 forces, \d+ in Engage\s*$"))
    heading = page.get_by_role("heading", level=1).element_handle()
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Region").select_option(label="Wales")

    expect(caption).to_have_text(re.compile(r"^\s*4 forces\s*$"))
    expect(page).to_have_url(re.compile(r"/forces/\?region=wales&status=$"))
    expect(page.locator("#force-results tbody tr")).to_have_count(4)
    expect(page.get_by_role("link", name="Dyfed-Powys Police")).to_be_visible()
    screenshot(page, "wales")

    page.get_by_label("Monitoring status").select_option(label="Engage")

    expect(page).to_have_url(re.compile(r"/forces/\?region=wales&status=engage$"))
    expect(caption).to_have_text(re.compile(r"^\s*0 forces\s*$"))
    expect(page.get_by_role("cell", name="No force matches these filters.")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True, "the filter reloaded the page"
    assert heading.evaluate("h1 => h1.isConnected"), "the filter replaced the whole page"
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "wales-in-engage")


def test_the_force_list_filters_with_the_button_without_javascript(
    signed_in_page, opcc_a, screenshot
):
    page = signed_in_page(opcc_a, java_script_enabled=False)
    page.goto("/forces/")
    page.get_by_label("Region").select_option(label="Wales")

    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/forces/\?region=wales&status=$"))
    expect(page.locator("#force-results caption")).to_have_text(re.compile(r"^\s*4 forces\s*$"))
    expect(page.get_by_label("Region")).to_have_value("wales")
    expect(page.get_by_role("link", name="Gwent Police")).to_be_visible()

    page.get_by_label("Monitoring status").select_option(label="Scan")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/forces/\?region=wales&status=scan$"))
    expect(page.locator("#force-results caption")).to_have_text(re.compile(r"^\s*4 forces\s*$"))
    assert_clean_console(page)
    screenshot(page, "wales-scan-no-js")


def test_a_force_timeline_opens_from_the_list_with_month_precision(
    signed_in_page, opcc_a, screenshot
):
    page = signed_in_page(opcc_a)
    page.goto("/forces/")

    page.get_by_role("link", name="Gloucestershire Constabulary").click()

    expect(page).to_have_url(re.compile(r"/forces/gloucestershire/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gloucestershire Constabulary")
    timeline = page.locator("ol.app-timeline")
    expect(timeline).to_contain_text("December 2021 to 20 September 2023")
    expect(timeline).not_to_contain_text("1 December 2021")
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "gloucestershire")


def test_an_apcc_lead_signs_in_with_a_security_code(watched_page, apcc_lead, screenshot):
    page = watched_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(apcc_lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)
    screenshot(page, "security-code")
    page.get_by_label("Security code").fill(totp_code(apcc_lead))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Forces in Engage")
    expect(page.get_by_role("link", name="Lincolnshire Police")).to_be_visible()
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "apcc-dashboard")


def test_a_wrong_password_shows_the_error_summary(watched_page, opcc_a, screenshot):
    page = watched_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(opcc_a.email)
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(opcc_a.email)
    assert_accessible(page)
    screenshot(page, "wrong-password")

    summary.get_by_role("link", name="Enter a correct email address and password").click()

    expect(page.get_by_label("Email address")).to_be_focused()
    assert_clean_console(page)
