"""The APCC dashboard with 20 of the 43 forces in Engage and 5,000 actions across their plans:
p50/p95 server time and query count into docs/performance.md ("APCC dashboard").

Run with `make bench` (a throwaway PostgreSQL database `engage_bench`). Forces without an open
Engage period get an illustrative one (marked so, as the demo's are), each with a case, causes of
concern, a share of the actions, progress updates, positions, a PPOG slot, a review point and
some support: the dashboard's every figure has rows to count.
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
from django.db import connection, transaction  # noqa: E402

from bench.pages import _client, measure  # noqa: E402
from bench.report import write_section  # noqa: E402
from engage.audit import acting_as  # noqa: E402
from engage.models import User  # noqa: E402
from forces.models import Force, MonitoringPeriod  # noqa: E402
from oversight import apcc  # noqa: E402
from oversight.models import (  # noqa: E402
    Action,
    BuddyPairing,
    CauseOfConcern,
    EngageCase,
    Position,
    ProgressUpdate,
    SupportOffer,
)
from ppog.models import Meeting, ReviewPoint, Slot  # noqa: E402

IN_ENGAGE, ACTIONS = 20, 5000
STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete"]


def _periods(today: datetime.date) -> None:
    """Open illustrative Engage periods until IN_ENGAGE forces are in Engage."""
    in_engage = apcc.in_engage_ids(today)
    spare = Force.objects.exclude(pk__in=in_engage).exclude(
        monitoring_periods__status="engage").order_by("name")
    for n, force in enumerate(spare[:max(IN_ENGAGE - len(in_engage), 0)]):
        MonitoringPeriod.objects.create(
            force=force, status="engage", start=today - datetime.timedelta(days=90 + 45 * n),
            start_precision="month", is_illustrative=True,
            note="Illustrative benchmark period: not a public fact.")


def _case(force: Force, today: datetime.date, author: User, n: int) -> EngageCase:
    period = force.monitoring_periods.filter(status="engage", end__isnull=True).latest("start")
    case, made = EngageCase.objects.get_or_create(force=force, period=period)
    if made or not case.concerns.exists():
        for c in range(3):
            concern = CauseOfConcern.objects.create(
                case=case, reference=f"CoC {c + 1}", title=f"Benchmark concern {c + 1}",
                wording="Illustrative", raised=period.start,
                status="discharged" if c == 2 and n % 3 == 0 else "open",
                discharged=today if c == 2 and n % 3 == 0 else None)
            Position.objects.create(concern=concern, side="opcc", rag="amber",
                                    statement="Benchmark", as_of=today, recorded_by=author)
        meeting = Meeting.objects.get_or_create(date=today + datetime.timedelta(days=20 + n % 60))[0]
        Slot.objects.get_or_create(meeting=meeting, case=case)
        ReviewPoint.objects.create(case=case, due=today + datetime.timedelta(days=40 + n),
                                   expectation="Benchmark review point")
        SupportOffer.objects.create(force=force, kind=["buddy", "premeet", "workshop"][n % 3],
                                    status=["accepted", "in_progress", "offered"][n % 3],
                                    offered_on=today)
    return case


def _actions(cases: list[EngageCase], today: datetime.date, author: User) -> None:
    have = Action.objects.filter(case__in=cases).count()
    missing = ACTIONS - have
    if missing <= 0:
        return
    new = Action.objects.bulk_create(
        Action(case=cases[i % len(cases)], reference=f"APCC-B{i}", title=f"Benchmark action {i}",
               owner=f"Owner {i % 25}", due=today + datetime.timedelta(days=i % 400 - 100),
               status=STATUSES[i % 5])
        for i in range(missing))
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=a, author=author, as_of=today, rag="amber", text="Benchmark")
        for a in new[::4])


@transaction.atomic
def build() -> list[EngageCase]:
    today = datetime.date.today()
    author = User.objects.get(email="opcc.lincolnshire@example.org")
    with acting_as(None):
        _periods(today)
        forces = Force.objects.filter(pk__in=apcc.in_engage_ids(today)).order_by("name")
        cases = [_case(force, today, author, n) for n, force in enumerate(forces)]
        _actions(cases, today, author)
        buddy = Force.objects.exclude(pk__in=apcc.in_engage_ids(today)).first()
        for case in cases[::2]:
            BuddyPairing.objects.get_or_create(force=case.force, buddy=buddy,
                                               defaults={"started": today})
    return cases


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    cases = build()
    client = _client("apcc.lead@example.org")
    counts = (Force.objects.count(), len(cases), Action.objects.filter(case__in=cases).count())
    rows = ["| page | p50 ms | p95 ms | queries |", "|---|---:|---:|---:|"]
    for label, path in [
        ("APCC dashboard, every force in Engage", "/apcc/"),
        ("Sorted by last update, stale only", "/apcc/?sort=updated&stale=on"),
        ("Filtered to a region (htmx partial)", "/apcc/?region=east-midlands&sort=force"),
        ("CSV export of the same rows", "/apcc/export.csv"),
    ]:
        p50, p95, queries = measure(client, path)
        rows.append(f"| {label} (`{path}`) | {p50:.1f} | {p95:.1f} | {queries} |")
        print(rows[-1])
    write_section("APCC dashboard", [
        f"`python bench/apcc.py` on {connection.vendor}: {counts[0]} forces, {counts[1]} in "
        f"Engage (illustrative periods where the public history has none), {counts[2]:,} "
        "actions across their plans, each force with concerns, positions, progress updates, a "
        "PPOG slot, a review point and support; the Django test client in-process, DEBUG on.",
        "", *rows, "",
        "Every figure is one grouped query over all forces at once (concern counts, the plan's "
        "RAG counted in SQL, next PPOG and review point, last update from progress updates, "
        "positions and the office's audited changes, support and buddies), so the count does "
        "not grow with forces or actions (asserted in tests/oversight/test_apcc_dashboard.py).",
    ])


if __name__ == "__main__":
    main()
