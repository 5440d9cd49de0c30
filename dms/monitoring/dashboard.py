"""The PPID Utama's monitoring (DOMAIN.md §5): request trend, response time per
OPD, overdue requests, what is requested and downloaded, stale berkala documents
and the DIP completeness matrix (OPD x the 13 required information types).

Everything is computed from the records for one year and, optionally, one
organisation. A PPID Pelaksana sees its own organisation only; other roles see
nothing here (the annual report is where the atasan PPID reads the figures).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, selectinload

from dms.accounts.models import Organisation, User
from dms.accounts.roles import PPID_PELAKSANA, PPID_UTAMA
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.classification import rules
from dms.documents.access import PUBLIC_CLAUSE, visible_clause
from dms.documents.models import Document
from dms.errors import Forbidden, NotFound
from dms.monitoring.models import DownloadCount
from dms.requests.models import (
    OPEN_STATES,
    InformationRequest,
    RequestDocument,
)
from dms.workdays import WorkingCalendar

MONITORS = (PPID_UTAMA, PPID_PELAKSANA)
TOP = 10
MONTHS = range(1, 13)

# --- the scope ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """One year, and one organisation or all of them (None)."""

    year: int
    organisation: Organisation | None = None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation else None


def monitoring_scope(
    session: Session, *, actor: User | None, year: int, org_slug: str | None = None
) -> Scope:
    """What the actor may monitor: the PPID Utama any organisation or all, a
    Pelaksana only its own; Forbidden for everyone else."""
    if actor is None or not actor.is_active or actor.role not in MONITORS:
        raise Forbidden("Halaman pemantauan hanya untuk PPID Utama dan PPID Pelaksana.")
    if actor.role == PPID_PELAKSANA:
        own = actor.organisation
        if own is None or (org_slug and org_slug != own.slug):
            raise Forbidden("PPID Pelaksana hanya memantau organisasinya sendiri.")
        return Scope(year, own)
    if not org_slug:
        return Scope(year)
    found = (
        find_organisation(session, org_slug) if SLUG_PATTERN.match(org_slug) else None
    )
    if found is None:
        raise NotFound(f"Badan publik '{org_slug[:64]}' tidak ditemukan.")
    return Scope(year, found)


# --- requests -------------------------------------------------------------------------


def utama_organisation_id(session: Session) -> int | None:
    """The PPID Utama's organisation: it answers what was never disposed."""
    return session.scalar(
        select(Organisation.id)
        .where(Organisation.is_utama.is_(True))
        .order_by(Organisation.id)
        .limit(1)
    )


def request_organisations(
    request: InformationRequest, utama_id: int | None
) -> set[int | None]:
    """The OPD answerable for a request: those it was disposed to, else the Utama."""
    disposed = {d.organisation_id for d in request.dispositions}
    return disposed or {utama_id}


def requests_of_year(
    session: Session, scope: Scope, utama_id: int | None
) -> list[InformationRequest]:
    """The year's requests (by registration year) within the scope's organisation."""
    query = (
        select(InformationRequest)
        .where(InformationRequest.year == scope.year)
        .options(selectinload(InformationRequest.dispositions))
        .order_by(InformationRequest.received_at, InformationRequest.id)
    )
    return _in_scope(session.scalars(query), scope, utama_id)


def _in_scope(
    requests: Iterable[InformationRequest], scope: Scope, utama_id: int | None
) -> list[InformationRequest]:
    if scope.organisation is None:
        return list(requests)
    wanted = scope.organisation_id
    return [r for r in requests if wanted in request_organisations(r, utama_id)]


def requests_per_month(requests: Sequence[InformationRequest], zone: str) -> list[int]:
    """Requests received in each month (January first), by local date."""
    months = Counter(_local(r.received_at, zone).month for r in requests)
    return [months[month] for month in MONTHS]


def _local(moment, zone: str):
    return moment.astimezone(ZoneInfo(zone))


def working_days_to_answer(
    request: InformationRequest, calendar: WorkingCalendar
) -> int | None:
    """Working days from receipt to the answer (None while unanswered): day 1 is the
    first working day after receipt, as for the deadline (DOMAIN.md §4)."""
    if request.answered_at is None:
        return None
    start = calendar.effective_receipt(request.received_at)
    return calendar.count(start, calendar.received_on(request.answered_at))


def percentile_90(values: Sequence[float]) -> float | None:
    """The 90th percentile by the nearest-rank method (a value that occurred)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


SLOW_AFTER_DAYS = 10


@dataclass(frozen=True)
class ResponseTime:
    """An OPD's answered requests of the year and their working days to answer."""

    organisation_id: int | None
    name: str
    days: tuple[int, ...]

    @property
    def answered(self) -> int:
        return len(self.days)

    @property
    def average(self) -> float:
        return sum(self.days) / len(self.days)

    @property
    def p90(self) -> float | None:
        return percentile_90(self.days)

    @property
    def slow(self) -> bool:
        """More than one answer in ten took longer than the 10 working days the
        law allows without an extension (UU KIP Ps. 22(7))."""
        return self.p90 is not None and self.p90 > SLOW_AFTER_DAYS


def response_times(
    requests: Sequence[InformationRequest],
    calendar: WorkingCalendar,
    *,
    utama_id: int | None,
    names: dict[int | None, str],
    only: int | None = None,
) -> list[ResponseTime]:
    """Per OPD (slowest average first): a request counts for every OPD it was
    disposed to, a request never disposed for the PPID Utama."""
    days: dict[int | None, list[int]] = {}
    for request in requests:
        taken = working_days_to_answer(request, calendar)
        if taken is None:
            continue
        for org_id in request_organisations(request, utama_id):
            if only is None or org_id == only:
                days.setdefault(org_id, []).append(taken)
    rows = [
        ResponseTime(org_id, names.get(org_id, "PPID Utama"), tuple(found))
        for org_id, found in days.items()
    ]
    return sorted(rows, key=lambda r: (-r.average, r.name.casefold()))


def overdue_requests(
    session: Session, scope: Scope, utama_id: int | None, today: date
) -> list[InformationRequest]:
    """Open requests of any year whose deadline in force has passed, oldest
    deadline first: a late request from last year still needs an answer."""
    query = (
        select(InformationRequest)
        .where(InformationRequest.state.in_(OPEN_STATES))
        .options(selectinload(InformationRequest.dispositions))
        .order_by(InformationRequest.due_on, InformationRequest.id)
    )
    late = [r for r in session.scalars(query) if r.overdue_on(today)]
    late.sort(key=lambda r: (r.effective_due_on, r.id))
    return _in_scope(late, scope, utama_id)


@dataclass(frozen=True)
class Ranked:
    """A name and how often it occurred, for 'most requested' and the like."""

    label: str
    count: int
    document_id: int | None = None


def most_requested(
    session: Session,
    requests: Sequence[InformationRequest],
    *,
    actor: User,
    limit: int = TOP,
) -> tuple[list[Ranked], list[Ranked]]:
    """The information types and the documents the year's answers pointed to most."""
    ids = [r.id for r in requests]
    if not ids:
        return [], []
    rows = session.execute(
        select(Document.id, Document.title, Document.info_type)
        .join(RequestDocument, RequestDocument.document_id == Document.id)
        .where(RequestDocument.request_id.in_(ids), visible_clause(actor))
    ).all()
    types = Counter(info_type.strip() or "-" for _id, _title, info_type in rows)
    documents = Counter((doc_id, title) for doc_id, title, _type in rows)
    by_type = [Ranked(name, n) for name, n in _ranked(types.items())]
    by_document = [Ranked(key[1], n, key[0]) for key, n in _ranked(documents.items())]
    return by_type[:limit], by_document[:limit]


def _ranked(items) -> list:
    """Most first; ties by name, so the order never depends on the database."""
    return sorted(items, key=lambda item: (-item[1], str(item[0]).casefold()))


# --- downloads ------------------------------------------------------------------------


def downloads_per_month(session: Session, scope: Scope) -> list[int]:
    """Downloads counted in each month of the year (local days)."""
    month = extract("month", DownloadCount.day)
    query = (
        select(month, func.sum(DownloadCount.count))
        .where(_year_of(DownloadCount.day, scope.year))
        .group_by(month)
    )
    query = _downloads_of(query, scope)
    found = {int(m): int(n) for m, n in session.execute(query)}
    return [found.get(m, 0) for m in MONTHS]


def most_downloaded(
    session: Session, scope: Scope, *, actor: User, limit: int = TOP
) -> list[Ranked]:
    """The documents downloaded most in the year."""
    total = func.sum(DownloadCount.count)
    query = (
        select(Document.id, Document.title, total)
        .join(Document, Document.id == DownloadCount.document_id)
        .where(_year_of(DownloadCount.day, scope.year), visible_clause(actor))
        .group_by(Document.id, Document.title)
    )
    if scope.organisation is not None:
        query = query.where(Document.organisation_id == scope.organisation_id)
    rows = [((doc_id, title), int(n)) for doc_id, title, n in session.execute(query)]
    ranked = _ranked(rows)[:limit]
    return [Ranked(title, n, doc_id) for (doc_id, title), n in ranked]


def _year_of(column, year: int):
    return column.between(date(year, 1, 1), date(year, 12, 31))


def _downloads_of(query, scope: Scope):
    if scope.organisation is None:
        return query
    return query.join(Document, Document.id == DownloadCount.document_id).where(
        Document.organisation_id == scope.organisation_id
    )


# --- stale berkala documents ----------------------------------------------------------


def stale_berkala(
    session: Session, scope: Scope, *, actor: User, today: date, timezone: str
) -> list[Document]:
    """Published berkala documents past their refresh period (classification rules)."""
    slug = scope.organisation.slug if scope.organisation else None
    return rules.stale_documents(
        session, actor=actor, today=today, timezone=timezone, org=slug
    )


# --- the DIP completeness matrix ------------------------------------------------------


@dataclass(frozen=True)
class InfoType:
    """One information type every OPD must have in its DIP, with the words that
    recognise it in a document's info_type (first) or title."""

    code: str
    label: str
    keywords: tuple[str, ...]


# DOMAIN.md §5, after the table of 32 OPD x 13 types in the Kota Serang report.
REQUIRED_INFO_TYPES = (
    InfoType(
        "struktur_organisasi",
        "Struktur organisasi",
        (
            "struktur organisasi",
            "bagan organisasi",
            "susunan organisasi",
            "nama pejabat",
        ),
    ),
    InfoType(
        "profil_pegawai",
        "Profil pegawai",
        (
            "profil pegawai",
            "riwayat singkat",
            "daftar pegawai",
            "data pegawai",
            "profil pejabat",
        ),
    ),
    InfoType(
        "program_kegiatan",
        "Program & kegiatan (DPA)",
        (
            "dpa",
            "dokumen pelaksanaan anggaran",
            "program dan kegiatan",
            "program kegiatan",
            "rencana kerja dan anggaran",
            "rka",
        ),
    ),
    InfoType("jadwal_kegiatan", "Jadwal kegiatan", ("jadwal",)),
    InfoType(
        "pengadaan",
        "Pengadaan barang & jasa",
        ("pengadaan", "lelang", "tender", "rup"),
    ),
    InfoType(
        "realisasi_keuangan",
        "Laporan realisasi keuangan",
        ("realisasi keuangan", "realisasi anggaran", "lra", "laporan keuangan"),
    ),
    InfoType(
        "realisasi_kegiatan",
        "Realisasi kegiatan",
        (
            "realisasi kegiatan",
            "realisasi program",
            "realisasi fisik",
            "capaian kinerja",
            "laporan kinerja",
            "lkjip",
        ),
    ),
    InfoType(
        "perjanjian",
        "Perjanjian pihak ketiga",
        ("perjanjian", "kontrak", "kerja sama", "kerjasama", "nota kesepahaman", "mou"),
    ),
    InfoType("agenda_pimpinan", "Agenda pimpinan", ("agenda",)),
    InfoType(
        "surat_pimpinan",
        "Surat-menyurat pimpinan",
        ("surat menyurat", "surat pimpinan", "korespondensi"),
    ),
    InfoType(
        "laporan_akses",
        "Laporan akses informasi",
        ("akses informasi", "layanan informasi publik", "laporan ppid"),
    ),
    InfoType("renja", "Renja", ("renja", "rencana kerja")),
    InfoType(
        "daftar_aset",
        "Daftar aset",
        ("aset", "barang milik daerah", "inventaris", "kib"),
    ),
)
_BY_CODE = {info_type.code: info_type for info_type in REQUIRED_INFO_TYPES}
# The order the keywords are tried in: the narrower types first, so 'Jadwal
# pelaksanaan program & kegiatan' is a schedule and 'Rencana kerja dan anggaran'
# a DPA, not a Renja.
MATCH_ORDER = tuple(
    _BY_CODE[code]
    for code in (
        "jadwal_kegiatan",
        "agenda_pimpinan",
        "laporan_akses",
        "surat_pimpinan",
        "perjanjian",
        "pengadaan",
        "realisasi_keuangan",
        "realisasi_kegiatan",
        "program_kegiatan",
        "renja",
        "daftar_aset",
        "struktur_organisasi",
        "profil_pegawai",
    )
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> str:
    """' laporan realisasi keuangan ': lower case, '&' as 'dan', one space between."""
    plain = text.casefold().replace("&", " dan ")
    return f" {_NOT_WORD.sub(' ', plain).strip()} "


def required_type_of(info_type: str, title: str) -> str | None:
    """The required information type a document is, by its info_type when that
    names one, else by its title; None when neither does."""
    for text in (info_type, title):
        words = _words(text)
        for candidate in MATCH_ORDER:
            if any(f" {keyword} " in words for keyword in candidate.keywords):
                return candidate.code
    return None


@dataclass(frozen=True)
class CompletenessRow:
    organisation: Organisation
    filled: tuple[bool, ...]

    @property
    def count(self) -> int:
        return sum(self.filled)


@dataclass(frozen=True)
class Completeness:
    """OPD x required type; a cell is filled by a published, non-exempt document."""

    types: tuple[InfoType, ...]
    rows: list[CompletenessRow]

    @property
    def per_type(self) -> list[int]:
        """How many OPD have each type."""
        return [sum(row.filled[i] for row in self.rows) for i in range(len(self.types))]


def completeness_matrix(
    session: Session, organisation: Organisation | None = None
) -> Completeness:
    """The DIP completeness matrix as the DIP stands now, for one OPD or all."""
    organisations = select(Organisation)
    documents = select(Document.organisation_id, Document.info_type, Document.title)
    documents = documents.where(PUBLIC_CLAUSE)
    if organisation is not None:
        organisations = organisations.where(Organisation.id == organisation.id)
        documents = documents.where(Document.organisation_id == organisation.id)
    held: set[tuple[int, str]] = set()
    for org_id, info_type, title in session.execute(documents):
        code = required_type_of(info_type or "", title or "")
        if code is not None:
            held.add((org_id, code))
    rows = [
        CompletenessRow(
            org, tuple((org.id, t.code) in held for t in REQUIRED_INFO_TYPES)
        )
        for org in sorted(session.scalars(organisations), key=_by_name)
    ]
    return Completeness(REQUIRED_INFO_TYPES, rows)


def _by_name(organisation: Organisation) -> tuple[str, int]:
    return organisation.name.casefold(), organisation.id


# --- the whole page -------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    requests_per_month: list[int]
    response_times: list[ResponseTime]
    overdue: list[InformationRequest]
    requested_types: list[Ranked]
    requested_documents: list[Ranked]
    downloads_per_month: list[int]
    most_downloaded: list[Ranked]
    stale: list[Document]
    completeness: Completeness

    @property
    def requests_total(self) -> int:
        return sum(self.requests_per_month)

    @property
    def downloads_total(self) -> int:
        return sum(self.downloads_per_month)

    @property
    def slow_organisations(self) -> list[ResponseTime]:
        return [row for row in self.response_times if row.slow]


def build_dashboard(
    session: Session,
    *,
    actor: User,
    scope: Scope,
    calendar: WorkingCalendar,
    today: date,
    zone: str,
) -> Dashboard:
    """Every figure of the monitoring page for the scope."""
    utama_id = utama_organisation_id(session)
    requests = requests_of_year(session, scope, utama_id)
    types, documents = most_requested(session, requests, actor=actor)
    return Dashboard(
        scope=scope,
        requests_per_month=requests_per_month(requests, zone),
        response_times=response_times(
            requests,
            calendar,
            utama_id=utama_id,
            names=_organisation_names(session),
            only=scope.organisation_id,
        ),
        overdue=overdue_requests(session, scope, utama_id, today),
        requested_types=types,
        requested_documents=documents,
        downloads_per_month=downloads_per_month(session, scope),
        most_downloaded=most_downloaded(session, scope, actor=actor),
        stale=stale_berkala(session, scope, actor=actor, today=today, timezone=zone),
        completeness=completeness_matrix(session, scope.organisation),
    )


def _organisation_names(session: Session) -> dict[int | None, str]:
    return dict(session.execute(select(Organisation.id, Organisation.name)).all())


def available_years(session: Session, today: date) -> list[int]:
    """The years there is anything to show for, newest first (this year always)."""
    first_request = session.scalar(select(func.min(InformationRequest.year)))
    first_download = session.scalar(select(func.min(DownloadCount.day)))
    first = min(
        today.year,
        first_request or today.year,
        first_download.year if first_download else today.year,
    )
    return list(range(today.year, first - 1, -1))


def disposed_names(request: InformationRequest) -> list[str]:
    """The OPD a request was disposed to, by name."""
    return sorted((d.organisation.name for d in request.dispositions), key=str.casefold)
