"""What the archive holds is what it serves: a blob whose bytes fail their SHA-256
is never served as if intact, officers see the version marked damaged, and an
upload of the same bytes repairs it. Filesystem store and S3 (moto over HTTP)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dms.documents import fsck
from dms.documents.integrity import BlobMismatch
from dms.documents.models import DamagedBlob
from tests.helpers import a_pdf, add_version, upload

REAL_PDF = "real/1728360418Informasi-tentang-peraturan.pdf"


@pytest.fixture(params=["filesystem", "s3"])
def store_app(request, test_config):
    from dms.web import create_app

    config = dict(test_config)
    if request.param == "s3":
        config["storage_url"] = request.getfixturevalue("s3_storage_url")
    app = create_app(config)
    app.config["TESTING"] = True
    archive = app.extensions["dms"]
    archive.storage.ensure_ready()
    archive.settings.index_dir.mkdir(parents=True, exist_ok=True)
    yield app
    archive.close()


@pytest.fixture
def store_archive(store_app):
    return store_app.extensions["dms"]


@pytest.fixture
def store_cast(store_archive):
    from tests.conftest import make_cast

    return make_cast(store_archive)


def alter_by_hand(storage, sha256: str, content: bytes) -> None:
    """Flip one byte in the middle of the stored blob, keeping its size."""
    damaged = bytearray(content)
    damaged[len(damaged) // 2] ^= 0xFF
    if hasattr(storage, "path_for"):
        storage.path_for(sha256).write_bytes(bytes(damaged))
    else:
        storage.client.put_object(
            bucket_name=storage.bucket,
            object_name=storage.object_name(sha256),
            data=io.BytesIO(bytes(damaged)),
            length=len(damaged),
        )


def run_fsck(archive) -> fsck.FsckReport:
    """What `dms fsck` does: check, then record the findings."""
    with archive.reading() as session:
        report = fsck.check_archive(session, archive.storage)
    with archive.transaction() as session:
        fsck.record_findings(session, report)
    return report


def published(client, cast, content: bytes) -> dict:
    response = upload(client, cast, "utama", content=content, publish="true")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_blob_found_damaged_by_fsck_is_refused_with_a_clear_message(
    store_app, store_archive, store_cast, corpus
):
    client = store_app.test_client()
    content = (corpus / REAL_PDF).read_bytes()
    document = published(client, store_cast, content)
    sha256 = document["versions"][0]["sha256"]
    alter_by_hand(store_archive.storage, sha256, content)

    report = run_fsck(store_archive)

    assert not report.healthy
    response = client.get(document["download_url"])
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "version_damaged"
    assert "rusak" in error["message"] and "unggah ulang" in error["message"]
    assert client.head(document["download_url"]).status_code == 503
    ranged = client.get(document["download_url"], headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 503
    shown = client.get(document["url"], headers=store_cast.auth("utama")).get_json()
    assert shown["versions"][0]["damaged"] is True


def test_uploading_the_same_bytes_again_rewrites_the_damaged_blob_and_clears_the_mark(
    store_app, store_archive, store_cast, corpus
):
    client = store_app.test_client()
    content = (corpus / REAL_PDF).read_bytes()
    document = published(client, store_cast, content)
    sha256 = document["versions"][0]["sha256"]
    alter_by_hand(store_archive.storage, sha256, content)
    run_fsck(store_archive)

    again = add_version(client, store_cast, "utama", document["id"], content)

    assert again.status_code == 201
    assert again.get_json()["damaged"] is False
    first = f"{document['url']}/versions/1/download"
    response = client.get(first, headers=store_cast.auth("utama"))
    assert response.status_code == 200
    assert response.data == content
    with store_archive.reading() as session:
        assert session.scalars(select(DamagedBlob)).all() == []
    assert run_fsck(store_archive).healthy


def test_a_new_version_with_other_bytes_is_served_while_the_damaged_one_stays_marked(
    store_app, store_archive, store_cast
):
    client = store_app.test_client()
    old, new = a_pdf("versi lama rusak"), a_pdf("versi baru utuh")
    document = published(client, store_cast, old)
    alter_by_hand(store_archive.storage, document["versions"][0]["sha256"], old)
    run_fsck(store_archive)

    add_version(client, store_cast, "utama", document["id"], new)

    auth = store_cast.auth("utama")
    assert client.get(f"{document['url']}/versions/2/download", headers=auth).data == (
        new
    )
    assert (
        client.get(f"{document['url']}/versions/1/download", headers=auth).status_code
        == 503
    )


def test_the_mark_belongs_to_the_blob_so_every_version_sharing_it_is_refused(
    store_app, store_archive, store_cast
):
    client = store_app.test_client()
    content = a_pdf("berkas bersama")
    first = published(client, store_cast, content)
    second = upload(client, store_cast, "dinkes", content=content).get_json()
    alter_by_hand(store_archive.storage, first["versions"][0]["sha256"], content)
    run_fsck(store_archive)

    auth = store_cast.auth("dinkes")
    assert client.get(second["download_url"], headers=auth).status_code == 503
    shown = client.get(second["url"], headers=auth).get_json()
    assert shown["versions"][0]["damaged"] is True


def test_a_damaged_blob_not_yet_marked_is_caught_at_download_and_marked(
    app, archive, cast
):
    """Filesystem store, small file: hashed before the headers go out."""
    client = app.test_client()
    content = a_pdf("rusak tanpa fsck")
    document = published(client, cast, content)
    alter_by_hand(archive.storage, document["versions"][0]["sha256"], content)

    first = client.get(document["download_url"])

    assert first.status_code == 503
    assert first.get_json()["error"]["code"] == "version_damaged"
    with archive.reading() as session:
        marks = session.scalars(select(DamagedBlob)).all()
    assert [(m.sha256, m.problem) for m in marks] == [
        (document["versions"][0]["sha256"], "checksum")
    ]


def test_a_missing_blob_is_refused_and_marked_then_restored_by_an_upload(
    store_app, store_archive, store_cast
):
    client = store_app.test_client()
    content = a_pdf("berkas hilang")
    document = published(client, store_cast, content)
    store_archive.storage.delete(document["versions"][0]["sha256"])

    assert client.get(document["download_url"]).status_code == 503
    add_version(client, store_cast, "utama", document["id"], content)

    response = client.get(f"{document['url']}/versions/1/download")
    assert response.status_code == 200
    assert response.data == content


def test_a_mismatch_found_while_streaming_aborts_the_body_and_marks_the_blob(
    store_app, store_archive, store_cast, monkeypatch, corpus
):
    """A blob too large to hash first streams hashed; at a mismatch the body
    fails instead of ending cleanly, and the next request is refused."""
    monkeypatch.setattr(
        "dms.web.downloads.VERIFY_BEFORE_SENDING_BYTES", 0, raising=True
    )
    client = store_app.test_client()
    content = (corpus / REAL_PDF).read_bytes()
    document = published(client, store_cast, content)
    alter_by_hand(store_archive.storage, document["versions"][0]["sha256"], content)

    response = client.get(document["download_url"])
    assert response.status_code == 200  # the headers went out before the end
    with pytest.raises(BlobMismatch):
        response.get_data()

    again = client.get(document["download_url"])
    assert again.status_code == 503
    assert again.get_json()["error"]["code"] == "version_damaged"


def test_an_intact_blob_streams_whole_when_hashed_on_the_way(
    store_app, store_cast, monkeypatch
):
    monkeypatch.setattr("dms.web.downloads.VERIFY_BEFORE_SENDING_BYTES", 0)
    client = store_app.test_client()
    content = a_pdf("utuh")
    document = published(client, store_cast, content)

    response = client.get(document["download_url"])

    assert response.status_code == 200
    assert response.data == content


def test_officers_see_the_version_marked_damaged_and_its_download_refused(
    app, archive, cast, client
):
    from tests.web.test_auth_pages import log_in

    content = a_pdf("rusak di ruang kerja")
    document = published(client, cast, content)
    alter_by_hand(archive.storage, document["versions"][0]["sha256"], content)
    run_fsck(archive)
    browser = app.test_client()
    assert log_in(browser, "utama").status_code == 302

    page = browser.get(f"/ruang-kerja/dokumen/{document['id']}")
    download = browser.get(f"/ruang-kerja/dokumen/{document['id']}/versi/1/unduh")

    assert "Rusak: berkas di penyimpanan tidak cocok" in page.get_data(as_text=True)
    assert download.status_code == 503
    assert "unggah ulang" in download.get_data(as_text=True)
