"""In a real browser: the header's count, marking one read with htmx (the item and the count
change in place), and the same without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engage.models import Notification
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    assert_accessible,
    assert_clean_console,
    browser_context_args,
    browser_type_launch_args,
    screenshot,
    signed_in_page,
    watched_page,
)
from tests.notifications.test_notification_pages import BASE_HTML, note

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif("notification_badge" not in BASE_HTML.read_text(),
                       reason="base.html does not include components/notification_badge.html yet"),
]


@pytest.fixture
def two_unread(opcc_a, wired):
    return [note(opcc_a, 1), note(opcc_a, 2)]


def test_marking_one_read_updates_the_item_and_the_count_in_place(signed_in_page, opcc_a,
                                                                  two_unread, screenshot):
    page = signed_in_page(opcc_a)
    page.goto("/notifications/")
    badge = page.locator("#notification-badge")
    expect(badge).to_contain_text("2 unread notifications")
    assert_accessible(page)
    screenshot(page, "list")
    page.get_by_role("button", name="Mark “Reminder 2” as read").click()
    expect(page.locator("#notification-" + str(two_unread[1].pk))).to_contain_text(
        "Marked as read")
    expect(badge).to_contain_text("1 unread notifications")
    assert page.url.endswith("/notifications/")
    assert Notification.objects.filter(user=opcc_a, read_at__isnull=True).count() == 1
    assert_clean_console(page)


def test_without_javascript_marking_read_reloads_the_list(signed_in_page, opcc_a, two_unread):
    page = signed_in_page(opcc_a, java_script_enabled=False)
    page.goto("/notifications/")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("2 notifications marked as read.")).to_be_visible()
    expect(page.locator("#notification-badge")).not_to_contain_text("unread")
