"""Writes a benchmark's figures into its own section of docs/performance.md."""

from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = """# Performance

Figures written by the benchmarks in `bench/` (run `make bench`). Each section is replaced
when its benchmark runs again. Budgets that are counts (queries per page) are asserted in
tests; times are recorded here, never asserted.
"""


def write_section(title: str, lines: list[str]) -> None:
    text = DOC.read_text() if DOC.exists() else HEADER
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    body = "\n".join([f"## {title}", "",
                      f"Measured {datetime.date.today():%d %B %Y} on {machine}.", "", *lines, ""])
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(body + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + body
    DOC.write_text(text)
