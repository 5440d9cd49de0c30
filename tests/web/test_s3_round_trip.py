"""The same API round trip with DMS_STORAGE_URL pointing at an S3 server over HTTP."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers import a_pdf, add_version, upload


@pytest.fixture
def s3_app(test_config, s3_storage_url):
    from dms.web import create_app

    app = create_app({**test_config, "storage_url": s3_storage_url})
    app.extensions["dms"].settings.index_dir.mkdir(parents=True, exist_ok=True)
    yield app
    app.extensions["dms"].close()


@pytest.fixture
def s3_cast(s3_app):
    from tests.conftest import make_cast

    return make_cast(s3_app.extensions["dms"])


def test_upload_and_download_through_s3_are_byte_identical(s3_app, s3_cast, corpus):
    client = s3_app.test_client()
    content = (corpus / "real/1728360418Informasi-tentang-peraturan.pdf").read_bytes()

    document = upload(client, s3_cast, "utama", content=content, publish="true")

    assert document.status_code == 201
    url = document.get_json()["download_url"]
    response = client.get(url)
    assert response.data == content
    assert response.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    ranged = client.get(url, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206
    assert ranged.data == content[10:20]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_versions_and_visibility_hold_on_s3(s3_app, s3_cast):
    client = s3_app.test_client()
    first, second = a_pdf("s3 satu"), a_pdf("s3 dua")
    draft = upload(client, s3_cast, "dinkes", content=first).get_json()
    add_version(client, s3_cast, "dinkes", draft["id"], second)

    assert client.get(draft["download_url"]).status_code == 404
    base = f"/api/v1/documents/{draft['id']}"
    auth = s3_cast.auth("dinkes")
    assert client.get(f"{base}/versions/1/download", headers=auth).data == first
    assert client.get(f"{base}/versions/2/download", headers=auth).data == second
