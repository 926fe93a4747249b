"""What each role lands on: the home page answers the question that role comes with."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from engage.models import AuditEvent, Role, User
from engage.permissions import force_ids, is_admin, is_apcc_lead
from forces import selectors
from forces.models import Force


@dataclass
class Board:
    template: str
    context: dict = field(default_factory=dict)


def for_user(user, *, today: datetime.date | None = None) -> Board:
    today = today or datetime.date.today()
    if is_admin(user):
        return _admin_board(today)
    if is_apcc_lead(user):
        return _apcc_board(today)
    if force_ids(user):
        return _force_board(user, today)
    return Board("engage/dashboard_none.html")


def _engage_rows(forces: list[Force], today: datetime.date) -> list[dict]:
    return [
        {
            "force": f,
            "months": selectors.months_between(f.engage_since, today) if f.engage_since else None,
        }
        for f in forces
    ]


def _apcc_board(today: datetime.date) -> Board:
    in_engage = list(selectors.forces_in_engage(on=today))
    return Board("engage/dashboard_apcc.html", {
        "rows": _engage_rows(in_engage, today),
        "recently_exited": list(selectors.recently_exited(on=today)),
    })


def _force_board(user, today: datetime.date) -> Board:
    from oversight import selectors as case_selectors
    from ppog import selectors as ppog_selectors

    ids = force_ids(user)
    forces = [f for f in selectors.force_list(on=today) if f.pk in ids]
    pcc_of = force_ids(user, Role.PCC)
    rows = _engage_rows(forces, today)
    for row in rows:
        case = case_selectors.current_case(row["force"])
        row["case"] = case
        if case:
            row["rag"] = case_selectors.rag_counts(case, today)
            row["open_concerns"] = case.concerns.filter(status="open").count()
            row["due_soon"] = list(case_selectors.actions_due_soon(case, today))
            row["next_review"] = ppog_selectors.next_review_point(case, today)
            row["next_slot"] = ppog_selectors.upcoming_slots(user, today).filter(case=case).first()
    return Board("engage/dashboard_force.html", {
        "rows": rows,
        "is_pcc": bool(pcc_of),
        "role": "PCC" if pcc_of else "OPCC staff",
    })


def _admin_board(today: datetime.date) -> Board:
    return Board("engage/dashboard_admin.html", {
        "user_count": User.objects.count(),
        "force_count": Force.objects.count(),
        "rows": _engage_rows(list(selectors.forces_in_engage(on=today)), today),
        "recent_changes": list(AuditEvent.objects.select_related("actor")[:15]),
    })
