"""`dms requests import`: a past register of 300 requests (made here, nobody
real) comes in with its own dates and numbers, and the annual report counts it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from dms.accounts.roles import SYSTEM
from dms.audit import AuditEvent
from dms.monitoring import annual
from dms.onboarding.requests import COLUMNS
from dms.requests.models import InformationRequest
from dms.workdays import working_calendar
from tests.helpers import xlsx_bytes
from tests.integration import test_cli as harness

clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready


def _register(ready, count: int, year: int = 2024) -> list[dict[str, str]]:
    """`count` requests spread over the year's months, each answered 3 working
    days after its disposition (by the instance's own calendar)."""
    with ready.api() as client:
        archive = client.application.extensions["dms"]
        with archive.reading() as session:
            days = working_calendar(session, archive.settings)
            rows = []
            for n in range(count):
                received = date(year, 1 + n % 12, 1) + timedelta(days=n % 20)
                disposed = days.add(received, 1)
                rows.append(
                    {
                        "diterima": received.isoformat(),
                        "nama": f"Pemohon Uji {n}",
                        "informasi": f"Informasi uji {n}",
                        "tujuan": "Pengujian",
                        "opd": "dinkes",
                        "disposisi": disposed.isoformat(),
                        "dijawab": days.add(disposed, 3).isoformat(),
                        "hasil": "granted",
                    }
                )
    return rows


def _xlsx(path, rows):
    path.write_bytes(xlsx_bytes(COLUMNS, rows))
    return path


def test_300_past_requests_fill_the_annual_reports_monthly_table(ready, tmp_path):
    rows = _register(ready, 300)
    sheet = _xlsx(tmp_path / "register.xlsx", rows)

    result = ready.ok("requests", "import", sheet)

    assert "300 permohonan diimpor (PPID-2024-000001 .. PPID-2024-000300)" in (
        result.stdout
    )
    with ready.api() as client:
        archive = client.application.extensions["dms"]
        with archive.reading() as session:
            report = annual.annual_report(
                session,
                working_calendar(session, archive.settings),
                actor=SYSTEM,
                year=2024,
                today=date(2025, 3, 1),
            )
            imported = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "request.import")
            ).all()
    expected = Counter(int(row["diterima"][5:7]) for row in rows)
    months = report.statistics.months
    assert [m.received for m in months] == [expected[n] for n in range(1, 13)]
    assert report.statistics.total.granted == 300
    assert len(imported) == 300 and all(e.after["imported"] for e in imported)


def test_a_second_import_continues_the_years_numbers(ready, tmp_path):
    rows = _register(ready, 4)
    first = _xlsx(tmp_path / "a.xlsx", rows[:2])
    second = _xlsx(tmp_path / "b.xlsx", rows[2:])

    ready.ok("requests", "import", first)
    result = ready.ok("requests", "import", second)

    assert "(PPID-2024-000003 .. PPID-2024-000004)" in result.stdout


def test_dates_out_of_order_or_off_the_calendar_are_refused_by_row(ready, tmp_path):
    rows = _register(ready, 6)
    rows[0]["dijawab"] = "2024-01-01"  # before receipt
    rows[1]["disposisi"] = "2024-13-01"
    rows[2]["dijawab"] = "2024-03-16"  # a Saturday
    rows[3]["diterima"] = "2999-01-01"
    rows[4]["opd"] = "tidak-ada"
    sheet = _xlsx(tmp_path / "register.xlsx", rows)

    result = ready.run("requests", "import", sheet)

    assert result.exit_code == 1
    for line in (
        "baris 2: Tanggal dijawab sebelum",
        "baris 3: Tanggal disposisi '2024-13-01' tidak valid",
        "baris 4: Tanggal dijawab 2024-03-16 bukan hari kerja",
        "baris 5: Tanggal diterima 2999-01-01 di masa depan",
        "baris 6: OPD 'tidak-ada' tidak dikenal",
    ):
        assert line in result.output
    with ready.database() as session:
        assert session.scalars(select(InformationRequest)).all() == []


def test_a_dry_run_writes_nothing(ready, tmp_path):
    sheet = _xlsx(tmp_path / "register.xlsx", _register(ready, 3))

    result = ready.ok("requests", "import", sheet, "--dry-run")

    assert "3 permohonan siap diimpor" in result.stdout
    with ready.database() as session:
        assert session.scalars(select(InformationRequest)).all() == []
