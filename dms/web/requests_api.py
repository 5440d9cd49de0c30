"""Requests for information under /api/v1/requests: thin views over
dms.requests.service. Anonymous citizens may file (answering the same challenge
as the form) and follow their own request; the answer never carries the
requester's identity number, contacts or files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request, url_for

from dms.errors import BadInput
from dms.requests import spam
from dms.requests.models import InformationRequest
from dms.requests.service import check_status, submit_request, withdraw_request
from dms.web.api import MAX_JSON_BYTES, _json_object, current_actor
from dms.web.openapi import _errors, _json, _query
from dms.web.permohonan import status_url, submit_limit, uploaded_files

bp = Blueprint("requests_api", __name__, url_prefix="/api/v1")
# Room for the identity document, the proxy letter and the form fields.
ENVELOPE_BYTES = 1024 * 1024


def _archive():
    return current_app.extensions["dms"]


@bp.before_request
def _limit_body_size():
    if request.endpoint == "requests_api.create_request":
        files = 2 * _archive().settings.request_max_upload_bytes
        request.max_content_length = files + ENVELOPE_BYTES
    else:
        request.max_content_length = MAX_JSON_BYTES
    if any("\x00" in value for value in request.args.values()):
        raise BadInput("Parameter tidak boleh berisi karakter NUL.")


@bp.get("/requests/challenge")
def challenge():
    """A question for an anonymous submission; answer it within the hour."""
    found = spam.new_challenge(current_app.secret_key)
    return jsonify(
        question=f"Berapakah {found.first} ditambah {found.second}?",
        first=found.first,
        second=found.second,
        token=found.token,
        expires_in=spam.MAX_AGE_SECONDS,
    )


@bp.post("/requests")
@submit_limit()
def create_request():
    archive = _archive()
    fields = request.form if request.mimetype == "multipart/form-data" else None
    fields = fields if fields is not None else _json_object()
    with archive.transaction() as db:
        actor = current_actor(db)
        if actor is None:
            _check_spam(fields)
        filed = submit_request(
            db,
            archive.storage,
            actor=actor,
            fields=fields,
            files=uploaded_files(request.files),
            settings=archive.settings,
        )
        body = request_json(filed.request)
    body["status_url"] = status_url(body["number"], filed.secret)
    body["receipt_url"] = url_for(
        "permohonan.receipt", number=body["number"], kunci=filed.secret, _external=True
    )
    body["secret"] = filed.secret
    return jsonify(body), 201, {"Location": body["url"]}


def _check_spam(fields) -> None:
    spam.check_honeypot(fields.get(spam.HONEYPOT_FIELD))
    spam.check_challenge(
        current_app.secret_key,
        fields.get("challenge_token"),
        fields.get("challenge_answer"),
    )


@bp.get("/requests/<registration>")
def get_request(registration: str):
    with _archive().reading() as db:
        found = check_status(
            db,
            number=registration,
            email=request.args.get("email") or None,
            secret=request.args.get("secret") or None,
        )
        return jsonify(request_json(found))


@bp.post("/requests/<registration>/withdraw")
def withdraw(registration: str):
    secret = _json_object().get("secret")
    if not isinstance(secret, str):
        raise BadInput("Kirim kunci status sebagai 'secret'.")
    with _archive().transaction() as db:
        found = withdraw_request(db, number=registration, secret=secret)
        return jsonify(request_json(found))


def request_json(found: InformationRequest) -> dict[str, Any]:
    """What the requester (holding the secret or the email) sees: no personal data."""
    return {
        "number": found.number,
        "state": found.state,
        "channel": found.channel,
        "received_at": found.received_at.isoformat(),
        "due_on": found.due_on.isoformat(),
        "updated_at": found.updated_at.isoformat(),
        "information_requested": found.information_requested,
        "how_to_obtain": found.how_to_obtain,
        "delivery": found.delivery,
        "url": url_for("requests_api.get_request", registration=found.number),
    }


# --- OpenAPI -------------------------------------------------------------------------

NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^PPID-[0-9]{4}-[0-9]{6}$"},
    "description": "Registration number, e.g. PPID-2026-000123",
}


def openapi_paths() -> dict[str, Any]:
    """Requests for information (dms.web.requests_api)."""
    found = _json("The request, without personal data", _request_schema())
    return {
        "/requests/challenge": {
            "get": {
                "summary": "A challenge question for an anonymous submission "
                "(valid one hour)",
                "responses": {"200": {"description": "question, token, expires_in"}},
            }
        },
        "/requests": {"post": _create_operation()},
        "/requests/{number}": {
            "get": {
                "summary": "Cek Status: the request when the email or the secret "
                "matches; 404 otherwise, whatever was wrong",
                "parameters": [
                    NUMBER,
                    _query("email", {"type": "string"}, "The requester's email"),
                    _query("secret", {"type": "string"}, "The status secret"),
                ],
                "responses": {"200": found, **_errors("404")},
            }
        },
        "/requests/{number}/withdraw": {
            "post": {
                "summary": "The requester withdraws a request not yet processed",
                "parameters": [NUMBER],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["secret"],
                                "properties": {"secret": {"type": "string"}},
                            }
                        }
                    }
                },
                "responses": {"200": found, **_errors("400", "404", "409")},
            }
        },
    }


def _create_operation() -> dict[str, Any]:
    text = {"type": "string"}
    fields = {
        name: text
        for name in (
            "name",
            "identity_number",
            "address",
            "occupation",
            "phone",
            "email",
            "information_requested",
            "purpose",
            "challenge_token",
            "challenge_answer",
        )
    }
    fields |= {
        "requester_kind": {"enum": ["person", "legal_entity"]},
        "how_to_obtain": {
            "enum": ["see", "read", "listen", "note", "copy_soft", "copy_hard"]
        },
        "delivery": {"enum": ["collect", "post", "courier", "email"]},
        "proxy": {"type": "boolean"},
        "channel": {
            "enum": ["web", "walk_in", "letter", "phone", "email"],
            "description": "Officers only; citizens always file through the web",
        },
    }
    required = [
        "requester_kind",
        "name",
        "identity_number",
        "address",
        "email",
        "information_requested",
        "purpose",
        "how_to_obtain",
    ]
    schema = {"type": "object", "required": required, "properties": fields}
    binary = {"type": "string", "format": "binary"}
    multipart = {
        **schema,
        "properties": {**fields, "identity": binary, "proxy_letter": binary},
    }
    return {
        "summary": "File a request for information. Anonymous callers answer the "
        "challenge (GET /requests/challenge); officers with a token may record "
        "walk-in, letter, phone and email requests. Rate-limited per address.",
        "requestBody": {
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {"schema": multipart},
            }
        },
        "responses": {
            "201": _json(
                "The request, with status_url and receipt_url (holding the "
                "secret, shown this once) and due_on",
                _request_schema(),
            ),
            **_errors("400", "401", "403", "413", "415", "422"),
            "429": {"description": "Too many submissions from this address"},
        },
    }


def _request_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "number": text,
            "state": {
                "enum": [
                    "submitted",
                    "disposed",
                    "extended",
                    "answered",
                    "closed",
                    "withdrawn",
                ]
            },
            "channel": text,
            "received_at": {"type": "string", "format": "date-time"},
            "due_on": {"type": "string", "format": "date"},
            "updated_at": {"type": "string", "format": "date-time"},
            "information_requested": text,
            "how_to_obtain": text,
            "delivery": {"type": ["string", "null"]},
            "url": text,
            "status_url": text,
            "receipt_url": text,
            "secret": text,
        },
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
