"""The working-day calendar under /api/v1/calendar: thin views over its services."""

from __future__ import annotations

from typing import Any

import holidays
from flask import jsonify

from dms import workdays as calendar
from dms.accounts.models import User
from dms.web.api import responses
from dms.web.api.base import (
    ApiBlueprint,
    authenticated_user_id,
    current_actor,
    current_archive,
    parse_json,
    parse_query,
)
from dms.web.api.openapi import Reply, describe, paths_of
from dms.web.api.schemas import (
    DEFAULT_DUE_DAYS,
    CalendarDayInput,
    CalendarQuery,
    DueQuery,
    MergeInput,
)
from dms.workdays import CalendarDay

bp = ApiBlueprint("calendar", __name__)


@bp.get("/calendar")
@describe(
    "The recorded weekdays of a year: holidays, cuti bersama, the admin's corrections",
    description="Weekends are never working days and are not listed. A year not "
    "seeded yet shows the holidays package's dates.",
    query=CalendarQuery,
    replies={"200": Reply("The year's calendar", responses.CalendarYear)},
    errors=("401", "422"),
)
def list_calendar():
    archive = current_archive()
    settings = archive.settings
    year = parse_query(CalendarQuery).year
    if year is None:
        year = settings.local_today().year
    with archive.reading() as session:
        current_actor(session)  # a bad token is refused even here
        days = calendar.list_days(
            session, year, cuti_bersama_day_off=settings.cuti_bersama_day_off
        )
        seeded = calendar.is_seeded(session, year)
        unmerged = calendar.missing_package_days(session, year)
        warnings = calendar.stale_warnings(session, [year])
    return jsonify(
        year=year,
        cuti_bersama_day_off=settings.cuti_bersama_day_off,
        timezone=settings.timezone,
        seeded=seeded,
        days=[entry_json(entry) for entry in days],
        holidays_version=holidays.__version__,
        unmerged=[holiday.day.isoformat() for holiday in unmerged],
        warnings=warnings,
    )


@bp.post("/calendar/merge")
@describe(
    "Add the holidays package's new days to a year (admin)",
    description="Seeds a year not seeded yet. In a seeded year only days without a "
    "recorded row are added: the admin's edits are kept, and a seeded day the "
    "package no longer lists is reported, not removed.",
    body=MergeInput,
    body_required=True,
    replies={"200": Reply("What the merge did", responses.Merged)},
    errors=("400", "401", "403", "422"),
    bearer=True,
)
def merge_year():
    actor_id = authenticated_user_id()
    year = parse_json(MergeInput).year
    with current_archive().transaction() as session:
        merged = calendar.merge_year(session, year, actor=session.get(User, actor_id))
    return jsonify(
        year=merged.year,
        added=[day.isoformat() for day in merged.added],
        admin_kept=[day.isoformat() for day in merged.admin_kept],
        not_in_package=[day.isoformat() for day in merged.not_in_package],
    )


@bp.put("/calendar/days/<string:day>")
@describe(
    "Record a weekday as a day off, or (day_off false) as a working day (admin)",
    body=CalendarDayInput,
    body_required=True,
    replies={"200": Reply("The day", responses.CalendarEntry)},
    errors=("400", "401", "403", "422"),
    bearer=True,
)
def set_day(day: str):
    actor_id = authenticated_user_id()
    when = calendar.parse_day(day)
    body = parse_json(CalendarDayInput)
    with current_archive().transaction() as session:
        row = calendar.set_day(
            session,
            actor=session.get(User, actor_id),
            day=when,
            name=body.name,
            kind=body.kind,
            day_off=body.day_off,
        )
        return jsonify(_day_json(session, row))


@bp.delete("/calendar/days/<string:day>")
@describe(
    "Make a recorded day off a working day again (admin)",
    description="An admin's own entry is deleted; a seeded holiday stays as a "
    "correction with day_off false, so re-seeding does not bring it back.",
    replies={"200": Reply("The date, now a working day", responses.WorkingDayAgain)},
    errors=("401", "403", "404", "422"),
    bearer=True,
)
def remove_day(day: str):
    actor_id = authenticated_user_id()
    when = calendar.parse_day(day)
    with current_archive().transaction() as session:
        row = calendar.remove_day(session, actor=session.get(User, actor_id), day=when)
        entry = _day_json(session, row) if row is not None else None
    return jsonify(date=when.isoformat(), working_day=True, entry=entry)


@bp.get("/calendar/due")
@describe(
    "The due date a number of working days after receipt",
    description="Day 1 is the first working day after receipt; a request received "
    "on a day off counts as received on the next working day.",
    query=DueQuery,
    replies={"200": Reply("The due date", responses.DueDate)},
    errors=("401", "422"),
)
def due_date():
    archive = current_archive()
    settings = archive.settings
    query = parse_query(DueQuery)
    received = calendar.parse_received(query.received, settings.timezone)
    days = query.days or DEFAULT_DUE_DAYS
    with archive.reading() as session:
        current_actor(session)
        days_calendar = calendar.working_calendar(session, settings)
        received_on = days_calendar.received_on(received)
        counted_from = days_calendar.effective_receipt(received)
        due = days_calendar.add(counted_from, days)
    return jsonify(
        received=received_on.isoformat(),
        counted_from=counted_from.isoformat(),
        due=due.isoformat(),
        days=days,
        cuti_bersama_day_off=settings.cuti_bersama_day_off,
    )


def entry_json(entry: calendar.CalendarEntry) -> dict[str, Any]:
    """A recorded weekday as the API shows it."""
    return {
        "date": entry.day.isoformat(),
        "weekday": calendar.WEEKDAY_NAMES[entry.day.weekday()],
        "name": entry.name,
        "kind": entry.kind,
        "day_off": entry.day_off,
        "source": entry.source,
        "working_day": entry.working_day,
        "origin": entry.origin,
    }


def _day_json(session, row: CalendarDay) -> dict[str, Any]:
    settings = current_archive().settings
    days = calendar.list_days(
        session, row.day.year, cuti_bersama_day_off=settings.cuti_bersama_day_off
    )
    return entry_json(next(entry for entry in days if entry.day == row.day))


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
