"""`dms calendar`: seed, list, set, remove and due, driven like an operator would."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dms.audit import AuditEvent
from dms.requests.models import CalendarDay, CalendarYear
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
