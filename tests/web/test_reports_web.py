"""Reports on the web: the workspace page, the JSON API (bearer token, PPID
Utama, atasan PPID, admin), and the open data of request counts."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.fixtures_banten import build_banten_2024
from tests.report_helpers import personal
from tests.web.test_auth_pages import csrf_token

PAGE = "/ruang-kerja/laporan"


@pytest.fixture
def banten(archive, cast):
    build_banten_2024(archive)
    return cast


# --- the API ---------------------------------------------------------------------


@pytest.mark.parametrize("username", ["utama", "atasan", "admin"])
def test_report_readers_get_the_statistics(client, banten, username):
    response = client.get(
        "/api/v1/statistics/requests?year=2024&semester=2",
        headers=banten.auth(username),
    )

    assert response.status_code == 200
    assert response.json["semester"] == 2
    assert response.json["total"]["received"] == 175
    assert len(response.json["months"]) == 6


def test_a_pelaksana_is_refused_and_a_citizen_must_log_in(client, cast):
    paths = (
        "/api/v1/statistics/requests?year=2024",
        "/api/v1/reports/annual/2024",
        "/api/v1/reports/annual/2024/sections",
    )
    for path in paths:
        refused = client.get(path, headers=cast.auth("dinkes"))
        anonymous = client.get(path)
        assert refused.status_code == 403 and refused.json["error"]["code"]
        assert anonymous.status_code == 401
    put = client.put(
        "/api/v1/reports/annual/2024/sections/policy",
        json={"body": "x"},
        headers=cast.auth("dinkes"),
    )
    assert put.status_code == 403


def test_sections_are_saved_through_the_api_and_shown_in_the_report(client, banten):
    saved = client.put(
        "/api/v1/reports/annual/2024/sections/policy",
        json={"body": "Kebijakan keterbukaan 2024."},
        headers=banten.auth("utama"),
    )
    listed = client.get(
        "/api/v1/reports/annual/2024/sections", headers=banten.auth("atasan")
    )
    report = client.get("/api/v1/reports/annual/2024", headers=banten.auth("utama"))

    assert saved.status_code == 200 and saved.json["updated_by"] == "utama"
    items = {s["section"]: s for s in listed.json["items"]}
    assert items["policy"]["body"] == "Kebijakan keterbukaan 2024."
    assert items["budget"]["filled"] is False
    assert report.json["statistics"]["total"]["granted_total"] == 311


def test_the_atasan_may_read_but_not_write_sections(client, cast):
    put = client.put(
        "/api/v1/reports/annual/2024/sections/policy",
        json={"body": "x"},
        headers=cast.auth("atasan"),
    )
    assert put.status_code == 403


def test_a_bad_section_or_body_is_a_validation_error(client, cast):
    unknown = client.put(
        "/api/v1/reports/annual/2024/sections/gosip",
        json={"body": "x"},
        headers=cast.auth("utama"),
    )
    not_text = client.put(
        "/api/v1/reports/annual/2024/sections/policy",
        json={"body": 5},
        headers=cast.auth("utama"),
    )
    assert unknown.status_code == 422 and not_text.status_code == 422


def test_the_annual_report_downloads_as_pdf_and_xlsx(client, banten):
    pdf = client.get(
        "/api/v1/reports/annual/2024?format=pdf", headers=banten.auth("utama")
    )
    xlsx = client.get(
        "/api/v1/reports/annual/2024?format=xlsx", headers=banten.auth("admin")
    )

    assert pdf.mimetype == "application/pdf"
    assert (
        "laporan-layanan-informasi-publik-2024.pdf"
        in pdf.headers["Content-Disposition"]
    )
    assert "TAHUN 2024" in extract_text(io.BytesIO(pdf.data))
    book = load_workbook(io.BytesIO(xlsx.data))
    assert "Permohonan per bulan" in book.sheetnames


def test_the_openapi_document_describes_the_report_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    assert "/reports/annual/{year}" in paths
    assert "put" in paths["/reports/annual/{year}/sections/{section}"]
    assert "/statistics/requests" in paths


# --- open data -------------------------------------------------------------------


def test_open_data_has_the_counts_and_no_personal_data(client, banten):
    as_json = client.get("/data/statistik-permohonan.json?year=2024")
    as_csv = client.get("/data/statistik-permohonan.csv?year=2024")

    assert as_json.status_code == 200 and as_csv.status_code == 200
    assert as_json.json["total"]["received"] == 325
    assert "disputes" not in as_json.json
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [r["received"] for r in rows][:3] == ["13", "23", "29"]
    assert rows[-1]["month"] == "total" and rows[-1]["received"] == "325"
    published = as_json.get_data(as_text=True) + as_csv.get_data(as_text=True)
    for serial in range(1, 400):
        for value in personal(serial).values():
            assert value not in published
    assert "Rahasia" not in published and "@" not in published
    assert "PPID-2024" not in published and "KBR-" not in published


def test_open_data_rejects_a_bad_year(client):
    assert client.get("/data/statistik-permohonan.json?year=abc").status_code == 422


# --- the page --------------------------------------------------------------------


def test_the_ppid_utama_sees_the_tables_and_saves_a_draft(officer, banten):
    utama = officer("utama")
    page = utama.get(f"{PAGE}?year=2024")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rekapitulasi Permohonan Informasi Publik Tahun 2024" in html
    assert "325" in html and "Belum diisi." in html

    saved = utama.post(
        f"{PAGE}/2024/bagian/budget",
        data={"csrf_token": csrf_token(utama, PAGE), "body": "Rp. 298.091.000"},
    )

    assert saved.status_code == 302
    shown = utama.get(f"{PAGE}?year=2024").get_data(as_text=True)
    assert "Rp. 298.091.000" in shown
    pdf = utama.get(f"{PAGE}/2024.pdf")
    assert "Rp. 298.091.000" in extract_text(io.BytesIO(pdf.data))


def test_a_draft_without_its_csrf_token_is_refused(officer, cast):
    utama = officer("utama")
    refused = utama.post(f"{PAGE}/2024/bagian/budget", data={"body": "x"})
    assert refused.status_code == 400


def test_the_atasan_reads_the_page_without_forms(officer, cast):
    atasan = officer("atasan")
    html = atasan.get(f"{PAGE}?year=2024").get_data(as_text=True)

    assert "Laporan layanan informasi publik 2024" in html
    assert "Simpan naskah" not in html
    assert atasan.post(f"{PAGE}/2024/bagian/budget", data={}).status_code in (
        400,
        403,
    )


def test_a_pelaksana_may_not_open_the_report_page(officer, cast):
    assert officer("dinkes").get(PAGE).status_code == 403
    assert officer("dinkes").get(f"{PAGE}/2024.xlsx").status_code == 403


def test_a_too_long_draft_is_shown_on_its_form(officer, cast):
    utama = officer("utama")
    response = utama.post(
        f"{PAGE}/2024/bagian/policy",
        data={"csrf_token": csrf_token(utama, PAGE), "body": "x" * 50_001},
    )
    assert response.status_code == 422
    assert "paling banyak" in response.get_data(as_text=True)


def test_the_page_says_who_changed_a_section_and_when_in_local_time(officer, cast):
    utama = officer("utama")
    utama.post(
        f"{PAGE}/2025/bagian/staff",
        data={"csrf_token": csrf_token(utama, PAGE), "body": "5 orang PPID Utama"},
    )

    html = utama.get(f"{PAGE}?year=2025").get_data(as_text=True)

    assert "5 orang PPID Utama" in html
    assert "oleh utama" in html and " WIB" in html
