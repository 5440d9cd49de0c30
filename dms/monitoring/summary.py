"""The semester summary of request handling (ringkasan akses informasi publik):
once a semester has ended, its request tables are published as a berkala document
of the PPID Utama, exactly once (DOMAIN.md §2 and §5)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.accounts.models import Organisation
from dms.accounts.roles import SYSTEM
from dms.categories import BERKALA
from dms.documents import services
from dms.documents.models import Document
from dms.errors import ValidationError
from dms.monitoring.report_files import statistics_pdf
from dms.monitoring.requests_stats import (
    last_ended_semester,
    months_of,
    request_statistics,
)
from dms.workdays import working_calendar

log = logging.getLogger(__name__)

INFO_TYPE = "laporan akses informasi"
ROMAN = {1: "I", 2: "II"}


@dataclass(frozen=True)
class SummaryResult:
    document_id: int | None
    created: bool
    title: str


def summary_title(year: int, semester: int) -> str:
    return f"Ringkasan Akses Informasi Publik Semester {ROMAN[semester]} Tahun {year}"


def find_summary(session: Session, org: Organisation, year: int, semester: int):
    """The semester's summary document, whatever its status now."""
    return session.scalar(
        select(Document)
        .where(
            Document.organisation_id == org.id,
            Document.info_type == INFO_TYPE,
            Document.title == summary_title(year, semester),
        )
        .limit(1)
    )


def publish_summary(archive, *, year: int, semester: int) -> SummaryResult:
    """Publish the semester's summary as the system unless it exists already."""
    months_of(semester)  # validates the semester
    title = summary_title(year, semester)
    with archive.transaction() as session:
        org = _utama(session)
        existing = find_summary(session, org, year, semester)
        if existing is not None:
            return SummaryResult(existing.id, False, title)
        calendar = working_calendar(session, archive.settings)
        stats = request_statistics(
            session,
            calendar,
            year=year,
            semester=semester,
            today=archive.settings.local_today(),
        )
        document = services.create_document(
            session,
            archive.storage,
            actor=SYSTEM,
            fileobj=io.BytesIO(statistics_pdf(stats, org.name)),
            filename=f"ringkasan-akses-informasi-{year}-s{semester}.pdf",
            fields=_fields(org, title, year, semester),
            max_size=archive.settings.max_upload_bytes,
        )
        return SummaryResult(document.id, True, title)


def _fields(org: Organisation, title: str, year: int, semester: int):
    period = "Januari–Juni" if semester == 1 else "Juli–Desember"
    return services.NewDocument(
        title=title,
        category=BERKALA,
        org_slug=org.slug,
        year=year,
        summary=f"Rekapitulasi permohonan informasi publik, keberatan dan sengketa "
        f"{period} {year}, dibuat otomatis oleh sistem.",
        info_type=INFO_TYPE,
        dip={
            "dip_unit": org.name,
            "dip_responsible": "PPID Utama",
            "dip_production_time": f"Semester {ROMAN[semester]} {year}",
            "dip_production_place": org.name,
            "dip_form": "electronic",
            "dip_retention": "5 tahun",
        },
        publish=True,
    )


def _utama(session: Session) -> Organisation:
    # Locked: two workers running the daily job at once publish one summary.
    org = session.scalar(
        select(Organisation)
        .where(Organisation.is_utama.is_(True))
        .order_by(Organisation.id)
        .limit(1)
        .with_for_update()
    )
    if org is None:
        raise ValidationError(
            "Belum ada organisasi PPID Utama; tambahkan dengan 'dms org add --utama'.",
            "org",
        )
    return org


def publish_ended_semester(archive, today: date | None = None) -> SummaryResult | None:
    """The daily job: publish the last ended semester's summary if still missing."""
    year, semester = last_ended_semester(today or archive.settings.local_today())
    try:
        result = publish_summary(archive, year=year, semester=semester)
    except ValidationError as exc:
        log.warning("semester summary not published: %s", exc.message)
        return None
    if result.created:
        log.info("published %s (document %s)", result.title, result.document_id)
    return result
