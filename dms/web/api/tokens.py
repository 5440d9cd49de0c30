"""API tokens: log in for a token, list your tokens, revoke the one in use."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.db import utcnow
from dms.web.api import responses
from dms.web.api.base import (
    authenticated_user_id,
    bp,
    current_actor,
    current_archive,
    iso_time,
    parse_json,
    token_free,
)
from dms.web.api.openapi import Reply, describe
from dms.web.api.schemas import Credentials
from dms.web.auth import login_limit


@bp.post("/auth/token")
@token_free
@describe(
    "Exchange a username and password for a bearer token",
    description="Ten attempts a minute per address, shared with the login form; "
    "five wrong passwords in a row lock the account for 15 minutes (401 "
    "account_locked). The token works for DMS_TOKEN_DAYS days (default 90).",
    body=Credentials,
    body_required=True,
    replies={"201": Reply("The token (shown once)", responses.IssuedToken)},
    errors=("400", "401", "429"),
)
@login_limit()
def issue_token():
    credentials = parse_json(Credentials)
    archive = current_archive()
    user_id = accounts.log_in(archive, credentials.username, credentials.password)
    with archive.transaction() as session:
        user = session.get(User, user_id)
        token = accounts.create_token(
            session,
            actor=user,
            username=user.username,
            days=archive.settings.token_days,
            label="api login",
        )
        record = accounts.token_in_use(session, token)
        return jsonify(
            token=token,
            username=user.username,
            role=user.role,
            expires_at=iso_time(record.expires_at),
        ), 201


@bp.delete("/auth/token")
@describe(
    "Revoke the bearer token of this request (log out of the API); other tokens "
    "of the user keep working",
    replies={"204": Reply("Revoked", media=())},
    errors=("401",),
    bearer=True,
)
def revoke_token():
    """Revoke the token this request carries (log out of the API)."""
    actor_id, token_id = _authenticated_token()
    with current_archive().transaction() as session:
        actor = session.get(User, actor_id)
        accounts.revoke_token(session, actor=actor, token_id=token_id)
    g.pop("dms_token_unnoted", None)
    return "", 204


@bp.get("/auth/tokens")
@describe(
    "The caller's own API tokens, newest first (never the token values); 401 "
    "token_expired for an expired token",
    replies={"200": Reply("{tokens: [...]}", responses.TokenList)},
    errors=("401",),
    bearer=True,
)
def list_tokens():
    """The caller's own tokens, newest first (never the tokens themselves)."""
    _actor_id, token_id = _authenticated_token()
    now = utcnow()
    with current_archive().reading() as session:
        actor = current_actor(session)
        records = accounts.list_tokens(session, actor.username)
        return jsonify(
            tokens=[token_json(r, now, current=r.id == token_id) for r in records]
        )


def _authenticated_token() -> tuple[int, int]:
    """The ids of the caller and of the token they call with."""
    return authenticated_user_id(), g.dms_token_id


def token_json(record, now, *, current: bool = False) -> dict[str, Any]:
    return {
        "id": record.id,
        "label": record.label,
        "state": accounts.token_state(record, now),
        "current": current,
        "created_at": iso_time(record.created_at),
        "expires_at": iso_time(record.expires_at),
        "last_used_at": iso_time(record.last_used_at),
        "revoked_at": iso_time(record.revoked_at),
    }
