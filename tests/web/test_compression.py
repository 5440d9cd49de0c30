"""Issue 18: pages, JSON and CSV are sent gzip-compressed to clients that accept
it, in the embedded server too; file downloads are never re-compressed."""

from __future__ import annotations

import gzip

import pytest

from tests.helpers import a_pdf, upload

GZIP = {"Accept-Encoding": "gzip, deflate"}


def gunzipped(response) -> str:
    assert response.headers["Content-Encoding"] == "gzip"
    return gzip.decompress(response.get_data()).decode()


def test_a_page_is_compressed_for_a_client_that_accepts_gzip(client):
    plain = client.get("/")
    packed = client.get("/", headers=GZIP)

    assert "Content-Encoding" not in plain.headers
    assert gunzipped(packed) == plain.get_data(as_text=True)
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_a_client_refusing_gzip_gets_the_plain_page(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert "Content-Encoding" not in response.headers
    assert "<html" in response.get_data(as_text=True)


def test_json_from_the_api_is_compressed(client, cast):
    for n in range(3):
        upload(client, cast, "utama", title=f"Laporan {n}", publish="true")
    response = client.get("/api/v1/documents", headers=GZIP)

    assert response.status_code == 200
    assert '"Laporan 2"' in gunzipped(response)


def test_csv_open_data_is_compressed_and_its_etag_still_answers_304(client, cast):
    for n in range(5):
        upload(client, cast, "utama", title=f"Laporan anggaran {n}", publish="true")
    response = client.get("/data/dip.csv", headers=GZIP)

    assert response.mimetype == "text/csv"
    assert "Laporan anggaran 4" in gunzipped(response)
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/data/dip.csv", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304


def test_a_file_download_is_never_recompressed(client, cast):
    content = b"opd,pagu\n" + b"Dinkes,100\n" * 500
    document = upload(
        client, cast, "utama", content=content, filename="data.csv", publish="true"
    ).get_json()

    response = client.get(document["download_url"], headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == content


requests = pytest.importorskip("requests", exc_type=ImportError)


def test_the_embedded_waitress_server_sends_pages_and_pdfs_correctly(served, cast):
    session, base = served
    content = a_pdf("Rencana kerja")
    document = upload_over_http(session, base, cast, content)

    page = session.get(base + "/", headers=GZIP)
    pdf = session.get(base + document["download_url"], headers=GZIP)

    assert page.headers["Content-Encoding"] == "gzip"
    assert "<html" in page.text  # requests decompresses transparently
    assert "Content-Encoding" not in pdf.headers
    assert pdf.content == content


def upload_over_http(session, base, cast, content) -> dict:
    response = session.post(
        f"{base}/api/v1/documents",
        headers=cast.auth("utama"),
        data={"title": "Rencana", "category": "berkala", "publish": "true"},
        files={"file": ("rencana.pdf", content)},
    )
    assert response.status_code == 201, response.text
    return response.json()
