import datetime

import pytest

from oversight.rag import action_rag

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize("status,due,key,label", [
    ("complete", TODAY - datetime.timedelta(days=40), "complete", "Complete"),
    ("on_track", TODAY - datetime.timedelta(days=1), "red", "Red – overdue"),
    ("not_started", TODAY - datetime.timedelta(days=1), "red", "Red – overdue"),
    ("off_track", TODAY + datetime.timedelta(days=90), "red", "Red – off track"),
    ("at_risk", TODAY + datetime.timedelta(days=90), "amber", "Amber – at risk"),
    ("not_started", TODAY + datetime.timedelta(days=10), "amber", "Amber – due soon, not started"),
    ("not_started", TODAY + datetime.timedelta(days=90), "grey", "Not started"),
    ("on_track", TODAY + datetime.timedelta(days=90), "green", "Green – on track"),
    ("on_track", TODAY, "green", "Green – on track"),
])
def test_one_rule_derives_the_rag_from_status_and_dates(status, due, key, label):
    rag = action_rag(status, due, TODAY)
    assert (rag.key, rag.label) == (key, label)
