"""The DIP and DIK row builders and their XLSX and PDF files, on a real database."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_pages, extract_text

from dms.classification.exports import pdf_bytes, xlsx_bytes
from dms.classification.registers import (
    dik_register,
    dip_register,
    register_json,
)
from dms.db import utcnow
from dms.documents.consequence_tests import ConsequenceTest
from dms.documents.models import Document
from dms.errors import NotFound
from tests.helpers import a_pdf, upload

# What an exempt document holds and no DIK output may ever show.
SECRETS = (
    "RAHASIA-RINGKASAN",
    "RAHASIA-ISI-BERKAS",
    "RAHASIA-SPESIFIK",
    "RAHASIA-SUMBER",
    "RAHASIA-TERTUTUP",
    "rekam-medis-rahasia.pdf",
)
COMPLETE_DIP = {
    "summary": "Profil singkat dinas",
    "dip_unit": "Sekretariat Dinas Kesehatan",
    "dip_responsible": "Kepala Sekretariat",
    "dip_production_time": "Januari 2026",
    "dip_production_place": "Serang",
    "dip_form": "print,electronic",
    "dip_retention": "5 tahun",
}
NOT_IN_THE_DIP = ("Draf Anggaran", "Laporan Ditarik", "Rekam Medis Pasien")


@dataclass
class World:
    """Documents by title, and when the tests were decided."""

    ids: dict[str, int]
    decided: datetime


def publish(client, cast, title, org, category="berkala", **fields) -> int:
    response = upload(
        client, cast, "utama", title=title, category=category, org=org, **fields
    )
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    if document["status"] != "published":
        answer = client.post(f"{document['url']}/publish", headers=cast.auth("utama"))
        assert answer.status_code == 200, answer.get_json()
    return document["id"]


def a_test(document_id: int, number: str, **fields) -> ConsequenceTest:
    """An approved exempting test, as the workflow would have left it."""
    values = {
        "document_id": document_id,
        "number": number,
        "state": "approved",
        "decision": "exempt_whole",
        "ground_letter": "h",
        "ground_subitem": "2",
        "consequence_if_opened": "Mengungkap riwayat kesehatan pasien",
        "consequence_if_closed": "RAHASIA-TERTUTUP",
        "specific_information": "RAHASIA-SPESIFIK",
        "source_documents": "RAHASIA-SUMBER",
        "period_kind": "duration",
        "period_value": "P5Y",
        "expires_on": date(2031, 5, 1),
        "exemption_status": "active",
        "decided_at": utcnow(),
        "proposed_at": utcnow() - timedelta(days=3),
        "category_before": "setiap_saat",
        "participants": [],
    }
    return ConsequenceTest(**{**values, **fields})


def exempt(archive, document_id: int, *tests: ConsequenceTest) -> None:
    with archive.transaction() as session:
        session.get(Document, document_id).category = "dikecualikan"
        session.add_all(tests)


def build_world(client, cast, archive) -> World:
    """Three organisations' public, hidden and exempt documents."""
    ids = {
        "Profil Dinas Kesehatan": publish(
            client,
            cast,
            "Profil Dinas Kesehatan",
            "dinkes",
            year="2026",
            **COMPLETE_DIP,
        ),
        "Rencana Kerja": publish(
            client, cast, "Rencana Kerja", "dinkes", category="setiap_saat"
        ),
        "Peta Rawan Bencana": publish(
            client, cast, "Peta Rawan Bencana", "bpbd", category="serta_merta"
        ),
        "Agenda Pimpinan": publish(client, cast, "Agenda Pimpinan", "ppid-utama"),
    }
    draft = upload(
        client, cast, "utama", title="Draf Anggaran", org="dinkes", publish="false"
    )
    ids["Draf Anggaran"] = draft.get_json()["id"]
    ids["Laporan Ditarik"] = publish(client, cast, "Laporan Ditarik", "dinkes")
    withdrawn = client.post(
        f"/api/v1/documents/{ids['Laporan Ditarik']}/withdraw",
        headers=cast.auth("utama"),
    )
    assert withdrawn.status_code == 200, withdrawn.get_json()
    for title, org in (
        ("Rekam Medis Pasien", "dinkes"),
        ("Data Korban", "bpbd"),
        ("Berkas Dibuka", "bpbd"),
        ("Nota Dinas Internal", "ppid-utama"),
    ):
        ids[title] = publish(
            client,
            cast,
            title,
            org,
            category="setiap_saat",
            summary="RAHASIA-RINGKASAN",
            filename="rekam-medis-rahasia.pdf",
            content=a_pdf("RAHASIA-ISI-BERKAS"),
        )
    decided = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)  # 3 March in Jakarta
    exempt(
        archive,
        ids["Rekam Medis Pasien"],
        a_test(ids["Rekam Medis Pasien"], "UK-2026-0001", decided_at=decided),
    )
    exempt(
        archive,
        ids["Data Korban"],
        a_test(
            ids["Data Korban"],
            "UK-2025-0009",
            consequence_if_opened="KONSEKUENSI-LAMA",
            exemption_status="superseded",
            decided_at=decided - timedelta(days=400),
        ),
        a_test(
            ids["Data Korban"],
            "UK-2026-0002",
            decision="exempt_part",
            ground_letter="a",
            ground_subitem="angka 3",
            other_statute="UU 24/2007 Pasal 26",
            period_kind="event",
            period_value="putusan pengadilan berkekuatan hukum tetap",
            expires_on=None,
            decided_at=decided,
        ),
        a_test(ids["Data Korban"], None, state="proposed", decided_at=None),
        a_test(
            ids["Data Korban"], "UK-2026-0005", state="rejected", decided_at=decided
        ),
    )
    exempt(
        archive,
        ids["Berkas Dibuka"],
        a_test(
            ids["Berkas Dibuka"],
            "UK-2026-0003",
            exemption_status="opened",
            end_reference="KI Banten No. 12/2026",
            decided_at=decided,
        ),
    )
    exempt(
        archive,
        ids["Nota Dinas Internal"],
        a_test(
            ids["Nota Dinas Internal"],
            "UK-2026-0004",
            ground_letter="i",
            ground_subitem="",
            period_kind="indefinite",
            period_value="",
            expires_on=None,
            exemption_status="expired",
            decided_at=decided,
        ),
    )
    return World(ids, decided)


@pytest.fixture
def world(client, cast, archive) -> World:
    return build_world(client, cast, archive)


def the_dip(archive, org_slug=None):
    with archive.reading() as session:
        return dip_register(
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )


def the_dik(archive, org_slug=None):
    with archive.reading() as session:
        return dik_register(
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )


def titles(register) -> list[str]:
    return [row.title for row in register.rows]


# --- the DIP -----------------------------------------------------------------------


def test_the_dip_lists_published_non_exempt_documents_by_organisation_category_title(
    archive, world
):
    dip = the_dip(archive)

    assert titles(dip) == [
        "Peta Rawan Bencana",  # Badan Penanggulangan Bencana Daerah
        "Profil Dinas Kesehatan",  # Dinas Kesehatan: berkala
        "Rencana Kerja",  # then setiap saat
        "Agenda Pimpinan",  # PPID Utama
    ]
    assert [row.number for row in dip.rows] == [1, 2, 3, 4]
    assert dip.org is None
    assert dip.title == "Daftar Informasi Publik — Konsolidasi"


def test_exempt_draft_and_withdrawn_documents_are_never_in_the_dip(archive, world):
    for org in (None, "dinkes", "bpbd", "ppid-utama"):
        assert not set(NOT_IN_THE_DIP) & set(titles(the_dip(archive, org)))


def test_a_dip_row_carries_the_dip_fields_in_words(archive, world):
    row = the_dip(archive, "dinkes").rows[0]

    assert row.title == "Profil Dinas Kesehatan"
    assert row.summary == "Profil singkat dinas"
    assert row.unit == "Sekretariat Dinas Kesehatan"
    assert row.responsible == "Kepala Sekretariat"
    assert row.made == "Januari 2026, Serang"
    assert row.forms_label == "tercetak, elektronik"
    assert row.retention == "5 tahun"
    assert row.category_label == "Berkala"
    assert row.year == 2026
    assert row.url == f"/api/v1/documents/{world.ids['Profil Dinas Kesehatan']}"
    assert row.missing == () and row.missing_label == ""


def test_a_dip_row_without_its_dip_fields_names_them_and_falls_back_to_the_org(
    archive, world
):
    row = the_dip(archive, "dinkes").rows[1]

    assert row.title == "Rencana Kerja"
    assert row.unit == "Dinas Kesehatan"
    assert row.missing == (
        "summary",
        "dip_responsible",
        "dip_production_time",
        "dip_production_place",
        "dip_retention",
    )
    assert row.missing_label.startswith("Belum lengkap: ringkasan isi, penanggung")


def test_the_dip_of_one_organisation_holds_only_its_documents(archive, world):
    dip = the_dip(archive, "dinkes")

    assert titles(dip) == ["Profil Dinas Kesehatan", "Rencana Kerja"]
    assert dip.title == "Daftar Informasi Publik — Dinas Kesehatan"
    assert dip.filename("xlsx") == f"dip-dinkes-{dip.generated_on.isoformat()}.xlsx"


@pytest.mark.parametrize("slug", ["tidak-ada", "DINKES", "a/b", "x\x00y", "-" * 70])
def test_an_unknown_organisation_is_not_found(archive, cast, slug):
    with pytest.raises(NotFound):
        the_dip(archive, slug)
    with pytest.raises(NotFound):
        the_dik(archive, slug)


def test_an_empty_archive_gives_empty_registers_and_files(archive, cast):
    for register in (the_dip(archive), the_dik(archive, "dinkes")):
        assert register.rows == []
        assert load_workbook(io.BytesIO(xlsx_bytes(register))).active.max_row == 3
        assert "Belum ada" in extract_text(io.BytesIO(pdf_bytes(register)))


# --- the DIK -----------------------------------------------------------------------


def test_the_dik_lists_each_exempt_documents_newest_approved_exempting_test(
    archive, world
):
    dik = the_dik(archive)

    assert [(row.title, row.test_number) for row in dik.rows] == [
        ("Berkas Dibuka", "UK-2026-0003"),  # Badan Penanggulangan Bencana Daerah
        ("Data Korban", "UK-2026-0002"),  # not the superseded, rejected or proposed
        ("Rekam Medis Pasien", "UK-2026-0001"),  # Dinas Kesehatan
        ("Nota Dinas Internal", "UK-2026-0004"),  # PPID Utama
    ]
    assert [row.number for row in dik.rows] == [1, 2, 3, 4]
    assert titles(the_dik(archive, "dinkes")) == ["Rekam Medis Pasien"]


def test_a_dik_row_states_basis_consequence_period_and_status_in_words(archive, world):
    rows = {row.title: row for row in the_dik(archive).rows}

    medical = rows["Rekam Medis Pasien"]
    assert medical.legal_basis == "UU 14/2008 Pasal 17 huruf h angka 2"
    assert medical.consequence == "Mengungkap riwayat kesehatan pasien"
    assert medical.period == "sampai 1 Mei 2031"
    assert medical.status_label == "berlaku"
    assert medical.decision_label == "dikecualikan seluruhnya"
    assert medical.decided_on == date(2026, 3, 3)
    victims = rows["Data Korban"]
    assert victims.legal_basis == (
        "UU 14/2008 Pasal 17 huruf a angka 3; UU 24/2007 Pasal 26"
    )
    assert victims.period == "sampai putusan pengadilan berkekuatan hukum tetap"
    assert victims.partial and victims.decision_label == "dikecualikan sebagian"
    opened = rows["Berkas Dibuka"]
    assert opened.status_label == "dibuka berdasarkan putusan KI Banten No. 12/2026"
    memo = rows["Nota Dinas Internal"]
    assert memo.legal_basis == "UU 14/2008 Pasal 17 huruf i"
    assert memo.period == "tanpa batas waktu"
    assert memo.status_label == "berakhir"


def test_a_duration_without_an_end_date_is_said_in_words(archive, cast, client):
    document_id = publish(client, cast, "Hasil Evaluasi Pegawai", "dinkes")
    exempt(
        archive,
        document_id,
        a_test(document_id, "UK-2026-0010", period_value="P1Y6M", expires_on=None),
    )

    assert the_dik(archive).rows[0].period == "selama 1 tahun 6 bulan"


def test_a_reference_that_names_the_decision_is_not_said_twice(archive, cast, client):
    document_id = publish(client, cast, "Kontrak Rahasia", "dinkes")
    reference = "Putusan Komisi Informasi No. 7/2026"
    exempt(
        archive,
        document_id,
        a_test(
            document_id,
            "UK-2026-0011",
            exemption_status="opened",
            end_reference=reference,
        ),
    )

    assert the_dik(archive).rows[0].status_label == f"dibuka berdasarkan {reference}"


def test_the_dik_json_holds_none_of_the_exempt_content(archive, world):
    body = repr(register_json(the_dik(archive)))

    for secret in (*SECRETS, "KONSEKUENSI-LAMA", "/api/v1/documents"):
        assert secret not in body
    assert "Rekam Medis Pasien" in body


# --- files -------------------------------------------------------------------------


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_dip_xlsx_has_a_title_a_bold_frozen_header_a_filter_and_the_rows(
    archive, world
):
    sheet = sheet_of(xlsx_bytes(the_dip(archive), base_url="https://ppid.example/"))

    assert sheet.title == "DIP"
    assert sheet["A1"].value == "Daftar Informasi Publik — Konsolidasi"
    header = [cell.value for cell in sheet[3]]
    assert header[:4] == ["No", "Badan publik", "Judul", "Ringkasan isi"]
    assert "Tautan" in header and "Keterangan" in header
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:{sheet.cell(3, len(header)).column_letter}7"
    values = [cell.value for cell in sheet[5]]
    assert values[:3] == ["2", "Dinas Kesehatan", "Profil Dinas Kesehatan"]
    assert "tercetak, elektronik" in values
    link = sheet.cell(5, header.index("Tautan") + 1)
    document_id = world.ids["Profil Dinas Kesehatan"]
    assert (
        link.hyperlink.target == f"https://ppid.example/api/v1/documents/{document_id}"
    )
    assert sheet["C5"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width > 20


def test_the_organisations_xlsx_leaves_the_organisation_column_to_the_title(
    archive, world
):
    sheet = sheet_of(xlsx_bytes(the_dik(archive, "bpbd")))

    assert sheet.title == "DIK"
    assert sheet["A1"].value == (
        "Daftar Informasi yang Dikecualikan — Badan Penanggulangan Bencana Daerah"
    )
    header = [cell.value for cell in sheet[3]]
    assert header == [
        "No",
        "Judul informasi",
        "Dasar hukum",
        "Konsekuensi",
        "Jangka waktu pengecualian",
        "Pengecualian",
        "Status",
        "Nomor uji konsekuensi",
        "Tanggal penetapan",
    ]
    assert [cell.value for cell in sheet[5]][1:3] == [
        "Data Korban",
        "UU 14/2008 Pasal 17 huruf a angka 3; UU 24/2007 Pasal 26",
    ]
    assert sheet["I5"].value == "3 Maret 2026"


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(
    archive, cast, client
):
    publish(client, cast, '=HYPERLINK("https://evil.example","klik")', "dinkes")

    cell = sheet_of(xlsx_bytes(the_dip(archive, "dinkes")))["B4"]

    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_the_pdf_is_a4_landscape_with_the_title_and_every_row(archive, world):
    data = pdf_bytes(the_dip(archive))

    page = next(extract_pages(io.BytesIO(data)))
    assert (round(page.width), round(page.height)) == (842, 595)
    text = extract_text(io.BytesIO(data))
    assert "Daftar Informasi Publik — Konsolidasi" in text
    for title in ("Peta Rawan Bencana", "Profil Dinas Kesehatan", "Agenda Pimpinan"):
        assert title in text
    assert "Belum lengkap" in text


def test_the_pdf_repeats_the_header_on_every_page_and_escapes_markup(
    archive, cast, client
):
    for n in range(40):
        publish(client, cast, f"Pengumuman <b>&</b> {n:02d}", "dinkes")

    data = pdf_bytes(the_dip(archive, "dinkes"))

    pages = list(extract_pages(io.BytesIO(data)))
    assert len(pages) > 1
    for number in range(len(pages)):
        text = extract_text(io.BytesIO(data), page_numbers=[number])
        assert "Ringkasan isi" in text and f"Halaman {number + 1}" in text
    assert "Pengumuman <b>&</b> 00" in extract_text(io.BytesIO(data))


def test_no_dik_file_holds_the_exempt_content(archive, world):
    for register in (the_dik(archive), the_dik(archive, "dinkes")):
        book = sheet_of(xlsx_bytes(register, base_url="https://ppid.example"))
        cells = repr([[c.value for c in row] for row in book.iter_rows()])
        text = extract_text(io.BytesIO(pdf_bytes(register)))
        for secret in (*SECRETS, "KONSEKUENSI-LAMA", "/api/v1/documents"):
            assert secret not in cells and secret not in text
        assert "Rekam Medis Pasien" in cells and "Rekam Medis Pasien" in text
