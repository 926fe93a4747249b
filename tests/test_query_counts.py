"""List pages' query counts do not grow with their rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from forces.models import Force, MonitoringPeriod, PolicingBody, Region
from tests.conftest import signed_in


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _add_forces(n: int) -> None:
    region = Region.objects.create(name="Test region", slug="test-region")
    for i in range(n):
        force = Force.objects.create(ons_code=f"X{i:08d}", name=f"Test force {i}",
                                     slug=f"test-force-{i}", region=region, country="England")
        PolicingBody.objects.create(force=force, kind="pcc", name=f"PCC {i}", start="2012-11-22")
        MonitoringPeriod.objects.create(force=force, status="engage", start="2024-01-01")


def test_the_force_list_costs_the_same_with_more_forces(opcc_a):
    client = signed_in(opcc_a)
    client.get("/forces/")
    before = _count(client, "/forces/")
    _add_forces(30)
    assert _count(client, "/forces/") == before


def test_the_apcc_dashboard_costs_the_same_with_more_forces_in_engage(apcc_lead):
    client = signed_in(apcc_lead)
    client.get("/")
    before = _count(client, "/")
    _add_forces(30)
    assert _count(client, "/") == before


def test_the_force_overview_is_a_handful_of_queries(opcc_a):
    client = signed_in(opcc_a)
    client.get("/forces/lincolnshire/")
    # Session, user, memberships, navigation, notification count, then the page itself.
    assert _count(client, "/forces/lincolnshire/") <= 20
