"""The briefing pack in a real browser: OPCC staff draft and hand it over, the PCC comments and
approves, a later edit withdraws the approval, the PCC approves again and the pack is issued."""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from oversight import question_bank
from ppog.models import BriefingPack, Meeting
from ppog.services import slot_add
from tests.browser.conftest import assert_accessible, assert_clean_console

pytestmark = pytest.mark.browser

STATEMENT = ("The Chief Constable has a clear plan for the control room. 999 calls answered "
             "within ten seconds rose from 71% to 84% since the last PPOG; 101 waits are "
             "still too long and I am holding the force to account on them monthly.")


def pack_url(pack: BriefingPack, rest: str = "") -> str:
    return f"/ppog/{pack.slot.meeting_id}/{pack.slot.case.force.slug}/pack/{rest}"


def status_of(page: Page):
    return page.locator("#pack-status")


def test_the_pcc_approves_and_an_edit_withdraws_the_approval(
    signed_in_page, opcc_a, pcc_a, case_a, concern_a, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = Meeting.objects.create(date=datetime.date.today() + datetime.timedelta(days=14),
                                     place="HMICFRS, London")
    pack = slot_add(actor=opcc_a, meeting=meeting, case=case_a).pack

    # OPCC staff write the PCC's statement and hand the pack over.
    opcc = signed_in_page(opcc_a)
    opcc.goto(pack_url(pack))
    expect(opcc.get_by_role("heading", level=1)).to_have_text("The PCC's briefing pack")
    expect(status_of(opcc)).to_contain_text("Draft")
    opcc.get_by_role("link", name="Edit the statement, barriers and support").click()
    opcc.get_by_label("The PCC's overview statement").fill(STATEMENT)
    opcc.get_by_label("Barriers to be honest about").fill(
        "A supplier contract means 999 calls are transferred by hand until March.")
    expect(opcc.locator(".govuk-character-count__status")).to_contain_text("words remaining")
    assert_accessible(opcc)
    screenshot(opcc, "opcc-edit-form")
    opcc.get_by_role("button", name="Save").click()
    expect(opcc.locator(".govuk-notification-banner")).to_contain_text("The pack is saved.")
    opcc.get_by_role("button", name="Mark ready for the PCC").click()
    expect(status_of(opcc)).to_contain_text("Ready for the PCC")
    assert_accessible(opcc)
    screenshot(opcc, "opcc-pack-ready")

    # The PCC reads it, comments on the statement and approves this version.
    pcc = signed_in_page(pcc_a)
    pcc.goto(pack_url(pack))
    statement = pcc.locator("#section-statement")
    expect(statement).to_contain_text("999 calls answered within ten seconds")
    expect(pcc.get_by_role("link", name="Edit the statement, barriers and support")
           ).to_have_count(0)
    statement.get_by_text("Comment on this section").click()
    statement.get_by_label("Your comment").fill("Lead with the 999 figures; cut the 101 line.")
    statement.get_by_role("button", name=re.compile("Add comment")).click()
    expect(pcc.locator("#section-statement .app-comment")).to_contain_text("Lead with the 999")
    expect(pcc.locator("#section-statement .app-comment")).to_contain_text("on version 2")
    assert_accessible(pcc)
    screenshot(pcc, "pcc-before-approval")
    pcc.get_by_role("button", name="Approve version 2").click()
    expect(status_of(pcc)).to_contain_text("Approved")
    expect(status_of(pcc)).to_contain_text("Version 2 approved by")

    # OPCC staff change the statement afterwards: the approval is withdrawn.
    opcc.goto(pack_url(pack, "edit/"))
    expect(opcc.locator(".govuk-warning-text")).to_contain_text("Saving a change withdraws")
    opcc.get_by_label("The PCC's overview statement").fill(STATEMENT.replace(
        " 101 waits are still too long and I am holding the force to account on them monthly.",
        ""))
    opcc.get_by_role("button", name="Save").click()
    expect(opcc.get_by_role("heading", name="Approval withdrawn: edited after approval")
           ).to_be_visible()
    expect(status_of(opcc)).to_contain_text("Approval withdrawn")

    pcc.reload()
    expect(pcc.get_by_role("heading", name="Approval withdrawn: edited after approval")
           ).to_be_visible()
    expect(pcc.locator("#section-statement .app-comment")).to_contain_text(
        "(the pack has changed since)")
    assert_accessible(pcc)
    screenshot(pcc, "pcc-approval-withdrawn")
    pcc.get_by_role("button", name="Approve version 3").click()
    expect(status_of(pcc)).to_contain_text("Version 3 approved by")

    # The PCC issues the approved version; the page asks for the PDF until it is made.
    pcc.get_by_role("button", name="Issue version 3").click()
    expect(pcc.get_by_role("link", name="Download version 3 as issued")).to_be_visible(
        timeout=30_000)
    pcc.reload()
    expect(pcc.locator("#issued")).to_be_visible()
    expect(pcc.get_by_text(re.compile(r"Issued by .* · SHA-256\s+[0-9a-f]{64}"))).to_be_visible()
    expect(pcc.get_by_role("button", name="Issue version 3")).to_have_count(0)
    assert_accessible(pcc)
    screenshot(pcc, "pcc-issued")
    assert_clean_console(opcc)
    assert_clean_console(pcc)


def test_sections_questions_and_pdf_work_without_javascript(
    signed_in_page, opcc_a, case_a, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = Meeting.objects.create(date=datetime.date.today() + datetime.timedelta(days=14),
                                     online=True)
    pack = slot_add(actor=opcc_a, meeting=meeting, case=case_a).pack
    # The live server's database is flushed between tests: put the toolkit's bank back.
    question_bank.load(apps)
    page = signed_in_page(opcc_a, java_script_enabled=False)
    page.set_default_timeout(10_000)

    page.goto(pack_url(pack, "sections/"))
    page.get_by_role("button", name=re.compile("move At a glance down")).click()
    expect(page.locator("tbody tr").first).to_contain_text("Causes of concern")
    page.get_by_label("Include: Support received").uncheck()
    screenshot(page, "sections")
    page.get_by_role("button", name="Save the sections").click()
    expect(page.locator("#section-concerns")).to_contain_text("1. Causes of concern")
    assert "Not in this pack: Support received" in page.content()

    page.goto(pack_url(pack, "questions/"))
    page.get_by_label(re.compile("^Have you identified specific barriers")).check()
    page.get_by_role("button", name="Add the chosen questions").click()
    page.get_by_label("Question 1").fill("Which barriers to exit has the HMI seen here?")
    page.get_by_role("button", name="Save question 1").click()
    expect(page.get_by_label("Question 1")).to_have_value(
        "Which barriers to exit has the HMI seen here?")
    page.get_by_label("The Chief Constable", exact=True).check()
    page.get_by_label("Question", exact=True).fill("How long will the extra call handlers stay?")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_label("Question 2")).to_have_value(
        "How long will the extra call handlers stay?")
    screenshot(page, "questions")
    page.get_by_role("button", name="Remove question 1").click()
    expect(page.get_by_label("Question 1")).to_have_value(
        "How long will the extra call handlers stay?")
    pack.refresh_from_db()
    assert pack.version == 7

    # A PDF without JavaScript: the status page, then the download link.
    page.goto(pack_url(pack))
    page.get_by_role("button", name="Make a PDF of version 7").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF of version 7")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    screenshot(page, "render-done")

    # axe needs JavaScript: the same pages, checked in a browser that runs it.
    checked = signed_in_page(opcc_a)
    for rest in ("sections/", "questions/"):
        checked.goto(pack_url(pack, rest))
        assert_accessible(checked)
    assert_clean_console(checked)
