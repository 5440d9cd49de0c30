"""Requests for information under /api/v1/requests: thin views over
dms.requests.service. Anonymous citizens may file (answering the same challenge
as the form) and follow their own request; the answer never carries the
requester's identity number, contacts or files."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from dms.errors import BadInput, Unauthenticated
from dms.requests import spam, workflow
from dms.requests.exports import masked_csv
from dms.requests.models import InformationRequest
from dms.requests.service import (
    STATE_LABELS,
    RequestUpload,
    check_status,
    submit_request,
    withdraw_request,
)
from dms.web.api import responses
from dms.web.api.base import (
    ApiBlueprint,
    body_limit,
    current_actor,
    current_archive,
    given,
    parse_form,
    parse_json,
    parse_query,
)
from dms.web.api.openapi import Reply, describe, error, paths_of
from dms.web.api.schemas import (
    Answer,
    AnswerForm,
    Disposition,
    Extension,
    ReaderQuery,
    RequestForm,
    RequestInput,
    RequestListQuery,
    Withdrawal,
)
from dms.web.public.requests import (
    check_limit,
    check_spam,
    status_url,
    submit_limit,
    uploaded_files,
)
from dms.workdays import working_calendar

bp = ApiBlueprint("requests", __name__)
FOUND = Reply("The request, without personal data", responses.InformationRequest)
# Room for the identity document, the proxy letter and the form fields.
ENVELOPE_BYTES = 1024 * 1024


@bp.get("/requests/challenge")
@describe(
    "A challenge question for an anonymous submission (valid one hour, good for "
    "one submission)",
    description='The question is text, as the form asks it (e.g. "Berapakah 3 '
    'ditambah 4?"); send challenge_token and the sum as challenge_answer with a '
    "request or an objection. A token that already admitted a submission is "
    "refused (422 on challenge_answer).",
    replies={"200": Reply("The question and its signed token", responses.Challenge)},
)
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
@describe(
    "File a request for information. Anonymous callers answer the challenge (GET "
    "/requests/challenge); officers with a token may record walk-in, letter, "
    "phone and email requests. Rate-limited per address.",
    body=RequestInput,
    form=RequestForm,
    replies={
        "201": Reply(
            "The request, with status_url and receipt_url (holding the secret, "
            "shown this once) and due_on",
            responses.InformationRequest,
        ),
        "429": error("429", "Too many submissions from this address"),
    },
    errors=("400", "401", "403", "413", "415", "422"),
)
@body_limit(lambda settings: 2 * settings.request_max_upload_bytes + ENVELOPE_BYTES)
@submit_limit()
def create_request():
    archive = current_archive()
    if request.mimetype == "multipart/form-data":
        fields = request.form  # the service checks every field, with the files
    else:
        fields = given(parse_json(RequestInput))
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
@describe(
    "Officers: the requests they handle (the PPID Utama all, a Pelaksana those "
    "disposed to its OPD), with due-soon/overdue flags; ?format=csv exports them "
    "with personal data masked",
    query=RequestListQuery,
    replies={"200": Reply("{requests: [...]}, or text/csv")},
    errors=("400", "401"),
)
def list_requests():
    """Officers: the requests they handle; ?format=csv exports them masked."""
    query = parse_query(RequestListQuery)
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
            filters=_filters(db, query),
            limit=5000 if query.format == "csv" else 500,
        )
        if query.format == "csv":
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


def _filters(db, query: RequestListQuery) -> workflow.RequestFilter:
    from sqlalchemy import select

    from dms.accounts.models import Organisation

    organisation_id = None
    if slug := query.organisation:
        organisation_id = db.scalar(
            select(Organisation.id).where(Organisation.slug == slug)
        )
        if organisation_id is None:
            raise BadInput("OPD tidak dikenal.")
    return workflow.RequestFilter(
        state=query.state,
        flag=query.flag,
        organisation_id=organisation_id,
        year=int(query.year) if query.year else None,
    )


def _officer(db):
    actor = current_actor(db)
    if actor is None:
        raise Unauthenticated("Masuk dengan token petugas PPID.")
    return actor


@bp.get("/requests/<registration>")
@describe(
    "Cek Status: the request when the email or the secret matches; 404 "
    "otherwise, whatever was wrong",
    query=ReaderQuery,
    replies={"200": FOUND},
    errors=("404",),
)
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
        reader = parse_query(ReaderQuery)
        found = check_status(
            db, number=registration, email=reader.email, secret=reader.secret
        )
        return jsonify(request_json(found))


@bp.post("/requests/<registration>/withdraw")
@describe(
    "The requester withdraws a request not yet processed",
    body=Withdrawal,
    replies={"200": FOUND},
    errors=("400", "404", "409"),
)
def withdraw(registration: str):
    secret = parse_json(Withdrawal).secret
    with current_archive().transaction() as db:
        found = withdraw_request(db, number=registration, secret=secret)
        return jsonify(request_json(found))


@bp.post("/requests/<registration>/dispose")
@describe(
    "The PPID Utama disposes the request to OPD, with the public subject",
    body=Disposition,
    replies={"200": FOUND},
    errors=("401", "403", "404", "409", "422"),
)
def dispose(registration: str):
    body = parse_json(Disposition)
    return _step(
        lambda db, actor, days, today: workflow.dispose(
            db,
            actor=actor,
            number=registration,
            organisations=body.organisations,
            subject=body.subject,
            note=body.note,
        )
    )


@bp.post("/requests/<registration>/extend")
@describe(
    "One extension of at most 7 working days before the first deadline",
    body=Extension,
    replies={"200": FOUND},
    errors=("401", "403", "404", "409", "422"),
)
def extend(registration: str):
    body = parse_json(Extension)
    return _step(
        lambda db, actor, days, today: workflow.extend(
            db,
            actor=actor,
            number=registration,
            days=body.days,
            reason=body.reason,
            calendar=days,
            today=today,
        )
    )


@bp.post("/requests/<registration>/answer")
@describe(
    "Answer with an outcome (DOMAIN.md §4); JSON, or multipart with 'attachments' "
    "files",
    form=AnswerForm,
    body=Answer,
    replies={"200": FOUND},
    errors=("401", "403", "404", "409", "422"),
)
@body_limit(lambda settings: settings.max_upload_bytes + ENVELOPE_BYTES)
def answer(registration: str):
    """JSON, or multipart with 'attachments' files and 'documents' repeated."""
    archive = current_archive()
    if request.mimetype == "multipart/form-data":
        body = parse_form(AnswerForm)
        files = [
            RequestUpload("answer", f.stream, f.filename or "")
            for f in body.attachments
            if f.filename
        ]
    else:
        body, files = parse_json(Answer), []
    return _step(
        lambda db, actor, days, today: workflow.answer(
            db,
            archive.storage,
            actor=actor,
            number=registration,
            outcome=body.outcome,
            answer_text=body.answer_text,
            documents=body.documents,
            attachments=files,
            consequence_test=body.consequence_test,
            holder_name=body.holder_name,
            cost=body.cost,
            max_attachment_bytes=archive.settings.max_upload_bytes,
        )
    )


@bp.post("/requests/<registration>/close")
@describe(
    "Close an answered request",
    replies={"200": FOUND},
    errors=("401", "403", "404", "409", "422"),
)
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
@describe(
    "The written notice (pemberitahuan tertulis): handlers, or the requester "
    "with ?email= or ?secret=",
    query=ReaderQuery,
    replies={"200": Reply("The PDF", media=("application/pdf",))},
    errors=("404",),
)
@check_limit()
def notice(registration: str):
    """The written notice: for handling officers, or the requester (secret/email)."""
    from dms.web.public.requests import send_notice

    archive = current_archive()
    with archive.reading() as db:
        return send_notice(archive, db, _readable(db, registration))


@bp.get("/requests/<registration>/attachments/<id:attachment_id>")
@describe(
    "An attachment of the answer",
    query=ReaderQuery,
    replies={"200": Reply("The file")},
    errors=("404",),
)
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
    reader = parse_query(ReaderQuery)
    return check_status(
        db, number=registration, email=reader.email, secret=reader.secret
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
        "addressed_to": _organisation_json(found.hinted_organisation),
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


def _organisation_json(organisation) -> dict[str, str] | None:
    if organisation is None:
        return None
    return {"slug": organisation.slug, "name": organisation.name}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
