"""The reports API: the annual report (Perki 1/2021 Ps. 56) and its sections
under /api/v1/reports, the request statistics under /api/v1/statistics. Thin
views over dms.monitoring; the services decide who may read and write."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from dms import errors
from dms.documents.models import User
from dms.errors import ValidationError
from dms.monitoring import annual, report_files
from dms.monitoring.requests_stats import GROUND_LABELS, REFUSAL_LABELS
from dms.web.api.base import current_actor, current_archive, json_object
from dms.web.api.openapi import error_responses, json_content, query_parameter
from dms.web.workspace.reports import (
    FILE_FORMATS,
    annual_report_of,
    report_file,
    semester_arg,
    statistics_of,
    year_arg,
)

bp = Blueprint("reports", __name__)


def _reader(session):
    actor = current_actor(session)
    if actor is None:
        raise errors.Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
    annual.require_reader(actor)
    return actor


@bp.get("/reports/annual/<int:year>")
def annual_report(year: int):
    fmt = request.args.get("format", "json")
    if fmt not in ("json", *FILE_FORMATS):
        raise ValidationError("Format harus json, pdf atau xlsx.", "format")
    with current_archive().reading() as session:
        report = annual_report_of(session, _reader(session), year)
    if fmt == "json":
        return jsonify(report.as_json())
    return report_file(report, fmt)


@bp.get("/reports/annual/<int:year>/sections")
def list_sections(year: int):
    with current_archive().reading() as session:
        sections = annual.list_sections(session, actor=_reader(session), year=year)
    return jsonify(year=year, items=[s.as_json() for s in sections.values()])


@bp.put("/reports/annual/<int:year>/sections/<section>")
def put_section(year: int, section: str):
    with current_archive().reading() as session:
        actor = current_actor(session)
        if actor is None:
            raise errors.Unauthenticated(
                "Masuk terlebih dahulu (token API diperlukan)."
            )
        annual.require_editor(actor)
        actor_id = actor.id
    body = json_object()
    with current_archive().transaction() as session:
        saved = annual.save_section(
            session,
            actor=session.get(User, actor_id),
            year=year,
            section=section,
            body=body.get("body"),
        )
        return jsonify(year=year, **saved.as_json())


@bp.get("/statistics/requests")
def statistics():
    year = year_arg()
    semester = semester_arg()
    with current_archive().reading() as session:
        _reader(session)
        stats = statistics_of(session, year, semester)
    return jsonify(stats.as_json())


# --- OpenAPI -------------------------------------------------------------------------

_YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}
_SECTION = {
    "name": "section",
    "in": "path",
    "required": True,
    "schema": {"enum": list(annual.PROSE)},
}
_MONTH = {
    "type": "object",
    "properties": {
        "month": {"type": ["integer", "null"], "description": "null in the total"},
        "received": {"type": "integer", "description": "By month of receipt"},
        "decided": {"type": "integer", "description": "Answered in the month"},
        "average_working_days": {"type": ["number", "null"]},
        "extended": {"type": "integer"},
        "overdue": {
            "type": "integer",
            "description": "Deadlines (effective_due_on) of the month missed",
        },
        "granted": {"type": "integer"},
        "granted_partly": {"type": "integer"},
        "granted_total": {"type": "integer"},
        "refused": {"type": "integer"},
        "refused_by_reason": {
            "type": "object",
            "properties": {code: {"type": "integer"} for code in REFUSAL_LABELS},
        },
        "withdrawn": {"type": "integer"},
        "objections": {"type": "integer"},
        "objection_average_working_days": {"type": ["number", "null"]},
    },
}
_STATISTICS = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"},
        "semester": {"type": ["integer", "null"]},
        "title": {"type": "string"},
        "months": {"type": "array", "items": _MONTH},
        "total": _MONTH,
        "refusal_reasons": {"type": "array", "items": {"type": "object"}},
        "objections_by_ground": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Per month, counts by UU KIP Ps. 35(1) ground: "
            + "; ".join(GROUND_LABELS.values()),
        },
        "dispute_summary": {"type": "array", "items": {"type": "object"}},
        "disputes": {"type": "array", "items": {"type": "object"}},
    },
}
_SECTION_JSON = {
    "type": "object",
    "properties": {
        "section": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "filled": {"type": "boolean"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "updated_by": {"type": ["string", "null"]},
    },
}
_READ_ERRORS = ("401", "403", "422")


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return {
        "/reports/annual/{year}": {
            "get": {
                "summary": "The annual report (Perki 1/2021 Ps. 56): PPID Utama, "
                "atasan PPID, admin",
                "security": [{"bearer": []}],
                "parameters": [
                    _YEAR,
                    query_parameter(
                        "format", {"enum": ["json", "pdf", "xlsx"]}, "Default json"
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The report: JSON, or a PDF/XLSX file",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "application/pdf": {},
                            report_files.MEDIA_TYPES["xlsx"]: {},
                        },
                    },
                    **error_responses(*_READ_ERRORS),
                },
            }
        },
        "/reports/annual/{year}/sections": {
            "get": {
                "summary": "The report's prose drafts, empty ones included",
                "security": [{"bearer": []}],
                "parameters": [_YEAR],
                "responses": {
                    "200": json_content(
                        "The sections",
                        {
                            "type": "object",
                            "properties": {
                                "year": {"type": "integer"},
                                "items": {"type": "array", "items": _SECTION_JSON},
                            },
                        },
                    ),
                    **error_responses(*_READ_ERRORS),
                },
            }
        },
        "/reports/annual/{year}/sections/{section}": {
            "put": {
                "summary": "Save a prose section's draft (PPID Utama, admin)",
                "security": [{"bearer": []}],
                "parameters": [_YEAR, _SECTION],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["body"],
                                "properties": {"body": {"type": "string"}},
                            }
                        }
                    }
                },
                "responses": {
                    "200": json_content("The saved section", _SECTION_JSON),
                    **error_responses("400", *_READ_ERRORS),
                },
            }
        },
        "/statistics/requests": {
            "get": {
                "summary": "Monthly request statistics of a year or semester",
                "description": "Received by month of receipt; decided, outcomes "
                "and working days by month of the answer (carry-over). Open data "
                "without dispute cases: /data/statistik-permohonan.json and .csv.",
                "security": [{"bearer": []}],
                "parameters": [
                    query_parameter("year", {"type": "integer"}, "Default: this year"),
                    query_parameter(
                        "semester", {"enum": [1, 2]}, "Default: the whole year"
                    ),
                ],
                "responses": {
                    "200": json_content("The statistics", _STATISTICS),
                    **error_responses(*_READ_ERRORS),
                },
            }
        },
    }
