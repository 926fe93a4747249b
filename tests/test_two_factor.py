import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _sign_in(client, user):
    return client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})


def test_an_apcc_lead_without_a_device_must_set_one_up(client, apcc_lead):
    TOTPDevice.objects.filter(user=apcc_lead).delete()
    _sign_in(client, apcc_lead)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    page = client.get("/accounts/two-factor/")
    assert b"Set up an authenticator app" in page.content
    assert b"data:image/svg+xml;base64," in page.content
    secret = re.search(rb'class="app-secret">([A-Z2-7]+)<', page.content).group(1)
    device = TOTPDevice.objects.get(user=apcc_lead, confirmed=False)
    import base64
    assert base64.b32decode(secret) == device.bin_key
    response = client.post("/accounts/two-factor/", {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_an_admin_with_a_device_must_enter_a_code(client, admin_user):
    _sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 302
    page = client.get("/accounts/two-factor/")
    assert b"Enter your security code" in page.content
    wrong = client.post("/accounts/two-factor/", {"token": "000000"})
    assert wrong.status_code == 422
    assert b"The code is wrong or has expired" in wrong.content
    device = TOTPDevice.objects.get(user=admin_user)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post("/accounts/two-factor/", {"token": _code(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_that_is_not_six_digits_is_refused_beside_the_field(client, admin_user):
    _sign_in(client, admin_user)
    response = client.post("/accounts/two-factor/", {"token": "12ab"})
    assert b"The code must be 6 digits" in response.content


def test_opcc_staff_need_no_second_factor_but_may_opt_in(client, opcc_a):
    _sign_in(client, opcc_a)
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert b"Set up an authenticator app" in dashboard.content
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=opcc_a, confirmed=False)
    client.post("/accounts/two-factor/", {"token": _code(device)})
    client.post("/accounts/logout/")
    _sign_in(client, opcc_a)
    response = client.get("/")
    assert response.status_code == 302, "an opted-in user is asked for a code from then on"
    assert response["Location"].startswith("/accounts/two-factor/")
