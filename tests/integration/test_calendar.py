"""The working-day calendar in the database: seeding, the admin's edits, audit."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from dms.audit import AuditEvent
from dms.documents.access import SYSTEM
from dms.documents.models import User
from dms.errors import Forbidden, NotFound, ValidationError
from dms.requests import calendar
from dms.requests.models import CalendarDay, CalendarYear

RECEIVED = date(2025, 3, 24)  # DOMAIN.md §4: due Wed 16 Apr 2025
LAST_IDUL_FITRI_CUTI = date(2025, 4, 7)


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _due(archive, received=RECEIVED, **settings) -> date:
    with archive.reading() as session:
        chosen = dataclasses.replace(archive.settings, **settings)
        return calendar.working_calendar(session, chosen).due_date(received, 10)


def _rows(archive, model) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def _events(archive) -> list[AuditEvent]:
    with archive.reading() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _as_admin(archive, service, **arguments):
    with archive.transaction() as session:
        return service(session, actor=_user(session, "admin"), **arguments)


def test_an_unseeded_year_is_read_from_the_package_without_writing(archive):
    assert _due(archive) == date(2025, 4, 16)
    assert _due(archive, cuti_bersama_day_off=False) == date(2025, 4, 9)
    assert _rows(archive, CalendarDay) == 0
    assert _rows(archive, CalendarYear) == 0


def test_seeding_writes_the_years_weekday_holidays_once(archive):
    with archive.transaction() as session:
        written = calendar.seed_year(session, 2025, actor=SYSTEM)
    with archive.transaction() as session:
        again = calendar.seed_year(session, 2025, actor=SYSTEM)

    assert (written, again) == (24, 0)
    with archive.reading() as session:
        kinds = dict(
            session.execute(
                select(CalendarDay.kind, func.count()).group_by(CalendarDay.kind)
            ).all()
        )
        assert kinds == {"national": 13, "cuti_bersama": 11}
        assert calendar.is_seeded(session, 2025)
    assert _due(archive) == date(2025, 4, 16)


def test_an_admin_adding_a_day_off_moves_the_due_date(archive, cast):
    _as_admin(
        archive,
        calendar.set_day,
        day=date(2025, 3, 25),
        name="Hari Jadi Provinsi",
        kind="other",
    )

    assert _due(archive) == date(2025, 4, 17)
    with archive.reading() as session:
        row = session.get(CalendarDay, date(2025, 3, 25))
        assert (row.source, row.day_off) == ("admin", True)
        assert row.updated_by_id == _user(session, "admin").id
        assert calendar.is_seeded(session, 2025)


def test_an_admin_making_a_cuti_bersama_a_working_day_moves_the_due_date(archive, cast):
    kept = _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)

    assert kept is not None
    assert _due(archive) == date(2025, 4, 15)
    with archive.reading() as session:
        row = session.get(CalendarDay, LAST_IDUL_FITRI_CUTI)
        assert (row.kind, row.day_off, row.source) == ("cuti_bersama", False, "admin")


def test_setting_a_seeded_holiday_as_a_working_day_also_counts_it(archive, cast):
    _as_admin(
        archive,
        calendar.set_day,
        day=LAST_IDUL_FITRI_CUTI,
        name="Cuti bersama dibatalkan",
        kind="cuti_bersama",
        day_off=False,
    )

    assert _due(archive) == date(2025, 4, 15)


def test_reseeding_does_not_undo_an_admin_edit(archive, cast):
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)
    with archive.transaction() as session:
        assert calendar.seed_year(session, 2025, actor=SYSTEM) == 0
        # Even a year seeded afresh (its record lost) keeps the admin's rows.
        session.execute(delete(CalendarYear).where(CalendarYear.year == 2025))
    assert _due(archive) == date(2025, 4, 15)  # read unseeded: package + admin rows
    with archive.transaction() as session:
        written = calendar.seed_year(session, 2025, actor=SYSTEM)

    assert written == 0  # every package day already has a row
    assert _due(archive) == date(2025, 4, 15)
    with archive.reading() as session:
        assert session.get(CalendarDay, LAST_IDUL_FITRI_CUTI).day_off is False


def test_removing_a_day_the_admin_added_deletes_it(archive, cast):
    _as_admin(
        archive, calendar.set_day, day=date(2025, 3, 25), name="Libur", kind="other"
    )

    gone = _as_admin(archive, calendar.remove_day, day=date(2025, 3, 25))

    assert gone is None
    assert _due(archive) == date(2025, 4, 16)
    with archive.reading() as session:
        assert session.get(CalendarDay, date(2025, 3, 25)) is None


def test_removing_a_day_that_is_already_a_working_day_is_not_found(archive, cast):
    with pytest.raises(NotFound, match="bukan hari libur"):
        _as_admin(archive, calendar.remove_day, day=date(2025, 3, 25))
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)
    with pytest.raises(NotFound):
        _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"day": date(2025, 4, 5), "name": "Sabtu", "kind": "other"}, "day"),
        ({"day": date(2025, 3, 25), "name": "  ", "kind": "other"}, "name"),
        ({"day": date(2025, 3, 25), "name": "x" * 256, "kind": "other"}, "name"),
        ({"day": date(2025, 3, 25), "name": "Libur", "kind": "regional"}, "kind"),
        (
            {"day": date(2025, 3, 25), "name": "Libur", "kind": "other", "day_off": 1},
            "day_off",
        ),
    ],
    ids=["saturday", "blank-name", "long-name", "unknown-kind", "day-off-not-bool"],
)
def test_a_bad_edit_is_refused_and_writes_nothing(archive, cast, arguments, field):
    with pytest.raises(ValidationError) as refused:
        _as_admin(archive, calendar.set_day, **arguments)

    assert refused.value.field == field
    assert _rows(archive, CalendarDay) == 0
    assert _rows(archive, CalendarYear) == 0


@pytest.mark.parametrize("username", ["utama", "dinkes", "atasan", None])
def test_only_the_admin_may_edit_the_calendar(archive, cast, username):
    with archive.transaction() as session:
        actor = _user(session, username) if username else None
        with pytest.raises(Forbidden, match="administrator"):
            calendar.set_day(
                session, actor=actor, day=date(2025, 3, 25), name="x", kind="other"
            )
        with pytest.raises(Forbidden):
            calendar.remove_day(session, actor=actor, day=LAST_IDUL_FITRI_CUTI)

    assert _rows(archive, CalendarDay) == 0


def test_an_inactive_admin_may_not_edit_the_calendar(archive, cast):
    with archive.transaction() as session:
        _user(session, "admin").is_active = False
    with pytest.raises(Forbidden):
        _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)


def test_the_system_at_the_command_line_may_edit_the_calendar(archive):
    with archive.transaction() as session:
        calendar.set_day(
            session, actor=SYSTEM, day=date(2025, 3, 25), name="x", kind="other"
        )

    assert _due(archive) == date(2025, 4, 17)


def test_every_edit_is_audited_with_the_date_before_and_after(archive, cast):
    _as_admin(
        archive, calendar.set_day, day=date(2025, 3, 25), name="Libur", kind="other"
    )
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)
    _as_admin(archive, calendar.remove_day, day=date(2025, 3, 25))

    events = [e for e in _events(archive) if e.action.startswith("calendar.")]
    summary = [(e.action, e.object_type, e.object_id, e.actor_username) for e in events]
    assert summary == [
        ("calendar.seed", "calendaryear", 2025, "admin"),
        ("calendar.set", "calendarday", None, "admin"),
        ("calendar.remove", "calendarday", None, "admin"),
        ("calendar.remove", "calendarday", None, "admin"),
    ]
    seed, added, corrected, removed = events
    assert seed.after == {"days": 24}
    assert added.before is None
    assert added.after == {
        "day": "2025-03-25",
        "name": "Libur",
        "kind": "other",
        "day_off": True,
        "source": "admin",
    }
    assert corrected.before["day"] == "2025-04-07"
    assert corrected.before["source"] == "holidays"
    assert corrected.after["day_off"] is False
    assert removed.before["day"] == "2025-03-25" and removed.after is None


def test_the_list_marks_which_days_are_working_days_under_the_setting(archive, cast):
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)

    with archive.reading() as session:
        counted = calendar.list_days(session, 2025, cuti_bersama_day_off=True)
        ignored = calendar.list_days(session, 2025, cuti_bersama_day_off=False)

    by_day = {entry.day: entry for entry in counted}
    assert by_day[date(2025, 4, 4)].working_day is False
    assert by_day[LAST_IDUL_FITRI_CUTI].working_day is True
    assert by_day[LAST_IDUL_FITRI_CUTI].source == "admin"
    assert by_day[date(2025, 3, 31)].working_day is False
    assert [e.day for e in counted] == sorted(e.day for e in counted)
    working = {e.day for e in ignored if e.working_day}
    assert date(2025, 4, 4) in working and date(2025, 3, 31) not in working


def test_a_later_year_is_read_from_the_package_while_the_edited_year_is_seeded(
    archive, cast
):
    _as_admin(archive, calendar.set_day, day=date(2025, 12, 29), name="x", kind="other")

    with archive.reading() as session:
        days = calendar.working_calendar(session, archive.settings)
        # 25, 26 (seeded), 29 (added) Dec 2025 and 1 Jan 2026 (package) are off.
        assert days.add(date(2025, 12, 24), 3) == date(2026, 1, 2)
        assert not calendar.is_seeded(session, 2026)
