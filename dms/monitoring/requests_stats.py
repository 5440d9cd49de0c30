"""Request statistics for the annual report and the semester summary (DOMAIN.md §5).

Months are local months (settings.timezone). Each figure belongs to the month of
its own event: a request counts as received in the month of receipt and as
decided (with its outcome and working days) in the month of its answer, so a
request received in April and answered in May shows in April's "received" and in
May's "decided" (carry-over, as in the Banten 2024 report). An extension counts
in the month it was granted, a withdrawal in its month, and a missed deadline
(answered after effective_due_on, or still open past it on `today`) in the month
of that deadline. An objection counts in the month it was received, with the working
days its decision took (the Banten report puts that time against the month of
receipt: a 30-working-day decision often ends in the next month).

Only counts leave this module: no name, identity number or contact of anyone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from dms.errors import ValidationError
from dms.output.dates import MONTHS
from dms.requests.models import (
    GROUNDS,
    OUTCOMES,
    Dispute,
    InformationRequest,
    Objection,
)
from dms.workdays import WorkingCalendar

MIN_YEAR, MAX_YEAR = 2000, 2100
SEMESTERS = {1: (1, 6), 2: (7, 12)}
MONTH_NAMES = MONTHS
GRANTED, GRANTED_PARTLY = "granted", "granted_partly"
REFUSALS = tuple(code for code in OUTCOMES if code not in (GRANTED, GRANTED_PARTLY))
REFUSAL_LABELS = {
    **{
        f"refused_exempt_{letter}": "Dikecualikan, UU 14/2008 Pasal 17 huruf " + letter
        for letter in "abcdefghij"
    },
    "not_held": "Tidak dikuasai",
    "not_documented": "Belum didokumentasikan",
    "not_public_information": "Bukan permohonan informasi publik",
}
# The short codes a monthly table's "reason" row uses (Banten 2024: "TK").
REFUSAL_ABBREVIATIONS = {
    **{f"refused_exempt_{letter}": f"DK-{letter}" for letter in "abcdefghij"},
    "not_held": "TK",
    "not_documented": "BD",
    "not_public_information": "BIP",
}
GROUND_LABELS = {
    "a": "a. Penolakan berdasarkan alasan pengecualian Pasal 17",
    "b": "b. Tidak disediakannya informasi berkala (Pasal 9)",
    "c": "c. Tidak ditanggapinya permintaan informasi",
    "d": "d. Permintaan ditanggapi tidak sebagaimana yang diminta",
    "e": "e. Tidak dipenuhinya permintaan informasi",
    "f": "f. Pengenaan biaya yang tidak wajar",
    "g": "g. Penyampaian informasi melebihi waktu yang diatur",
}
DISPUTE_DECISION_LABELS = {
    "granted": "Dikabulkan seluruhnya",
    "granted_partly": "Dikabulkan sebagian",
    "refused": "Ditolak",
    "settled": "Selesai melalui mediasi",
    "dismissed": "Gugur / tidak diterima",
}


@dataclass
class MonthFigures:
    """One month's figures (month None: the period's totals)."""

    month: int | None
    received: int = 0
    decided: int = 0
    working_days: int = 0
    extended: int = 0
    overdue: int = 0
    granted: int = 0
    granted_partly: int = 0
    refused: Counter = field(default_factory=Counter)
    withdrawn: int = 0
    objections: int = 0
    objections_decided: int = 0
    objection_working_days: int = 0

    @property
    def granted_total(self) -> int:
        """Granted wholly or partly (the Banten report's single row)."""
        return self.granted + self.granted_partly

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    @property
    def average_days(self) -> float | None:
        """Average working days from receipt to answer of those decided."""
        return _average(self.working_days, self.decided)

    @property
    def objection_average_days(self) -> float | None:
        return _average(self.objection_working_days, self.objections_decided)

    @property
    def refusal_codes(self) -> str:
        """The reasons of the month's refusals as short codes ('TK', 'DK-h')."""
        return ", ".join(
            REFUSAL_ABBREVIATIONS[code] for code in REFUSALS if self.refused[code]
        )

    def add(self, other: MonthFigures) -> None:
        for name in (
            "received",
            "decided",
            "working_days",
            "extended",
            "overdue",
            "granted",
            "granted_partly",
            "withdrawn",
            "objections",
            "objections_decided",
            "objection_working_days",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.refused.update(other.refused)

    def as_json(self) -> dict:
        return {
            "month": self.month,
            "received": self.received,
            "decided": self.decided,
            "average_working_days": self.average_days,
            "extended": self.extended,
            "overdue": self.overdue,
            "granted": self.granted,
            "granted_partly": self.granted_partly,
            "granted_total": self.granted_total,
            "refused": self.refused_total,
            "refused_by_reason": {c: self.refused[c] for c in REFUSALS},
            "withdrawn": self.withdrawn,
            "objections": self.objections,
            "objection_average_working_days": self.objection_average_days,
        }


@dataclass
class DisputeRow:
    """One dispute case at the Komisi Informasi (no personal data)."""

    register_number: str
    objection_number: str
    filed_on: date
    hearings: int
    state: str
    decision: str | None
    decision_number: str
    decided_on: date | None

    @property
    def decision_label(self) -> str:
        return DISPUTE_DECISION_LABELS.get(self.decision or "", "-")

    def as_json(self) -> dict:
        return {
            "register_number": self.register_number,
            "objection_number": self.objection_number,
            "filed_on": self.filed_on.isoformat(),
            "hearings": self.hearings,
            "state": self.state,
            "decision": self.decision,
            "decision_label": self.decision_label,
            "decision_number": self.decision_number,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
        }


@dataclass
class RequestStatistics:
    """A year's (or semester's) figures: monthly table, reasons, grounds, disputes."""

    year: int
    semester: int | None
    months: list[MonthFigures]
    total: MonthFigures
    objections_by_ground: dict[int, Counter]
    disputes: list[DisputeRow]
    objections_received: int = 0

    @property
    def title(self) -> str:
        period = f"Semester {'I' * (self.semester or 0)} " if self.semester else ""
        return f"Rekapitulasi Permohonan Informasi Publik {period}Tahun {self.year}"

    def refusal_reasons(self) -> list[tuple[str, str, int]]:
        """(code, label, count) of every refusal reason, the period's totals."""
        return [(c, REFUSAL_LABELS[c], self.total.refused[c]) for c in REFUSALS]

    def ground_totals(self) -> Counter:
        total: Counter = Counter()
        for counts in self.objections_by_ground.values():
            total.update(counts)
        return total

    def dispute_summary(self) -> list[tuple[str, int | None]]:
        """The Banten report's section D: objections, disputes, mediation, rulings."""
        decided = [d for d in self.disputes if d.decided_on is not None]
        return [
            ("Jumlah keberatan informasi publik yang diterima", self.total.objections),
            ("Jumlah permohonan penyelesaian sengketa", len(self.disputes)),
            (
                "Jumlah hasil mediasi",
                sum(d.decision == "settled" for d in decided),
            ),
            (
                "Jumlah hasil putusan",
                sum(d.decision != "settled" for d in decided),
            ),
            # Court appeals are not recorded by the system.
            ("Jumlah gugatan ke pengadilan", None),
        ]

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "semester": self.semester,
            "title": self.title,
            "months": [m.as_json() for m in self.months],
            "total": self.total.as_json(),
            "refusal_reasons": [
                {"code": c, "label": label, "count": n}
                for c, label, n in self.refusal_reasons()
            ],
            "objections_by_ground": [
                {
                    "month": month,
                    **{g: counts[g] for g in GROUNDS},
                    "total": sum(counts.values()),
                }
                for month, counts in self.objections_by_ground.items()
            ],
            "ground_labels": GROUND_LABELS,
            "dispute_summary": [
                {"item": label, "count": n} for label, n in self.dispute_summary()
            ],
            "disputes": [d.as_json() for d in self.disputes],
        }


def months_of(semester: int | None) -> range:
    """The months of a semester (1: January-June, 2: July-December) or the year."""
    if semester is None:
        return range(1, 13)
    if semester not in SEMESTERS:
        raise ValidationError("Semester harus 1 atau 2.", "semester")
    first, last = SEMESTERS[semester]
    return range(first, last + 1)


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"Tahun harus antara {MIN_YEAR} dan {MAX_YEAR}.", "year")
    return year


def request_statistics(
    session: Session,
    calendar: WorkingCalendar,
    *,
    year: int,
    semester: int | None = None,
    today: date,
) -> RequestStatistics:
    """The figures of a year or one of its semesters; `today` ends open deadlines."""
    months = months_of(semester)
    check_year(year)
    zone = calendar.zone
    first = date(year, months[0], 1)
    after = date(year + (months[-1] == 12), months[-1] % 12 + 1, 1)
    period = _Period(first, after, zone)
    rows = {m: MonthFigures(m) for m in months}
    for item in _requests(session, period):
        _count_request(rows, item, calendar, period, today)
    by_ground = {m: Counter() for m in months}
    for objection in _objections(session, period):
        _count_objection(rows, by_ground, objection, calendar)
    total = MonthFigures(None)
    for row in rows.values():
        total.add(row)
    return RequestStatistics(
        year=year,
        semester=semester,
        months=list(rows.values()),
        total=total,
        objections_by_ground=by_ground,
        disputes=_disputes(session, first, after),
    )


@dataclass(frozen=True)
class _Period:
    first: date
    after: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return _utc(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return _utc(self.after, self.zone)

    def month_of(self, moment: datetime | date | None) -> int | None:
        """The local month of a moment or day within the period, else None."""
        if moment is None:
            return None
        day = (
            moment.astimezone(self.zone).date()
            if isinstance(moment, datetime)
            else moment
        )
        return day.month if self.first <= day < self.after else None


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _within(column, period: _Period):
    return and_(column >= period.start, column < period.end)


def _requests(session: Session, period: _Period):
    due_within = and_(
        InformationRequest.due_on >= period.first,
        InformationRequest.due_on < period.after,
    )
    extended_due_within = and_(
        InformationRequest.extended_due_on >= period.first,
        InformationRequest.extended_due_on < period.after,
    )
    return session.scalars(
        select(InformationRequest)
        .where(
            or_(
                _within(InformationRequest.received_at, period),
                _within(InformationRequest.answered_at, period),
                _within(InformationRequest.extended_at, period),
                _within(InformationRequest.withdrawn_at, period),
                due_within,
                extended_due_within,
            )
        )
        .order_by(InformationRequest.id)
    )


def _count_request(
    rows: dict[int, MonthFigures],
    item: InformationRequest,
    calendar: WorkingCalendar,
    period: _Period,
    today: date,
) -> None:
    if (month := period.month_of(item.received_at)) is not None:
        rows[month].received += 1
    if (month := period.month_of(item.extended_at)) is not None:
        rows[month].extended += 1
    if (month := period.month_of(item.withdrawn_at)) is not None:
        rows[month].withdrawn += 1
    if (month := period.month_of(item.answered_at)) is not None:
        _count_answer(rows[month], item, calendar)
    if (month := period.month_of(item.effective_due_on)) is not None and _missed(
        item, period.zone, today
    ):
        rows[month].overdue += 1


def _count_answer(row: MonthFigures, item: InformationRequest, calendar) -> None:
    row.decided += 1
    row.working_days += calendar.count(
        calendar.effective_receipt(item.received_at),
        calendar.received_on(item.answered_at),
    )
    if item.outcome == GRANTED:
        row.granted += 1
    elif item.outcome == GRANTED_PARTLY:
        row.granted_partly += 1
    elif item.outcome in REFUSALS:
        row.refused[item.outcome] += 1


def _missed(item: InformationRequest, zone: ZoneInfo, today: date) -> bool:
    """Answered after its deadline, or still without an answer past it."""
    ended = item.answered_at or item.withdrawn_at
    if ended is None:
        return item.effective_due_on < today
    return ended.astimezone(zone).date() > item.effective_due_on


def _objections(session: Session, period: _Period):
    return session.scalars(
        select(Objection)
        .where(_within(Objection.received_at, period))
        .order_by(Objection.id)
    )


def _count_objection(rows, by_ground, objection: Objection, calendar) -> None:
    month = objection.received_at.astimezone(calendar.zone).month
    rows[month].objections += 1
    # An objection on several grounds counts once under each of them.
    by_ground[month].update(objection.ground_list)
    if objection.decided_at is not None:
        rows[month].objections_decided += 1
        rows[month].objection_working_days += calendar.count(
            calendar.effective_receipt(objection.received_at),
            calendar.received_on(objection.decided_at),
        )


def _disputes(session: Session, first: date, after: date) -> list[DisputeRow]:
    found = session.scalars(
        select(Dispute)
        .where(Dispute.filed_on >= first, Dispute.filed_on < after)
        .options(selectinload(Dispute.hearings), selectinload(Dispute.objection))
        .order_by(Dispute.filed_on, Dispute.id)
    )
    return [
        DisputeRow(
            register_number=d.register_number,
            objection_number=d.objection.number,
            filed_on=d.filed_on,
            hearings=len(d.hearings),
            state=d.state,
            decision=d.decision,
            decision_number=d.decision_number,
            decided_on=d.decided_on,
        )
        for d in found
    ]


def _average(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def semester_of(day: date) -> tuple[int, int]:
    """(year, semester) that a day falls in."""
    return day.year, 1 if day.month <= 6 else 2


def last_ended_semester(today: date) -> tuple[int, int]:
    """The most recent semester that ended before today."""
    year, semester = semester_of(today)
    return (year - 1, 2) if semester == 1 else (year, 1)
