"""Officers log in and out in the browser: CSRF on the form, lockout after five
wrong passwords (shared with the API), rate limiting, and the page headers."""

from __future__ import annotations

import re

from dms.audit import AuditEvent
from tests.conftest import CAST_PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str = "/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    found = TOKEN.search(page) or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def log_in(client, username: str, password: str = CAST_PASSWORD):
    return client.post(
        "/masuk",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token(client),
        },
    )


def test_an_officer_logs_in_sees_their_name_and_logs_out(client, cast):
    response = log_in(client, "dinkes")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "dinkes" in home and "Keluar" in home
    logout = client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    assert logout.status_code == 302
    assert "Masuk petugas" in client.get("/").get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, cast):
    response = client.post(
        "/masuk", data={"username": "dinkes", "password": CAST_PASSWORD}
    )
    assert response.status_code == 400
    assert "Keluar" not in client.get("/").get_data(as_text=True)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, cast):
    response = log_in(client, "dinkes", "salah")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    unknown = log_in(client, "tidak-ada", "salah")
    assert unknown.status_code == 401


def test_five_wrong_passwords_lock_the_account_for_the_web_and_the_api(
    archive, client, cast
):
    for _ in range(5):
        assert log_in(client, "bpbd", "salah").status_code == 401
    locked = log_in(client, "bpbd")  # the right password, too late
    assert locked.status_code == 401
    assert "dikunci sementara" in locked.get_data(as_text=True)
    api = client.post(
        "/api/v1/auth/token", json={"username": "bpbd", "password": CAST_PASSWORD}
    )
    assert api.status_code == 401
    with archive.reading() as session:
        actions = [e.action for e in session.query(AuditEvent)]
    assert "user.lock" in actions
    # Another account is not affected.
    assert log_in(client, "dinkes").status_code == 302


def test_logins_from_one_address_are_rate_limited(client, cast):
    statuses = [log_in(client, "dinkes", "salah").status_code for _ in range(11)]
    assert statuses[-1] == 429
    assert set(statuses[:5]) == {401}


def test_pages_carry_security_headers_and_no_inline_script(client, cast):
    for path in ("/", "/masuk", "/cari?q=laporan", "/dip", "/dik"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html, path


def test_the_session_cookie_is_http_only_and_same_site(client, cast):
    log_in(client, "dinkes")
    cookie = client.get_cookie("dms_session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"


def test_the_api_needs_no_csrf_token(client, cast):
    response = client.post(
        "/api/v1/auth/token", json={"username": "utama", "password": CAST_PASSWORD}
    )
    assert response.status_code == 201


def test_the_language_choice_is_remembered(client):
    response = client.get("/bahasa/en?next=/cari")
    assert response.status_code == 302 and response.location.endswith("/cari")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/bahasa/id")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
    outside = client.get("/bahasa/en?next=https://contoh.invalid/")
    assert outside.location.endswith("/")
