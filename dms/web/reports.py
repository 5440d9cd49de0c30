"""Reports: the workspace page /ruang-kerja/laporan, the JSON API under
/api/v1/reports and /api/v1/statistics, and the open data
/data/statistik-permohonan.{csv,json} (aggregated counts only).

Thin views over dms.monitoring.annual and dms.monitoring.requests_stats; the
services decide who may read and write."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from dms import errors
from dms.documents.models import ATASAN_PPID, PPID_UTAMA, User
from dms.errors import BadInput, ValidationError
from dms.monitoring import annual, report_files
from dms.monitoring.requests_stats import (
    GROUND_LABELS,
    MAX_YEAR,
    MIN_YEAR,
    REFUSAL_LABELS,
    check_year,
    request_statistics,
)
from dms.requests.calendar import working_calendar
from dms.web.api import MAX_JSON_BYTES, _json_object, current_actor
from dms.web.auth import roles_required
from dms.web.openapi import _errors, _json, _query
from dms.web.security import csrf
from dms.web.workspace import FormError

bp = Blueprint("reports", __name__)
api_bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")

PAGE_ROLES = (PPID_UTAMA, ATASAN_PPID)
FILE_FORMATS = (report_files.PDF, report_files.XLSX)


def _archive():
    return current_app.extensions["dms"]


def _today():
    return _archive().settings.local_today()


def _year_arg(default: int | None = None) -> int:
    raw = request.args.get("year", "")
    if not raw:
        return default if default is not None else _today().year
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise ValidationError(
            f"Tahun harus angka antara {MIN_YEAR} dan {MAX_YEAR}.", "year"
        )
    return int(raw)


def _semester_arg() -> int | None:
    raw = request.args.get("semester", "")
    if raw in ("", None):
        return None
    if raw not in ("1", "2"):
        raise ValidationError("Semester harus 1 atau 2.", "semester")
    return int(raw)


def _report(session, actor, year: int) -> annual.AnnualReport:
    return annual.annual_report(
        session,
        working_calendar(session, _archive().settings),
        actor=actor,
        year=check_year(year),
        today=_today(),
    )


def _statistics(session, year: int, semester: int | None):
    return request_statistics(
        session,
        working_calendar(session, _archive().settings),
        year=check_year(year),
        semester=semester,
        today=_today(),
    )


def _local_time(moment) -> str:
    zone = ZoneInfo(_archive().settings.timezone)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _file(report: annual.AnnualReport, fmt: str) -> Response:
    body = (
        report_files.annual_pdf(report)
        if fmt == report_files.PDF
        else report_files.annual_xlsx(report)
    )
    return Response(
        body,
        mimetype=report_files.MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{report.filename(fmt)}"'
        },
    )


# --- the workspace page --------------------------------------------------------------


@bp.get("/ruang-kerja/laporan")
@roles_required(*PAGE_ROLES)
def page():
    return _page(_year_arg(_today().year - 1), None)


def _page(year: int, error: FormError | None, values: dict | None = None):
    with _archive().reading() as session:
        actor = session.get(User, current_user.id)
        report = _report(session, actor, year)
        tables = annual.statistics_tables(report.statistics)
    response = render_template(
        "reports/annual.html",
        report=report,
        tables=tables,
        chapters=annual.CHAPTERS,
        prose=annual.PROSE,
        years=range(_today().year, _today().year - 6, -1),
        editable=current_user.role == PPID_UTAMA,
        display=report_files.display,
        local_time=_local_time,
        error=error,
        values=values or {},
    )
    return response, error.status if error else 200


@bp.post("/ruang-kerja/laporan/<int:year>/bagian/<section>")
@roles_required(PPID_UTAMA)
def save_section(year: int, section: str):
    body = request.form.get("body", "")
    try:
        with _archive().transaction() as session:
            annual.save_section(
                session,
                actor=session.get(User, current_user.id),
                year=year,
                section=section,
                body=body,
            )
    except (errors.ValidationError, errors.Forbidden) as exc:
        error = FormError.of(section, exc, "body")
        return _page(year, error, {section: body})
    flash(
        _(
            "Naskah bagian \u201c%(title)s\u201d tersimpan.",
            title=_section_title(section),
        )
    )
    return redirect(url_for(".page", year=year) + f"#bagian-{section}")


def _section_title(key: str) -> str:
    return annual.PROSE.get(key, key)


@bp.get("/ruang-kerja/laporan/<int:year>.<any(pdf, xlsx):fmt>")
@roles_required(*PAGE_ROLES)
def download(year: int, fmt: str):
    with _archive().reading() as session:
        report = _report(session, session.get(User, current_user.id), year)
    return _file(report, fmt)


# --- open data: counts only ----------------------------------------------------------


@bp.get("/data/statistik-permohonan.<any(csv, json):fmt>")
def open_statistics(fmt: str):
    year = _year_arg()
    semester = _semester_arg()
    with _archive().reading() as session:
        stats = _statistics(session, year, semester)
    if fmt == report_files.CSV:
        return Response(
            report_files.statistics_csv(stats),
            mimetype="text/csv",
            headers={
                "Content-Disposition": 'attachment; filename="statistik-permohonan-'
                f'{year}.csv"'
            },
        )
    return jsonify(_open_json(stats))


def _open_json(stats) -> dict[str, Any]:
    body = stats.as_json()
    # Dispute cases name their objection's number; the open data gives only counts.
    body.pop("disputes")
    body["licence"] = "CC BY 4.0"
    return body


# --- the JSON API --------------------------------------------------------------------


@api_bp.before_request
def _limit_body_size():
    request.max_content_length = MAX_JSON_BYTES
    if any("\x00" in value for value in request.args.values()):
        raise BadInput("Parameter tidak boleh berisi karakter NUL.")


def _reader(session):
    actor = current_actor(session)
    if actor is None:
        raise errors.Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
    annual.require_reader(actor)
    return actor


@api_bp.get("/reports/annual/<int:year>")
def annual_report(year: int):
    fmt = request.args.get("format", "json")
    if fmt not in ("json", *FILE_FORMATS):
        raise ValidationError("Format harus json, pdf atau xlsx.", "format")
    with _archive().reading() as session:
        report = _report(session, _reader(session), year)
    if fmt == "json":
        return jsonify(report.as_json())
    return _file(report, fmt)


@api_bp.get("/reports/annual/<int:year>/sections")
def list_sections(year: int):
    with _archive().reading() as session:
        sections = annual.list_sections(session, actor=_reader(session), year=year)
    return jsonify(year=year, items=[s.as_json() for s in sections.values()])


@api_bp.put("/reports/annual/<int:year>/sections/<section>")
def put_section(year: int, section: str):
    with _archive().reading() as session:
        actor = current_actor(session)
        if actor is None:
            raise errors.Unauthenticated(
                "Masuk terlebih dahulu (token API diperlukan)."
            )
        annual.require_editor(actor)
        actor_id = actor.id
    body = _json_object()
    with _archive().transaction() as session:
        saved = annual.save_section(
            session,
            actor=session.get(User, actor_id),
            year=year,
            section=section,
            body=body.get("body"),
        )
        return jsonify(year=year, **saved.as_json())


@api_bp.get("/statistics/requests")
def statistics():
    year = _year_arg()
    semester = _semester_arg()
    with _archive().reading() as session:
        _reader(session)
        stats = _statistics(session, year, semester)
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
                    _query("format", {"enum": ["json", "pdf", "xlsx"]}, "Default json"),
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
                    **_errors(*_READ_ERRORS),
                },
            }
        },
        "/reports/annual/{year}/sections": {
            "get": {
                "summary": "The report's prose drafts, empty ones included",
                "security": [{"bearer": []}],
                "parameters": [_YEAR],
                "responses": {
                    "200": _json(
                        "The sections",
                        {
                            "type": "object",
                            "properties": {
                                "year": {"type": "integer"},
                                "items": {"type": "array", "items": _SECTION_JSON},
                            },
                        },
                    ),
                    **_errors(*_READ_ERRORS),
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
                    "200": _json("The saved section", _SECTION_JSON),
                    **_errors("400", *_READ_ERRORS),
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
                    _query("year", {"type": "integer"}, "Default: this year"),
                    _query("semester", {"enum": [1, 2]}, "Default: the whole year"),
                ],
                "responses": {
                    "200": _json("The statistics", _STATISTICS),
                    **_errors(*_READ_ERRORS),
                },
            }
        },
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    # Bearer tokens, never the session cookie: no CSRF token on the API.
    csrf.exempt(api_bp)
