"""What the standard PPID menu of an organisation shows the public: its DIP a
page at a time, its service report for a year, its regulations. Only published,
non-exempt documents and aggregate counts: nothing here needs a login."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dms.accounts.models import Organisation
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.classification.registers import DipRow, dip_rows
from dms.classification.suggest import RULES
from dms.documents.access import PUBLIC_CLAUSE
from dms.documents.models import Document
from dms.errors import NotFound
from dms.monitoring.dashboard import (
    Scope,
    requests_of_year,
    requests_per_month,
    response_times,
    utama_organisation_id,
)
from dms.workdays import working_calendar

# A province's DIP has hundreds of rows; 50 a page keeps each page small.
DIP_PER_PAGE = 50
MAX_REGULATIONS = 200
REGULATION_PHRASES = next(rule.phrases for rule in RULES if rule.code == "peraturan")


def public_organisation(session: Session, slug: str) -> Organisation:
    """The organisation of a menu page, or NotFound."""
    found = find_organisation(session, slug) if SLUG_PATTERN.match(slug or "") else None
    if found is None:
        raise NotFound(f"Badan publik '{(slug or '')[:64]}' tidak ditemukan.")
    return found


@dataclass(frozen=True)
class DipPage:
    rows: list[DipRow]
    page: int
    pages: int
    total: int
    per_page: int = DIP_PER_PAGE


def dip_page(session: Session, organisation: Organisation, page: int) -> DipPage:
    """One page of the organisation's DIP (a page past the end is the last)."""
    rows = dip_rows(session, organisation)
    pages = max(1, -(-len(rows) // DIP_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * DIP_PER_PAGE
    return DipPage(rows[start : start + DIP_PER_PAGE], page, pages, len(rows))


@dataclass(frozen=True)
class ServiceReport:
    """The organisation's requests of a year: per month, answered, days to answer."""

    year: int
    per_month: list[int]
    answered: int
    average_days: float | None
    p90_days: float | None

    @property
    def total(self) -> int:
        return sum(self.per_month)


def service_report(
    session: Session, organisation: Organisation, year: int, settings
) -> ServiceReport:
    """The monitoring figures of one organisation for a year (counts only)."""
    utama_id = utama_organisation_id(session)
    requests = requests_of_year(session, Scope(year, organisation), utama_id)
    times = response_times(
        requests,
        working_calendar(session, settings),
        utama_id=utama_id,
        names={},
        only=organisation.id,
    )
    time = times[0] if times else None
    return ServiceReport(
        year=year,
        per_month=requests_per_month(requests, settings.timezone),
        answered=time.answered if time else 0,
        average_days=round(time.average, 1) if time else None,
        p90_days=time.p90 if time else None,
    )


def regulations(session: Session, organisation: Organisation) -> list[Document]:
    """The organisation's public documents that are regulations (by title or type)."""
    words = [
        column.ilike(f"%{phrase}%")
        for phrase in REGULATION_PHRASES
        for column in (Document.title, Document.info_type)
    ]
    query = (
        select(Document)
        .where(PUBLIC_CLAUSE, Document.organisation_id == organisation.id)
        .where(or_(*words))
        .order_by(Document.year.desc().nulls_last(), func.lower(Document.title))
        .limit(MAX_REGULATIONS)
    )
    return list(session.scalars(query))
