"""Small builders shared by tests."""

from __future__ import annotations

import io
from datetime import date

from werkzeug.test import EnvironBuilder

from dms.demo import pdf_bytes
from dms.settings import load_settings


def local_today() -> date:
    """Today where the test archive is (its settings' time zone, DMS_TIMEZONE),
    never the host's date: the machine running the tests may be anywhere."""
    return load_settings({"secret_key": "today"}).local_today()


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


def an_exemption_record(**changes) -> dict:
    """A complete consequence-test record (lembar pengujian konsekuensi)."""
    record = {
        "test_date": local_today().isoformat(),
        "place": "Kota Mandiri",
        "specific_information": "Data pribadi dalam lampiran",
        "source_documents": "Lampiran dokumen",
        "ground_letter": "h",
        "ground_subitem": "2",
        "other_statute": "",
        "consequence_if_opened": "Rahasia pribadi terungkap.",
        "consequence_if_closed": "Kepentingan publik tetap terlayani.",
        "decision": "exempt_whole",
        "period": {"kind": "duration", "value": "P5Y"},
        "participants": ["PPID Utama", "Kepala OPD"],
    }
    record.update(changes)
    return record


def make_exempt(client, cast, document_id: int, **record_changes) -> int:
    """Run the whole consequence test through the API (the only way a document
    becomes dikecualikan): the PPID Utama proposes and records, the atasan
    approves. Returns the test's id."""
    proposed = client.post(
        f"/api/v1/documents/{document_id}/consequence-tests",
        json={"reason": "Memuat data pribadi"},
        headers=cast.auth("utama"),
    )
    assert proposed.status_code == 201, proposed.get_json()
    test_id = proposed.get_json()["id"]
    recorded = client.put(
        f"/api/v1/consequence-tests/{test_id}/record",
        json=an_exemption_record(**record_changes),
        headers=cast.auth("utama"),
    )
    assert recorded.status_code == 200, recorded.get_json()
    approved = client.post(
        f"/api/v1/consequence-tests/{test_id}/approve", headers=cast.auth("atasan")
    )
    assert approved.status_code == 200, approved.get_json()
    return test_id


def exempt_upload(client, cast, username, **fields) -> dict:
    """Upload a document (as a draft) and make it exempt through a consequence
    test; the document as its organisation's staff see it."""
    fields = {**fields, "category": fields.get("category", "setiap_saat")}
    fields["publish"] = "false"
    response = upload(client, cast, username, **fields)
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    make_exempt(client, cast, document["id"])
    return client.get(document["url"], headers=cast.auth("utama")).get_json()


def xlsx_bytes(columns, rows: list[dict]) -> bytes:
    """An XLSX workbook: the header ``columns``, then each row's values by column
    name ("" where a row has none), as the import templates lay them out."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(columns))
    for row in rows:
        workbook.active.append([row.get(name, "") for name in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
