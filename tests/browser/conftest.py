"""Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser`` by its module (so ``tests.parts`` skips it where Chromium
is missing). Pages come from ``watched_page``: each one records console errors, uncaught
exceptions and CSP refusals, and ``assert_clean_console`` fails on any of them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from engage.models import User
from tests.conftest import PASSWORD
# The Engage case fixtures live beside the oversight tests; pytest finds them here only when
# this conftest imports them.
from tests.oversight.conftest import action_a, case_a, concern_a, rec_a  # noqa: F401
from tests.parts import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}

# Chrome logs every document answered with 4xx as a console error. An invalid form is answered
# 422 on purpose (STYLE.md), so that one line is expected; anything else is a fault. Chromium asks
# for /favicon.ico on its own schedule, so whether its 404 lands in a test depends on timing: it is
# left out here rather than making tests flaky.
EXPECTED_422 = re.compile(r"Failed to load resource: the server responded with a status of 422")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-GB",
            "timezone_id": "Europe/London"}


def _watch(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type == "error" and not EXPECTED_422.search(message.text):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught on {page.url}: {error}"))
    return problems


@pytest.fixture
def watched_page(browser: Browser, browser_context_args: dict) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh contexts (``java_script_enabled=False`` and such pass through)."""
    contexts = []

    def open_page(**context_args) -> Page:
        context = browser.new_context(**{**browser_context_args, **context_args})
        contexts.append(context)
        page = context.new_page()
        page.console_problems = _watch(page)  # type: ignore[attr-defined]
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_clean_console(page: Page) -> None:
    """No console error, uncaught exception or CSP refusal since the page was opened."""
    problems = page.console_problems  # type: ignore[attr-defined]
    assert not problems, "The browser reported:\n" + "\n".join(problems)


def totp_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(page: Page, user: User, *, password: str = PASSWORD) -> None:
    """Through the real form, and through the security-code form where the user has a device."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.url.split("?")[0].endswith("/accounts/two-factor/"):
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
        page.get_by_label("Security code").fill(totp_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


@pytest.fixture
def signed_in_page(watched_page) -> Callable[..., Page]:
    def open_as(user: User, **context_args) -> Page:
        page = watched_page(**context_args)
        sign_in(page, user)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return open_as


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Full-page PNGs in screenshots/, named <test>--<label>.png, for a person to look at."""

    def take(page: Page, label: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}--{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def assert_accessible(page: Page) -> None:
    """axe-core finds nothing serious or critical (minor and moderate are left to review)."""
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}"
                     for node in violation["nodes"])
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(lines)
