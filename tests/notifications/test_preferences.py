"""Email preferences per kind, the force's defaults, and the unsubscribe link."""

import re
from html import escape

from django.core import signing

from engage import notifications
from engage.models import Delivery, ForceNotificationDefault, NotificationPreference, ReminderKind
from tests.conftest import signed_in

KINDS = ReminderKind.values


def _all(delivery: str, **overrides) -> dict:
    return {**{kind: delivery for kind in KINDS}, **overrides}


def token(user, kind: str) -> str:
    # As engage.outbox.unsubscribe_url makes them.
    return signing.dumps({"u": user.pk, "k": kind}, salt="unsubscribe")


def _checked(page: str, name: str) -> str:
    """The value of the checked radio named ``name``."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return ""


def test_the_form_shows_radios_for_each_kind(opcc_a):
    body = signed_in(opcc_a).get("/notifications/preferences/").content.decode()
    for kind in ReminderKind:
        assert escape(kind.label) in body
        assert f'name="{kind.value}" value="weekly"' in body
    assert body.count('class="govuk-radios"') == len(KINDS)


def test_the_form_saves_a_choice_for_each_kind(opcc_a):
    data = _all("daily", review_soon="immediate", follow_up_due="off")
    response = signed_in(opcc_a).post("/notifications/preferences/", data)
    assert response.status_code == 302 and response["Location"] == "/notifications/preferences/"
    saved = dict(NotificationPreference.objects.filter(user=opcc_a).values_list("kind", "delivery"))
    assert saved == data
    page = signed_in(opcc_a).get("/notifications/preferences/").content.decode()
    assert _checked(page, "follow_up_due") == "off" and _checked(page, "review_soon") == "immediate"


def test_saving_again_changes_the_choice_without_a_second_row(opcc_a):
    client = signed_in(opcc_a)
    client.post("/notifications/preferences/", _all("daily"))
    client.post("/notifications/preferences/", _all("weekly"))
    assert NotificationPreference.objects.filter(user=opcc_a).count() == len(KINDS)
    assert set(notifications.deliveries_for(opcc_a).values()) == {"weekly"}


def test_a_missing_choice_is_an_error_and_nothing_is_saved(opcc_a):
    data = _all("daily")
    del data["s55_due"]
    response = signed_in(opcc_a).post("/notifications/preferences/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert "<title>Error: " in body and "There is a problem" in body
    assert "Choose how to get “PCC&#x27;s comments on an HMICFRS report due (s55)” by email" in body
    assert not NotificationPreference.objects.filter(user=opcc_a).exists()


def test_without_a_choice_the_force_default_applies_then_immediate(opcc_a, force_a):
    ForceNotificationDefault.objects.create(force=force_a, kind="actions_digest",
                                            delivery=Delivery.WEEKLY)
    deliveries = notifications.deliveries_for(opcc_a)
    assert deliveries["actions_digest"] == "weekly" and deliveries["review_soon"] == "immediate"
    NotificationPreference.objects.create(user=opcc_a, kind="actions_digest", delivery="off")
    assert notifications.delivery_for(opcc_a, "actions_digest") == "off"


def test_the_unsubscribe_link_asks_first_and_changes_nothing_on_get(opcc_a, wired):
    response = signed_in(None).get(f"/notifications/unsubscribe/{token(opcc_a, 'review_soon')}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Stop emails about “HMCI review point approaching”?" in body
    assert "a…@example.org" in body and "alice.opcc@example.org" not in body
    assert not NotificationPreference.objects.exists()


def test_unsubscribing_turns_that_kind_off_signed_out(opcc_a, wired):
    url = f"/notifications/unsubscribe/{token(opcc_a, 'review_soon')}/"
    response = signed_in(None).post(url)
    assert response.status_code == 302 and response["Location"] == url
    assert notifications.delivery_for(opcc_a, "review_soon") == Delivery.OFF
    assert notifications.delivery_for(opcc_a, "review_passed") == Delivery.IMMEDIATE
    assert "You are unsubscribed" in signed_in(None).get(url).content.decode()


def test_unsubscribing_works_signed_in_as_someone_else(opcc_a, opcc_b, wired):
    signed_in(opcc_b).post(f"/notifications/unsubscribe/{token(opcc_a, 'follow_up_due')}/")
    assert notifications.delivery_for(opcc_a, "follow_up_due") == Delivery.OFF
    assert not NotificationPreference.objects.filter(user=opcc_b).exists()


def test_a_tampered_link_is_refused_with_a_clear_message(opcc_a, opcc_b, wired):
    good = token(opcc_a, "review_soon")
    forged = token(opcc_b, "review_soon").split(":")[0] + ":" + good.split(":", 1)[1]
    for bad in (forged, good[:-3], "not-a-token",
                signing.dumps({"u": opcc_a.pk, "k": "review_soon"}, salt="other")):
        response = signed_in(None).post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_link_for_a_kind_we_do_not_send_is_refused(opcc_a, wired):
    response = signed_in(None).get(f"/notifications/unsubscribe/{token(opcc_a, 'spam')}/")
    assert response.status_code == 400


def test_a_link_for_a_closed_account_is_not_found(opcc_a, wired):
    url = f"/notifications/unsubscribe/{token(opcc_a, 'review_soon')}/"
    opcc_a.is_active = False
    opcc_a.save()
    response = signed_in(None).get(url)
    assert response.status_code == 404 and "no longer exists" in response.content.decode()
