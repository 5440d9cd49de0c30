"""The DIP and DIK pages, their XLSX and PDF downloads and their JSON in the API."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from dms.web.api import registers
from tests.integration.test_registers import (
    NOT_IN_THE_DIP,
    SECRETS,
    World,
    build_world,
)

DATED = r"\d{4}-\d{2}-\d{2}"


@pytest.fixture
def world(client, cast, archive) -> World:
    return build_world(client, cast, archive)


def text_of(response) -> str:
    assert response.status_code == 200, response.data[:500]
    return response.get_data(as_text=True)


# --- pages -------------------------------------------------------------------------


def test_the_dip_page_is_an_accessible_table_per_organisation(client, world):
    page = text_of(client.get("/dip"))

    assert "<h1>Daftar Informasi Publik (DIP)</h1>" in page
    assert page.count("<caption>") == 3
    assert "<caption>Daftar Informasi Publik — Dinas Kesehatan</caption>" in page
    assert '<th scope="col">Ringkasan isi</th>' in page
    assert '<label for="org">Badan publik</label>' in page
    assert page.index("Peta Rawan Bencana") < page.index("Profil Dinas Kesehatan")
    document_id = world.ids["Profil Dinas Kesehatan"]
    assert f'<a href="/api/v1/documents/{document_id}">' in page
    assert "<script" not in page


def test_the_dip_page_flags_rows_with_missing_dip_fields(client, world):
    page = text_of(client.get("/dip/dinkes"))

    assert "Belum lengkap: ringkasan isi, penanggung jawab pembuatan" in page
    assert page.count("Belum lengkap") == 1
    assert "Peta Rawan Bencana" not in page
    assert 'href="/dip/dinkes.xlsx"' in page and 'href="/dip/dinkes.pdf"' in page


def test_the_organisation_chooser_leads_to_the_clean_address(client, world):
    response = client.get("/dik?org=bpbd")

    assert response.status_code == 302
    assert response.headers["Location"] == "/dik/bpbd"
    assert '<option value="bpbd" selected>' in text_of(client.get("/dik/bpbd"))
    assert client.get("/dip?org=").status_code == 200


def test_the_dik_page_shows_the_public_facts_and_none_of_the_content(client, world):
    page = text_of(client.get("/dik"))

    assert "<h1>Daftar Informasi yang Dikecualikan (DIK)</h1>" in page
    assert '<th scope="row">Rekam Medis Pasien</th>' in page
    assert "UU 14/2008 Pasal 17 huruf h angka 2" in page
    assert "sampai 1 Mei 2031" in page
    assert "dibuka berdasarkan putusan KI Banten No. 12/2026" in page
    assert "dikecualikan sebagian" in page
    assert '<time datetime="2026-03-03">3 Maret 2026</time>' in page
    for secret in (*SECRETS, "KONSEKUENSI-LAMA", "/api/v1/documents"):
        assert secret not in page


def test_an_unknown_organisation_is_a_404_page_and_a_404_json_error(client, cast):
    page = client.get("/dip/tidak-ada")
    assert page.status_code == 404
    assert "Badan publik &#39;tidak-ada&#39; tidak ditemukan." in page.text
    for path in ("/dik/tidak-ada.pdf", "/dip/tidak-ada.xlsx"):
        assert client.get(path).status_code == 404
    answer = client.get("/api/v1/dik?org=tidak-ada")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_an_empty_register_says_so(client, cast):
    assert "Belum ada informasi publik yang terdaftar." in text_of(client.get("/dip"))
    assert "Belum ada informasi yang dikecualikan." in text_of(client.get("/dik/bpbd"))


# --- files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/dip.xlsx", f"dip-konsolidasi-{DATED}.xlsx"),
        ("/dip/dinkes.pdf", f"dip-dinkes-{DATED}.pdf"),
        ("/dik.pdf", f"dik-konsolidasi-{DATED}.pdf"),
        ("/dik/bpbd.xlsx", f"dik-bpbd-{DATED}.xlsx"),
    ],
)
def test_the_files_download_as_dated_attachments(client, world, path, name):
    response = client.get(path)

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(f'attachment; filename="{name}"', disposition)
    if path.endswith(".pdf"):
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
    else:
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert load_workbook(io.BytesIO(response.data)).active["A3"].value == "No"


def test_the_downloaded_dip_links_each_row_to_its_document(client, world):
    sheet = load_workbook(io.BytesIO(client.get("/dip/dinkes.xlsx").data)).active

    header = [cell.value for cell in sheet[3]]
    link = sheet.cell(4, header.index("Tautan") + 1).hyperlink.target
    document_id = world.ids["Profil Dinas Kesehatan"]
    assert link == f"http://localhost/api/v1/documents/{document_id}"


def every_output(client, kind: str) -> dict[str, str]:
    """The register's page, JSON, XLSX cells and PDF text, consolidated."""
    book = load_workbook(io.BytesIO(client.get(f"/{kind}.xlsx").data)).active
    return {
        "html": text_of(client.get(f"/{kind}")),
        "json": text_of(client.get(f"/api/v1/{kind}")),
        "xlsx": repr([[cell.value for cell in row] for row in book.iter_rows()]),
        "pdf": extract_text(io.BytesIO(client.get(f"/{kind}.pdf").data)),
    }


def test_no_dik_output_holds_anything_of_the_exempt_content(client, world):
    for form, text in every_output(client, "dik").items():
        for secret in (*SECRETS, "KONSEKUENSI-LAMA", "/api/v1/documents/"):
            assert secret not in text, (form, secret)
        assert "Rekam Medis Pasien" in text, form


def test_no_dip_output_lists_an_exempt_draft_or_withdrawn_document(client, world):
    for form, text in every_output(client, "dip").items():
        for title in NOT_IN_THE_DIP:
            assert title not in text, (form, title)
        for secret in SECRETS:
            assert secret not in text, (form, secret)
        assert "Profil Dinas Kesehatan" in text, form


# --- JSON --------------------------------------------------------------------------


def test_the_dip_json_lists_rows_with_their_missing_fields(client, world):
    body = client.get("/api/v1/dip?org=dinkes").get_json()

    assert body["total"] == 2
    assert body["org"] == {"slug": "dinkes", "name": "Dinas Kesehatan"}
    assert body["generated_at"].endswith("+00:00")
    first, second = body["items"]
    assert first["title"] == "Profil Dinas Kesehatan"
    assert first["forms"] == ["print", "electronic"]
    assert first["complete"] and first["missing"] == []
    assert first["url"] == f"/api/v1/documents/{first['id']}"
    assert client.get(first["url"]).status_code == 200
    assert second["missing"] == [
        "summary",
        "dip_responsible",
        "dip_production_time",
        "dip_production_place",
        "dip_retention",
    ]


def test_the_dik_json_gives_the_public_facts_of_each_exemption(client, world):
    body = client.get("/api/v1/dik").get_json()

    assert body["org"] is None and body["total"] == 4
    victims = next(i for i in body["items"] if i["title"] == "Data Korban")
    assert victims == {
        "no": 2,
        "title": "Data Korban",
        "legal_basis": "UU 14/2008 Pasal 17 huruf a angka 3; UU 24/2007 Pasal 26",
        "consequence": "Mengungkap riwayat kesehatan pasien",
        "period": {
            "kind": "event",
            "expires_on": None,
            "label": "sampai putusan pengadilan berkekuatan hukum tetap",
        },
        "decision": "exempt_part",
        "partial": True,
        "status": "active",
        "status_label": "berlaku",
        "expiring": False,
        "test": {"number": "UK-2026-0002", "decided_on": "2026-03-03"},
        "org": {"slug": "bpbd", "name": "Badan Penanggulangan Bencana Daerah"},
    }


@pytest.mark.parametrize("username", ["utama", "dinkes", "admin"])
def test_the_registers_are_the_same_for_every_caller(client, cast, world, username):
    for kind in ("dip", "dik"):
        anonymous = client.get(f"/api/v1/{kind}").get_json()
        staff = client.get(f"/api/v1/{kind}", headers=cast.auth(username)).get_json()
        assert staff["items"] == anonymous["items"]


def test_the_openapi_paths_describe_both_register_endpoints(app):
    paths = registers.openapi_paths()

    served = {
        rule.rule.removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.registers.")
    }
    assert served == set(paths) == {"/dip", "/dik"}
    assert "404" in paths["/dik"]["get"]["responses"]
