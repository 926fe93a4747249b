"""Illustrative Engage cases for the demo forces: realistic in shape, fictional in substance."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from forces.models import Force, PeelArea
from oversight.models import (
    Action,
    CauseOfConcern,
    EngageCase,
    ExitTest,
    ExitTheme,
    ExitThemeCheck,
    Measure,
    MeasurePoint,
    Position,
    ProgressUpdate,
    Recommendation,
)

CONCERNS = [
    ("Responding to the public", "Answering 999 and 101 calls",
     "The force is not answering emergency and non-emergency calls quickly enough, and it does "
     "not assess the risk to callers consistently when it first takes their call.",
     ["The force should make sure it answers 999 calls within 10 seconds in line with national standards.",
      "The force should reduce the number of 101 calls abandoned before they are answered."],
     ("999 calls answered within 10 seconds", "%", "higher", 90, 85, 62)),
    ("Investigating crime", "Supervision of investigations",
     "Investigations are not always effectively supervised, and victims are not kept updated "
     "or told when their case is closed.",
     ["The force should make sure supervisors review investigations and record clear plans.",
      "The force should make sure victims are updated in line with the Victims' Code."],
     ("Investigations with a recorded supervisory review", "%", "higher", 95, 90, 58)),
    ("Protecting vulnerable people", "Safeguarding referrals",
     "The force does not always make timely safeguarding referrals for vulnerable people, "
     "including children, when officers identify risk.",
     ["The force should make sure referrals are made and shared with partners within 24 hours."],
     ("Safeguarding referrals shared within 24 hours", "%", "higher", 90, 85, 70)),
    ("Recording data about crime", "Crime recording",
     "The force is not recording all reported crime, particularly violent crime, as it should.",
     ["The force should improve its recording of violence against the person offences.",
      "The force should train staff in the crime recording rules."],
     ("Violent crimes recorded correctly (audit sample)", "%", "higher", 95, 92, 81)),
]
OWNERS = ["Head of Contact Management", "Head of Crime", "Head of Public Protection",
          "Force Crime Registrar", "Head of Learning and Development", "Chief Superintendent, Local Policing",
          "Director of Digital Services", "Head of Performance"]
VERBS = ["Review", "Introduce", "Train", "Audit", "Recruit to", "Publish", "Embed", "Test"]
OBJECTS = ["call handling staffing model", "THRIVE risk assessment at first contact",
           "supervisory review template", "victim update process", "safeguarding referral pathway",
           "crime recording decision-making", "performance framework", "quality assurance of investigations",
           "demand profile for the control room", "partner information sharing agreement"]
STATUSES = ["complete"] * 9 + ["on_track"] * 8 + ["at_risk"] * 4 + ["off_track"] * 2 + ["not_started"] * 5


def _month(start: datetime.date, offset: int) -> datetime.date:
    year, month = divmod(start.month - 1 + offset, 12)
    return datetime.date(start.year + year, month + 1, 1)


def seed_case(force: Force, author, people: dict[str, str], today: datetime.date) -> EngageCase:
    period = force.monitoring_periods.filter(status="engage", end__isnull=True).order_by("-start").first()
    case, made = EngageCase.objects.get_or_create(force=force, period=period, defaults={
        "letter_summary": "Illustrative: the HMI set out causes of concern about call handling, "
                          "the supervision of investigations, safeguarding and crime recording.",
        "decision_published": period.start + datetime.timedelta(days=14) if period.start else None,
        "hmi_name": people["hmi"], "fll_name": people["fll"],
        "rca_summary": "Illustrative: the Chief Constable's analysis found too few call handlers "
                       "at peak times, an inexperienced supervisor cadre and an IT system that "
                       "does not prompt officers to record crimes or make referrals.",
        "rca_received": period.start + datetime.timedelta(days=60) if period.start else None,
    })
    if not made and case.concerns.exists():
        return case
    rng = random.Random(force.slug)
    areas = {a.name: a for a in PeelArea.objects.filter(cycle__name="2023–25")}
    entered = period.start or today - datetime.timedelta(days=365)
    concerns = []
    for n, (area, title, wording, recs, measure) in enumerate(CONCERNS[: 3 + len(force.slug) % 2], 1):
        concern = CauseOfConcern.objects.create(
            case=case, reference=f"CoC {n}", title=title, wording=wording,
            accelerated=n == 1, raised=entered, peel_area=areas.get(area),
            threshold=("Illustrative: sustained performance at or above the threshold for six "
                       "consecutive months, confirmed by HMICFRS fieldwork") if n != 2 else "",
            threshold_agreed=entered + datetime.timedelta(days=90) if n != 2 else None,
        )
        concerns.append(concern)
        for r, text in enumerate(recs, 1):
            rec = Recommendation.objects.create(
                concern=concern, reference=f"{n}.{r}", text=text,
                due=entered + datetime.timedelta(days=270 + 60 * r),
                hmicfrs_status=rng.choice(["awaiting", "progressing", "progressing"]))
            _positions(rec=rec, author=author, today=today, rng=rng)
        _positions(concern=concern, author=author, today=today, rng=rng)
        _measure(concern, measure, today, rng)
    _actions(case, concerns, author, today, rng, entered)
    _exit_readiness(case, today, rng)
    _scrutiny(case, concerns, author, today, rng)
    return case


def _scrutiny(case, concerns, author, today, rng) -> None:
    from oversight.models import FollowUp, Question, QuestionAsked, ScrutinyActivity

    bank = list(Question.objects.filter(force__isnull=True, audience="cc")[:4])
    plans = [("board", True, "challenge", "Accountability board: call handling", 75),
             ("reality_testing", True, "both", "Reality-testing visit to the force control room", 48),
             ("informal_cc", False, "support", "Monthly informal meeting with the Chief Constable", 20),
             ("hmi_fll", False, "both", "Meeting with the Force Liaison Lead", 9)]
    for n, (kind, formal, stance, title, days_ago) in enumerate(plans):
        activity = ScrutinyActivity.objects.create(
            force=case.force, kind=kind, formal=formal, stance=stance, title=title,
            date=today - datetime.timedelta(days=days_ago), created_by=author,
            summary="Illustrative: the office tested the force's account of progress against "
                    "its own data and asked for evidence that improvements are lasting.")
        activity.concerns.add(concerns[n % len(concerns)])
        if bank:
            QuestionAsked.objects.create(activity=activity, question=bank[n % len(bank)],
                                         text=bank[n % len(bank)].text,
                                         answer="Illustrative answer from the force.",
                                         satisfactory=rng.choice(["yes", "partly", "no"]))
        FollowUp.objects.create(activity=activity, text="Send the monthly call data to the OPCC",
                                owner="Head of Performance",
                                due=today + datetime.timedelta(days=rng.randint(-5, 20)),
                                done=n == 0)


def _exit_readiness(case, today, rng) -> None:
    ExitTest.objects.get_or_create(case=case, test="a", defaults={
        "rating": "partly", "assessed_on": today - datetime.timedelta(days=20),
        "assessment": "Illustrative: call answering and crime recording have improved for four "
                      "months; supervision of investigations is still below the threshold.",
        "evidence_links": "Monthly performance pack to the accountability board\n"
                          "OPCC reality-testing visit to the control room"})
    ExitTest.objects.get_or_create(case=case, test="b", defaults={
        "rating": "not_yet", "assessed_on": today - datetime.timedelta(days=20),
        "assessment": "Illustrative: improvements are recent; the force has not yet shown they "
                      "last through a peak period."})
    states = ["evidenced", "in_hand", "in_hand", "not_considered"]
    for theme in ExitTheme.values:
        ExitThemeCheck.objects.get_or_create(case=case, theme=theme,
                                             defaults={"state": rng.choice(states)})


def _positions(*, author, today, rng, concern=None, rec=None) -> None:
    ratings = rng.choice([("amber", "amber", "amber"), ("green", "amber", "amber"),
                          ("green", "amber", "red"), ("amber", "amber", "red")])
    texts = ["The force reports steady progress against the plan.",
             "Our scrutiny found progress but not yet sustained: we have asked for evidence over a longer period.",
             "HMICFRS sees improvement in places but not yet sufficient."]
    for side, rag, text in zip(["force", "opcc", "hmicfrs"], ratings, texts):
        Position.objects.create(concern=concern, recommendation=rec, side=side, rag=rag,
                                statement=text, recorded_by=author,
                                as_of=today - datetime.timedelta(days=rng.randint(5, 60)))


def _measure(concern, spec, today, rng) -> None:
    name, unit, direction, target, threshold, start = spec
    measure = Measure.objects.create(concern=concern, name=name, unit=unit, direction=direction,
                                     target=target, threshold=threshold,
                                     source="Force performance data (illustrative)")
    first = _month(today, -12)
    value = float(start)
    for i in range(12):
        value = min(99.0, value + rng.uniform(-1.0, 3.2))
        MeasurePoint.objects.create(measure=measure, period=_month(first, i),
                                    value=Decimal(f"{value:.1f}"))


def _actions(case, concerns, author, today, rng, entered) -> None:
    count = 20 + rng.randint(0, 14)
    for n in range(1, count + 1):
        status = rng.choice(STATUSES)
        due = today + datetime.timedelta(days=rng.randint(-120, 200))
        if status == "complete":
            due = today - datetime.timedelta(days=rng.randint(5, 200))
        action = Action.objects.create(
            case=case, reference=f"A{n}", owner=rng.choice(OWNERS), due=due, status=status,
            title=f"{rng.choice(VERBS)} the {rng.choice(OBJECTS)}",
            completed=due if status == "complete" else None, is_milestone=n % 9 == 0,
        )
        concern = rng.choice(concerns)
        action.concerns.add(concern)
        recs = list(concern.recommendations.all())
        if recs and rng.random() < 0.6:
            action.recommendations.add(rng.choice(recs))
        for u in range(rng.randint(0, 3)):
            ProgressUpdate.objects.create(
                action=action, author=author, as_of=today - datetime.timedelta(days=30 * (u + 1)),
                rag=rng.choice(["green", "amber", "amber", "red"]),
                text=rng.choice([
                    "Work is under way; the first phase finished on time.",
                    "Recruitment slipped by a month; a mitigation plan is agreed.",
                    "Evidence of improvement in the latest monthly data; not yet sustained.",
                    "The board agreed the new process; roll-out starts next month.",
                ]))


def seed_ppog(cases: list, authors: dict, today: datetime.date) -> None:
    """A past PPOG (with HMCI's decision and a review point) and the next one, for each case."""
    from ppog.models import Meeting, Outcome, ReviewPoint, Slot
    from ppog.services import slot_add

    past, _ = Meeting.objects.get_or_create(
        date=today - datetime.timedelta(days=84), defaults={"place": "London (illustrative)"})
    upcoming, _ = Meeting.objects.get_or_create(
        date=today + datetime.timedelta(days=14), defaults={"online": True})
    for case in cases:
        author = authors[case.force_id]
        for meeting in (past, upcoming):
            if not Slot.objects.filter(meeting=meeting, case=case).exists():
                slot_add(actor=author, meeting=meeting, case=case,
                         attendees="Chief Constable\nPCC\nOPCC chief executive (observing)")
        slot = Slot.objects.get(meeting=past, case=case)
        Outcome.objects.get_or_create(slot=slot, defaults={
            "decision": "remain", "decided_on": past.date + datetime.timedelta(days=10),
            "summary": "Illustrative: HMCI kept the force in Engage and set a review point.",
            "recorded_by": author})
        ReviewPoint.objects.get_or_create(case=case, slot=slot, defaults={
            "due": today + datetime.timedelta(days=45),
            "expectation": "Illustrative: three months of sustained 999 call answering at or "
                           "above the threshold, and a plan for supervision of investigations."})
