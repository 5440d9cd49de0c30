"""The annual report (laporan layanan informasi publik, Perki 1/2021 Ps. 56).

Six sections (DOMAIN.md §5): policy overview; service overview (facilities,
staff, budget); request details; dispute details; internal and external
obstacles; recommendations. The system fills the tables from
dms.monitoring.requests_stats; the officers write the prose, saved as drafts
(ReportSection) with who changed them and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation, User
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.db import utcnow
from dms.errors import Forbidden, ValidationError
from dms.monitoring.models import ReportSection
from dms.monitoring.requests_stats import (
    GROUND_LABELS,
    MONTH_NAMES,
    REFUSAL_ABBREVIATIONS,
    REFUSAL_LABELS,
    REFUSALS,
    RequestStatistics,
    check_year,
    request_statistics,
)
from dms.requests.models import GROUNDS
from dms.workdays import WorkingCalendar

READERS = (PPID_UTAMA, ATASAN_PPID, ADMIN)
EDITORS = (PPID_UTAMA, ADMIN)
MAX_BODY = 50_000
PLACEHOLDER = "(belum diisi)"

# The officers' prose, in the order the report prints it.
PROSE = {
    "policy": "Gambaran umum kebijakan pelayanan informasi publik",
    "facilities": "Sarana dan prasarana pelayanan informasi publik",
    "staff": "Sumber daya manusia",
    "budget": "Anggaran pelayanan informasi publik",
    "activities": "Kegiatan yang dilaksanakan",
    "internal_obstacles": "Kendala internal",
    "external_obstacles": "Kendala eksternal",
    "recommendations": "Rekomendasi dan rencana tindak lanjut",
    "sign_place": "Tempat penandatanganan",
    "sign_name": "Nama dan NIP PPID Utama yang menandatangani",
}
# The six numbered sections and the prose (or tables) each holds.
CHAPTERS = (
    ("Gambaran Umum Kebijakan Pelayanan Informasi Publik", ("policy",)),
    (
        "Gambaran Umum Pelaksanaan Pelayanan Informasi Publik",
        ("facilities", "staff", "budget", "activities"),
    ),
    ("Rincian Pelayanan Informasi Publik", ()),
    ("Rincian Penyelesaian Sengketa Informasi Publik", ()),
    ("Kendala Internal dan Eksternal", ("internal_obstacles", "external_obstacles")),
    ("Rekomendasi dan Rencana Tindak Lanjut", ("recommendations",)),
)
REQUEST_CHAPTER, DISPUTE_CHAPTER = 3, 4


@dataclass(frozen=True)
class AuditedSection:
    """audit.record names its object by class name and id: the year's section."""

    id: int


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    body: str
    updated_at: datetime | None
    updated_by: str

    @property
    def filled(self) -> bool:
        return bool(self.body.strip())

    @property
    def text(self) -> str:
        return self.body if self.filled else PLACEHOLDER

    def as_json(self) -> dict:
        return {
            "section": self.key,
            "title": self.title,
            "body": self.body,
            "filled": self.filled,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "updated_by": self.updated_by or None,
        }


@dataclass(frozen=True)
class Staff:
    """The officers the system knows of (a fact for the staff section)."""

    organisations: int
    utama: int
    pelaksana: int
    atasan: int


@dataclass
class AnnualReport:
    year: int
    body_name: str
    generated_on: date
    sections: dict[str, Section]
    statistics: RequestStatistics
    staff: Staff

    @property
    def title(self) -> str:
        return f"Laporan Layanan Informasi Publik Tahun {self.year}"

    def filename(self, fmt: str) -> str:
        return f"laporan-layanan-informasi-publik-{self.year}.{fmt}"

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "title": self.title,
            "public_body": self.body_name,
            "generated_on": self.generated_on.isoformat(),
            "chapters": [
                {"number": n, "title": title, "sections": list(keys)}
                for n, (title, keys) in enumerate(CHAPTERS, start=1)
            ],
            "sections": [s.as_json() for s in self.sections.values()],
            "staff": self.staff.__dict__,
            "statistics": self.statistics.as_json(),
        }


# --- access and drafts ---------------------------------------------------------------


def require_reader(actor) -> None:
    """PPID Utama, atasan PPID and admin may read the reports."""
    if actor is None or not actor.is_active or actor.role not in READERS:
        raise Forbidden(
            "Hanya PPID Utama, atasan PPID dan admin yang dapat membuka laporan."
        )


def require_editor(actor) -> None:
    """Only the PPID Utama (and the admin) write the report's prose."""
    if actor is None or not actor.is_active or actor.role not in EDITORS:
        raise Forbidden("Hanya PPID Utama yang dapat menyusun naskah laporan.")


def check_section(key: str) -> str:
    if key not in PROSE:
        raise ValidationError(
            f"Bagian laporan '{key[:40]}' tidak dikenal; pilih salah satu dari: "
            + ", ".join(PROSE),
            "section",
        )
    return key


def list_sections(session: Session, *, actor, year: int) -> dict[str, Section]:
    """Every prose section of the year, empty ones included."""
    require_reader(actor)
    check_year(year)
    saved = {
        row.section: row
        for row in session.scalars(
            select(ReportSection).where(ReportSection.year == year)
        )
    }
    names = _usernames(session, {r.updated_by_id for r in saved.values()})
    return {key: _section(key, saved.get(key), names) for key in PROSE}


def save_section(
    session: Session, *, actor, year: int, section: str, body: str
) -> Section:
    """Save a section's draft, recording who changed it and when."""
    require_editor(actor)
    check_year(year)
    check_section(section)
    if not isinstance(body, str):
        raise ValidationError("Isi bagian laporan harus berupa teks.", "body")
    if len(body) > MAX_BODY:
        raise ValidationError(
            f"Isi bagian laporan paling banyak {MAX_BODY} karakter.", "body"
        )
    body = body.replace("\r\n", "\n").replace("\x00", "")
    row = session.get(ReportSection, (year, section))
    before = {"body": row.body} if row else None
    if row is None:
        row = ReportSection(year=year, section=section)
        session.add(row)
    row.body, row.updated_at = body, utcnow()
    row.updated_by_id = getattr(actor, "id", None)
    audit.record(
        session,
        actor,
        f"report.section.{section}",
        AuditedSection(year),
        before=before,
        after={"body": body},
    )
    names = _usernames(session, {row.updated_by_id})
    return _section(section, row, names)


def _section(key: str, row: ReportSection | None, names: dict) -> Section:
    return Section(
        key=key,
        title=PROSE[key],
        body=row.body if row else "",
        updated_at=row.updated_at if row else None,
        updated_by=names.get(row.updated_by_id, "") if row else "",
    )


def _usernames(session: Session, ids: set) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    users = session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: u.display_name or u.username for u in users}


# --- the report ----------------------------------------------------------------------


def public_body_name(session: Session) -> str:
    """The PPID Utama organisation's name (the public body the report is for)."""
    name = session.scalar(
        select(Organisation.name)
        .where(Organisation.is_utama.is_(True))
        .order_by(Organisation.id)
        .limit(1)
    )
    return name or "PPID"


def annual_report(
    session: Session, calendar: WorkingCalendar, *, actor, year: int, today: date
) -> AnnualReport:
    """The year's report: its prose drafts and the tables the system fills."""
    sections = list_sections(session, actor=actor, year=year)
    return AnnualReport(
        year=year,
        body_name=public_body_name(session),
        generated_on=today,
        sections=sections,
        statistics=request_statistics(session, calendar, year=year, today=today),
        staff=_staff(session),
    )


def _staff(session: Session) -> Staff:
    counts = dict(
        session.execute(
            select(User.role, func.count())
            .where(User.is_active.is_(True))
            .group_by(User.role)
        ).all()
    )
    return Staff(
        organisations=session.scalar(select(func.count()).select_from(Organisation))
        or 0,
        utama=counts.get(PPID_UTAMA, 0),
        pelaksana=counts.get(PPID_PELAKSANA, 0),
        atasan=counts.get(ATASAN_PPID, 0),
    )


# --- the tables, shared by every export ----------------------------------------------

Cell = str | int | float | None


@dataclass(frozen=True)
class ReportTable:
    """A table as the exports print it: rows of numbers (as numbers) and text."""

    key: str
    title: str
    sheet: str
    header: list[str]
    rows: list[list[Cell]]
    # Columns (0-based) a PDF may make narrow: counts.
    text_columns: tuple[int, ...] = (1,)
    note: str = ""
    # Relative PDF column widths; None: text columns wide, counts narrow.
    widths: tuple[float, ...] | None = None


def month_label(month: int) -> str:
    return MONTH_NAMES[month - 1][:3]


def monthly_table(stats: RequestStatistics) -> ReportTable:
    """Items × months with totals, laid out like the Banten 2024 report's table C."""
    months, total = stats.months, stats.total

    def line(number: str, label: str, value, total_value) -> list[Cell]:
        return [number, label, *(value(m) for m in months), total_value]

    rows = [
        line(
            "1",
            "Jumlah permohonan informasi publik yang diterima",
            lambda m: m.received,
            total.received,
        ),
        line(
            "2",
            "Jumlah keberatan yang diterima",
            lambda m: m.objections,
            total.objections,
        ),
        line(
            "3",
            "Jumlah permohonan yang diputus (dijawab)",
            lambda m: m.decided,
            total.decided,
        ),
        line(
            "4",
            "Waktu yang diperlukan, permohonan (rata-rata hari kerja)",
            lambda m: m.average_days,
            total.average_days,
        ),
        line(
            "5",
            "Waktu yang diperlukan, keberatan (rata-rata hari kerja)",
            lambda m: m.objection_average_days,
            total.objection_average_days,
        ),
        line(
            "6",
            "Jumlah permohonan yang diperpanjang",
            lambda m: m.extended,
            total.extended,
        ),
        line(
            "7",
            "Jumlah permohonan yang melewati batas waktu",
            lambda m: m.overdue,
            total.overdue,
        ),
        line(
            "8",
            "Jumlah permohonan yang dikabulkan sebagian atau seluruhnya",
            lambda m: m.granted_total,
            total.granted_total,
        ),
        line("8a", "dikabulkan seluruhnya", lambda m: m.granted, total.granted),
        line(
            "8b",
            "dikabulkan sebagian",
            lambda m: m.granted_partly,
            total.granted_partly,
        ),
        line(
            "9",
            "Jumlah permohonan yang ditolak",
            lambda m: m.refused_total,
            total.refused_total,
        ),
    ]
    shown = [c for c in REFUSALS if total.refused[c]]
    for index, code in enumerate(shown):
        rows.append(
            line(
                f"9{chr(ord('a') + index)}",
                REFUSAL_LABELS[code],
                lambda m, c=code: m.refused[c],
                total.refused[code],
            )
        )
    rows.append(
        line("10", "Alasan penolakan", lambda m: m.refusal_codes, total.refusal_codes)
    )
    rows.append(
        line(
            "11",
            "Jumlah permohonan yang dibatalkan pemohon",
            lambda m: m.withdrawn,
            total.withdrawn,
        )
    )
    legend = "; ".join(
        f"{REFUSAL_ABBREVIATIONS[c]} = {REFUSAL_LABELS[c].lower()}"
        for c in REFUSALS
        if total.refused[c]
    )
    return ReportTable(
        key="requests",
        title=stats.title,
        sheet="Permohonan per bulan",
        header=["No", "Uraian", *(month_label(m.month) for m in months), "Total"],
        rows=rows,
        note=f"Keterangan: {legend}" if legend else "",
    )


def refusal_table(stats: RequestStatistics) -> ReportTable:
    rows: list[list[Cell]] = [
        [n, label, REFUSAL_ABBREVIATIONS[code], count]
        for n, (code, label, count) in enumerate(stats.refusal_reasons(), start=1)
    ]
    rows.append(["", "Jumlah", "", stats.total.refused_total])
    return ReportTable(
        key="refusals",
        title=f"Alasan Penolakan Permohonan Tahun {stats.year}",
        sheet="Alasan penolakan",
        header=["No", "Alasan penolakan", "Kode", "Jumlah"],
        rows=rows,
    )


def objections_table(stats: RequestStatistics) -> ReportTable:
    rows: list[list[Cell]] = []
    for month, counts in stats.objections_by_ground.items():
        rows.append(
            [
                MONTH_NAMES[month - 1],
                *(counts[g] for g in GROUNDS),
                sum(counts.values()),
            ]
        )
    totals = stats.ground_totals()
    rows.append(["Jumlah", *(totals[g] for g in GROUNDS), sum(totals.values())])
    return ReportTable(
        key="objections",
        title=f"Keberatan per Bulan menurut Alasan (UU 14/2008 Pasal 35 ayat 1) "
        f"Tahun {stats.year}",
        sheet="Keberatan per alasan",
        header=["Bulan", *(GROUND_LABELS[g] for g in GROUNDS), "Jumlah"],
        rows=rows,
        text_columns=(0,),
    )


def dispute_summary_table(stats: RequestStatistics) -> ReportTable:
    rows: list[list[Cell]] = [
        [n, label, "-" if count is None else count]
        for n, (label, count) in enumerate(stats.dispute_summary(), start=1)
    ]
    return ReportTable(
        key="dispute_summary",
        title=f"Rekapitulasi Penyelesaian Sengketa Informasi Publik Tahun {stats.year}",
        sheet="Rekap sengketa",
        header=["No", "Rincian penyelesaian", "Jumlah"],
        rows=rows,
        note="Gugatan ke pengadilan tidak dicatat oleh sistem.",
    )


def disputes_table(stats: RequestStatistics) -> ReportTable:
    rows: list[list[Cell]] = [
        [
            n,
            d.register_number,
            d.objection_number,
            d.filed_on.isoformat(),
            d.hearings,
            d.decision_label,
            d.decision_number or "-",
            d.decided_on.isoformat() if d.decided_on else "-",
        ]
        for n, d in enumerate(stats.disputes, start=1)
    ]
    return ReportTable(
        key="disputes",
        title=f"Sengketa Informasi di Komisi Informasi Tahun {stats.year}",
        sheet="Sengketa",
        header=[
            "No",
            "Nomor register",
            "Nomor keberatan",
            "Tanggal permohonan",
            "Jumlah sidang",
            "Putusan",
            "Nomor putusan",
            "Tanggal putusan",
        ],
        rows=rows,
        text_columns=(1, 2, 5, 6),
        widths=(1, 4, 4, 3, 1.6, 4, 4, 3),
    )


def statistics_tables(stats: RequestStatistics) -> list[ReportTable]:
    """Every table of the statistics, in the report's order."""
    return [
        monthly_table(stats),
        refusal_table(stats),
        objections_table(stats),
        dispute_summary_table(stats),
        disputes_table(stats),
    ]
