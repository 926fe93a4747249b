"""The one rule that turns an action's status and dates into a RAG rating.

Shown everywhere with text as well as colour, so no one depends on colour alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class RagRating:
    key: str  # red, amber, green, complete, grey
    label: str
    tag_class: str


RED = "govuk-tag--red"
AMBER = "govuk-tag--orange"
GREEN = "govuk-tag--green"
BLUE = "govuk-tag--blue"
GREY = "govuk-tag--grey"


def action_rag(status: str, due: datetime.date | None, today: datetime.date) -> RagRating:
    if status == "complete":
        return RagRating("complete", "Complete", BLUE)
    if due is not None and due < today:
        return RagRating("red", "Red – overdue", RED)
    if status == "off_track":
        return RagRating("red", "Red – off track", RED)
    if status == "at_risk":
        return RagRating("amber", "Amber – at risk", AMBER)
    if status == "not_started" and due is not None and (due - today).days <= DUE_SOON_DAYS:
        return RagRating("amber", "Amber – due soon, not started", AMBER)
    if status == "on_track":
        return RagRating("green", "Green – on track", GREEN)
    return RagRating("grey", "Not started", GREY)


def is_overdue(status: str, due: datetime.date | None, today: datetime.date) -> bool:
    return status != "complete" and due is not None and due < today


RAG_TAGS = {"red": RED, "amber": AMBER, "green": GREEN}
