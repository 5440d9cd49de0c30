"""API tokens: log in for a token, list your tokens, revoke the one in use."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from dms.db import utcnow
from dms.documents import accounts
from dms.documents.models import User
from dms.errors import BadInput
from dms.web.api.base import (
    authenticated_user_id,
    bp,
    current_actor,
    current_archive,
    iso_time,
    json_object,
)
from dms.web.auth import login_limit


@bp.post("/auth/token")
@login_limit()
def issue_token():
    credentials = json_object()
    username, password = credentials.get("username"), credentials.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BadInput("Kirim 'username' dan 'password' sebagai teks.")
    archive = current_archive()
    user_id = accounts.log_in(archive, username, password)
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
def revoke_token():
    """Revoke the token this request carries (log out of the API)."""
    actor_id, token_id = _authenticated_token()
    with current_archive().transaction() as session:
        actor = session.get(User, actor_id)
        accounts.revoke_token(session, actor=actor, token_id=token_id)
    g.pop("dms_token_unnoted", None)
    return "", 204


@bp.get("/auth/tokens")
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
