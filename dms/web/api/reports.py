"""The reports API: the annual report (Perki 1/2021 Ps. 56) and its sections
under /api/v1/reports, the request statistics under /api/v1/statistics. Thin
views over dms.monitoring; the services decide who may read and write."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from dms import errors
from dms.accounts.models import User
from dms.monitoring import annual, report_files
from dms.web.api import responses
from dms.web.api.base import (
    ApiBlueprint,
    current_actor,
    current_archive,
    parse_json,
    parse_query,
)
from dms.web.api.openapi import (
    Reply,
    describe,
    paths_of,
)
from dms.web.api.schemas import ReportQuery, SectionInput, StatisticsQuery
from dms.web.workspace.reports import (
    annual_report_of,
    report_file,
    semester_arg,
    statistics_of,
    year_arg,
)

bp = ApiBlueprint("reports", __name__)
READ_ERRORS = ("401", "403", "422")


def _reader(session):
    actor = current_actor(session)
    if actor is None:
        raise errors.Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
    annual.require_reader(actor)
    return actor


@bp.get("/reports/annual/<int:year>")
@describe(
    "The annual report (Perki 1/2021 Ps. 56): PPID Utama, atasan PPID, admin",
    query=ReportQuery,
    replies={
        "200": Reply(
            "The report: JSON, or a PDF/XLSX file",
            {"type": "object"},
            media=(
                "application/json",
                "application/pdf",
                report_files.MEDIA_TYPES["xlsx"],
            ),
        )
    },
    errors=READ_ERRORS,
    bearer=True,
)
def annual_report(year: int):
    fmt = parse_query(ReportQuery).format
    with current_archive().reading() as session:
        report = annual_report_of(session, _reader(session), year)
    if fmt == "json":
        return jsonify(report.as_json())
    return report_file(report, fmt)


@bp.get("/reports/annual/<int:year>/sections")
@describe(
    "The report's prose drafts, empty ones included",
    replies={"200": Reply("The sections", responses.SectionList)},
    errors=READ_ERRORS,
    bearer=True,
)
def list_sections(year: int):
    with current_archive().reading() as session:
        sections = annual.list_sections(session, actor=_reader(session), year=year)
    return jsonify(year=year, items=[s.as_json() for s in sections.values()])


@bp.put("/reports/annual/<int:year>/sections/<section>")
@describe(
    "Save a prose section's draft (PPID Utama, admin)",
    body=SectionInput,
    replies={"200": Reply("The saved section", responses.Section)},
    errors=("400", *READ_ERRORS),
    bearer=True,
)
def put_section(year: int, section: str):
    with current_archive().reading() as session:
        actor = current_actor(session)
        if actor is None:
            raise errors.Unauthenticated(
                "Masuk terlebih dahulu (token API diperlukan)."
            )
        annual.require_editor(actor)
        actor_id = actor.id
    body = parse_json(SectionInput)
    with current_archive().transaction() as session:
        saved = annual.save_section(
            session,
            actor=session.get(User, actor_id),
            year=year,
            section=section,
            body=body.body,
        )
        return jsonify(year=year, **saved.as_json())


@bp.get("/statistics/requests")
@describe(
    "Monthly request statistics of a year or semester",
    description="Received by month of receipt; decided, outcomes and working days "
    "by month of the answer (carry-over). Open data without dispute cases: "
    "/data/statistik-permohonan.json and .csv.",
    query=StatisticsQuery,
    replies={"200": Reply("The statistics", responses.Statistics)},
    errors=READ_ERRORS,
    bearer=True,
)
def statistics():
    year = year_arg()
    semester = semester_arg()
    with current_archive().reading() as session:
        _reader(session)
        stats = statistics_of(session, year, semester)
    return jsonify(stats.as_json())


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
