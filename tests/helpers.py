"""Small builders shared by tests."""

from __future__ import annotations

import io

from werkzeug.test import EnvironBuilder

from dms.demo import pdf_bytes


def a_pdf(text: str = "Laporan keuangan daerah") -> bytes:
    return pdf_bytes("Dokumen uji", [text])


def post_multipart(client, path: str, data: dict, headers: dict | None = None):
    """POST a multipart form, closing the body werkzeug spools for large files.

    The test client leaves that spooled body open when the app answers without
    reading it (413, 401), which `filterwarnings = error` rightly reports.
    """
    builder = EnvironBuilder(path=path, method="POST", data=data, headers=headers)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def upload(
    client,
    cast,
    username,
    *,
    title="Laporan Keuangan 2025",
    category="berkala",
    filename="laporan.pdf",
    content=None,
    **fields,
):
    """POST /api/v1/documents as `username`; returns the response."""
    form = {
        "title": title,
        "category": category,
        "file": (io.BytesIO(a_pdf() if content is None else content), filename),
        **fields,
    }
    return post_multipart(client, "/api/v1/documents", form, cast.auth(username))


def add_version(
    client, cast, username, document_id, content, *, filename="v.pdf", note=""
):
    form = {"file": (io.BytesIO(content), filename), "note": note}
    return post_multipart(
        client, f"/api/v1/documents/{document_id}/versions", form, cast.auth(username)
    )
