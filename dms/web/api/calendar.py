"""The working-day calendar under /api/v1/calendar: thin views over its services."""

from __future__ import annotations

from typing import Any

import holidays
from flask import Blueprint, jsonify, request

from dms.documents.models import User
from dms.errors import ValidationError
from dms.requests import calendar
from dms.requests.models import CalendarDay
from dms.web.api.base import (
    authenticated_user_id,
    current_actor,
    current_archive,
    int_arg,
    json_object,
)
from dms.web.api.openapi import error_responses, json_content, query_parameter

bp = Blueprint("calendar", __name__)

DEFAULT_DAYS = 10  # the written answer to a request (UU KIP Ps. 22(7))


@bp.get("/calendar")
def list_calendar():
    archive = current_archive()
    settings = archive.settings
    year = int_arg(request.args, "year", calendar.MIN_YEAR, calendar.MAX_YEAR)
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
def merge_year():
    actor_id = authenticated_user_id()
    year = json_object().get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationError("'year' harus berupa bilangan bulat.", "year")
    with current_archive().transaction() as session:
        merged = calendar.merge_year(session, year, actor=session.get(User, actor_id))
    return jsonify(
        year=merged.year,
        added=[day.isoformat() for day in merged.added],
        admin_kept=[day.isoformat() for day in merged.admin_kept],
        not_in_package=[day.isoformat() for day in merged.not_in_package],
    )


@bp.put("/calendar/days/<string:day>")
def set_day(day: str):
    actor_id = authenticated_user_id()
    when = calendar.parse_day(day)
    body = json_object()
    with current_archive().transaction() as session:
        row = calendar.set_day(
            session,
            actor=session.get(User, actor_id),
            day=when,
            name=body.get("name"),
            kind=body.get("kind", calendar.OTHER),
            day_off=body.get("day_off", True),
        )
        return jsonify(_day_json(session, row))


@bp.delete("/calendar/days/<string:day>")
def remove_day(day: str):
    actor_id = authenticated_user_id()
    when = calendar.parse_day(day)
    with current_archive().transaction() as session:
        row = calendar.remove_day(session, actor=session.get(User, actor_id), day=when)
        entry = _day_json(session, row) if row is not None else None
    return jsonify(date=when.isoformat(), working_day=True, entry=entry)


@bp.get("/calendar/due")
def due_date():
    archive = current_archive()
    settings = archive.settings
    raw = request.args.get("received")
    if not raw:
        raise ValidationError("Isi 'received' dengan tanggal penerimaan.", "received")
    received = calendar.parse_received(raw, settings.timezone)
    days = int_arg(request.args, "days", 1, calendar.MAX_DAYS) or DEFAULT_DAYS
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


# --- OpenAPI ---------------------------------------------------------------------

DAY_PARAMETER = {
    "name": "date",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "date"},
    "description": "YYYY-MM-DD, Monday to Friday",
}
ENTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "weekday": {"type": "string", "description": "Indonesian day name"},
        "name": {"type": "string"},
        "kind": {"enum": list(calendar.DAY_KINDS)},
        "day_off": {
            "type": "boolean",
            "description": "False: an admin made this holiday a working day",
        },
        "source": {"enum": ["holidays", "admin"]},
        "origin": {
            "enum": list(calendar.ORIGINS),
            "description": "package: from the holidays package; admin: the admin's "
            "own day; admin_override: the admin's change of a package day",
        },
        "working_day": {
            "type": "boolean",
            "description": "Whether the date counts as a working day under the "
            "settings in force (cuti bersama follow cuti_bersama_day_off)",
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return {
        "/calendar": {"get": _list_operation()},
        "/calendar/days/{date}": {
            "put": _set_operation(),
            "delete": _remove_operation(),
        },
        "/calendar/due": {"get": _due_operation()},
        "/calendar/merge": {"post": _merge_operation()},
    }


def _list_operation() -> dict[str, Any]:
    return {
        "summary": "The recorded weekdays of a year: holidays, cuti bersama, "
        "the admin's corrections",
        "description": "Weekends are never working days and are not listed. A year "
        "not seeded yet shows the holidays package's dates.",
        "parameters": [
            query_parameter(
                "year",
                {
                    "type": "integer",
                    "minimum": calendar.MIN_YEAR,
                    "maximum": calendar.MAX_YEAR,
                },
                "Default: the current year",
            )
        ],
        "responses": {
            "200": json_content(
                "The year's calendar",
                {
                    "type": "object",
                    "properties": {
                        "year": {"type": "integer"},
                        "cuti_bersama_day_off": {"type": "boolean"},
                        "timezone": {"type": "string"},
                        "seeded": {"type": "boolean"},
                        "days": {"type": "array", "items": ENTRY_SCHEMA},
                        "holidays_version": {"type": "string"},
                        "unmerged": {
                            "type": "array",
                            "items": {"type": "string", "format": "date"},
                            "description": "Days the installed holidays package "
                            "has that the seeded year lacks (POST /calendar/merge)",
                        },
                        "warnings": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Why the year's calendar may be stale "
                            "(no cuti bersama, unmerged days), in Indonesian",
                        },
                    },
                },
            ),
            **error_responses("401", "422"),
        },
    }


def _set_operation() -> dict[str, Any]:
    return {
        "summary": "Record a weekday as a day off, or (day_off false) as a working "
        "day (admin)",
        "security": [{"bearer": []}],
        "parameters": [DAY_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "maxLength": 255},
                            "kind": {
                                "enum": list(calendar.DAY_KINDS),
                                "default": calendar.OTHER,
                            },
                            "day_off": {"type": "boolean", "default": True},
                        },
                    }
                }
            },
        },
        "responses": {
            "200": json_content("The day", ENTRY_SCHEMA),
            **error_responses("400", "401", "403", "422"),
        },
    }


def _remove_operation() -> dict[str, Any]:
    return {
        "summary": "Make a recorded day off a working day again (admin)",
        "description": "An admin's own entry is deleted; a seeded holiday stays as "
        "a correction with day_off false, so re-seeding does not bring it back.",
        "security": [{"bearer": []}],
        "parameters": [DAY_PARAMETER],
        "responses": {
            "200": json_content(
                "The date, now a working day",
                {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "working_day": {"type": "boolean"},
                        "entry": {"oneOf": [ENTRY_SCHEMA, {"type": "null"}]},
                    },
                },
            ),
            **error_responses("401", "403", "404", "422"),
        },
    }


def _merge_operation() -> dict[str, Any]:
    dates = {"type": "array", "items": {"type": "string", "format": "date"}}
    return {
        "summary": "Add the holidays package's new days to a year (admin)",
        "description": "Seeds a year not seeded yet. In a seeded year only days "
        "without a recorded row are added: the admin's edits are kept, and a seeded "
        "day the package no longer lists is reported, not removed.",
        "security": [{"bearer": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["year"],
                        "properties": {
                            "year": {
                                "type": "integer",
                                "minimum": calendar.MIN_YEAR,
                                "maximum": calendar.MAX_YEAR,
                            }
                        },
                    }
                }
            },
        },
        "responses": {
            "200": json_content(
                "What the merge did",
                {
                    "type": "object",
                    "properties": {
                        "year": {"type": "integer"},
                        "added": dates,
                        "admin_kept": dates,
                        "not_in_package": dates,
                    },
                },
            ),
            **error_responses("400", "401", "403", "422"),
        },
    }


def _due_operation() -> dict[str, Any]:
    return {
        "summary": "The due date a number of working days after receipt",
        "description": "Day 1 is the first working day after receipt; a request "
        "received on a day off counts as received on the next working day.",
        "parameters": [
            {
                **query_parameter(
                    "received",
                    {"type": "string"},
                    "YYYY-MM-DD, or an ISO time (without an offset: the configured "
                    "time zone)",
                ),
                "required": True,
            },
            query_parameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": calendar.MAX_DAYS},
                f"Working days (default {DEFAULT_DAYS})",
            ),
        ],
        "responses": {
            "200": json_content(
                "The due date",
                {
                    "type": "object",
                    "properties": {
                        "received": {"type": "string", "format": "date"},
                        "counted_from": {
                            "type": "string",
                            "format": "date",
                            "description": "The receipt date, moved to the next "
                            "working day when received on a day off",
                        },
                        "due": {"type": "string", "format": "date"},
                        "days": {"type": "integer"},
                        "cuti_bersama_day_off": {"type": "boolean"},
                    },
                },
            ),
            **error_responses("401", "422"),
        },
    }
