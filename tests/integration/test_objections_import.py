"""`dms objections import`: past objections (made here, nobody real) about
requests imported just before come in with their own dates, grounds,
decisions and disputes, numbered in their year's KEB sequence."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.audit import AuditEvent
from dms.onboarding import requests as request_import
from dms.onboarding.objections import COLUMNS
from dms.requests.models import Dispute, Objection
from dms.workdays import working_calendar
from tests.helpers import xlsx_bytes
from tests.integration import test_cli as harness

clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready


def _write(path, columns, rows):
    path.write_bytes(xlsx_bytes(columns, rows))
    return path


def _past_requests(ready, tmp_path) -> None:
    """PPID-2024-000001 refused as exempt on 14 March 2024; PPID-2024-000002
    received 1 April 2024 and never answered."""
    rows = [
        {
            "diterima": "2024-03-04",
            "nama": "Pemohon Pertama",
            "informasi": "Kontrak pengadaan",
            "tujuan": "Pengawasan",
            "opd": "dinkes",
            "disposisi": "2024-03-05",
            "dijawab": "2024-03-14",
            "hasil": "refused_exempt_b",
        },
        {
            "diterima": "2024-04-01",
            "nama": "Pemohon Kedua",
            "informasi": "Daftar puskesmas",
            "tujuan": "Penelitian",
            "opd": "dinkes",
        },
    ]
    sheet = _write(tmp_path / "permohonan.xlsx", request_import.COLUMNS, rows)
    ready.ok("requests", "import", sheet)


def _objections(ready) -> list[dict[str, str]]:
    """Ground a, answered by the atasan and taken to the Komisi Informasi; and
    ground c, two working days after the second request's deadline, open."""
    with ready.api() as client:
        archive = client.application.extensions["dms"]
        with archive.reading() as session:
            days = working_calendar(session, archive.settings)
            first = days.add(date(2024, 3, 12), 5)
            decided = days.add(first, 10)
            late = days.add(days.due_date(date(2024, 4, 1), 10), 2)
    return [
        {
            "permohonan": "PPID-2024-000001",
            "diterima": first.isoformat(),
            "alasan": "a",
            "nama": "Pemohon Pertama",
            "diputus": decided.isoformat(),
            "tanggapan": "rejected",
            "catatan": "Penolakan dikuatkan.",
            "sengketa": "001/KI-UJI/2024",
            "sengketa_diajukan": days.add(decided, 3).isoformat(),
        },
        {
            "permohonan": "PPID-2024-000002",
            "diterima": late.isoformat(),
            "alasan": "c",
            "nama": "Pemohon Kedua",
        },
    ]


def _objections_in(ready) -> list[tuple[str, str, str, str]]:
    with ready.database() as connection, Session(connection) as session:
        found = session.scalars(select(Objection).order_by(Objection.number)).all()
        return [(o.number, o.state, o.grounds, o.request.number) for o in found]


def test_the_template_has_the_register_columns(ready, tmp_path):
    ready.ok("objections", "template", "-o", tmp_path / "t.xlsx")

    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)


def test_past_objections_come_in_numbered_with_their_decisions(ready, tmp_path):
    _past_requests(ready, tmp_path)
    sheet = _write(tmp_path / "keberatan.xlsx", COLUMNS, _objections(ready))

    result = ready.ok("objections", "import", sheet)

    assert "2 keberatan diimpor (KEB-2024-000001 .. KEB-2024-000002)" in (result.stdout)
    assert _objections_in(ready) == [
        ("KEB-2024-000001", "decided", "a", "PPID-2024-000001"),
        ("KEB-2024-000002", "submitted", "c", "PPID-2024-000002"),
    ]
    with ready.database() as connection, Session(connection) as session:
        dispute = session.scalar(select(Dispute))
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "objection.import")
        ).all()
        assert dispute.register_number == "001/KI-UJI/2024"
        assert dispute.objection.number == "KEB-2024-000001"
    assert len(events) == 2 and all(e.after["imported"] for e in events)


def test_a_second_import_continues_the_years_numbers(ready, tmp_path):
    _past_requests(ready, tmp_path)
    rows = _objections(ready)
    ready.ok("objections", "import", _write(tmp_path / "a.xlsx", COLUMNS, rows[1:]))
    rows[0]["sengketa"] = rows[0]["sengketa_diajukan"] = ""

    result = ready.ok(
        "objections", "import", _write(tmp_path / "b.xlsx", COLUMNS, rows[:1])
    )

    assert "(KEB-2024-000002 .. KEB-2024-000002)" in result.stdout


def test_bad_rows_are_refused_by_number_and_nothing_is_written(ready, tmp_path):
    _past_requests(ready, tmp_path)
    good = _objections(ready)[0]
    rows = [
        {**good, "permohonan": "PPID-2024-000099"},
        {**good, "diputus": "2024-03-01"},
        {**good, "diterima": "2999-01-01"},
        {**good, "alasan": "z"},
        {**good, "alasan": "g"},  # answered on time
        {**good, "diterima": "2024-03-13"},  # before the answer
    ]
    sheet = _write(tmp_path / "keberatan.xlsx", COLUMNS, rows)

    result = ready.run("objections", "import", sheet)

    assert result.exit_code == 1
    for line in (
        "baris 2: Permohonan 'PPID-2024-000099' tidak ditemukan",
        "baris 3: Tanggal diputus sebelum tanggal diterima",
        "baris 4: Tanggal diterima 2999-01-01 di masa depan",
        "baris 5: Alasan 'z' tidak dikenal",
        "baris 6: Alasan huruf g: permohonan dijawab tepat waktu",
        "baris 7: Alasan huruf a: permohonan PPID-2024-000001 dijawab 2024-03-14",
    ):
        assert line in result.output
    assert _objections_in(ready) == []


def test_a_dry_run_writes_nothing(ready, tmp_path):
    _past_requests(ready, tmp_path)
    sheet = _write(tmp_path / "keberatan.xlsx", COLUMNS, _objections(ready))

    result = ready.ok("objections", "import", sheet, "--dry-run")

    assert "2 keberatan siap diimpor" in result.stdout
    assert _objections_in(ready) == []
