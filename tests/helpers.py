"""Small builders shared by tests."""

from __future__ import annotations

import io

from dms.demo import pdf_bytes


def a_pdf(text: str = "Laporan keuangan daerah") -> bytes:
    return pdf_bytes("Dokumen uji", [text])


def upload(
    client,
    cast,
    username,
    *,
    data=None,
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
    return client.post(
        "/api/v1/documents",
        data=form,
        headers=cast.auth(username),
        content_type="multipart/form-data",
    )
