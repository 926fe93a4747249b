import datetime

from engage.audit import acting_as
from engage.models import AuditEvent, Membership, Role
from forces.models import Force, MonitoringPeriod
from tests.conftest import signed_in


def _events(obj):
    return AuditEvent.objects.filter(model=obj._meta.label_lower, object_pk=str(obj.pk))


def test_a_save_records_who_and_what_changed(force_a, admin_user):
    with acting_as(admin_user):
        force_a.name = "Lincolnshire Police (renamed)"
        force_a.save()
    event = _events(force_a).get()
    assert event.actor == admin_user
    assert event.action == "update"
    assert event.changes == {"name": ["Lincolnshire Police", "Lincolnshire Police (renamed)"]}


def test_a_bulk_update_is_recorded_row_by_row(reference, admin_user):
    with acting_as(admin_user):
        count = Force.objects.filter(region__slug="wales").update(country="England")
    assert count == 4
    events = AuditEvent.objects.filter(model="forces.force", via="bulk update")
    assert events.count() == 4
    assert all(e.changes == {"country": ["Wales", "England"]} for e in events)
    assert all(e.actor == admin_user for e in events)


def test_bulk_create_and_delete_are_recorded(force_a):
    created = MonitoringPeriod.objects.bulk_create(
        [MonitoringPeriod(force=force_a, status="engage", start=datetime.date(2010, 1, 1),
                          end=datetime.date(2011, 1, 1))])
    assert AuditEvent.objects.filter(model="forces.monitoringperiod", action="create",
                                     via="bulk create").count() == 1
    MonitoringPeriod.objects.filter(pk=created[0].pk).delete()
    assert AuditEvent.objects.filter(model="forces.monitoringperiod", action="delete").count() == 1


def test_a_save_with_no_change_records_nothing(force_a):
    before = AuditEvent.objects.count()
    Force.objects.get(pk=force_a.pk).save()
    assert AuditEvent.objects.count() == before


def test_passwords_are_never_written_to_the_history(opcc_a):
    opcc_a.set_password("another long passphrase")
    opcc_a.save()
    event = _events(opcc_a).filter(action="update").get()
    old, new = event.changes["password"]
    assert old.startswith("hidden:") and new.startswith("hidden:") and old != new
    assert "pbkdf2" not in str(event.changes)


def test_an_admin_edit_through_the_admin_is_recorded_and_readable(admin_user, force_a):
    client = signed_in(admin_user)
    response = client.post(f"/admin/forces/monitoringperiod/add/", {
        "force": force_a.pk, "status": "engage", "start": "2015-03-01", "start_precision": "month",
        "end_precision": "day", "note": "Added by an admin",
    })
    assert response.status_code == 302, response.content
    period = MonitoringPeriod.objects.get(note="Added by an admin")
    history = client.get(f"/admin/forces/monitoringperiod/{period.pk}/history/")
    assert history.status_code == 200
    assert b"ada.admin@example.org" in history.content
    assert b"Added by an admin" in history.content


def test_memberships_are_audited(opcc_a):
    assert AuditEvent.objects.filter(model="engage.membership", action="create").exists()
    Membership.objects.filter(user=opcc_a, role=Role.OPCC_STAFF).delete()
    assert AuditEvent.objects.filter(model="engage.membership", action="delete").exists()
