"""A failure anywhere between the blob write and the commit leaves nothing behind."""

from __future__ import annotations

import io
import os
import threading
import time

import pytest
from sqlalchemy import event, func, select

from dms import audit
from dms.documents import services
from dms.documents.fsck import check_archive, repair
from dms.documents.models import Document, DocumentVersion
from dms.errors import Conflict
from tests.helpers import a_pdf, add_version, upload


class Injected(RuntimeError):
    pass


def _counts(archive):
    with archive.reading() as session:
        documents = session.scalar(select(func.count(Document.id)))
        versions = session.scalar(select(func.count(DocumentVersion.id)))
        events = session.scalar(select(func.count(audit.AuditEvent.id)))
    return documents, versions, events, sorted(archive.storage.keys())


def _fail_on_audit(monkeypatch, action: str):
    real = audit.record

    def failing(session, actor, name, obj, **kwargs):
        if name == action:
            raise Injected(f"injected failure at {name}")
        return real(session, actor, name, obj, **kwargs)

    monkeypatch.setattr(audit, "record", failing)


def _fail_on_commit(archive):
    def before_commit(session):
        raise Injected("injected failure at commit")

    event.listen(archive.session_factory, "before_commit", before_commit)
    return lambda: event.remove(archive.session_factory, "before_commit", before_commit)


def _create(archive, cast_user, content):
    with archive.transaction() as session:
        _create_in(session, archive, cast_user, content)


def _create_in(session, archive, cast_user, content):
    """Upload `content` as a new document of `cast_user`, inside `session`."""
    actor = session.scalar(
        select(services.User).where(services.User.username == cast_user)
    )
    services.create_document(
        session,
        archive.storage,
        actor=actor,
        fileobj=io.BytesIO(content),
        filename="x.pdf",
        fields=services.NewDocument(title="T", category="berkala"),
        max_size=archive.settings.max_upload_bytes,
    )


def test_a_failure_after_the_blob_write_leaves_no_row_and_no_blob(
    archive, cast, monkeypatch
):
    before = _counts(archive)
    _fail_on_audit(monkeypatch, "document.create")

    with pytest.raises(Injected):
        _create(archive, "dinkes", a_pdf("gagal di tengah jalan"))

    assert _counts(archive) == before


def test_a_failure_at_commit_leaves_no_row_and_no_blob(archive, cast):
    before = _counts(archive)
    remove = _fail_on_commit(archive)
    try:
        with pytest.raises(Injected):
            _create(archive, "dinkes", a_pdf("gagal saat commit"))
    finally:
        remove()

    assert _counts(archive) == before


def test_a_failed_new_version_leaves_the_document_as_it_was(
    client, archive, cast, monkeypatch
):
    document = upload(client, cast, "dinkes").get_json()
    before = _counts(archive)
    _fail_on_audit(monkeypatch, "version.create")

    response = add_version(client, cast, "dinkes", document["id"], a_pdf("versi gagal"))

    assert response.status_code == 500
    assert _counts(archive) == before
    after = client.get(document["url"], headers=cast.auth("dinkes")).get_json()
    assert after["current_version"] == 1


def test_a_failed_upload_of_bytes_already_stored_keeps_the_existing_blob(
    client, archive, cast, monkeypatch
):
    content = a_pdf("isi yang sama")
    first = upload(client, cast, "dinkes", content=content).get_json()
    _fail_on_audit(monkeypatch, "document.create")

    with pytest.raises(Injected):
        _create(archive, "utama", content)

    download = client.get(first["download_url"], headers=cast.auth("dinkes"))
    assert download.data == content


def test_the_api_answers_500_json_and_cleans_up_when_a_commit_fails(
    client, archive, cast
):
    before = _counts(archive)
    remove = _fail_on_commit(archive)
    try:
        response = upload(client, cast, "dinkes", content=a_pdf("api gagal"))
    finally:
        remove()

    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "injected" not in response.get_data(as_text=True)
    assert _counts(archive) == before


def test_identical_content_in_two_documents_is_stored_once(client, archive, cast):
    content = a_pdf("dua dokumen, satu blob")
    upload(client, cast, "dinkes", content=content, title="A")
    upload(client, cast, "bpbd", content=content, title="B")

    assert len(list(archive.storage.keys())) == 1


def test_clean_up_after_a_failed_upload_waits_for_an_upload_reusing_its_blob(
    archive, cast
):
    """A failed upload created the blob; another upload of the same bytes reuses it
    and has not committed yet. The failed one's clean-up must wait, then keep it."""
    content = a_pdf("dua unggahan serentak")
    key = archive.storage.put(io.BytesIO(content)).key  # left by the failed upload
    reused, release = threading.Event(), threading.Event()

    def reusing_upload():
        with archive.transaction() as session:
            _create_in(session, archive, "dinkes", content)
            reused.set()
            release.wait(30)

    upload_thread = threading.Thread(target=reusing_upload)
    upload_thread.start()
    assert reused.wait(30)
    cleanup_thread = threading.Thread(target=archive._discard, args=([key],))
    cleanup_thread.start()

    cleanup_thread.join(timeout=0.5)
    queued = cleanup_thread.is_alive()
    release.set()
    upload_thread.join(30)
    cleanup_thread.join(30)

    assert queued, "the clean-up did not wait for the upload reusing the blob"
    assert archive.storage.exists(key)
    with archive.reading() as session:
        report = check_archive(session, archive.storage)
    assert report.healthy and report.orphans == []


def test_an_upload_whose_reused_blob_vanished_is_refused_cleanly(
    archive, cast, monkeypatch
):
    content = a_pdf("blob yang hilang")
    key = archive.storage.put(io.BytesIO(content)).key
    real_put = archive.storage.put

    def put_then_lose(stream, **kwargs):
        result = real_put(stream, **kwargs)
        archive.storage.delete(key)  # another upload's clean-up, just now
        return result

    monkeypatch.setattr(archive.storage, "put", put_then_lose)
    before = _counts(archive)

    with pytest.raises(Conflict):
        _create(archive, "dinkes", content)

    documents, versions, events, keys = _counts(archive)
    assert (documents, versions, events) == before[:3]
    assert keys == []  # the other clean-up removed it; no row refers to it


def test_fsck_repair_waits_for_an_upload_reusing_an_old_orphan(archive, cast):
    content = a_pdf("yatim lama dipakai lagi")
    key = archive.storage.put(io.BytesIO(content)).key
    old = time.time() - 2 * 3600
    os.utime(archive.storage.path_for(key), (old, old))
    with archive.reading() as session:
        report = check_archive(session, archive.storage)
    assert report.orphans == [key]
    reused, release = threading.Event(), threading.Event()

    def reusing_upload():
        with archive.transaction() as session:
            _create_in(session, archive, "dinkes", content)
            reused.set()
            release.wait(30)

    def run_repair():
        with archive.transaction() as session:
            repair(session, archive.storage, report, exclusive=False)

    upload_thread = threading.Thread(target=reusing_upload)
    upload_thread.start()
    assert reused.wait(30)
    repair_thread = threading.Thread(target=run_repair)
    repair_thread.start()

    repair_thread.join(timeout=0.5)
    queued = repair_thread.is_alive()
    release.set()
    upload_thread.join(30)
    repair_thread.join(30)

    assert queued, "fsck --repair did not wait for the upload reusing the orphan"
    assert archive.storage.exists(key)
    assert report.repaired == [f"kept blob {key}: a version uses it now"]


def test_a_decline_that_fails_at_commit_keeps_the_version_and_its_file(
    client, archive, cast
):
    document = upload(client, cast, "dinkes").get_json()
    client.post(
        f"/api/v1/documents/{document['id']}/publish", headers=cast.auth("utama")
    )
    waiting = add_version(client, cast, "dinkes", document["id"], a_pdf("Versi dua"))
    assert waiting.status_code == 201
    before = _counts(archive)

    remove = _fail_on_commit(archive)
    try:
        with pytest.raises(Injected), archive.transaction() as session:
            actor = session.scalar(
                select(services.User).where(services.User.username == "utama")
            )
            services.decline_new_version(
                session, actor=actor, document_id=document["id"]
            )
    finally:
        remove()

    assert _counts(archive) == before
    assert archive.storage.exists(waiting.get_json()["sha256"])
