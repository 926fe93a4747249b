"""The PCC's briefing pack shows what the case holds: the force and meeting, each open cause of
concern, and what changed since the last PPOG, gathered in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engage.audit import acting_as
from oversight import selectors as oversight_selectors
from oversight.models import (
    Action,
    CauseOfConcern,
    Comment,
    EngageCase,
    Measure,
    MeasurePoint,
    Position,
    ProgressUpdate,
    Recommendation,
)
from ppog import pack_content
from ppog.models import (
    DEFAULT_SECTIONS,
    BriefingPack,
    Meeting,
    PackQuestion,
    PreMeet,
    ReviewPoint,
    Slot,
)
from ppog.pdf import render_pdf

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@dataclass
class PackCase:
    case: EngageCase
    pack: BriefingPack
    concerns: list[CauseOfConcern]
    completed: Action
    newly_overdue: Action
    long_overdue: Action
    completed_earlier: Action


def make_pack_case(force, author, *, concerns: int = 2) -> PackCase:
    """A force A case with a PPOG 60 days ago and one in a fortnight, and a pack for it."""
    case = EngageCase.objects.create(force=force,
                                     period=force.monitoring_periods.get(end__isnull=True))
    made = [_concern(case, n, author) for n in range(1, concerns + 1)]
    with acting_as(author):
        completed = _action(case, 1, "Recruit twenty call handlers", due=days(-30))
        completed.status, completed.completed = "complete", days(-20)
        completed.save()  # recorded as a status change in the audit history
    newly_overdue = _action(case, 2, "Publish the victim update policy", due=days(-10))
    long_overdue = _action(case, 3, "Replace the crime recording system", due=days(-100))
    completed_earlier = _action(case, 4, "Appoint a head of contact management", due=days(-95),
                                status="complete", completed=days(-90))
    for action in (completed, newly_overdue, long_overdue, completed_earlier):
        action.concerns.add(made[0])
    ProgressUpdate.objects.create(action=newly_overdue, author=author, as_of=days(-2), rag="red",
                                  text="The policy is with legal services for a final check.")
    previous = Meeting.objects.create(date=days(-60), place="Home Office, London")
    Slot.objects.create(meeting=previous, case=case, notes="HMCI asked for sustained 999 data.")
    meeting = Meeting.objects.create(date=days(14), place="Home Office, 2 Marsham Street")
    slot = Slot.objects.create(meeting=meeting, case=case, attendees="Chief Constable\nPCC")
    pack = BriefingPack.objects.create(
        slot=slot, sections=list(DEFAULT_SECTIONS),
        statement="The force has answered 999 calls within ten seconds for three months.",
        barriers="Recruitment takes six months.", support="A College of Policing workshop.")
    PackQuestion.objects.create(pack=pack, audience="hmicfrs", order=1,
                                text="Which areas of concern need to be prioritised?")
    PackQuestion.objects.create(pack=pack, audience="cc", order=2,
                                text="What resources does the force need from the PCC?")
    PreMeet.objects.create(slot=slot, messages="Reinforce the need for a clear threshold.")
    ReviewPoint.objects.create(case=case, due=days(120), expectation="Sustained performance.")
    return PackCase(case, pack, made, completed, newly_overdue, long_overdue, completed_earlier)


TITLES = ["Answering 999 and 101 calls", "Supervision of investigations", "Safeguarding referrals",
          "Crime recording", "Victims' updates", "Missing people"]


def _concern(case: EngageCase, n: int, author) -> CauseOfConcern:
    concern = CauseOfConcern.objects.create(
        case=case, reference=f"CoC {n}", title=TITLES[(n - 1) % len(TITLES)],
        wording=f"The force does not meet standard {n}.", raised=days(-400),
        threshold="Six months at or above 90%" if n == 1 else "")
    rec = Recommendation.objects.create(concern=concern, reference=f"{n}.1", due=days(100),
                                        text=f"The force should improve area {n}.")
    for side, rag in [("force", "green"), ("opcc", "amber"), ("hmicfrs", "amber")]:
        Position.objects.create(concern=concern, side=side, rag=rag, as_of=days(-120),
                                statement=f"Earlier {side} view.", recorded_by=author)
        Position.objects.create(concern=concern, side=side, rag=rag if side != "force" else "amber",
                                as_of=days(-5), statement=f"Latest {side} view.",
                                recorded_by=author)
        Position.objects.create(recommendation=rec, side=side, rag="amber", as_of=days(-30),
                                statement=f"{side} view of the recommendation.")
    measure = Measure.objects.create(concern=concern, name=f"Calls answered in time {n}",
                                     unit="%", target=Decimal("90"), threshold=Decimal("85"))
    for month in range(1, 7):
        MeasurePoint.objects.create(measure=measure, period=datetime.date(2025, month, 1),
                                    value=Decimal(70 + 3 * month))
    return concern


def _action(case: EngageCase, n: int, title: str, **fields) -> Action:
    fields = {"status": "on_track", "owner": "Head of Contact", **fields}
    return Action.objects.create(case=case, reference=f"A{n}", title=title, **fields)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def pack_case(force_a, opcc_a) -> PackCase:
    return make_pack_case(force_a, opcc_a)


# The PDF ---------------------------------------------------------------------------------------


def test_the_pdf_shows_the_force_the_meeting_each_concern_and_what_changed(pack_case, tmp_path):
    text = pdf_text(render_pdf(pack_content.render_html(pack_case.pack)), tmp_path)
    pages = text.split("\f")[:-1]
    meeting = pack_case.pack.slot.meeting.date
    assert "Lincolnshire Police" in text
    assert f"{meeting:%-d %B %Y}" in text
    for concern in pack_case.concerns:
        assert concern.title in text
    changes = flat(text[text.rindex("What changed since the last PPOG"):])
    assert "Recruit twenty call handlers" in changes.split("Actions newly overdue")[0]
    assert "Publish the victim update policy" in changes.split("Actions newly overdue")[1]
    assert "Replace the crime recording system" not in text
    assert "Appoint a head of contact management" not in text
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_running_header_carries_the_packs_own_marking(pack_case, tmp_path):
    pack_case.pack.marking = "OFFICIAL"
    pack_case.pack.save()
    pages = pdf_text(render_pdf(pack_content.render_html(pack_case.pack)), tmp_path).split("\f")
    assert all(re.search(r"^\s*OFFICIAL\s", page) for page in pages[:-1])
    assert "OFFICIAL-SENSITIVE" not in "".join(pages)


# What is gathered ------------------------------------------------------------------------------


def test_at_a_glance_counts_the_case(pack_case):
    glance = pack_content.build(pack_case.pack, today=TODAY).glance
    start = pack_case.case.period.start
    assert glance.months_in_engage == pack_content.months_between(start, TODAY)
    assert (glance.concerns_open, glance.concerns_discharged) == (2, 0)
    assert glance.overdue == 2
    assert glance.actions_total == 4
    assert glance.next_review.expectation == "Sustained performance."


def test_months_in_engage_count_whole_months():
    assert pack_content.months_between(datetime.date(2025, 3, 14), datetime.date(2025, 5, 13)) == 1
    assert pack_content.months_between(datetime.date(2025, 3, 14), datetime.date(2025, 5, 14)) == 2


def test_each_concern_carries_its_threshold_positions_recommendations_and_measures(pack_case):
    first, second = pack_content.build(pack_case.pack, today=TODAY).concerns
    assert first.threshold == "Six months at or above 90%"
    assert second.threshold == "Not agreed"
    assert first.positions.force.statement == "Latest force view."
    assert first.positions.disagree is False
    assert [r.recommendation.reference for r in first.recommendations] == ["1.1"]
    assert first.recommendations[0].positions.hmicfrs.rag == "amber"
    measure = first.measures[0]
    assert measure.summary.startswith("Latest 88% (June 2025): does not meet the target of 90%")
    assert measure.chart.startswith("<svg")


def test_positions_that_differ_are_flagged(pack_case):
    Position.objects.create(concern=pack_case.concerns[0], side="hmicfrs", rag="red",
                            as_of=TODAY, statement="Not yet sufficient.")
    concern = pack_content.build(pack_case.pack, today=TODAY).concerns[0]
    html = pack_content.render_html(pack_case.pack)
    assert concern.positions.disagree is True
    assert "Positions differ:" in html


def test_what_changed_counts_from_the_last_ppog(pack_case):
    changes = pack_content.build(pack_case.pack, today=TODAY).changes
    assert changes.previous_meeting == days(-60)
    assert changes.completed == [pack_case.completed]
    assert changes.newly_overdue == [pack_case.newly_overdue]
    assert [(c.subject, c.old, c.new) for c in changes.action_status_changes] == [
        ("A1 Recruit twenty call handlers", "On track", "Complete")]
    assert changes.update_count == 1
    assert changes.latest_updates[0].action == pack_case.newly_overdue
    new = [(c.subject, c.position.side, c.previous_rag) for c in changes.positions]
    assert ("CoC 1 Answering 999 and 101 calls", "force", "Green") in new
    assert ("Recommendation 1.1", "hmicfrs", None) in new
    assert all(c.position.as_of >= days(-60) for c in changes.positions)


def test_the_first_ppog_counts_from_the_start_of_engage(pack_case):
    Slot.objects.filter(meeting__date__lt=TODAY).delete()
    changes = pack_content.build(pack_case.pack, today=TODAY).changes
    assert changes.previous_meeting is None
    assert changes.since == pack_case.case.period.start
    assert pack_case.completed_earlier in changes.completed


def test_a_discharged_concern_is_listed_not_detailed(pack_case):
    with acting_as(None):
        concern = pack_case.concerns[1]
        concern.status, concern.discharged = "discharged", TODAY
        concern.save()
    content = pack_content.build(pack_case.pack, today=TODAY)
    assert [c.concern for c in content.concerns] == [pack_case.concerns[0]]
    assert content.discharged == [concern]
    assert [(c.old, c.new) for c in content.changes.concern_status_changes] == [
        ("Open", "Discharged")]


def test_the_offices_challenge_lists_comments_by_the_pcc_and_staff(pack_case, pcc_a, apcc_lead):
    Comment.objects.create(case=pack_case.case, concern=pack_case.concerns[0], author=pcc_a,
                           text="Show me the district breakdown.")
    Comment.objects.create(case=pack_case.case, concern=pack_case.concerns[0], author=apcc_lead,
                           text="An APCC remark.")
    scrutiny = pack_content.build(pack_case.pack, today=TODAY).scrutiny
    assert [(c.text, c.by_pcc) for c in scrutiny.comments] == [
        ("Show me the district breakdown.", True)]


def test_without_a_scrutiny_log_the_section_says_how_to_fill_it(pack_case, monkeypatch):
    monkeypatch.setattr(pack_content, "scrutiny_hook", lambda: None)
    html = pack_content.render_html(pack_case.pack)
    assert ("No scrutiny log yet: record the office's scrutiny activities to have them "
            "listed here.") in html.replace("&#x27;", "'")


def test_the_scrutiny_log_is_listed_when_there_is_one(pack_case, monkeypatch):
    @dataclass
    class Activity:
        date: datetime.date
        title: str
        summary: str = ""

    calls = []

    def scrutiny_since(case, since):
        calls.append((case, since))
        return [Activity(days(-7), "Reality-testing visit to the control room", "Queues seen.")]

    monkeypatch.setattr(oversight_selectors, "scrutiny_since", scrutiny_since, raising=False)
    html = pack_content.render_html(pack_case.pack)
    assert calls == [(pack_case.case, days(-60))]
    assert "Reality-testing visit to the control room" in html
    assert "No scrutiny log yet" not in html


def test_only_the_chosen_sections_show_in_their_order(pack_case):
    pack_case.pack.sections = ["statement", "glance", "no-such-section"]
    pack_case.pack.save()
    html = pack_content.render_html(pack_case.pack)
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == ["The PCC&#x27;s overview statement", "At a glance",
                        "Messages for the APCC to reinforce"]
    assert "Recruit twenty call handlers" not in html


def test_the_questions_are_grouped_by_audience(pack_case):
    questions = pack_content.build(pack_case.pack, today=TODAY).questions
    assert [(label, [q.text for q in group]) for label, group in questions] == [
        ("To ask HMICFRS outside PPOG", ["Which areas of concern need to be prioritised?"]),
        ("To ask the Chief Constable", ["What resources does the force need from the PCC?"]),
    ]


def test_the_html_names_the_pack_for_readers_and_the_pdf(pack_case):
    html = pack_content.render_html(pack_case.pack)
    meeting = pack_case.pack.slot.meeting.date
    assert '<html lang="en-GB">' in html
    assert f"<title>PPOG briefing pack – Lincolnshire Police – {meeting:%-d %B %Y}</title>" in html
    assert '<meta name="description" content="The PCC&#x27;s briefing for Lincolnshire' in html
    assert 'href="/static/css/pack.css"' in html


def _queries(pack: BriefingPack) -> int:
    pack = BriefingPack.objects.select_related("slot__meeting", "slot__case__force",
                                               "slot__case__period").get(pk=pack.pk)
    with CaptureQueriesContext(connection) as queries:
        pack_content.render_html(pack, content=pack_content.build(pack, today=TODAY))
    return len(queries)


def test_the_queries_do_not_grow_with_the_case(force_a, opcc_a, force_b, opcc_b):
    small = make_pack_case(force_a, opcc_a, concerns=1)
    large = make_pack_case(force_b, opcc_b, concerns=5)
    for n in range(5, 40):
        _action(large.case, n, f"Extra action {n}", due=days(-n), status="at_risk")
    assert _queries(small.pack) == _queries(large.pack) <= 25
