"""The working-day calendar in the database: seeding, the admin's edits, audit."""

from __future__ import annotations

import dataclasses
from datetime import date

import holidays
import pytest
from sqlalchemy import delete, func, select

from dms import workdays as calendar
from dms.accounts.models import User
from dms.accounts.roles import SYSTEM
from dms.audit import AuditEvent
from dms.errors import Forbidden, NotFound, ValidationError
from dms.requests import workflow
from dms.requests.models import InformationRequest
from dms.requests.objections import OBJECTION_DAYS
from dms.requests.service import ANSWER_DAYS, submit_request
from dms.workdays import CalendarDay, CalendarYear
from tests.requests_helpers import a_request, wib
from tests.unit.test_workdays import HAND_CHECKED_DEADLINES

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


# --- hand-checked deadlines through the workflow (issue 13 §4) --------------------


def _filed(session, archive, received: date) -> InformationRequest:
    return submit_request(
        session,
        archive.storage,
        actor=None,
        fields=a_request(),
        settings=archive.settings,
        now=wib(received.year, received.month, received.day, 10, 0),
    ).request


def _workflow_due(session, archive, received: date, days) -> date:
    """The due date as the workflow writes it on the request (or the objection)."""
    days_calendar = calendar.working_calendar(session, archive.settings)
    if days == ANSWER_DAYS:
        return _filed(session, archive, received).due_on
    if days == OBJECTION_DAYS:  # as objections.file_objection computes its due_on
        return days_calendar.due_date(received, OBJECTION_DAYS)
    # "+7": `received` is the first due date of a request extended by 7 days.
    filed = _filed(session, archive, FIRST_DUE_TO_RECEIPT[received])
    assert filed.due_on == received
    workflow.extend(
        session,
        actor=_user(session, "utama"),
        number=filed.number,
        days=7,
        reason="Data dihimpun dari beberapa bidang.",
        calendar=days_calendar,
        today=received,
        now=wib(received.year, received.month, received.day, 9, 0),
    )
    return filed.extended_due_on


@pytest.mark.parametrize("seeded", [True, False], ids=["seeded", "from-package"])
def test_hand_checked_deadlines_through_the_workflow(archive, cast, seeded):
    # One archive for all fifteen cases (each a fresh request): cheaper than
    # fifteen, and a mismatch still names its case in the assertion's diff.
    with archive.transaction() as session:
        for year in (2024, 2025) if seeded else ():
            calendar.seed_year(session, year, actor=SYSTEM)
        got = [
            (
                received,
                days,
                _workflow_due(
                    session, archive, date.fromisoformat(received), days
                ).isoformat(),
            )
            for received, days, _ in HAND_CHECKED_DEADLINES
        ]

    assert got == HAND_CHECKED_DEADLINES
    assert _rows(archive, CalendarYear) == (2 if seeded else 0)


# The receipts whose first due date the "+7" cases extend (both hand-checked).
FIRST_DUE_TO_RECEIPT = {
    date(2024, 4, 29): date(2024, 4, 5),
    date(2025, 4, 22): date(2025, 3, 27),
}


# --- merging the package's new days into a seeded year -----------------------------

KEMERDEKAAN_CUTI = date(2025, 8, 18)  # added to the 2025 SKB in mid-year


def _stale_seed_of_2025(archive) -> None:
    """2025 as seeded by an older `holidays`: without the August cuti bersama."""
    with archive.transaction() as session:
        calendar.seed_year(session, 2025, actor=SYSTEM)
        session.execute(delete(CalendarDay).where(CalendarDay.day == KEMERDEKAAN_CUTI))


def test_merge_adds_the_packages_new_days_and_keeps_the_admins_edits(archive, cast):
    _stale_seed_of_2025(archive)
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)
    _as_admin(
        archive, calendar.set_day, day=date(2025, 3, 25), name="Hari Jadi", kind="other"
    )
    _as_admin(
        archive,
        calendar.set_day,
        day=date(2025, 12, 26),
        name="Cuti Natal (SKB revisi)",
        kind="cuti_bersama",
    )
    assert _due(archive, received=date(2025, 8, 11)) == date(2025, 8, 25)
    with archive.reading() as session:
        assert [h.day for h in calendar.missing_package_days(session, 2025)] == [
            KEMERDEKAAN_CUTI
        ]

    with archive.transaction() as session:
        merged = calendar.merge_year(session, 2025, actor=SYSTEM)

    assert merged.added == (KEMERDEKAAN_CUTI,)
    assert merged.admin_kept == (LAST_IDUL_FITRI_CUTI, date(2025, 12, 26))
    assert merged.not_in_package == ()
    assert _due(archive, received=date(2025, 8, 11)) == date(2025, 8, 26)
    assert _due(archive) == date(2025, 4, 16)  # 7 Apr stays a working day, 25 Mar off
    with archive.reading() as session:
        corrected = session.get(CalendarDay, LAST_IDUL_FITRI_CUTI)
        assert (corrected.day_off, corrected.source) == (False, "admin")
        assert session.get(CalendarDay, date(2025, 12, 26)).name == (
            "Cuti Natal (SKB revisi)"
        )
        assert session.get(CalendarDay, date(2025, 3, 25)).source == "admin"
        added = session.get(CalendarDay, KEMERDEKAAN_CUTI)
        assert (added.kind, added.source, added.day_off) == (
            "cuti_bersama",
            "holidays",
            True,
        )
        assert calendar.missing_package_days(session, 2025) == []
    event = [e for e in _events(archive) if e.action == "calendar.merge"]
    assert [(e.object_id, e.after) for e in event] == [
        (2025, {"days": 1, "added": ["2025-08-18"]})
    ]


def test_merging_again_adds_nothing(archive, cast):
    _stale_seed_of_2025(archive)
    with archive.transaction() as session:
        calendar.merge_year(session, 2025, actor=SYSTEM)
    with archive.transaction() as session:
        again = calendar.merge_year(session, 2025, actor=SYSTEM)

    assert again.added == ()
    assert _rows(archive, CalendarDay) == 24


def test_merging_a_year_not_seeded_seeds_it(archive):
    with archive.transaction() as session:
        merged = calendar.merge_year(session, 2025, actor=SYSTEM)

    assert len(merged.added) == 24
    with archive.reading() as session:
        assert calendar.is_seeded(session, 2025)
    assert [e.action for e in _events(archive)] == ["calendar.seed"]


def test_merge_leaves_a_seeded_day_the_package_dropped_and_reports_it(archive):
    dropped = date(2025, 6, 10)  # once listed as the Idul Adha cuti bersama
    with archive.transaction() as session:
        calendar.seed_year(session, 2025, actor=SYSTEM)
        session.add(
            CalendarDay(day=dropped, name="Cuti Bersama Idul Adha", kind="cuti_bersama")
        )
    with archive.transaction() as session:
        merged = calendar.merge_year(session, 2025, actor=SYSTEM)

    assert (merged.added, merged.not_in_package) == ((), (dropped,))
    with archive.reading() as session:
        assert session.get(CalendarDay, dropped).day_off is True


def test_a_year_out_of_range_is_not_merged(archive):
    with archive.transaction() as session, pytest.raises(ValidationError):
        calendar.merge_year(session, 2101, actor=SYSTEM)

    assert _rows(archive, CalendarYear) == 0


def test_the_list_says_where_each_day_came_from(archive, cast):
    _as_admin(archive, calendar.remove_day, day=LAST_IDUL_FITRI_CUTI)
    _as_admin(archive, calendar.set_day, day=date(2025, 3, 25), name="x", kind="other")

    with archive.reading() as session:
        entries = calendar.list_days(session, 2025, cuti_bersama_day_off=True)

    origins = {entry.day: entry.origin for entry in entries}
    assert origins[LAST_IDUL_FITRI_CUTI] == "admin_override"
    assert origins[date(2025, 3, 25)] == "admin"
    assert origins[date(2025, 3, 31)] == "package"


def test_stale_warnings_name_a_year_without_cuti_bersama_and_unmerged_days(archive):
    _stale_seed_of_2025(archive)

    with archive.reading() as session:
        assert calendar.stale_warnings(session, [2024]) == []
        (unmerged,) = calendar.stale_warnings(session, [2025])
        (no_cuti,) = calendar.stale_warnings(session, [2099])  # the package: none

    assert "2025-08-18" in unmerged and "--year 2025 --merge" in unmerged
    assert "2099 tidak memuat cuti bersama" in no_cuti
    assert holidays.__version__ in no_cuti
