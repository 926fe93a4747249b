import csv
import datetime

from django.apps import apps
from django.core.management import call_command

from forces.models import Force, MonitoringPeriod, PeelArea, PolicingBody
from forces.reference import DATA, load_all


def test_there_are_43_forces_with_unique_codes_and_slugs(reference):
    forces = list(Force.objects.all())
    assert len(forces) == 43
    assert len({f.ons_code for f in forces}) == 43
    assert len({f.slug for f in forces}) == 43
    assert {f.slug for f in forces} >= {"cleveland", "greater-manchester", "metropolitan",
                                        "dyfed-powys", "hampshire-and-isle-of-wight"}


def test_engage_periods_match_the_public_history(reference):
    with open(DATA / "engage-history.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        period = MonitoringPeriod.objects.get(force__ons_code=row["force_ons_code"],
                                              is_illustrative=False)
        assert str(period.start or "") == row["entered"]
        assert str(period.end or "") == row["exited"]
        if row["entered"]:
            assert period.start_precision == row["entered_precision"]
        if row["exited"]:
            assert period.end_precision == row["exited_precision"]


def test_every_force_has_a_current_policing_body(reference):
    today = datetime.date.today()
    for force in Force.objects.all():
        assert PolicingBody.objects.current(today).filter(force=force).count() == 1, force


def test_bodies_change_over_time(reference):
    bodies = PolicingBody.objects.filter(force__slug="south-yorkshire").order_by("start")
    assert [b.kind for b in bodies] == ["pcc", "mayor"]
    assert bodies[0].end == bodies[1].start == datetime.date(2024, 5, 7)


def test_peel_areas_are_per_cycle(reference):
    assert PeelArea.objects.filter(cycle__name="2021/22").count() == 8
    assert PeelArea.objects.filter(cycle__name="2023–25").count() == 9


def test_loading_again_adds_nothing_and_keeps_admin_edits(reference):
    Force.objects.filter(slug="kent").update(name="Kent Police (edited)")
    assert load_all(apps) == {"forces": 0, "engage periods": 0, "policing bodies": 0,
                              "PEEL areas": 0}
    call_command("load_reference_data")
    assert Force.objects.get(slug="kent").name == "Kent Police (edited)"
