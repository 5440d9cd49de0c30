"""The annual report (Perki 1/2021 Ps. 56): drafts, PDF, XLSX, JSON; and the
semester summary published once as a berkala document."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from sqlalchemy import func, select

from dms.accounts.models import User
from dms.accounts.roles import SYSTEM
from dms.documents.models import Document
from dms.errors import Forbidden, ValidationError
from dms.monitoring import annual, report_files
from dms.monitoring.models import ReportSection
from dms.monitoring.summary import (
    INFO_TYPE,
    publish_ended_semester,
    publish_summary,
)
from dms.workdays import working_calendar
from tests.fixtures_banten import build_banten_2024

POLICY = "Gubernur menetapkan Keputusan Nomor 96 Tahun 2024 tentang PPID."


def user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def save(archive, username: str, section: str, body: str, year: int = 2024):
    with archive.transaction() as session:
        return annual.save_section(
            session,
            actor=user(session, username),
            year=year,
            section=section,
            body=body,
        )


def build(archive, year: int = 2024) -> annual.AnnualReport:
    with archive.reading() as session:
        return annual.annual_report(
            session,
            working_calendar(session, archive.settings),
            actor=SYSTEM,
            year=year,
            today=date(2025, 3, 18),
        )


@pytest.fixture
def banten(archive, cast):
    build_banten_2024(archive)
    return archive


def test_a_draft_is_saved_with_who_and_when_and_updated(archive, cast):
    save(archive, "utama", "policy", "Draf pertama")
    saved = save(archive, "utama", "policy", POLICY)

    with archive.reading() as session:
        sections = annual.list_sections(
            session, actor=user(session, "atasan"), year=2024
        )
        rows = session.scalar(select(func.count()).select_from(ReportSection))
    assert rows == 1
    assert sections["policy"].body == POLICY and saved.updated_by == "utama"
    assert sections["policy"].updated_at is not None
    assert not sections["budget"].filled and sections["budget"].text == "(belum diisi)"


@pytest.mark.parametrize("username", ["dinkes", "atasan"])
def test_only_the_ppid_utama_writes_the_report(archive, cast, username):
    with pytest.raises(Forbidden):
        save(archive, username, "policy", "Bukan wewenang saya")


def test_an_unknown_section_is_refused(archive, cast):
    with pytest.raises(ValidationError):
        save(archive, "utama", "gossip", "?")


def test_the_pdf_has_the_title_page_body_year_sections_totals_and_signature(banten):
    save(banten, "utama", "policy", POLICY)
    save(banten, "utama", "sign_place", "Serang")
    save(banten, "utama", "sign_name", "Agus Rakhman\nNIP. 19770806 200112 1 00")

    text = extract_text(io.BytesIO(report_files.annual_pdf(build(banten))))

    assert "LAPORAN LAYANAN INFORMASI PUBLIK TAHUN 2024" in text
    assert "PPID UTAMA" in text  # the PPID Utama organisation's name
    assert "DAFTAR ISI" in text
    for number, (title, _keys) in enumerate(annual.CHAPTERS, start=1):
        assert f"{number}. {title}" in text
    assert POLICY in text
    assert "(belum diisi)" in text  # e.g. the budget, not written yet
    for total in ("325", "311", "16", "28"):
        assert total in text
    assert "Serang, 18 Maret 2025" in text and "Agus Rakhman" in text
    assert "Halaman 2" in text


def test_the_xlsx_has_one_sheet_per_table_with_numbers_and_totals(banten):
    book = load_workbook(io.BytesIO(report_files.annual_xlsx(build(banten))))

    assert book.sheetnames == [
        "Permohonan per bulan",
        "Alasan penolakan",
        "Keberatan per alasan",
        "Rekap sengketa",
        "Sengketa",
    ]
    monthly = book["Permohonan per bulan"]
    assert monthly.freeze_panes == "A4"
    assert monthly["A3"].font.b and monthly["C3"].value == "Jan"
    received = [c.value for c in monthly[4]]
    assert received[1] == "Jumlah permohonan informasi publik yang diterima"
    assert received[2:] == [13, 23, 29, 31, 35, 19, 23, 27, 37, 33, 39, 16, 325]
    granted = next(r for r in monthly.iter_rows(values_only=True) if r[0] == "8")
    assert granted[-1] == 311
    refusals = book["Alasan penolakan"]
    assert [c.value for c in refusals[refusals.max_row]][-1] == 16
    assert len(list(book["Sengketa"].iter_rows(min_row=4))) == 28


def test_the_json_carries_sections_and_statistics(banten):
    save(banten, "utama", "recommendations", "Pelatihan rutin.")

    body = build(banten).as_json()

    assert body["public_body"] == "PPID Utama"
    assert body["statistics"]["total"]["received"] == 325
    sections = {s["section"]: s for s in body["sections"]}
    assert sections["recommendations"]["body"] == "Pelatihan rutin."
    assert sections["policy"]["filled"] is False


def test_the_semester_summary_is_published_once_as_a_berkala_document(banten):
    first = publish_ended_semester(banten, today=date(2024, 7, 1))
    again = publish_ended_semester(banten, today=date(2024, 7, 2))

    assert first.created and not again.created
    assert first.document_id == again.document_id
    with banten.reading() as session:
        summaries = session.scalars(
            select(Document).where(Document.info_type == INFO_TYPE)
        ).all()
        assert len(summaries) == 1
        document = summaries[0]
        assert (
            document.title == "Ringkasan Akses Informasi Publik Semester I Tahun 2024"
        )
        assert (document.category, document.status) == ("berkala", "published")
        assert document.organisation.is_utama and document.year == 2024
        version = document.versions[0]
    pdf = b"".join(banten.storage.open_range(version.blob_sha256))
    text = extract_text(io.BytesIO(pdf))
    assert "Semester I Tahun 2024" in text and "150" in text
    assert "KBR-" not in text and "Rahasia" not in text


def test_the_daily_job_publishes_the_last_ended_semester_once(app, banten):
    jobs = app.extensions["dms.jobs"]
    periodic = [task.name for task in jobs.huey._registry.periodic_tasks]
    assert "dms.publish_semester_summary" in periodic

    jobs.publish_semester_summary.call_local()
    jobs.publish_semester_summary.call_local()

    with banten.reading() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.info_type == INFO_TYPE)
        )
    assert count == 1


def test_publishing_a_given_semester_is_idempotent(banten):
    created = publish_summary(banten, year=2024, semester=2)
    repeated = publish_summary(banten, year=2024, semester=2)

    assert created.created and not repeated.created
