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


def _give_email(archive, username: str) -> None:
    from dms.accounts.models import User

    with archive.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        user.email = f"{username}@contoh.invalid"


def _outbox(archive):
    from dms.mail import OutboxMessage

    with archive.reading() as session:
        return [
            (m.recipient, m.subject, m.body)
            for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_the_pelaksana_is_emailed_the_reason_its_document_was_returned(
    app, client, cast, archive
):
    _give_email(archive, "dinkes")
    _give_email(archive, "bpbd")
    document_id = _pending(client, cast)

    _return(app, document_id, "Nomor surat belum diisi.")

    [(to, subject, body)] = _outbox(archive)
    assert to == "dinkes@contoh.invalid"
    assert subject.startswith("Dokumen dikembalikan menjadi draf")
    assert "Alasan: Nomor surat belum diisi." in body
    assert f"/ruang-kerja/dokumen/{document_id}" in body


def test_the_pelaksana_is_emailed_when_the_utama_publishes_its_document(
    client, cast, archive
):
    _give_email(archive, "dinkes")
    document_id = _pending(client, cast)

    published = client.post(
        f"/api/v1/documents/{document_id}/publish", headers=cast.auth("utama")
    )

    assert published.status_code == 200, published.get_json()
    [(to, subject, _body)] = _outbox(archive)
    assert (to, subject[:20]) == ("dinkes@contoh.invalid", "Dokumen diterbitkan:")
