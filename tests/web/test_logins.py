"""Issue 14 item 4: one per-address login limit for the form and the API,
server-side logout, and API tokens that expire, can be listed and revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dms.accounts import service as accounts
from dms.accounts.models import ApiToken
from dms.accounts.roles import SYSTEM
from dms.audit import AuditEvent
from dms.db import utcnow
from dms.errors import NotFound
from dms.web import create_app
from tests.conftest import CAST_PASSWORD, make_cast
from tests.web.test_auth_pages import csrf_token, log_in


def api_login(client, username: str, password: str = CAST_PASSWORD):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- the per-address limit -----------------------------------------------------------


def test_the_api_token_login_is_rate_limited_per_address(client, cast):
    statuses = [api_login(client, "nobody", "salah").status_code for _ in range(11)]

    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_the_form_and_the_api_share_one_login_budget_per_address(client, cast):
    form = [log_in(client, "nobody", "salah").status_code for _ in range(5)]
    api = [api_login(client, "nobody", "salah").status_code for _ in range(5)]

    assert form == api == [401] * 5
    assert api_login(client, "dinkes").status_code == 429
    assert log_in(client, "dinkes").status_code == 429
    other_address = client.post(
        "/api/v1/auth/token",
        json={"username": "dinkes", "password": CAST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert other_address.status_code == 201


# --- server-side logout --------------------------------------------------------------


def test_after_logout_a_copy_of_the_old_session_cookie_opens_nothing(client, cast):
    assert log_in(client, "dinkes").status_code == 302
    old_cookie = client.get_cookie("dms_session").value
    assert client.get("/ruang-kerja").status_code == 200

    logout = client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    assert logout.status_code == 302
    client.set_cookie("dms_session", old_cookie)

    replayed = client.get("/ruang-kerja")
    assert replayed.status_code == 302
    assert "/masuk" in replayed.headers["Location"]


def test_logging_in_again_after_a_logout_works(client, cast):
    log_in(client, "dinkes")
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})

    assert log_in(client, "dinkes").status_code == 302
    assert client.get("/ruang-kerja").status_code == 200


def test_deactivation_ends_sessions_and_revokes_every_token(app, archive, client, cast):
    log_in(client, "dinkes")
    second = api_login(app.test_client(), "dinkes").get_json()["token"]
    with archive.transaction() as session:
        accounts.deactivate_user(session, actor=SYSTEM, username="dinkes")

    assert client.get("/ruang-kerja").status_code == 302
    for token in (cast.tokens["dinkes"], second):
        assert (
            client.get("/api/v1/auth/tokens", headers=bearer(token)).status_code == 401
        )
    with archive.reading() as session:
        user = accounts.find_user(session, "dinkes")
        records = accounts.list_tokens(session, "dinkes")
        assert len(records) == 2
        assert all(r.revoked_at is not None for r in records)
        assert user.session_generation == 1


# --- token expiry --------------------------------------------------------------------


def test_an_api_login_token_expires_after_token_days(app, archive, client, cast):
    body = api_login(client, "dinkes").get_json()

    expires = body["expires_at"]
    with archive.reading() as session:
        record = accounts.token_in_use(session, body["token"])
        assert record.expires_at - record.created_at == timedelta(days=90)
        assert expires == record.expires_at.isoformat()


def test_token_days_comes_from_the_settings(test_config):
    app = create_app({**test_config, "token_days": 2})
    archive = app.extensions["dms"]
    try:
        make_cast(archive)
        body = api_login(app.test_client(), "dinkes").get_json()
        with archive.reading() as session:
            record = accounts.token_in_use(session, body["token"])
            assert record.expires_at - record.created_at == timedelta(days=2)
    finally:
        archive.close()


def test_an_expired_token_is_refused_with_401_and_a_clear_message(
    archive, client, cast
):
    with archive.transaction() as session:
        token = accounts.create_token(
            session,
            actor=SYSTEM,
            username="utama",
            days=90,
            now=utcnow() - timedelta(days=91),
        )

    refused = client.get("/api/v1/requests", headers=bearer(token))

    assert refused.status_code == 401
    error = refused.get_json()["error"]
    assert error["code"] == "token_expired"
    assert "kedaluwarsa" in error["message"]
    fresh = client.get("/api/v1/requests", headers=cast.auth("utama"))
    assert fresh.status_code == 200


# --- listing and revoking ------------------------------------------------------------


def test_an_officer_lists_their_own_tokens_without_their_values(client, cast):
    token = api_login(client, "dinkes").get_json()["token"]
    api_login(client, "bpbd")

    listed = client.get("/api/v1/auth/tokens", headers=bearer(token))

    assert listed.status_code == 200
    tokens = listed.get_json()["tokens"]
    assert len(tokens) == 2  # the cast's and this login's; none of bpbd's
    assert [t["current"] for t in tokens] == [True, False]
    assert {t["state"] for t in tokens} == {"active"}
    assert tokens[0]["label"] == "api login" and tokens[0]["expires_at"]
    assert token not in listed.get_data(as_text=True)
    assert cast.tokens["dinkes"] not in listed.get_data(as_text=True)


def test_delete_revokes_the_token_in_use_and_only_that_one(archive, client, cast):
    token = api_login(client, "dinkes").get_json()["token"]

    revoked = client.delete("/api/v1/auth/token", headers=bearer(token))

    assert revoked.status_code == 204
    again = client.get("/api/v1/auth/tokens", headers=bearer(token))
    assert again.status_code == 401
    listed = client.get("/api/v1/auth/tokens", headers=cast.auth("dinkes"))
    states = [t["state"] for t in listed.get_json()["tokens"]]
    assert states == ["revoked", "active"]
    with archive.reading() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "token.revoke" in actions


def test_revoking_needs_a_token(client, cast):
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_a_token_notes_when_it_was_last_used(archive, client, cast):
    client.get("/api/v1/auth/tokens", headers=cast.auth("bpbd"))

    with archive.reading() as session:
        record = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == accounts.hash_token(cast.tokens["bpbd"])
            )
        )
        assert record.last_used_at is not None
        assert utcnow() - record.last_used_at < timedelta(minutes=1)


def test_an_officer_cannot_revoke_someone_elses_token(archive, cast):
    with archive.transaction() as session:
        theirs = accounts.list_tokens(session, "bpbd")[0].id
        dinkes = accounts.find_user(session, "dinkes")
        with pytest.raises(NotFound):
            accounts.revoke_token(session, actor=dinkes, token_id=theirs)
