import pytest
from django.core.management import CommandError, call_command

from engage.demo import DEMO_FORCES, DEMO_PASSWORD
from engage.models import Membership, Role, User
from forces.selectors import force_list
from tests.conftest import signed_in


def test_it_refuses_to_run_with_debug_off(reference, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_creates_the_sign_ins_and_is_idempotent(reference, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    emails = {"admin@example.org", "apcc.lead@example.org"} | {
        f"{kind}.{slug}@example.org" for slug in DEMO_FORCES for kind in ("opcc", "pcc")}
    assert set(User.objects.values_list("email", flat=True)) == emails
    assert Membership.objects.filter(role=Role.APCC_LEAD).count() == 1
    assert DEMO_PASSWORD in out
    assert "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA" in out
    user = User.objects.get(email="opcc.lincolnshire@example.org")
    assert user.check_password(DEMO_PASSWORD)


def test_each_demo_force_is_in_engage(reference, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    in_engage = {f.slug for f in force_list(status="engage")}
    assert set(DEMO_FORCES) <= in_engage


def test_demo_people_are_marked_fictional(reference, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    user = User.objects.get(email="pcc.northamptonshire@example.org")
    body = signed_in(user).get("/forces/northamptonshire/").content.decode()
    assert "fictional demo person" in body
    assert "Illustrative, not a public fact" in body
