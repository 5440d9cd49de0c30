"""`dms calendar`: seed, list, set, remove and due, driven like an operator would."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from dms.audit import AuditEvent
from dms.db import utcnow
from dms.workdays import CalendarDay, CalendarYear
from tests.integration.test_cli import (  # noqa: F401 - fixtures
    Instance,
    assert_fails_in_one_line,
    clean_environment,
    instance,
    ready,
)


@pytest.fixture
def operator(request) -> Instance:
    """An initialised instance: the CLI harness's `ready`, under another name so
    that this module does not redefine the imported fixture."""
    return request.getfixturevalue("ready")


def due(operator: Instance, *args, **env: str) -> str:
    result = operator.run("calendar", "due", *args, **env)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_due_prints_the_domain_example_both_ways(operator):
    assert due(operator, "2025-03-24") == "2025-04-16"
    assert due(operator, "2025-03-24", DMS_CUTI_BERSAMA_DAY_OFF="false") == "2025-04-09"
    assert due(operator, "2025-03-24T09:00:00+07:00", "--days", "1") == "2025-03-25"
    assert due(operator, "2025-03-22") == "2025-04-16"  # a Saturday


def test_due_spans_idul_fitri_2026(operator):
    assert due(operator, "2026-03-13") == "2026-04-06"
    assert due(operator, "2026-03-13", DMS_CUTI_BERSAMA_DAY_OFF="no") == "2026-03-30"


def test_seed_writes_each_year_once_and_list_reads_from_the_database(operator):
    first = operator.ok("calendar", "seed", "--year", "2025", "--year", "2026")
    again = operator.ok("calendar", "seed", "--year", "2025")

    assert "2025: 24 hari libur dicatat" in first.stdout
    assert "2026: 21 hari libur dicatat" in first.stdout
    assert "sudah diisi" in again.stdout
    listed = operator.ok("calendar", "list", "--year", "2025").stdout
    assert "2025-04-07 Senin  libur" in listed
    assert "dari database" in listed
    with operator.database() as db:
        assert db.scalars(select(CalendarYear.year)).all() == [2025, 2026]


def test_list_of_an_unseeded_year_shows_the_package_and_writes_nothing(operator):
    listed = operator.ok("calendar", "list", "--year", "2026").stdout

    assert "2026-03-20 Jumat  libur      cuti_bersama" in listed
    assert "belum diisi" in listed
    with operator.database() as db:
        assert db.scalars(select(CalendarDay)).all() == []


def test_set_and_remove_change_the_due_date_and_are_audited_as_the_system(operator):
    operator.ok("calendar", "set", "2025-03-25", "--name", "Hari Jadi Provinsi")
    assert due(operator, "2025-03-24") == "2025-04-17"
    operator.ok("calendar", "remove", "2025-04-07")
    assert due(operator, "2025-03-24") == "2025-04-16"
    operator.ok("calendar", "remove", "2025-03-25")
    assert due(operator, "2025-03-24") == "2025-04-15"

    with operator.database() as db:
        events = db.execute(
            select(AuditEvent.action, AuditEvent.actor_username)
            .where(AuditEvent.action.like("calendar.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert events == [
        ("calendar.seed", "system"),
        ("calendar.set", "system"),
        ("calendar.remove", "system"),
        ("calendar.remove", "system"),
    ]


def test_set_working_makes_a_cuti_bersama_a_working_day_that_reseeding_keeps(operator):
    operator.ok(
        "calendar", "set", "2025-04-07", "--name", "Batal", "--kind", "cuti_bersama",
        "--working",
    )  # fmt: skip
    operator.ok("calendar", "seed", "--year", "2025")

    assert due(operator, "2025-03-24") == "2025-04-15"
    listed = operator.ok("calendar", "list", "--year", "2025").stdout
    assert "2025-04-07 Senin  hari kerja cuti_bersama admin" in listed


def test_refused_calendar_commands_fail_in_one_line_and_write_nothing(operator):
    assert_fails_in_one_line(
        operator.run("calendar", "set", "2025-04-05", "--name", "x"), "akhir pekan"
    )
    assert_fails_in_one_line(
        operator.run("calendar", "set", "2025-02-30", "--name", "x"),
        "Tanggal tidak valid",
    )
    assert_fails_in_one_line(
        operator.run("calendar", "remove", "2025-03-25"), "bukan hari libur"
    )
    assert_fails_in_one_line(operator.run("calendar", "due", "kemarin"), "tidak valid")
    assert_fails_in_one_line(
        operator.run(
            "calendar", "set", "2025-03-25", "--name", "x", "--kind", "daerah"
        ),
        "'daerah'",
    )
    assert_fails_in_one_line(
        operator.run("calendar", "due", "2025-03-24", DMS_TIMEZONE="Mars/Olympus"),
        "timezone",
    )
    with operator.database() as db:
        assert db.scalars(select(CalendarDay)).all() == []


def _stale_2025(operator: Instance) -> None:
    """2025 seeded by an older holidays package: without the August cuti bersama."""
    operator.ok("calendar", "seed", "--year", "2025")
    with operator.database() as db:
        db.execute(delete(CalendarDay).where(CalendarDay.day == date(2025, 8, 18)))
        db.commit()


def test_seed_merge_adds_the_packages_new_day_and_keeps_the_admins_edit(operator):
    _stale_2025(operator)
    operator.ok(
        "calendar", "set", "2025-04-07", "--name", "Batal", "--kind", "cuti_bersama",
        "--working",
    )  # fmt: skip
    assert due(operator, "2025-08-11") == "2025-08-25"
    plain = operator.ok("calendar", "seed", "--year", "2025").stdout
    assert "--merge" in plain  # the plain seed points at the new day

    merged = operator.ok("calendar", "seed", "--year", "2025", "--merge").stdout

    assert merged.strip() == (
        "2025: 1 hari libur baru dari paket (2025-08-18); "
        "1 suntingan admin tidak diubah"
    )
    assert due(operator, "2025-08-11") == "2025-08-26"
    assert due(operator, "2025-03-24") == "2025-04-15"  # 7 Apr still a working day
    listed = operator.ok("calendar", "list", "--year", "2025").stdout
    assert "2025-04-07 Senin  hari kerja cuti_bersama admin>paket Batal" in listed
    assert (
        "2025-08-18 Senin  libur      cuti_bersama paket       Cuti Bersama" in listed
    )
    again = operator.ok("calendar", "seed", "--year", "2025", "--merge").stdout
    assert (
        again.strip()
        == "2025: 0 hari libur baru dari paket; 1 suntingan admin tidak diubah"
    )
    with operator.database() as db:
        merges = db.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "calendar.merge")
        ).all()
    assert merges == ["calendar.merge", "calendar.merge"]


def test_seed_merge_of_a_year_not_seeded_seeds_it(operator):
    out = operator.ok("calendar", "seed", "--year", "2026", "--merge").stdout

    assert out.startswith("2026: 21 hari libur baru dari paket (2026-01-01, ")
    with operator.database() as db:
        assert db.scalars(select(CalendarYear.year)).all() == [2026]


def test_list_has_a_source_column_and_warns_of_unmerged_days(operator):
    _stale_2025(operator)
    operator.ok("calendar", "set", "2025-03-25", "--name", "Hari Jadi Provinsi")

    result = operator.run("calendar", "list", "--year", "2025")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["tanggal", "hari", "status", "jenis", "sumber", "nama"]
    assert (
        "2025-03-25 Selasa libur      other        admin       Hari Jadi Provinsi"
        in lines
    )
    assert "2025-03-31 Senin  libur      national     paket       " in result.stdout
    assert "2025-08-18" not in result.stdout
    assert "dms: peringatan: paket holidays" in result.stderr
    assert "2025-08-18" in result.stderr and "--merge" in result.stderr


def _local_year() -> int:
    return utcnow().astimezone(ZoneInfo("Asia/Jakarta")).date().year


def _a_weekday_in(year: int) -> str:
    day = date(year, 1, 2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


def test_init_warns_when_this_or_next_year_has_no_cuti_bersama(operator):
    year = _local_year()
    for each in (year, year + 1):  # cuti bersama whatever the package knows
        operator.ok(
            "calendar", "set", _a_weekday_in(each), "--name", "Cuti Bersama",
            "--kind", "cuti_bersama",
        )  # fmt: skip
    quiet = operator.run("init")
    assert quiet.exit_code == 0 and "peringatan" not in quiet.stderr
    with operator.database() as db:  # this year's cuti bersama lost
        db.execute(
            delete(CalendarDay)
            .where(CalendarDay.kind == "cuti_bersama")
            .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        )
        db.commit()

    warned = operator.run("init")

    assert warned.exit_code == 0, warned.stderr
    assert warned.stdout.startswith("dms: ready")
    assert f"kalender hari kerja {year} tidak memuat cuti bersama" in warned.stderr
    assert f"kalender hari kerja {year + 1}" not in warned.stderr
