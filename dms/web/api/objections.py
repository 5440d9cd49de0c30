"""Objections and disputes under /api/v1/objections: thin views over
dms.requests.objections. A citizen files with the request's number and secret
(or on ground b with their identity), answering the challenge; officers with a
token record, decide and follow disputes."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from dms.errors import Unauthenticated
from dms.requests import objections
from dms.web.api.base import (
    ApiBlueprint,
    current_actor,
    current_archive,
    given,
    parse_json,
    parse_query,
)
from dms.web.api.openapi import OBJECTION_NUMBER, Reply, describe, paths_of
from dms.web.api.schemas import (
    DisputeDecision,
    DisputeInput,
    HearingInput,
    ObjectionDecision,
    ObjectionInput,
    SecretQuery,
)
from dms.web.public.requests import check_limit, check_spam, submit_limit
from dms.workdays import working_calendar

bp = ApiBlueprint("objections", __name__)
FOUND = Reply("The objection (with the objector and disputes for officers)")
NUMBER = {"registration": OBJECTION_NUMBER}


@bp.post("/objections")
@describe(
    "File an objection (keberatan): with the request's number and secret, or on "
    "ground b with the objector's identity; anonymous callers answer the "
    "challenge. Name one `ground` or several `grounds` (both may be given: their "
    "union counts). Officers recording a letter may give `received_on` (at most "
    "30 days back): the 30 working days for the answer run from it",
    body=ObjectionInput,
    replies={"201": Reply("The objection, its secret and status_url")},
    errors=("400", "403", "404", "422"),
)
@submit_limit()
def create_objection():
    archive = current_archive()
    objection = parse_json(ObjectionInput)
    body = given(objection)
    with archive.transaction() as db:
        actor = current_actor(db)
        if actor is None:
            check_spam(db, body)
        filed = objections.file_objection(
            db,
            actor=actor,
            fields=body,
            calendar=working_calendar(db, archive.settings),
            request_number=objection.request or None,
            request_secret=objection.request_secret or None,
            request_email=objection.request_email or None,
        )
        answer = objection_json(filed.objection, personal=None)
    answer["secret"] = filed.secret
    answer["status_url"] = url_for(
        "keberatan.status", number=answer["number"], kunci=filed.secret, _external=True
    )
    return jsonify(answer), 201, {"Location": answer["url"]}


@bp.get("/objections")
@describe(
    "Officers: the objections they may read, each with its deadline `flags` "
    "(overdue, due_soon, answered_late)",
    replies={"200": FOUND},
    errors=("401",),
)
def list_objections():
    with current_archive().reading() as db:
        actor = _officer(db)
        found = objections.list_objections(db, actor=actor)
        deadlines = _deadlines(db)
        return jsonify(objections=[_officer_json(actor, o, *deadlines) for o in found])


@bp.get("/objections/<registration>")
@describe(
    "An objection: officers with a token, or ?secret=",
    path=NUMBER,
    query=SecretQuery,
    replies={"200": FOUND},
    errors=("404",),
)
@check_limit()
def get_objection(registration: str):
    number = registration
    with current_archive().reading() as db:
        actor = current_actor(db)
        if actor is None:
            found = objections.objection_status(
                db, number=number, secret=parse_query(SecretQuery).secret
            )
            return jsonify(objection_json(found, personal=None))
        found = objections.get_objection(db, actor=actor, number=number)
        return jsonify(_officer_json(actor, found, *_deadlines(db)))


@bp.get("/objections/<registration>/response.pdf")
@describe(
    "The atasan PPID's written answer (tanggapan) as a PDF letter, dated on the "
    "local day of the decision and signed with the atasan's name, NIP and "
    "position: officers with a token, or the objector with ?secret=; 404 before "
    "the decision",
    path=NUMBER,
    query=SecretQuery,
    replies={"200": Reply("The PDF", media=("application/pdf",))},
    errors=("404",),
)
@check_limit()
def response_pdf(registration: str):
    """The atasan PPID's written answer (tanggapan): officers with a token, or
    the objector with ?secret=."""
    from dms.web.public.objections import send_tanggapan

    archive = current_archive()
    with archive.reading() as db:
        actor = current_actor(db)
        if actor is None:
            found = objections.objection_status(
                db, number=registration, secret=parse_query(SecretQuery).secret
            )
        else:
            found = objections.get_objection(db, actor=actor, number=registration)
        return send_tanggapan(archive, db, found)


@bp.post("/objections/<registration>/decide")
@describe(
    "The atasan PPID's written answer",
    path=NUMBER,
    body=ObjectionDecision,
    replies={"200": FOUND},
    errors=("401", "403", "404", "409"),
)
def decide(registration: str):
    number = registration
    body = parse_json(ObjectionDecision)
    return _step(
        lambda db, actor, days, today: objections.decide_objection(
            db,
            actor=actor,
            number=number,
            decision=body.decision,
            decision_text=body.decision_text,
        )
    )


@bp.post("/objections/<registration>/disputes")
@describe(
    "Record a dispute at the Komisi Informasi",
    path=NUMBER,
    body=DisputeInput,
    replies={"201": FOUND},
    errors=("401", "403", "409", "422"),
)
def record_dispute(registration: str):
    number = registration
    body = parse_json(DisputeInput)

    def apply(db, actor, days, today):
        dispute = objections.record_dispute(
            db,
            actor=actor,
            objection_number=number,
            register_number=body.register_number,
            filed_on=body.filed_on,
            calendar=days,
            today=today,
        )
        return dispute.objection

    return _step(apply, status=201)


@bp.post("/disputes/<id:dispute_id>/hearings")
@describe(
    "Record a hearing of a dispute",
    body=HearingInput,
    replies={"201": FOUND},
    errors=("401", "403", "404", "422"),
)
def add_hearing(dispute_id: int):
    body = parse_json(HearingInput)

    def apply(db, actor, days, today):
        hearing = objections.add_hearing(
            db,
            actor=actor,
            dispute_id=dispute_id,
            held_on=body.held_on,
            kind=body.kind,
            note=body.note,
            today=today,
        )
        return hearing.dispute.objection

    return _step(apply, status=201)


@bp.post("/disputes/<id:dispute_id>/decide")
@describe(
    "Record the Komisi Informasi's decision; open_test (a consequence test's "
    "number) opens its document",
    body=DisputeDecision,
    replies={"200": FOUND},
    errors=("401", "403", "404", "422"),
)
def decide_dispute(dispute_id: int):
    body = parse_json(DisputeDecision)

    def apply(db, actor, days, today):
        dispute = objections.decide_dispute(
            db,
            actor=actor,
            dispute_id=dispute_id,
            decision=body.decision,
            decision_number=body.decision_number,
            decided_on=body.decided_on,
            decision_text=body.decision_text,
            open_test=body.open_test,
            today=today,
        )
        return dispute.objection

    return _step(apply)


def _step(action, status: int = 200):
    archive = current_archive()
    with archive.transaction() as db:
        actor = _officer(db)
        days, today = _deadlines(db)
        found = action(db, actor, days, today)
        db.flush()
        return jsonify(_officer_json(actor, found, days, today)), status


def _officer(db):
    actor = current_actor(db)
    if actor is None:
        raise Unauthenticated("Masuk dengan token petugas PPID.")
    return actor


def _deadlines(db):
    """The working-day calendar and the local today, for the deadline flags."""
    settings = current_archive().settings
    return working_calendar(db, settings), settings.local_today()


def _officer_json(actor, found, days, today) -> dict[str, Any]:
    """What an officer sees, with the deadline flags of the atasan's answer."""
    body = objection_json(found, personal=objections.sees_objector(actor, found))
    body["flags"] = sorted(objections.objection_flags(found, days, today))
    return body


def objection_json(found, *, personal: bool | None) -> dict[str, Any]:
    """The objection; `personal` None for the objector (by secret): no name, no
    disputes; False for officers who see the name only; True for handlers."""
    body = {
        "number": found.number,
        "request": found.request.number if found.request else None,
        "ground": found.ground,
        "ground_label": objections.GROUND_LABELS[found.ground],
        "grounds": found.ground_list,
        "reasons": found.reasons,
        "state": found.state,
        "received_at": found.received_at.isoformat(),
        "due_on": found.due_on.isoformat(),
        "decision": found.decision,
        "decision_text": found.decision_text or None,
        "decided_at": found.decided_at.isoformat() if found.decided_at else None,
        "url": url_for("api.objections.get_objection", registration=found.number),
    }
    if found.decided_at:
        body["response_url"] = url_for(
            "api.objections.response_pdf", registration=found.number
        )
    if personal is not None:
        body["objector"] = {"name": found.name}
    if personal:
        body["objector"] |= {
            "identity_number": found.identity_number,
            "address": found.address,
            "phone": found.phone,
            "email": found.email,
        }
    if personal is not None:
        body["disputes"] = [
            {
                "id": d.id,
                "register_number": d.register_number,
                "filed_on": d.filed_on.isoformat(),
                "state": d.state,
                "hearings": [
                    {"held_on": h.held_on.isoformat(), "kind": h.kind, "note": h.note}
                    for h in d.hearings
                ],
                "decision": d.decision,
                "decision_number": d.decision_number or None,
                "decided_on": d.decided_on.isoformat() if d.decided_on else None,
                "opened_document": d.opened_document_id,
            }
            for d in found.disputes
        ]
    return body


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
