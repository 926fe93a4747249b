"""Dates known only to a month, a year, or as 'before' a date: shown no more precisely."""

from __future__ import annotations

import datetime

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    BEFORE = "before", "Before"


def format_precise(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value:%Y}"
    if precision == Precision.MONTH:
        return f"{value:%B %Y}"
    if precision == Precision.BEFORE:
        return f"before {value:%B %Y}"
    return f"{value.day} {value:%B %Y}"
