"""Returning a pending document to draft carries the approver's reason into the
audit trail, where the Pelaksana reads why."""

from __future__ import annotations

from sqlalchemy import select

from dms.audit import AuditEvent
from tests.helpers import upload
from tests.web.test_auth_pages import csrf_token, log_in


def _pending(client, cast) -> int:
    document = upload(client, cast, "dinkes", publish="true").get_json()
    assert document["status"] == "pending"
    return document["id"]


def _return(app, document_id: int, reason: str):
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302
    token = csrf_token(utama, "/ruang-kerja/persetujuan")
    return utama.post(
        f"/ruang-kerja/dokumen/{document_id}/kembalikan",
        data={"csrf_token": token, "reason": reason, "back": "approvals"},
    )


def test_the_reason_for_returning_a_document_is_kept_in_the_audit(
    app, client, cast, archive
):
    document_id = _pending(client, cast)

    returned = _return(app, document_id, "Lampiran  belum   ditandatangani.")

    assert returned.status_code == 302
    with archive.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.return")
        ).one()
    assert event.object_id == document_id
    assert event.after == {
        "status": "draft",
        "reason": "Lampiran belum ditandatangani.",
    }


def test_a_reason_too_long_is_refused_and_the_document_stays_pending(app, client, cast):
    document_id = _pending(client, cast)

    refused = _return(app, document_id, "x" * 1001)

    assert refused.status_code == 422
    status = client.get(
        f"/api/v1/documents/{document_id}", headers=cast.auth("dinkes")
    ).get_json()["status"]
    assert status == "pending"
