"""Consequence tests under /api/v1/consequence-tests: thin views over
dms.classification.exemptions (propose, record, approve, reject, open)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, send_file, url_for

from dms.accounts.models import User
from dms.classification import exemptions
from dms.documents.consequence_tests import APPROVED, ConsequenceTest
from dms.web.api import responses
from dms.web.api.base import (
    ApiBlueprint,
    authenticated_user_id,
    body_limit,
    current_actor,
    current_archive,
    given,
    iso_time,
    parse_form,
    parse_json,
    parse_query,
    upload_limit,
)
from dms.web.api.documents import document_json
from dms.web.api.openapi import Reply, describe, paths_of
from dms.web.api.schemas import (
    Approval,
    ConsequenceTestQuery,
    ConsequenceTestRecord,
    Note,
    Opening,
    Proposal,
    RedactedVersion,
)

bp = ApiBlueprint("consequence_tests", __name__)


@bp.get("/consequence-tests")
@describe(
    "Tests you may see (their documents' closed content)",
    query=ConsequenceTestQuery,
    replies={"200": Reply("items and total", responses.ConsequenceTestList)},
    errors=("422",),
)
def list_tests():
    query = parse_query(ConsequenceTestQuery)
    with current_archive().reading() as session:
        actor = current_actor(session)
        tests = exemptions.list_tests(
            session,
            actor=actor,
            state=query.state,
            org=query.org,
            document_id=query.document,
        )
        return jsonify(items=[test_json(test) for test in tests], total=len(tests))


@bp.post("/documents/<id:document_id>/consequence-tests")
@describe(
    "Propose an exemption (Pelaksana of the document's organisation, or PPID Utama)",
    body=Proposal,
    replies={"201": Reply("The proposed test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def propose(document_id: int):
    actor_id = authenticated_user_id()
    body = parse_json(Proposal)
    with current_archive().transaction() as session:
        test = exemptions.propose(
            session,
            actor=session.get(User, actor_id),
            document_id=document_id,
            reason=body.reason,
            ground_letter=body.ground_letter,
        )
        result = test_json(test)
    return jsonify(result), 201, {"Location": result["url"]}


@bp.get("/consequence-tests/<id:test_id>")
@describe(
    "One test",
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("404",),
)
def get_test(test_id: int):
    with current_archive().reading() as session:
        actor = current_actor(session)
        test = exemptions.get_test(session, actor=actor, test_id=test_id)
        return jsonify(test_json(test))


@bp.put("/consequence-tests/<id:test_id>/record")
@describe(
    "PPID Utama records the test (until it is decided); the number is issued on "
    "the first record",
    body=ConsequenceTestRecord,
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def record(test_id: int):
    actor_id = authenticated_user_id()
    fields = given(parse_json(ConsequenceTestRecord))
    archive = current_archive()
    with archive.transaction() as session:
        test = exemptions.record(
            session,
            actor=session.get(User, actor_id),
            test_id=test_id,
            fields=fields,
            today=archive.settings.local_today(),
        )
        return jsonify(test_json(test))


@bp.post("/consequence-tests/<id:test_id>/redacted-version")
@describe(
    "PPID Utama uploads the redacted public version (exempt_part only); a second "
    "upload is its next version",
    form=RedactedVersion,
    replies={"201": Reply("The redacted document", responses.Document)},
    errors=("401", "403", "404", "409", "413", "415"),
    bearer=True,
)
@body_limit(upload_limit)
def attach_redacted_version(test_id: int):
    actor_id = authenticated_user_id()
    form = parse_form(RedactedVersion)
    upload = form.file
    archive = current_archive()
    with archive.transaction() as session:
        actor = session.get(User, actor_id)
        document = exemptions.attach_redacted_version(
            session,
            archive.storage,
            actor=actor,
            test_id=test_id,
            fileobj=upload.stream,
            filename=upload.filename or "",
            max_size=archive.settings.max_upload_bytes,
            title=form.title,
            summary=form.summary,
        )
        body = document_json(document, actor)
    return jsonify(body), 201, {"Location": body["url"]}


@bp.post("/consequence-tests/<id:test_id>/approve")
@describe(
    "Atasan PPID approves; the decision takes effect",
    body=Approval,
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def approve(test_id: int):
    """Optional JSON {"note", "redacted_version"}: the public version reviewed."""
    actor_id = authenticated_user_id()
    body = parse_json(Approval, optional=True)
    archive = current_archive()
    with archive.transaction() as session:
        test = exemptions.approve(
            session,
            actor=session.get(User, actor_id),
            test_id=test_id,
            today=archive.settings.local_today(),
            note=body.note or "",
            redacted_version=body.redacted_version,
        )
        return jsonify(test_json(test))


@bp.post("/consequence-tests/<id:test_id>/reject")
@describe(
    "Atasan PPID rejects (note required)",
    body=Note,
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def reject(test_id: int):
    actor_id = authenticated_user_id()
    note = parse_json(Note, optional=True).note or ""
    with current_archive().transaction() as session:
        test = exemptions.reject(
            session, actor=session.get(User, actor_id), test_id=test_id, note=note
        )
        return jsonify(test_json(test))


@bp.post("/consequence-tests/<id:test_id>/cancel")
@describe(
    "Withdraw a proposal not yet decided",
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409"),
    bearer=True,
)
def cancel(test_id: int):
    actor_id = authenticated_user_id()
    with current_archive().transaction() as session:
        test = exemptions.cancel(
            session, actor=session.get(User, actor_id), test_id=test_id
        )
        return jsonify(test_json(test))


@bp.post("/consequence-tests/<id:test_id>/open")
@describe(
    "Open an exempt document by a Komisi Informasi or court decision or the "
    "ending event (PPID Utama, atasan PPID)",
    body=Opening,
    replies={"200": Reply("The test", responses.ConsequenceTest)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def open_exemption(test_id: int):
    """A Komisi Informasi or court decision, or the ending event, opens it."""
    actor_id = authenticated_user_id()
    body = parse_json(Opening)
    with current_archive().transaction() as session:
        test = exemptions.open_by_decision(
            session,
            actor=session.get(User, actor_id),
            test_id=test_id,
            authority=body.authority,
            reference=body.reference,
            decided_on=body.decided_on,
            note=body.note or "",
        )
        return jsonify(test_json(test))


@bp.get("/consequence-tests/<id:test_id>/penetapan.pdf")
@describe(
    "The penetapan of an approved test (PDF)",
    replies={"200": Reply("PDF", media=("application/pdf",))},
    errors=("404", "409"),
)
def penetapan(test_id: int):
    from dms.classification.penetapan import penetapan_pdf

    archive = current_archive()
    with archive.reading() as session:
        actor = current_actor(session)
        test = exemptions.get_test(session, actor=actor, test_id=test_id)
        pdf = penetapan_pdf(test, timezone=archive.settings.timezone)
        name = f"penetapan-{test.number}.pdf"
    return send_file(pdf, mimetype="application/pdf", download_name=name)


def test_json(test: ConsequenceTest) -> dict[str, Any]:
    """The whole record; only those who may see the document's closed content
    ever get here (exemptions.get_test and list_tests decide)."""
    document = test.document
    body = {
        "id": test.id,
        "number": test.number,
        "state": test.state,
        "document": {"id": document.id, "title": document.title},
        "org": {"slug": document.organisation.slug},
        "category_before": test.category_before,
        "proposal": {
            "by": _username(test.proposed_by),
            "at": iso_time(test.proposed_at),
            "reason": test.proposal_reason,
        },
        "record": _record_json(test),
        "redacted_document": test.redacted_document_id,
        "decision": {
            "by": _username(test.decided_by),
            "at": iso_time(test.decided_at),
            "note": test.decision_note,
        },
        "subject": {
            "title": test.subject_title or None,
            "unit": test.subject_unit or None,
            "body": test.subject_body or None,
        },
        "exemption": _exemption_json(test),
        "supersedes": test.supersedes_id,
        "url": url_for("api.consequence_tests.get_test", test_id=test.id),
    }
    if test.state == APPROVED:
        body["penetapan_url"] = url_for(
            "api.consequence_tests.penetapan", test_id=test.id
        )
    return body


def _record_json(test: ConsequenceTest) -> dict[str, Any] | None:
    if test.recorded_at is None:
        return None
    return {
        "by": _username(test.recorded_by),
        "at": iso_time(test.recorded_at),
        "test_date": test.test_date.isoformat() if test.test_date else None,
        **{name: getattr(test, name) for name in exemptions.RECORD_TEXTS},
        "ground_letter": test.ground_letter,
        "decision": test.decision,
        "period": {"kind": test.period_kind, "value": test.period_value},
        "participants": list(test.participants or []),
    }


def _exemption_json(test: ConsequenceTest) -> dict[str, Any] | None:
    if test.exemption_status is None:
        return None
    return {
        "status": test.exemption_status,
        "expires_on": test.expires_on.isoformat() if test.expires_on else None,
        "warned_at": iso_time(test.warned_at),
        "ended_at": iso_time(test.ended_at),
        "end_authority": test.end_authority or None,
        "end_reference": test.end_reference or None,
        "end_decided_on": (
            test.end_decided_on.isoformat() if test.end_decided_on else None
        ),
        "end_note": test.end_note or None,
    }


def _username(user) -> str | None:
    return user.username if user is not None else None


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
