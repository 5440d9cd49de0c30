"""Issue 19: the PPID Utama declines a new version waiting on a published
document, with a reason; the public keeps the published version, the audit keeps
what was declined and the Pelaksana is emailed. The return-to-draft reason is
accepted through the API too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dms.audit import AuditEvent
from dms.documents.fsck import check_archive, repair
from dms.documents.models import DocumentVersion
from tests.helpers import a_pdf, add_version, upload
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_return_reason import _give_email, _outbox


def _published_with_waiting_version(client, cast) -> int:
    document = upload(client, cast, "dinkes").get_json()
    assert (
        client.post(
            f"/api/v1/documents/{document['id']}/publish", headers=cast.auth("utama")
        ).status_code
        == 200
    )
    waiting = add_version(
        client, cast, "dinkes", document["id"], a_pdf("Versi dua"), filename="v2.pdf"
    )
    assert waiting.status_code == 201
    return document["id"]


def _decline_on_the_page(app, document_id: int, reason: str):
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302
    token = csrf_token(utama, "/ruang-kerja/persetujuan")
    return utama.post(
        f"/ruang-kerja/dokumen/{document_id}/tolak-versi",
        data={"csrf_token": token, "reason": reason, "back": "approvals"},
    )


def test_the_utama_declines_a_waiting_version_and_the_public_keeps_the_first(
    app, client, cast, archive
):
    _give_email(archive, "dinkes")
    document_id = _published_with_waiting_version(client, cast)

    declined = _decline_on_the_page(app, document_id, "Tabel  halaman 3 terpotong.")

    assert declined.status_code == 302
    body = client.get(f"/api/v1/documents/{document_id}").get_json()
    assert (body["status"], body["published_version"]) == ("published", 1)
    staff = client.get(
        f"/api/v1/documents/{document_id}", headers=cast.auth("dinkes")
    ).get_json()
    assert staff["current_version"] == 1
    with archive.reading() as session:
        numbers = session.scalars(
            select(DocumentVersion.number).where(
                DocumentVersion.document_id == document_id
            )
        ).all()
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "version.decline")
        ).one()
    assert numbers == [1]
    assert event.after == {"current_version": 1, "reason": "Tabel halaman 3 terpotong."}
    assert event.before["versions"][0]["filename"] == "v2.pdf"
    [(to, subject, mail_body)] = _outbox(archive)
    assert to == "dinkes@contoh.invalid"
    assert subject.startswith("Versi baru ditolak")
    assert "Alasan: Tabel halaman 3 terpotong." in mail_body
    assert "publik tetap melihat versi 1" in mail_body


def test_a_declined_versions_file_is_deleted_unless_another_version_holds_it(
    app, client, cast, archive
):
    document_id = _published_with_waiting_version(client, cast)
    with archive.reading() as session:
        blobs = dict(
            session.execute(
                select(DocumentVersion.number, DocumentVersion.blob_sha256).where(
                    DocumentVersion.document_id == document_id
                )
            ).all()
        )
    assert archive.storage.exists(blobs[2])

    assert _decline_on_the_page(app, document_id, "").status_code == 302

    assert not archive.storage.exists(blobs[2])
    assert archive.storage.exists(blobs[1])
    # The same bytes offered again, and also uploaded as another document: a
    # second decline leaves them to that document.
    again = add_version(client, cast, "dinkes", document_id, a_pdf("Versi dua"))
    assert again.status_code == 201
    assert again.get_json()["sha256"] == blobs[2]
    other = upload(client, cast, "dinkes", content=a_pdf("Versi dua")).get_json()
    assert _decline_on_the_page(app, document_id, "").status_code == 302
    assert archive.storage.exists(blobs[2])
    assert (
        client.get(
            f"/api/v1/documents/{other['id']}/download", headers=cast.auth("dinkes")
        ).status_code
        == 200
    )


def test_while_a_backup_runs_a_declined_file_waits_for_fsck_repair(
    app, client, cast, archive
):
    document_id = _published_with_waiting_version(client, cast)
    with archive.reading() as session:
        waiting = session.scalar(
            select(DocumentVersion.blob_sha256).where(
                DocumentVersion.document_id == document_id,
                DocumentVersion.number == 2,
            )
        )
    lease = getattr(archive.storage, "deletion_lease", None)
    if lease is None:
        pytest.skip("this storage has no deletion lease (backups copy no blobs)")

    def fsck_repair():  # as dms fsck --repair runs it
        with archive.reading() as session:
            report = check_archive(session, archive.storage)
        assert [item.name for item in report.leftovers] == [waiting]
        with archive.exclusive_storage(), archive.transaction() as session:
            repair(session, archive.storage, report, exclusive=True)
        return report.repaired

    with lease():  # what dms backup holds while it copies
        assert _decline_on_the_page(app, document_id, "").status_code == 302
        assert archive.storage.exists(waiting)
        assert "a backup (or another clean-up) is running" in fsck_repair()[0]
        assert archive.storage.exists(waiting)

    assert fsck_repair()[0].startswith(f"removed orphan blob {waiting}")
    assert not archive.storage.exists(waiting)


def test_after_a_decline_the_next_upload_is_version_two_again(
    app, client, cast, archive
):
    document_id = _published_with_waiting_version(client, cast)
    _decline_on_the_page(app, document_id, "")

    again = add_version(client, cast, "dinkes", document_id, a_pdf("Perbaikan"))

    assert again.status_code == 201, again.get_json()
    assert again.get_json()["number"] == 2


def test_the_approval_queue_offers_to_decline_the_waiting_version(app, client, cast):
    document_id = _published_with_waiting_version(client, cast)
    utama = app.test_client()
    log_in(utama, "utama")

    html = utama.get("/ruang-kerja/persetujuan").get_data(as_text=True)

    assert f"/ruang-kerja/dokumen/{document_id}/tolak-versi" in html
    assert f'<label for="decline-{document_id}">' in html


def test_a_pelaksana_cannot_decline_and_nothing_changes(client, cast):
    document_id = _published_with_waiting_version(client, cast)

    refused = client.post(
        f"/api/v1/documents/{document_id}/decline-version",
        headers=cast.auth("dinkes"),
        json={"reason": "Salah unggah"},
    )

    assert refused.status_code == 403
    staff = client.get(
        f"/api/v1/documents/{document_id}", headers=cast.auth("dinkes")
    ).get_json()
    assert staff["current_version"] == 2


def test_declining_when_no_version_waits_is_a_conflict(client, cast):
    document = upload(client, cast, "dinkes").get_json()
    client.post(
        f"/api/v1/documents/{document['id']}/publish", headers=cast.auth("utama")
    )

    refused = client.post(
        f"/api/v1/documents/{document['id']}/decline-version",
        headers=cast.auth("utama"),
    )

    assert refused.status_code == 409


def test_the_api_declines_with_a_reason_and_refuses_a_reason_too_long(
    client, cast, archive
):
    document_id = _published_with_waiting_version(client, cast)
    path = f"/api/v1/documents/{document_id}/decline-version"

    too_long = client.post(
        path, headers=cast.auth("utama"), json={"reason": "x" * 1001}
    )
    declined = client.post(path, headers=cast.auth("utama"), json={"reason": "Buram"})

    assert too_long.status_code == 422
    assert declined.status_code == 200, declined.get_json()
    assert declined.get_json()["current_version"] == 1


def test_the_api_returns_a_document_to_draft_with_a_reason(client, cast, archive):
    document = upload(client, cast, "dinkes", publish="true").get_json()
    assert document["status"] == "pending"

    returned = client.post(
        f"/api/v1/documents/{document['id']}/return",
        headers=cast.auth("utama"),
        json={"reason": "Nomor surat kosong."},
    )

    assert returned.status_code == 200, returned.get_json()
    assert returned.get_json()["status"] == "draft"
    with archive.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.return")
        ).one()
    assert event.after == {"status": "draft", "reason": "Nomor surat kosong."}


def test_the_api_return_without_a_body_still_works(client, cast):
    document = upload(client, cast, "dinkes", publish="true").get_json()

    returned = client.post(
        f"/api/v1/documents/{document['id']}/return", headers=cast.auth("utama")
    )

    assert returned.status_code == 200
    assert returned.get_json()["status"] == "draft"


def test_a_reason_that_is_not_text_is_refused(client, cast):
    document = upload(client, cast, "dinkes", publish="true").get_json()

    refused = client.post(
        f"/api/v1/documents/{document['id']}/return",
        headers=cast.auth("utama"),
        json={"reason": 5},
    )

    assert refused.status_code == 422
    assert "reason" in refused.get_json()["error"]["message"]


def test_a_pelaksana_cannot_decline_on_a_serta_merta_document_either(
    client, cast, archive
):
    # A Pelaksana may publish a serta-merta document itself; declining stays the
    # Utama's decision.
    from dms.documents.models import Document

    document_id = _published_with_waiting_version(client, cast)
    with archive.transaction() as session:
        session.get(Document, document_id).category = "serta_merta"

    refused = client.post(
        f"/api/v1/documents/{document_id}/decline-version",
        headers=cast.auth("dinkes"),
        json={"reason": "Salah unggah"},
    )

    assert refused.status_code == 403
    staff = client.get(
        f"/api/v1/documents/{document_id}", headers=cast.auth("dinkes")
    ).get_json()
    assert staff["current_version"] == 2
