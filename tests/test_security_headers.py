import re

from tests.conftest import signed_in


def test_pages_carry_a_csp_with_a_fresh_nonce(opcc_a):
    client = signed_in(opcc_a)
    first = client.get("/forces/")
    second = client.get("/forces/")
    csp = first["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert csp != second["Content-Security-Policy"]


def test_no_inline_script_runs_without_the_nonce(opcc_a, db):
    for client, path in [(signed_in(None), "/accounts/login/"), (signed_in(opcc_a), "/"),
                         (signed_in(opcc_a), "/forces/"), (signed_in(opcc_a), "/forces/cleveland/")]:
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        body = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            if "src=" not in tag:
                assert f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", body), f"inline event handler on {path}"
        assert " style=" not in body, f"inline style on {path}"


def test_other_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_govuk_assets_are_served_from_the_vendored_copy(opcc_a):
    client = signed_in(opcc_a)
    response = client.get("/assets/images/favicon.svg")
    assert response.status_code == 301
    assert response["Location"] == "/static/govuk/assets/images/favicon.svg"
    assert client.get("/assets/../settings.py").status_code in {301, 404}
