"""Server time of the foundation's pages: p50/p95 over repeated requests, into docs/performance.md.

Run with `make bench` (a throwaway PostgreSQL database `engage_bench`, or whatever DATABASE_URL
names). Times are measured with Django's test client in-process: the view, templates and
queries, without network or a web server.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from bench.report import write_section  # noqa: E402
from engage.models import User  # noqa: E402

RUNS = 60
PAGES = [
    ("opcc.lincolnshire@example.org", "/", "OPCC dashboard"),
    ("opcc.lincolnshire@example.org", "/forces/", "Force list (43 forces)"),
    ("opcc.lincolnshire@example.org", "/forces/?region=wales", "Force list filtered (htmx partial)"),
    ("opcc.lincolnshire@example.org", "/forces/lincolnshire/", "Force overview and timeline"),
    ("apcc.lead@example.org", "/", "APCC dashboard"),
]


def _client(email: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(email=email)
    client.force_login(user)
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(client: Client, path: str) -> tuple[float, float, int]:
    headers = {"HTTP_HX_REQUEST": "true"} if "region=" in path else {}
    client.get(path, **headers)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **headers)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    rows = ["| page | p50 ms | p95 ms | queries |", "|---|---:|---:|---:|"]
    for email, path, label in PAGES:
        p50, p95, queries = measure(_client(email), path)
        rows.append(f"| {label} (`{path}`) | {p50:.1f} | {p95:.1f} | {queries} |")
        print(rows[-1])
    engine = connection.vendor
    write_section("Foundation pages", [
        f"`python bench/pages.py` on {engine}, {RUNS} requests each after one warm-up, "
        "Django test client in-process (no web server), DEBUG on.", "", *rows,
    ])


if __name__ == "__main__":
    main()
