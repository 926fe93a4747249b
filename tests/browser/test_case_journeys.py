"""The Engage case in a real browser: the improvement plan, progress updates with evidence, a
cause of concern's positions, and what a PCC can and cannot do there."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from oversight.models import Action, Comment, Evidence, Position, ProgressUpdate
from tests.browser.conftest import assert_accessible, assert_clean_console
from tests.oversight.conftest import make_action

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
PLAN = "/forces/lincolnshire/plan/"
# The smallest file that is a PDF by its first bytes, as the upload check reads it.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def plan_of_six(case, concern, rec) -> dict[str, Action]:
    """Six actions with mixed owners, statuses and due dates; one of them is overdue."""
    actions = {
        "overdue": make_action(case, 2, title="Recruit call handlers", owner="Head of Contact",
                               due=days(-5), status="not_started"),
        "contact": make_action(case, 1, title="Answer 999 calls faster", owner="Head of Contact",
                               due=days(10), status="on_track"),
        "triage": make_action(case, 4, title="Triage repeat callers", owner="Head of Crime",
                              due=days(20), status="off_track"),
        "audit": make_action(case, 3, title="Audit crime recording", owner="Head of Crime",
                             due=days(40), status="at_risk"),
        "training": make_action(case, 5, title="Train call supervisors", owner="Head of Learning",
                                due=days(60), status="complete", completed=days(-3)),
        "script": make_action(case, 6, title="Review the call script", owner="Head of Contact",
                              due=days(90), status="not_started"),
    }
    for key in ("overdue", "contact", "script"):
        actions[key].concerns.add(concern)
    for key in ("triage", "audit"):
        actions[key].recommendations.add(rec)
    return actions


def plan_links(page: Page):
    return page.locator("#plan-results tbody tr td:first-child a")


def mark_the_page(page: Page):
    """A marker a full page load would lose, and the h1 it would replace."""
    page.evaluate("window.stillTheSamePage = true")
    return page.get_by_role("heading", level=1).element_handle()


def assert_same_page(page: Page, heading) -> None:
    assert page.evaluate("window.stillTheSamePage") is True, "the page was loaded again"
    assert heading.evaluate("h1 => h1.isConnected"), "the whole page was replaced"


def test_the_plan_filters_and_sorts_in_place(
    signed_in_page, opcc_a, case_a, concern_a, rec_a, screenshot
):
    plan_of_six(case_a, concern_a, rec_a)
    page = signed_in_page(opcc_a)
    page.goto(PLAN)

    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    caption = page.locator("#plan-results caption")
    expect(caption).to_have_text(re.compile(r"^\s*6 actions\s*$"))
    expect(plan_links(page)).to_have_text([
        "A2 Recruit call handlers", "A1 Answer 999 calls faster", "A4 Triage repeat callers",
        "A3 Audit crime recording", "A5 Train call supervisors", "A6 Review the call script"])
    expect(page.get_by_role("link", name="Add an action")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "plan")
    heading = mark_the_page(page)

    page.get_by_label("Owner", exact=True).select_option(label="Head of Contact")

    expect(caption).to_have_text(re.compile(r"^\s*3 actions\s*$"))
    expect(page).to_have_url(re.compile(r"/plan/\?.*owner=Head(\+|%20)of(\+|%20)Contact"))
    expect(plan_links(page)).to_have_text([
        "A2 Recruit call handlers", "A1 Answer 999 calls faster", "A6 Review the call script"])

    page.get_by_label("Overdue only").check()

    expect(caption).to_have_text(re.compile(r"^\s*1 action\s*$"))
    expect(page).to_have_url(re.compile(r"owner=Head(\+|%20)of(\+|%20)Contact"))
    expect(page).to_have_url(re.compile(r"[?&]overdue=on(&|$)"))
    expect(plan_links(page)).to_have_text(["A2 Recruit call handlers"])
    expect(page.locator("#plan-results td.app-overdue")).to_contain_text("Overdue")
    assert_same_page(page, heading)
    assert_accessible(page)
    screenshot(page, "plan-filtered")

    page.get_by_label("Overdue only").uncheck()
    expect(caption).to_have_text(re.compile(r"^\s*3 actions\s*$"))
    page.get_by_label("Owner", exact=True).select_option(label="Any owner")
    expect(caption).to_have_text(re.compile(r"^\s*6 actions\s*$"))
    page.get_by_label("Sort by").select_option(label="Due date, latest first")

    expect(page).to_have_url(re.compile(r"sort=-due"))
    expect(page).not_to_have_url(re.compile(r"overdue=on"))
    expect(plan_links(page)).to_have_text([
        "A6 Review the call script", "A5 Train call supervisors", "A3 Audit crime recording",
        "A4 Triage repeat callers", "A1 Answer 999 calls faster", "A2 Recruit call handlers"])
    assert_same_page(page, heading)
    assert_clean_console(page)
    screenshot(page, "plan-latest-first")

    # The address the filters were pushed to opens the same view from cold.
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("-due")
    expect(plan_links(page).first).to_have_text("A6 Review the call script")


def test_an_action_status_changes_in_place_with_javascript(
    signed_in_page, opcc_a, case_a, concern_a, rec_a, screenshot
):
    actions = plan_of_six(case_a, concern_a, rec_a)
    contact = actions["contact"]
    page = signed_in_page(opcc_a)
    page.goto(PLAN)
    row = page.locator(f"#action-{contact.pk}")
    expect(row).to_contain_text("Green – on track")
    expect(row.get_by_role("button", name=re.compile("^Save"))).to_be_hidden()
    heading = mark_the_page(page)

    page.get_by_label(f"Status of {contact.title}").select_option(label="At risk")

    expect(row).to_contain_text("Amber – at risk")
    expect(row.get_by_role("status")).to_have_text("Saved")
    expect(page.get_by_label(f"Status of {contact.title}")).to_have_value("at_risk")
    assert_same_page(page, heading)
    contact.refresh_from_db()
    assert contact.status == "at_risk"
    assert contact.version == 2
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "saved-in-place")


def test_an_action_status_changes_with_the_save_button_without_javascript(
    signed_in_page, opcc_a, case_a, concern_a, rec_a, screenshot
):
    actions = plan_of_six(case_a, concern_a, rec_a)
    triage = actions["triage"]
    no_js = signed_in_page(opcc_a, java_script_enabled=False)
    no_js.goto(PLAN)
    no_js.get_by_label(f"Status of {triage.title}").select_option(label="On track")
    with no_js.expect_navigation():
        no_js.get_by_role("button", name=f"Save status of {triage.title}").click()

    expect(no_js).to_have_url(re.compile(r"/forces/lincolnshire/plan/$"))
    banner = no_js.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"{triage} is now on track.")
    expect(no_js.locator(f"#action-{triage.pk}")).to_contain_text("Green – on track")
    expect(no_js.get_by_label(f"Status of {triage.title}")).to_have_value("on_track")
    triage.refresh_from_db()
    assert triage.status == "on_track"
    assert_clean_console(no_js)
    screenshot(no_js, "saved-without-javascript")


def fill_update(page: Page, *, text: str, files: list[Path]) -> None:
    page.get_by_label("Progress as of").fill(days(-2).isoformat())
    page.get_by_label("Amber").check()
    page.get_by_label("Update", exact=True).fill(text)
    page.get_by_label("Evidence (optional)").set_input_files(files)


def test_a_progress_update_carries_a_pdf_that_downloads_as_it_was_sent(
    signed_in_page, opcc_a, action_a, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)
    action_url = f"{PLAN}actions/{action_a.pk}/"
    page = signed_in_page(opcc_a)
    page.goto(action_url)
    expect(page.get_by_text("No progress updates yet.")).to_be_visible()

    page.get_by_role("button", name="Add a progress update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a progress update")
    text = "Call handling now meets the 10 second target on weekdays; weekends lag."
    fill_update(page, text=text, files=[evidence])
    with page.expect_navigation():
        page.get_by_role("button", name="Add update").click()

    expect(page).to_have_url(re.compile(re.escape(action_url) + "$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your progress update is added.")
    update = page.locator("article.app-card")
    expect(update).to_have_count(1)
    expect(update).to_contain_text(text)
    expect(update.get_by_role("heading", level=3)).to_contain_text(
        f"Progress as of {days(-2).day} ")
    expect(update.locator(".govuk-tag")).to_have_text("RAG rating: Amber")
    link = update.get_by_role("link", name="evidence.pdf")
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "action-with-update")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "evidence.pdf"
    assert Path(download.path()).read_bytes() == PDF

    page.get_by_role("button", name="Add a progress update").click()
    not_a_pdf = tmp_path / "report.pdf"
    not_a_pdf.write_bytes(b"MZ\x90\x00 this is not a PDF at all")
    fill_update(page, text="A second update that must not be saved.", files=[not_a_pdf])
    with page.expect_navigation():
        page.get_by_role("button", name="Add update").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    message = "report.pdf is not a PDF: its contents do not match its .pdf extension"
    group = page.locator(".govuk-form-group--error")
    expect(group).to_have_count(1)
    expect(group.locator(".govuk-error-message")).to_contain_text(message)
    expect(group.get_by_label("Evidence (optional)")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.get_by_label("Update", exact=True)).to_have_value(
        "A second update that must not be saved.")
    assert ProgressUpdate.objects.filter(action=action_a).count() == 1
    assert Evidence.objects.count() == 1
    assert len(list((tmp_path / "media").rglob("*.pdf"))) == 1
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "update-form-error")


def test_the_concern_case_and_exit_pages_show_where_things_stand(
    signed_in_page, opcc_a, case_a, concern_a, rec_a, action_a, screenshot
):
    for side, rag, statement, ago in [
        ("force", "green", "Calls are answered within 10 seconds 92% of the time.", 20),
        ("opcc", "amber", "Improving, but the weekend figures are not yet assured.", 12),
        ("hmicfrs", "red", "Not yet sufficient: the improvement is not sustained.", 5),
    ]:
        Position.objects.create(concern=concern_a, side=side, rag=rag, statement=statement,
                                as_of=days(-ago), recorded_by=opcc_a)
    page = signed_in_page(opcc_a)
    page.goto(f"/forces/lincolnshire/concerns/{concern_a.pk}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Answering 999 calls")
    positions = page.locator(".app-positions").first
    expect(positions.get_by_text("Positions differ")).to_be_visible()
    expect(positions.locator(".app-position")).to_have_count(3)
    expect(positions.locator(".app-position .govuk-tag")).to_have_text(["Green", "Amber", "Red"])
    # Side by side: the three columns share one row on a desktop screen.
    tops = positions.locator(".app-position").evaluate_all(
        "columns => columns.map(c => Math.round(c.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, f"the positions are not side by side: {tops}"
    expect(page.get_by_role("link", name="A1 Action 1")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "concern")

    page.goto("/forces/lincolnshire/case/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Engage case")
    expect(page.get_by_role("link", name="CoC 1 Answering 999 calls")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "case")

    page.goto("/forces/lincolnshire/exit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exit readiness")
    expect(page.get_by_role("heading", level=2, name="Exit themes")).to_be_visible()
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "exit-readiness")


def test_a_pcc_reads_the_plan_and_comments_on_a_concern(
    signed_in_page, pcc_a, case_a, concern_a, rec_a, screenshot
):
    plan_of_six(case_a, concern_a, rec_a)
    page = signed_in_page(pcc_a)
    page.goto(PLAN)

    expect(page.locator("#plan-results caption")).to_have_text(re.compile(r"^\s*6 actions\s*$"))
    expect(page.locator("#plan-results select")).to_have_count(0)
    expect(page.locator("#plan-results form")).to_have_count(0)
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    expect(page.get_by_role("link", name="Import a plan")).to_have_count(0)
    # Readers see the RAG (status in words), without the status column editors change.
    expect(page.locator("#plan-results tbody tr").first).to_contain_text("Red – overdue")
    expect(page.locator("#plan-results thead")).not_to_contain_text("Status")
    assert_accessible(page)
    screenshot(page, "pcc-plan")

    page.goto(f"/forces/lincolnshire/concerns/{concern_a.pk}/")
    expect(page.get_by_role("link", name="Record a position")).to_have_count(0)
    comment = "Please bring the weekend call figures to the next accountability board."
    page.get_by_label("Add a comment").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Add comment").click()

    expect(page).to_have_url(re.compile(rf"/concerns/{concern_a.pk}/#comments$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your comment is added.")
    posted = page.locator(".app-comment")
    expect(posted).to_have_count(1)
    expect(posted).to_contain_text(comment)
    expect(posted).to_contain_text(pcc_a.full_name)
    assert Comment.objects.get().author == pcc_a
    assert_accessible(page)
    assert_clean_console(page)
    screenshot(page, "pcc-comment")
