"""/ruang-kerja/impor/dip: the officer's DIP import, checked before written."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.helpers import a_pdf, post_multipart
from tests.web.test_auth_pages import csrf_token, log_in


def _sheet(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["judul", "kategori", "tahun", "berkas"])
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _post(browser, sheet: bytes, dry_run: bool, files=()):
    data = {
        "csrf_token": csrf_token(browser, "/ruang-kerja/impor/dip"),
        "sheet": (io.BytesIO(sheet), "dip.xlsx"),
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    if dry_run:
        data["dry_run"] = "1"
    return post_multipart(browser, "/ruang-kerja/impor/dip", data)


def test_a_pelaksana_tries_then_imports_its_dip_with_a_file(app, cast, client):
    browser = app.test_client()
    assert log_in(browser, "dinkes").status_code == 302
    sheet = _sheet(
        [
            ["Profil Dinas", "berkala", 2025, "profil.pdf"],
            ["Rencana Kerja", "setiap_saat", 2024, ""],
        ]
    )
    files = [("profil.pdf", a_pdf("Profil Dinas"))]

    tried = _post(browser, sheet, True, files)
    done = _post(browser, sheet, False, files)

    assert "2 baris siap diimpor" in tried.get_data(as_text=True)
    assert done.status_code == 200
    assert "2 informasi diimpor" in done.get_data(as_text=True)
    listed = client.get("/api/v1/documents?org=dinkes", headers=cast.auth("dinkes"))
    titles = {d["title"] for d in listed.get_json()["items"]}
    assert titles == {"Profil Dinas", "Rencana Kerja"}


def test_a_bad_row_is_shown_by_number_and_nothing_is_imported(app, cast, client):
    browser = app.test_client()
    assert log_in(browser, "dinkes").status_code == 302
    sheet = _sheet([["Tanpa kategori", "", 2025, ""], ["Baik", "berkala", 2025, ""]])

    refused = _post(browser, sheet, False)

    assert refused.status_code == 422
    assert "Baris 2: Kolom kategori kosong." in refused.get_data(as_text=True)
    listed = client.get("/api/v1/documents?org=dinkes", headers=cast.auth("dinkes"))
    assert listed.get_json()["items"] == []


def test_the_template_downloads(app, cast):
    browser = app.test_client()
    assert log_in(browser, "utama").status_code == 302

    response = browser.get("/ruang-kerja/impor/dip/templat.xlsx")

    assert response.status_code == 200
    assert response.data[:2] == b"PK"
