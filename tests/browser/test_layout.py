"""What the page looks like around the content: the menu, and pages on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean_console

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "has_touch": True}


def test_only_the_page_you_are_on_is_marked_current_in_the_menu(signed_in_page, opcc_a):
    page = signed_in_page(opcc_a)
    page.goto("/forces/lincolnshire/")

    menu = page.get_by_role("navigation", name="Menu")
    current = menu.locator("[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Our force")
    assert_clean_console(page)


def test_pages_fit_a_phone_screen_without_sideways_scrolling(signed_in_page, opcc_a, screenshot):
    page = signed_in_page(opcc_a, **PHONE)
    too_wide = {}
    for label, url in [("dashboard", "/"), ("forces", "/forces/"),
                       ("force", "/forces/gloucestershire/")]:
        page.goto(url)
        screenshot(page, f"phone-{label}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[url] = width

    assert not too_wide, f"pages wider than a 375px phone screen: {too_wide}"
    assert_clean_console(page)
