"""Reports: the workspace page /ruang-kerja/laporan (the JSON API under
/api/v1/reports and /api/v1/statistics is dms.web.api.reports), and the open data
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
from dms.accounts.models import User
from dms.accounts.roles import ATASAN_PPID, PPID_UTAMA
from dms.errors import ValidationError
from dms.monitoring import annual, report_files
from dms.monitoring.requests_stats import (
    MAX_YEAR,
    MIN_YEAR,
    check_year,
    request_statistics,
)
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FormError
from dms.workdays import working_calendar

bp = Blueprint("reports", __name__)

PAGE_ROLES = (PPID_UTAMA, ATASAN_PPID)
FILE_FORMATS = (report_files.PDF, report_files.XLSX)


def _today():
    return current_archive().settings.local_today()


def year_arg(default: int | None = None) -> int:
    raw = request.args.get("year", "")
    if not raw:
        return default if default is not None else _today().year
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise ValidationError(
            f"Tahun harus angka antara {MIN_YEAR} dan {MAX_YEAR}.", "year"
        )
    return int(raw)


def semester_arg() -> int | None:
    raw = request.args.get("semester", "")
    if raw in ("", None):
        return None
    if raw not in ("1", "2"):
        raise ValidationError("Semester harus 1 atau 2.", "semester")
    return int(raw)


def annual_report_of(session, actor, year: int) -> annual.AnnualReport:
    return annual.annual_report(
        session,
        working_calendar(session, current_archive().settings),
        actor=actor,
        year=check_year(year),
        today=_today(),
    )


def statistics_of(session, year: int, semester: int | None):
    return request_statistics(
        session,
        working_calendar(session, current_archive().settings),
        year=check_year(year),
        semester=semester,
        today=_today(),
    )


def _local_time(moment) -> str:
    zone = ZoneInfo(current_archive().settings.timezone)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def report_file(report: annual.AnnualReport, fmt: str) -> Response:
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
    return _page(year_arg(_today().year - 1), None)


def _page(year: int, error: FormError | None, values: dict | None = None):
    with current_archive().reading() as session:
        actor = session.get(User, current_user.id)
        report = annual_report_of(session, actor, year)
        tables = annual.statistics_tables(report.statistics)
    response = render_template(
        "workspace/reports/annual.html",
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
        with current_archive().transaction() as session:
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
    with current_archive().reading() as session:
        report = annual_report_of(session, session.get(User, current_user.id), year)
    return report_file(report, fmt)


# --- open data: counts only ----------------------------------------------------------


@bp.get("/data/statistik-permohonan.<any(csv, json):fmt>")
def open_statistics(fmt: str):
    year = year_arg()
    semester = semester_arg()
    with current_archive().reading() as session:
        stats = statistics_of(session, year, semester)
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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
