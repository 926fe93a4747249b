import time

import pytest
from django.conf import settings
from django.urls import reverse

from engage.models import User
from tests.conftest import PASSWORD, signed_in

LOGIN = "/accounts/login/"


def _attempt(client, email, password, **headers):
    return client.post(LOGIN, {"email": email, "password": password}, **headers)


def test_anonymous_is_asked_to_sign_in_first(client, db):
    response = client.get("/forces/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/forces/"


def test_health_check_needs_no_sign_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_sign_in_page_is_open(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b"Sign in to Engage case manager" in response.content


def test_it_signs_in_and_goes_where_asked(client, opcc_a):
    response = client.post(LOGIN, {"email": "Alice.OPCC@example.org", "password": PASSWORD,
                                   "next": "/forces/"})
    assert response.status_code == 302
    assert response["Location"] == "/forces/"
    assert client.get("/forces/").status_code == 200


def test_it_refuses_an_off_site_next(client, opcc_a):
    response = client.post(LOGIN, {"email": opcc_a.email, "password": PASSWORD,
                                   "next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_wrong_password_is_told_beside_the_form(client, opcc_a):
    response = _attempt(client, opcc_a.email, "wrong")
    assert response.status_code == 422
    assert b"Enter a correct email address and password" in response.content
    assert b"govuk-error-summary" in response.content
    assert response.content.decode().count("<title>Error: Sign in") == 1


def test_empty_fields_get_their_own_messages(client, db):
    response = client.post(LOGIN, {"email": "", "password": ""})
    body = response.content.decode()
    assert "Enter your email address" in body
    assert "Enter your password" in body
    assert 'href="#id_email"' in body


def test_five_wrong_passwords_lock_the_account(client, opcc_a):
    for _ in range(4):
        assert b"Enter a correct" in _attempt(client, opcc_a.email, "wrong").content
    response = _attempt(client, opcc_a.email, "wrong")
    assert b"This account is locked" in response.content
    response = _attempt(client, opcc_a.email, PASSWORD)
    assert b"This account is locked" in response.content
    assert "_auth_user_id" not in client.session


def test_rotating_x_forwarded_for_does_not_get_round_the_lock(client, opcc_a):
    for n in range(5):
        _attempt(client, opcc_a.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
                 REMOTE_ADDR=f"198.51.100.{n}")
    response = _attempt(client, opcc_a.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77",
                        REMOTE_ADDR="192.0.2.78")
    assert b"This account is locked" in response.content


def test_the_lock_lifts_after_its_time(client, opcc_a, settings):
    for _ in range(5):
        _attempt(client, opcc_a.email, "wrong")
    User.objects.filter(pk=opcc_a.pk).update(locked_until="2000-01-01T00:00Z")
    response = _attempt(client, opcc_a.email, PASSWORD)
    assert response.status_code == 302
    opcc_a.refresh_from_db()
    assert opcc_a.failed_login_attempts == 0 and opcc_a.locked_until is None


def test_a_right_password_resets_the_count(client, opcc_a):
    for _ in range(4):
        _attempt(client, opcc_a.email, "wrong")
    _attempt(client, opcc_a.email, PASSWORD)
    opcc_a.refresh_from_db()
    assert opcc_a.failed_login_attempts == 0


def test_sign_out_is_a_post(opcc_a):
    client = signed_in(opcc_a)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_the_idle_expiry_is_renewed_by_each_request(opcc_a):
    client = signed_in(opcc_a)
    client.get("/")
    first = client.session.get_expiry_date()
    time.sleep(1.1)
    client.get("/")
    assert client.session.get_expiry_date() > first


def test_sessions_end_twelve_hours_after_sign_in(opcc_a):
    client = signed_in(opcc_a)
    assert client.get("/").status_code == 200
    session = client.session
    session["signed_in_at"] = time.time() - 12 * 60 * 60 - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?expired=1"
    assert client.get("/forces/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/forces/", "/admin/"])
def test_every_page_asks_for_sign_in(client, db, path):
    assert client.get(path).status_code == 302
