"""Downloads and uploads through the real WSGI server `dms serve` runs (waitress),
over HTTP on 127.0.0.1: the path where whole files go through the file wrapper."""

from __future__ import annotations

import hashlib

import pytest

requests = pytest.importorskip("requests", exc_type=ImportError)


def _upload(session, base, cast, content, **fields):
    response = session.post(
        f"{base}/api/v1/documents",
        headers=cast.auth("utama"),
        data={"title": "Laporan", "category": "berkala", "publish": "true", **fields},
        files={"file": ("laporan.pdf", content)},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_whole_download_through_waitress_is_byte_identical(served, cast, corpus):
    session, base = served
    content = (corpus / "real/1730378078SOP-Uji-Konsekuensi.pdf").read_bytes()
    document = _upload(session, base, cast, content)

    response = session.get(base + document["download_url"])

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert response.headers["Content-Length"] == str(len(content))


def test_ranges_head_and_304_through_waitress(served, cast):
    session, base = served
    content = bytes(range(256)) * 4096 + b"%PDF-1.4 trailing"
    content = b"%PDF-1.4\n" + content
    document = _upload(session, base, cast, content)
    url = base + document["download_url"]

    ranged = session.get(url, headers={"Range": "bytes=1000-2999"})
    head = session.head(url)
    etag = head.headers["ETag"]
    cached = session.get(url, headers={"If-None-Match": etag})
    tail = session.get(url, headers={"Range": "bytes=-17"})
    beyond = session.get(url, headers={"Range": f"bytes={len(content)}-"})
    nothing = session.get(url, headers={"Range": "bytes=-0"})

    assert ranged.status_code == 206 and ranged.content == content[1000:3000]
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(content))
    assert cached.status_code == 304
    assert tail.content == content[-17:]
    assert beyond.status_code == 416
    assert nothing.status_code == 416
    assert nothing.headers["Content-Range"] == f"bytes */{len(content)}"


def test_waitress_refuses_a_body_over_the_limit_before_the_app(served, cast, archive):
    session, base = served
    limit = archive.settings.max_upload_bytes
    too_big = b"%PDF-1.4\n" + b"\0" * (limit + 2 * 1024 * 1024)

    response = session.post(
        f"{base}/api/v1/documents",
        headers=cast.auth("utama"),
        data={"title": "x", "category": "berkala"},
        files={"file": ("x.pdf", too_big)},
    )

    assert response.status_code == 413
    assert list(archive.storage.keys()) == []
    assert session.get(f"{base}/healthz").json() == {"status": "ok"}


def _search_from(base: str, source: str, headers=None):
    """An anonymous API search over a connection from the loopback `source`."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request("GET", "/api/v1/documents?q=laporan", headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    finally:
        connection.close()


def test_searches_are_limited_by_the_connecting_address_not_a_header(served, app):
    _session, base = served
    slots = app.extensions["dms.search_slots"]
    full = [slots.slot("127.0.0.1", "busy") for _ in range(slots.limit)]
    for slot in full:
        slot.__enter__()
    try:
        refused = _search_from(base, "127.0.0.1")
        spoofed = _search_from(base, "127.0.0.1", {"X-Forwarded-For": "10.1.2.3"})
        other = _search_from(base, "127.0.0.2")
    finally:
        for slot in full:
            slot.__exit__(None, None, None)
    again = _search_from(base, "127.0.0.1")

    assert refused[0] == 429 and int(refused[1]) > 0
    assert spoofed[0] == 429
    assert other[0] == 200
    assert again[0] == 200
