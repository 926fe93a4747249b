"""Plans reminders from the current data: the dispatcher calls ``plan_reminders`` every tick.

Planning is an idempotent upsert of ``Reminder`` rows, one per (person, occurrence):

- **Keys carry the date they count from** ("review_point:12:2026-03-01:7d"). Moving a date
  makes a new occurrence and the old one, no longer planned, is cancelled; nothing is edited
  into meaning something else. Text and links of a pending row are updated in place.
- **Cancelling**: a pending reminder that the data no longer calls for (the review recorded,
  the action complete, the pack approved, the follow-up done, the person no longer in the role
  or the force) is cancelled. Sent reminders are never touched.
- **Catching up**: a reminder counting down to a date ("7 days before") is created only while
  its moment is less than a day gone, so a review point added 5 days out is not greeted with
  its 14- and 7-day reminders at once. Reminders about a state that still holds (a review point
  passed without a review, a stale cause of concern, an open pre-meet offer, today's digest)
  are created whenever it holds. Rows already pending are kept however late the dispatcher is.
- **Bounded**: one query per kind of thing, one for the people, one for the existing rows and
  a bulk write for each of create, update, revive and cancel, however many forces and rows.

Who is reminded: the force's OPCC staff and PCC (``Membership``), never anyone of another
force. APCC leads are not reminded: they make the pre-meet offers and follow every force from
their own pages.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from engage.models import Membership, Reminder, ReminderKind, Role

LONDON = ZoneInfo("Europe/London")
SEND_AT = datetime.time(9, 0)
CATCH_UP = datetime.timedelta(days=1)
REVIEW_SOON_DAYS = (14, 7, 1)
ACTIONS_HORIZON_DAYS = 7
PPOG_PREPARE_DAYS = 21
PACK_APPROVAL_DAYS = 7
STALE_AFTER_DAYS = 30
S55_COMMENTS_DAYS = 56
S55_REMINDER_DAYS = (14, 3)
DIGEST_MAX_LINES = 25

Kind = ReminderKind


@dataclass(frozen=True)
class Planned:
    """A reminder the data calls for. ``due_at`` None: as soon as it is first planned."""

    user_id: int
    kind: str
    key: str
    force_id: int | None
    due_at: datetime.datetime | None
    subject: str
    body: str
    url: str
    catch_up: bool = True  # False for a state that still holds (see the module docstring)

    def __post_init__(self) -> None:
        # Titles are free text: keep within the columns rather than fail the whole plan.
        object.__setattr__(self, "subject", _clip(self.subject, 200))
        object.__setattr__(self, "url", self.url[:300])

    def creatable(self, now: datetime.datetime) -> bool:
        return not self.catch_up or self.due_at is None or self.due_at >= now - CATCH_UP


@dataclass
class PlanResult:
    created: int = 0
    updated: int = 0
    revived: int = 0
    cancelled: int = 0


@dataclass
class People:
    """Active users by force and role: {force_id: {role: [user_id, ...]}}."""

    by_force: dict[int, dict[str, list[int]]]

    def of(self, force_id: int, *roles: str) -> list[int]:
        roles_here = self.by_force.get(force_id, {})
        return list(dict.fromkeys(uid for role in roles for uid in roles_here.get(role, [])))


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def at_nine(day: datetime.date) -> datetime.datetime:
    """09:00 in London on ``day`` (GMT or BST as the date falls)."""
    return datetime.datetime.combine(day, SEND_AT, tzinfo=LONDON)


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _url(name: str, *args, fallback: str = "/") -> str:
    """The page's address; ``fallback`` while a page another change adds is not there yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _open_case(prefix: str, today: datetime.date) -> Q:
    return (Q(**{f"{prefix}period__end__isnull": True})
            | Q(**{f"{prefix}period__end__gt": today}))


def _people() -> People:
    by_force: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = (Membership.objects.filter(role__in=[Role.OPCC_STAFF, Role.PCC], user__is_active=True,
                                      force__isnull=False)
            .order_by("force_id", "role", "user_id").values_list("force_id", "role", "user_id"))
    for force_id, role, user_id in rows:
        by_force[force_id][role].append(user_id)
    return People(by_force)


def _each(people: People, force_id: int, roles: Iterable[str], **fields) -> list[Planned]:
    return [Planned(user_id=uid, force_id=force_id, **fields)
            for uid in people.of(force_id, *roles)]


# Review points -------------------------------------------------------------------------------

def _review_points(today: datetime.date, people: People) -> list[Planned]:
    from ppog.models import ReviewPoint

    points = (ReviewPoint.objects.filter(_open_case("case__", today), met__isnull=True)
              .select_related("case__force", "slot__meeting"))
    planned = []
    for point in points:
        force = point.case.force
        url = (_url("ppog:slot-detail", point.slot.meeting_id, force.slug) if point.slot_id
               else _url("oversight:case-detail", force.slug))
        base = f"review_point:{point.pk}:{point.due.isoformat()}"
        roles = (Role.OPCC_STAFF, Role.PCC)
        if point.due >= today:
            for days in REVIEW_SOON_DAYS:
                planned += _each(
                    people, force.pk, roles, kind=Kind.REVIEW_POINT_SOON, key=f"{base}:{days}d",
                    due_at=at_nine(point.due - datetime.timedelta(days=days)), url=url,
                    subject=(f"{force}: HMCI review point in {days} day{'s' if days > 1 else ''}"
                             f" ({long_date(point.due)})"),
                    body=f"What HMCI expects by {long_date(point.due)}: {point.expectation}")
        planned += _each(
            people, force.pk, roles, kind=Kind.REVIEW_POINT_PASSED, key=f"{base}:passed",
            due_at=at_nine(point.due + datetime.timedelta(days=1)), url=url, catch_up=False,
            subject=(f"{force}: review point of {long_date(point.due)} passed with no review "
                     "recorded"),
            body=(f"HMCI expected: {point.expectation}\nRecord whether it was met, and when it "
                  "was reviewed."))
    return planned


# Improvement plan actions: one digest per person per day --------------------------------------

def _action_line(action, today: datetime.date) -> str:
    when = "overdue, was due" if action.due < today else "due"
    ref = f"{action.reference} " if action.reference else ""
    return f"- {ref}{action.title} ({when} {long_date(action.due)}; owner {action.owner})"


def _digest_body(actions: list, today: datetime.date, several_forces: bool) -> str:
    lines, current = [], None
    for action in actions[:DIGEST_MAX_LINES]:
        if several_forces and action.case.force != current:
            current = action.case.force
            lines.append(f"{current}:")
        lines.append(_action_line(action, today))
    if len(actions) > DIGEST_MAX_LINES:
        lines.append(f"…and {len(actions) - DIGEST_MAX_LINES} more on the improvement plan.")
    return "\n".join(lines)


def _digest_subject(actions: list, today: datetime.date) -> str:
    overdue = sum(a.due < today for a in actions)
    soon = len(actions) - overdue
    parts = [f"{n} {'action' if n == 1 else 'actions'} {what}" for n, what in (
        (overdue, "overdue"), (soon, f"due within {ACTIONS_HORIZON_DAYS} days")) if n]
    return "Improvement plan: " + ", ".join(parts)


def _actions_digest(today: datetime.date, people: People) -> list[Planned]:
    from oversight.models import Action

    horizon = today + datetime.timedelta(days=ACTIONS_HORIZON_DAYS)
    actions = (Action.objects.filter(_open_case("case__", today), due__lte=horizon)
               .exclude(status=Action.Status.COMPLETE).select_related("case__force")
               .order_by("case__force__name", "due", "id"))
    per_user: dict[int, list] = defaultdict(list)
    for action in actions:
        for uid in people.of(action.case.force_id, Role.OPCC_STAFF):
            per_user[uid].append(action)
    planned = []
    for uid, mine in per_user.items():
        forces = list(dict.fromkeys(a.case.force for a in mine))
        subject = _digest_subject(mine, today)
        planned.append(Planned(
            user_id=uid, kind=Kind.ACTIONS_DIGEST, key=f"actions_digest:{today.isoformat()}",
            force_id=forces[0].pk if len(forces) == 1 else None, due_at=at_nine(today),
            subject=subject, body=_digest_body(mine, today, len(forces) > 1), catch_up=False,
            url=_url("oversight:plan", forces[0].slug) if len(forces) == 1 else "/"))
    return planned


# PPOG: the briefing pack, its approval and the APCC's pre-meet offer --------------------------

def _related(obj, name: str):
    """A reverse one-to-one that may not exist (a slot without a pack or a pre-meet)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _slot_reminders(slot, today: datetime.date, people: People) -> list[Planned]:
    meeting, force = slot.meeting, slot.case.force
    pack, when = _related(slot, "pack"), long_date(meeting.date)
    url = _url("ppog:slot-detail", meeting.pk, force.slug)
    planned = []
    if meeting.date > today and (pack is None or pack.status == pack.Status.DRAFT):
        planned += _each(
            people, force.pk, [Role.OPCC_STAFF], kind=Kind.PPOG_PREPARE, url=url,
            key=f"ppog_prepare:{slot.pk}:{meeting.date.isoformat()}",
            due_at=at_nine(meeting.date - datetime.timedelta(days=PPOG_PREPARE_DAYS)),
            subject=f"PPOG on {when}: start {force}'s briefing pack",
            body=(f"{force} has a slot at the PPOG on {when}. Start the PCC's briefing pack so "
                  "there is time for the PCC to read and approve it."))
    if pack is None or not pack.is_approved:
        planned += _each(
            people, force.pk, [Role.PCC], kind=Kind.PACK_NOT_APPROVED, url=url,
            key=f"pack_unapproved:{slot.pk}:{meeting.date.isoformat()}",
            due_at=at_nine(meeting.date - datetime.timedelta(days=PACK_APPROVAL_DAYS)),
            subject=f"Your briefing pack for the PPOG on {when} is not approved yet",
            body=(f"The PPOG is on {when}. Read the briefing pack your office has prepared and "
                  "approve it, or tell them what to change."))
    premeet = _related(slot, "premeet")
    if premeet is not None and premeet.status == premeet.Status.OFFERED:
        on = f" on {long_date(premeet.date)}" if premeet.date else ""
        fields = dict(kind=Kind.PREMEET_OFFER, key=f"premeet_offer:{premeet.pk}", due_at=None,
                      catch_up=False, subject=f"The APCC offers the PCC a pre-meet before the "
                                              f"PPOG on {when}",
                      body=(f"The APCC has offered a pre-meet{on} with {force}'s PCC before the "
                            "PPOG. Accept or decline the offer, and say what the PCC wants "
                            "reinforced."))
        planned += _each(people, force.pk, [Role.OPCC_STAFF], **fields,
                         url=_url("ppog:premeet-edit", meeting.pk, force.slug, fallback=url))
        planned += _each(people, force.pk, [Role.PCC], **fields, url=url)
    return planned


def _ppog(today: datetime.date, people: People) -> list[Planned]:
    from ppog.models import Slot

    slots = (Slot.objects.filter(_open_case("case__", today), meeting__date__gte=today)
             .select_related("meeting", "case__force", "pack", "premeet"))
    return [p for slot in slots for p in _slot_reminders(slot, today, people)]


# Causes of concern with no progress for 30 days ----------------------------------------------

def _stale_concerns(today: datetime.date, people: People) -> list[Planned]:
    from oversight.models import CauseOfConcern, Position, ProgressUpdate

    last_update = (ProgressUpdate.objects.filter(action__concerns=OuterRef("pk"))
                   .order_by("-created_at").values("created_at")[:1])
    last_position = (Position.objects.filter(concern=OuterRef("pk"))
                     .order_by("-recorded_at").values("recorded_at")[:1])
    concerns = (CauseOfConcern.objects
                .filter(_open_case("case__", today), status=CauseOfConcern.Status.OPEN)
                .select_related("case__force")
                .annotate(last_update=Subquery(last_update), last_position=Subquery(last_position)))
    planned = []
    for concern in concerns:
        moments = [timezone.localdate(t, LONDON)
                   for t in (concern.last_update, concern.last_position) if t]
        since = max([concern.raised, *moments])
        force = concern.case.force
        planned += _each(
            people, force.pk, [Role.OPCC_STAFF], kind=Kind.STALE_CONCERN, catch_up=False,
            key=f"stale_concern:{concern.pk}:{since.isoformat()}",
            due_at=at_nine(since + datetime.timedelta(days=STALE_AFTER_DAYS)),
            url=_url("oversight:concern-detail", force.slug, concern.pk),
            subject=f"{force}: no progress on {concern} since {long_date(since)}",
            body=(f"Nothing new has been recorded on {concern} for {STALE_AFTER_DAYS} days: no "
                  "progress update on its actions and no new position. Ask the force where it "
                  "stands, and record what you find."))
    return planned


# Scrutiny follow-ups and the PCC's s55 comments on HMICFRS reports ---------------------------

def _follow_ups(today: datetime.date, people: People) -> list[Planned]:
    from oversight.models import FollowUp

    follow_ups = (FollowUp.objects.filter(done=False, due__gte=today)
                  .select_related("activity__force"))
    planned = []
    for follow_up in follow_ups:
        activity, force = follow_up.activity, follow_up.activity.force
        url = _url("oversight:scrutiny-detail", force.slug, activity.pk, fallback="")
        url = f"{url}#follow-ups" if url else _url("forces:force-detail", force.slug)
        planned += _each(
            people, force.pk, [Role.OPCC_STAFF], kind=Kind.FOLLOW_UP_DUE,
            key=f"follow_up:{follow_up.pk}:{follow_up.due.isoformat()}",
            due_at=at_nine(follow_up.due - datetime.timedelta(days=1)),
            url=url,
            subject=f"{force}: follow-up due {long_date(follow_up.due)}",
            body=f"{follow_up.text} (owner {follow_up.owner}), from {activity.title}.")
    return planned


def _s55_reports(today: datetime.date, people: People) -> list[Planned]:
    from oversight.models import HmicfrsReport

    earliest = today - datetime.timedelta(days=S55_COMMENTS_DAYS)
    reports = (HmicfrsReport.objects.filter(response_published__isnull=True,
                                            published__gte=earliest)
               .select_related("force"))
    planned = []
    for report in reports:
        force, due = report.force, report.comments_due
        for days in S55_REMINDER_DAYS:
            planned += _each(
                people, force.pk, [Role.PCC, Role.OPCC_STAFF], kind=Kind.S55_COMMENTS,
                key=f"s55:{report.pk}:{report.published.isoformat()}:{days}d",
                due_at=at_nine(due - datetime.timedelta(days=days)),
                url=_url("oversight:reports", force.slug,
                         fallback=_url("forces:force-detail", force.slug)),
                subject=(f"{force}: the PCC's comments on an HMICFRS report are due in {days} "
                         f"days ({long_date(due)})"),
                body=(f"“{report.title}” was published on {long_date(report.published)}. The "
                      "PCC must publish comments on it within 56 days (section 55 of the Police "
                      f"Act 1996), that is by {long_date(due)}."))
    return planned


PLANNERS: list[Callable[[datetime.date, People], list[Planned]]] = [
    _review_points, _actions_digest, _ppog, _stale_concerns, _follow_ups, _s55_reports,
]


# Writing the plan ----------------------------------------------------------------------------

CONTENT = ["subject", "body", "url", "force_id"]


def _refresh(reminder: Reminder, planned: Planned) -> bool:
    """Copy the planned text (and date, where it has one) onto a row; True if anything moved."""
    changed = False
    for name in CONTENT + ["due_at"]:
        value = getattr(planned, name)
        if name == "due_at" and value is None:
            continue
        if getattr(reminder, name) != value:
            setattr(reminder, name, value)
            changed = True
    return changed


def _existing(planned: dict[tuple[int, str], Planned], now: datetime.datetime) -> dict:
    """The rows planning may touch: every pending one, every recent one, and those of states
    still holding since long ago (sent once, and not to be offered to the database again)."""
    window = now - CATCH_UP
    old_keys = {p.key for p in planned.values() if p.due_at is None or p.due_at < window}
    rows = Reminder.objects.filter(Q(state=Reminder.State.PENDING) | Q(due_at__gte=window)
                                   | Q(key__in=old_keys))
    return {(r.user_id, r.key): r for r in rows}


def _apply(planned: dict[tuple[int, str], Planned], now: datetime.datetime) -> PlanResult:
    existing = _existing(planned, now)
    create, update, revive = [], [], []
    for ident, plan in planned.items():
        row = existing.get(ident)
        if row is None:
            if plan.creatable(now):
                create.append(Reminder(user_id=plan.user_id, kind=plan.kind, key=plan.key,
                                       force_id=plan.force_id, due_at=plan.due_at or now,
                                       subject=plan.subject, body=plan.body, url=plan.url))
        elif row.state == Reminder.State.PENDING:
            if _refresh(row, plan):
                update.append(row)
        elif row.state == Reminder.State.CANCELLED and plan.creatable(now):
            _refresh(row, plan)
            row.state = Reminder.State.PENDING
            revive.append(row)
    gone = [row.pk for ident, row in existing.items()
            if row.state == Reminder.State.PENDING and ident not in planned]
    result = PlanResult(created=len(create), updated=len(update), revived=len(revive))
    # Two planners at once both try to create: the unique (user, key) keeps one row.
    Reminder.objects.bulk_create(create, ignore_conflicts=True)
    # Only rows still pending are changed: a row the dispatcher has just sent stays sent.
    pending = Reminder.objects.filter(state=Reminder.State.PENDING)
    if update:
        pending.bulk_update(update, CONTENT + ["due_at"])
    if revive:
        Reminder.objects.filter(state=Reminder.State.CANCELLED).bulk_update(
            revive, CONTENT + ["due_at", "state"])
    if gone:
        result.cancelled = pending.filter(pk__in=gone).update(state=Reminder.State.CANCELLED)
    return result


def plan_reminders(now: datetime.datetime | None = None) -> PlanResult:
    """Bring the reminder rows in line with the data as of ``now`` (see the module docstring)."""
    now = now or timezone.now()
    today = timezone.localdate(now, LONDON)
    with transaction.atomic():
        people = _people()
        planned = [p for planner in PLANNERS for p in planner(today, people)]
        return _apply({(p.user_id, p.key): p for p in planned}, now)
