"""Loads the public reference data: forces, regions, Engage history, policing bodies, PEEL areas.

Written against an ``apps`` registry so the same code serves the data migration (historical
models) and the ``load_reference_data`` command. Idempotent: existing rows are left as admins
edited them.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.utils.text import slugify

DATA = Path(__file__).resolve().parent / "reference_data"
PCC_START = datetime.date(2012, 11, 22)

PEEL_FRAMEWORKS = {
    ("2021/22", 2021): [
        "Engaging with and treating the public with fairness and respect",
        "Preventing crime and anti-social behaviour",
        "Responding to the public",
        "Investigating crime",
        "Protecting vulnerable people",
        "Managing offenders and suspects",
        "Building, supporting and protecting the workforce",
        "Strategic planning, organisational management and value for money",
    ],
    ("2023–25", 2023): [
        "Police powers and public treatment",
        "Preventing crime",
        "Responding to the public",
        "Investigating crime",
        "Protecting vulnerable people",
        "Managing offenders",
        "Developing a positive workplace",
        "Leadership and force management",
        "Recording data about crime",
    ],
}

# Bodies other than a PCC since November 2012: (kind, name, start, end), oldest first.
BODY_CHANGES = {
    "metropolitan": [("mayor", "Mayor's Office for Policing and Crime", datetime.date(2012, 1, 16), None)],
    "city-of-london": [("authority", "City of London Corporation (police authority)", None, None)],
    "greater-manchester": [("mayor", "Mayor of Greater Manchester", datetime.date(2017, 5, 8), None)],
    "west-yorkshire": [("mayor", "Mayor of West Yorkshire", datetime.date(2021, 5, 10), None)],
    "south-yorkshire": [("mayor", "Mayor of South Yorkshire", datetime.date(2024, 5, 7), None)],
    "north-yorkshire": [
        ("pfcc", "North Yorkshire Police, Fire and Crime Commissioner", datetime.date(2018, 11, 15), datetime.date(2024, 5, 7)),
        ("mayor", "York and North Yorkshire Mayor", datetime.date(2024, 5, 7), None),
    ],
    "essex": [("pfcc", "Essex Police, Fire and Crime Commissioner", datetime.date(2017, 10, 1), None)],
    "staffordshire": [("pfcc", "Staffordshire Commissioner (Police, Fire and Rescue, and Crime)", datetime.date(2018, 8, 1), None)],
    "northamptonshire": [("pfcc", "Northamptonshire Police, Fire and Crime Commissioner", datetime.date(2019, 1, 1), None)],
}

FORCE_SUFFIXES = (" Police Service", " Constabulary", " Police")


def force_slug(name: str) -> str:
    for suffix in FORCE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return slugify(name)


def area_name(force_name: str) -> str:
    for suffix in FORCE_SUFFIXES:
        if force_name.endswith(suffix):
            return force_name[: -len(suffix)]
    return force_name


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA / filename, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_forces(apps) -> int:
    Region = apps.get_model("forces", "Region")
    Force = apps.get_model("forces", "Force")
    created = 0
    for row in _rows("forces.csv"):
        region, _ = Region.objects.get_or_create(
            slug=slugify(row["region"]), defaults={"name": row["region"]}
        )
        _, made = Force.objects.get_or_create(
            ons_code=row["ons_code"],
            defaults={"name": row["name"], "slug": force_slug(row["name"]), "region": region,
                      "country": row["country"]},
        )
        created += made
    return created


def load_engage_history(apps) -> int:
    Force = apps.get_model("forces", "Force")
    Period = apps.get_model("forces", "MonitoringPeriod")
    forces = {f.ons_code: f for f in Force.objects.all()}
    created = 0
    for row in _rows("engage-history.csv"):
        force = forces[row["force_ons_code"]]
        start = datetime.date.fromisoformat(row["entered"]) if row["entered"] else None
        end = datetime.date.fromisoformat(row["exited"]) if row["exited"] else None
        _, made = Period.objects.get_or_create(
            force=force, status="engage", start=start, end=end,
            defaults={
                "start_precision": row["entered_precision"] or "day",
                "end_precision": row["exited_precision"] or "day",
                "note": row["note"],
            },
        )
        created += made
    return created


def load_policing_bodies(apps) -> int:
    Force = apps.get_model("forces", "Force")
    Body = apps.get_model("forces", "PolicingBody")
    created = 0
    for force in Force.objects.all():
        if Body.objects.filter(force=force).exists():
            continue
        changes = BODY_CHANGES.get(force.slug, [])
        first_start = changes[0][2] if changes else None
        bodies = []
        if force.slug not in {"metropolitan", "city-of-london"}:
            bodies.append(("pcc", f"Police and Crime Commissioner for {area_name(force.name)}",
                           PCC_START, first_start))
        bodies.extend(changes)
        for kind, name, start, end in bodies:
            Body.objects.create(force=force, kind=kind, name=name, start=start, end=end,
                                start_precision="day" if start else "before",
                                end_precision="day")
            created += 1
    return created


def load_peel_frameworks(apps) -> int:
    Cycle = apps.get_model("forces", "PeelCycle")
    Area = apps.get_model("forces", "PeelArea")
    created = 0
    for (name, starts), areas in PEEL_FRAMEWORKS.items():
        cycle, _ = Cycle.objects.get_or_create(name=name, defaults={"starts": starts})
        for order, area in enumerate(areas, start=1):
            _, made = Area.objects.get_or_create(cycle=cycle, name=area, defaults={"order": order})
            created += made
    return created


def load_all(apps) -> dict[str, int]:
    return {
        "forces": load_forces(apps),
        "engage periods": load_engage_history(apps),
        "policing bodies": load_policing_bodies(apps),
        "PEEL areas": load_peel_frameworks(apps),
    }
