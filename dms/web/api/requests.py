"""Requests for information under /api/v1/requests: thin views over
dms.requests.service. Anonymous citizens may file (answering the same challenge
as the form) and follow their own request; the answer never carries the
requester's identity number, contacts or files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from dms.errors import BadInput, Unauthenticated
from dms.requests import spam, workflow
from dms.requests.calendar import working_calendar
from dms.requests.exports import masked_csv
from dms.requests.models import REQUEST_STATES, InformationRequest
from dms.requests.service import (
    STATE_LABELS,
    RequestUpload,
    check_status,
    submit_request,
    withdraw_request,
)
from dms.web.api.base import body_limit, current_actor, current_archive, json_object
from dms.web.api.openapi import error_responses, json_content, query_parameter
from dms.web.public.requests import (
    check_limit,
    check_spam,
    status_url,
    submit_limit,
    uploaded_files,
)

bp = Blueprint("requests", __name__)
# Room for the identity document, the proxy letter and the form fields.
ENVELOPE_BYTES = 1024 * 1024


@bp.get("/requests/challenge")
def challenge():
    """A question for an anonymous submission, as text (as the form asks it):
    answer it within the hour; it admits one submission."""
    found = spam.new_challenge(current_app.secret_key)
    return jsonify(
        question=found.question,
        token=found.token,
        expires_in=spam.MAX_AGE_SECONDS,
    )


@bp.post("/requests")
@body_limit(lambda settings: 2 * settings.request_max_upload_bytes + ENVELOPE_BYTES)
@submit_limit()
def create_request():
    archive = current_archive()
    fields = request.form if request.mimetype == "multipart/form-data" else None
    fields = fields if fields is not None else json_object()
    with archive.transaction() as db:
        actor = current_actor(db)
        if actor is None:
            check_spam(db, fields)
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


@bp.get("/requests")
def list_requests():
    """Officers: the requests they handle; ?format=csv exports them masked."""
    archive = current_archive()
    with archive.reading() as db:
        actor = _officer(db)
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        found = workflow.list_requests(
            db,
            actor=actor,
            calendar=days,
            today=today,
            filters=_filters(db),
            limit=5000 if request.args.get("format") == "csv" else 500,
        )
        if request.args.get("format") == "csv":
            body = masked_csv(found, archive.settings.timezone)
            return Response(
                body,
                mimetype="text/csv",
                headers={
                    "Content-Disposition": 'attachment; filename="permohonan.csv"'
                },
            )
        return jsonify(
            requests=[officer_json(r, actor, days, today, full=False) for r in found]
        )


def _filters(db) -> workflow.RequestFilter:
    from sqlalchemy import select

    from dms.documents.models import Organisation

    state = request.args.get("state") or None
    if state is not None and state not in REQUEST_STATES:
        raise BadInput("state harus salah satu dari: " + ", ".join(REQUEST_STATES))
    flag = request.args.get("flag") or None
    if flag is not None and flag not in ("overdue", "due_soon"):
        raise BadInput("flag harus overdue atau due_soon.")
    organisation_id = None
    if slug := request.args.get("organisation"):
        organisation_id = db.scalar(
            select(Organisation.id).where(Organisation.slug == slug)
        )
        if organisation_id is None:
            raise BadInput("OPD tidak dikenal.")
    year = request.args.get("year")
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise BadInput("year harus tahun empat angka.")
    return workflow.RequestFilter(
        state=state,
        flag=flag,
        organisation_id=organisation_id,
        year=int(year) if year else None,
    )


def _officer(db):
    actor = current_actor(db)
    if actor is None:
        raise Unauthenticated("Masuk dengan token petugas PPID.")
    return actor


@bp.get("/requests/<registration>")
@check_limit()
def get_request(registration: str):
    archive = current_archive()
    with archive.reading() as db:
        actor = current_actor(db)
        if actor is not None:
            found = workflow.get_request(db, actor=actor, number=registration)
            days = working_calendar(db, archive.settings)
            return jsonify(
                officer_json(found, actor, days, archive.settings.local_today())
            )
        found = check_status(
            db,
            number=registration,
            email=request.args.get("email") or None,
            secret=request.args.get("secret") or None,
        )
        return jsonify(request_json(found))


@bp.post("/requests/<registration>/withdraw")
def withdraw(registration: str):
    secret = json_object().get("secret")
    if not isinstance(secret, str):
        raise BadInput("Kirim kunci status sebagai 'secret'.")
    with current_archive().transaction() as db:
        found = withdraw_request(db, number=registration, secret=secret)
        return jsonify(request_json(found))


@bp.post("/requests/<registration>/dispose")
def dispose(registration: str):
    body = json_object()
    organisations = body.get("organisations")
    if not isinstance(organisations, list):
        raise BadInput("Kirim 'organisations' sebagai daftar slug OPD.")
    return _step(
        lambda db, actor, days, today: workflow.dispose(
            db,
            actor=actor,
            number=registration,
            organisations=organisations,
            subject=body.get("subject", ""),
            note=body.get("note", ""),
        )
    )


@bp.post("/requests/<registration>/extend")
def extend(registration: str):
    body = json_object()
    return _step(
        lambda db, actor, days, today: workflow.extend(
            db,
            actor=actor,
            number=registration,
            days=body.get("days"),
            reason=body.get("reason", ""),
            calendar=days,
            today=today,
        )
    )


@bp.post("/requests/<registration>/answer")
@body_limit(lambda settings: settings.max_upload_bytes + ENVELOPE_BYTES)
def answer(registration: str):
    """JSON, or multipart with 'attachments' files and 'documents' repeated."""
    archive = current_archive()
    if request.mimetype == "multipart/form-data":
        form = request.form
        body = {
            "outcome": form.get("outcome"),
            "answer_text": form.get("answer_text", ""),
            "documents": form.getlist("documents"),
            "consequence_test": form.get("consequence_test"),
            "holder_name": form.get("holder_name", ""),
            "cost": form.get("cost", 0),
        }
        files = [
            RequestUpload("answer", f.stream, f.filename or "")
            for f in request.files.getlist("attachments")
            if f.filename
        ]
    else:
        body, files = json_object(), []
    documents = body.get("documents") or []
    if not isinstance(documents, list):
        raise BadInput("Kirim 'documents' sebagai daftar ID dokumen.")
    return _step(
        lambda db, actor, days, today: workflow.answer(
            db,
            archive.storage,
            actor=actor,
            number=registration,
            outcome=body.get("outcome"),
            answer_text=body.get("answer_text", ""),
            documents=documents,
            attachments=files,
            consequence_test=body.get("consequence_test"),
            holder_name=body.get("holder_name", ""),
            cost=body.get("cost", 0),
            max_attachment_bytes=archive.settings.max_upload_bytes,
        )
    )


@bp.post("/requests/<registration>/close")
def close(registration: str):
    return _step(
        lambda db, actor, days, today: workflow.close(
            db, actor=actor, number=registration
        )
    )


def _step(action):
    archive = current_archive()
    with archive.transaction() as db:
        actor = _officer(db)
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        found = action(db, actor, days, today)
        return jsonify(officer_json(found, actor, days, today))


@bp.get("/requests/<registration>/notice.pdf")
@check_limit()
def notice(registration: str):
    """The written notice: for handling officers, or the requester (secret/email)."""
    from dms.web.public.requests import send_notice

    archive = current_archive()
    with archive.reading() as db:
        return send_notice(archive, db, _readable(db, registration))


@bp.get("/requests/<registration>/attachments/<id:attachment_id>")
@check_limit()
def attachment(registration: str, attachment_id: int):
    """An answer's attachment, for the requester (secret/email) or an officer."""
    from dms.web.public.requests import send_attachment

    archive = current_archive()
    with archive.reading() as db:
        found = _readable(db, registration)
        return send_attachment(archive, found, attachment_id)


def _readable(db, registration: str) -> InformationRequest:
    actor = current_actor(db)
    if actor is not None:
        return workflow.get_request(db, actor=actor, number=registration)
    return check_status(
        db,
        number=registration,
        email=request.args.get("email") or None,
        secret=request.args.get("secret") or None,
    )


def request_json(found: InformationRequest) -> dict[str, Any]:
    """What the requester (holding the secret or the email) sees: no personal data."""
    body = {
        "number": found.number,
        "state": found.state,
        "state_label": STATE_LABELS[found.state],
        "channel": found.channel,
        "received_at": found.received_at.isoformat(),
        "due_on": found.due_on.isoformat(),
        "extended_due_on": _iso(found.extended_due_on),
        "extension_reason": found.extension_reason or None,
        "updated_at": found.updated_at.isoformat(),
        "information_requested": found.information_requested,
        "how_to_obtain": found.how_to_obtain,
        "delivery": found.delivery,
        "url": url_for("api.requests.get_request", registration=found.number),
    }
    if found.outcome is not None:
        body["answer"] = _answer_json(found)
    return body


def _answer_json(found: InformationRequest) -> dict[str, Any]:
    return {
        "outcome": found.outcome,
        "outcome_label": workflow.OUTCOME_LABELS[found.outcome],
        "answered_at": _iso(found.answered_at),
        "text": found.answer_text,
        "holder_name": found.holder_name or None,
        "cost": found.cost,
        "consequence_test": found.consequence_test_id,
        "documents": [
            {
                "id": link.document_id,
                "title": link.document.title,
                "url": url_for("portal.document", document_id=link.document_id),
            }
            for link in found.linked_documents
        ],
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "size": a.size,
                "content_type": a.content_type,
                "url": url_for(
                    "api.requests.attachment",
                    registration=found.number,
                    attachment_id=a.id,
                ),
            }
            for a in found.attachments
        ],
        "notice_url": url_for("api.requests.notice", registration=found.number),
    }


def officer_json(found, actor, days, today, *, full: bool = True) -> dict[str, Any]:
    """What an officer sees; the personal data only for those who handle it."""
    body = request_json(found)
    body["subject"] = found.subject
    body["flags"] = sorted(workflow.flags(found, days, today))
    body["effective_due_on"] = found.effective_due_on.isoformat()
    body["organisations"] = [
        {"slug": d.organisation.slug, "name": d.organisation.name}
        for d in found.dispositions
    ]
    if full and workflow.handles(actor, found):
        body["requester"] = {
            "kind": found.requester_kind,
            "name": found.name,
            "identity_number": found.identity_number,
            "address": found.address,
            "occupation": found.occupation,
            "phone": found.phone,
            "email": found.email,
            "purpose": found.purpose,
            "proxy": found.proxy,
            "files": [
                {"kind": f.kind, "filename": f.filename, "size": f.size}
                for f in found.files
            ],
        }
    return body


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


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
    found = json_content("The request, without personal data", _request_schema())
    return {
        "/requests/challenge": {
            "get": {
                "summary": "A challenge question for an anonymous submission "
                "(valid one hour, good for one submission)",
                "description": "The question is text, as the form asks it (e.g. "
                '"Berapakah 3 ditambah 4?"); send challenge_token and the sum as '
                "challenge_answer with a request or an objection. A token that "
                "already admitted a submission is refused (422 on "
                "challenge_answer).",
                "responses": {
                    "200": json_content(
                        "The question and its signed token",
                        {
                            "type": "object",
                            "properties": {
                                "question": {"type": "string"},
                                "token": {"type": "string"},
                                "expires_in": {"type": "integer"},
                            },
                        },
                    )
                },
            }
        },
        "/requests": {
            "post": _create_operation(),
            "get": {
                "summary": "Officers: the requests they handle (the PPID Utama all, "
                "a Pelaksana those disposed to its OPD), with due-soon/overdue "
                "flags; ?format=csv exports them with personal data masked",
                "parameters": [
                    query_parameter(
                        "state", {"enum": list(REQUEST_STATES)}, "Only this state"
                    ),
                    query_parameter(
                        "flag", {"enum": ["overdue", "due_soon"]}, "Only flagged"
                    ),
                    query_parameter(
                        "organisation", {"type": "string"}, "Disposed to this OPD"
                    ),
                    query_parameter("year", {"type": "integer"}, "Registration year"),
                    query_parameter(
                        "format", {"enum": ["json", "csv"]}, "csv: masked export"
                    ),
                ],
                "responses": {
                    "200": {"description": "{requests: [...]}, or text/csv"},
                    **error_responses("400", "401"),
                },
            },
        },
        **_workflow_paths(found),
        "/requests/{number}": {
            "get": {
                "summary": "Cek Status: the request when the email or the secret "
                "matches; 404 otherwise, whatever was wrong",
                "parameters": [
                    NUMBER,
                    query_parameter(
                        "email", {"type": "string"}, "The requester's email"
                    ),
                    query_parameter("secret", {"type": "string"}, "The status secret"),
                ],
                "responses": {"200": found, **error_responses("404")},
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
                "responses": {"200": found, **error_responses("400", "404", "409")},
            }
        },
    }


def _workflow_paths(found) -> dict[str, Any]:
    text = {"type": "string"}

    def step(summary, required, properties, errors=("401", "403", "404", "409", "422")):
        body = {"type": "object", "required": required, "properties": properties}
        return {
            "post": {
                "summary": summary,
                "parameters": [NUMBER],
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": found, **error_responses(*errors)},
            }
        }

    answer = step(
        "Answer with an outcome (DOMAIN.md §4); JSON, or multipart with "
        "'attachments' files",
        ["outcome"],
        {
            "outcome": {"type": "string"},
            "answer_text": text,
            "documents": {"type": "array", "items": {"type": "integer"}},
            "consequence_test": {
                "type": "string",
                "description": "The approved test's number: required for "
                "refused_exempt_* and for granted_partly (the Ps. 17 basis of the "
                "withheld part, stated in the notice)",
            },
            "holder_name": text,
            "cost": {"type": "integer", "minimum": 0},
        },
    )
    pdf = {"content": {"application/pdf": {}}, "description": "The PDF"}
    reader = [
        NUMBER,
        query_parameter("email", text, "The requester's email"),
        query_parameter("secret", text, "The status secret"),
    ]
    return {
        "/requests/{number}/dispose": step(
            "The PPID Utama disposes the request to OPD, with the public subject",
            ["organisations"],
            {
                "organisations": {"type": "array", "items": text},
                "subject": text,
                "note": text,
            },
        ),
        "/requests/{number}/extend": step(
            "One extension of at most 7 working days before the first deadline",
            ["days", "reason"],
            {"days": {"type": "integer", "minimum": 1, "maximum": 7}, "reason": text},
        ),
        "/requests/{number}/answer": answer,
        "/requests/{number}/close": step("Close an answered request", [], {}),
        "/requests/{number}/notice.pdf": {
            "get": {
                "summary": "The written notice (pemberitahuan tertulis): handlers, "
                "or the requester with ?email= or ?secret=",
                "parameters": reader,
                "responses": {"200": pdf, **error_responses("404")},
            }
        },
        "/requests/{number}/attachments/{attachment}": {
            "get": {
                "summary": "An attachment of the answer",
                "parameters": [
                    *reader,
                    {
                        "name": "attachment",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "200": {"description": "The file"},
                    **error_responses("404"),
                },
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
            "201": json_content(
                "The request, with status_url and receipt_url (holding the "
                "secret, shown this once) and due_on",
                _request_schema(),
            ),
            **error_responses("400", "401", "403", "413", "415", "422"),
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
