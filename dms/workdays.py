"""Working days (hari kerja, DOMAIN.md §4): weekdays minus national holidays and,
by default, cuti bersama; seeded from the `holidays` package, edited by the admin."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, make_dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from dms import audit
from dms.accounts.roles import ADMIN, SYSTEM
from dms.db import Base, UTCDateTime, utcnow
from dms.errors import Forbidden, NotFound, ValidationError
from dms.settings import Settings

NATIONAL = "national"
CUTI_BERSAMA = "cuti_bersama"
OTHER = "other"
DAY_KINDS = (NATIONAL, CUTI_BERSAMA, OTHER)

SEEDED = "holidays"
ADMIN_EDIT = "admin"
DAY_SOURCES = (SEEDED, ADMIN_EDIT)


class CalendarDay(Base):
    """A weekday that is not an ordinary working day, or an admin's correction.

    `day_off` False records that an admin made a seeded holiday a working day
    again (a cancelled cuti bersama), so re-seeding the year does not undo it.
    """

    __tablename__ = "calendar_days"
    __table_args__ = (
        CheckConstraint("kind IN ('national', 'cuti_bersama', 'other')", name="kind"),
        CheckConstraint("source IN ('holidays', 'admin')", name="source"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(16), default=NATIONAL)
    day_off: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(16), default=SEEDED)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarYear(Base):
    """A year whose holidays were seeded from the `holidays` package."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seeded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Deadlines run for at most a few dozen working days; the cap stops runaway loops.
MAX_DAYS = 366
# Years the calendar answers for; a date outside them is a validation error.
MIN_YEAR, MAX_YEAR = 1970, 2100
SATURDAY = 5
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
KIND_LABELS = {
    NATIONAL: "libur nasional",
    CUTI_BERSAMA: "cuti bersama",
    OTHER: "libur lain",
}
# Where a recorded day came from (CalendarEntry.origin, the API's `origin`).
FROM_PACKAGE = "package"  # written (or, a year not seeded, read) from `holidays`
ADMIN_ADDED = "admin"  # the admin's own day, not in the package
ADMIN_CHANGED = "admin_override"  # the admin's change of a package day
ORIGINS = (FROM_PACKAGE, ADMIN_ADDED, ADMIN_CHANGED)
# audit.record names its object by class name and `id`; a day is keyed by its
# date, which before/after carry, and a seeded year by the year itself.
AuditedDay = make_dataclass(
    "CalendarDay", [("id", "None", dataclasses.field(default=None))], frozen=True
)
AuditedYear = make_dataclass("CalendarYear", [("id", "int")], frozen=True)


@dataclass(frozen=True)
class Holiday:
    """A weekday the calendar records: a day off, or an admin's working-day fix."""

    day: date
    name: str
    kind: str
    day_off: bool = True
    source: str = SEEDED


@dataclass(frozen=True)
class CalendarEntry:
    """A recorded weekday of a year and whether it is a working day in force."""

    day: date
    name: str
    kind: str
    day_off: bool
    source: str
    working_day: bool
    origin: str = FROM_PACKAGE


@dataclass(frozen=True)
class MergeResult:
    """What `merge_year` did: package days added, and what it left as it was."""

    year: int
    added: tuple[date, ...]
    # The admin's rows on package days: the admin's word stands.
    admin_kept: tuple[date, ...]
    # Seeded rows the package no longer lists: left for the admin to judge.
    not_in_package: tuple[date, ...]


YearDays = Callable[[int], dict[date, Holiday]]


class WorkingCalendar:
    """Answers working-day questions, reading each year's holidays when first asked.

    Build one per unit of work: a year once read is not read again.
    """

    def __init__(
        self,
        year_days: YearDays,
        *,
        cuti_bersama_day_off: bool = True,
        timezone: str = "Asia/Jakarta",
    ):
        self._year_days = year_days
        self._years: dict[int, dict[date, Holiday]] = {}
        self.cuti_bersama_day_off = cuti_bersama_day_off
        self.zone = ZoneInfo(timezone)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a day off in the calendar."""
        _check_year(day.year)
        if day.weekday() >= SATURDAY:
            return False
        holiday = self._days(day.year).get(day)
        return holiday is None or not _counts_as_day_off(
            holiday, self.cuti_bersama_day_off
        )

    def add(self, start: date, days: int) -> date:
        """The days-th working day after start."""
        return self._step(start, _checked_days(days), timedelta(days=1))

    def subtract(self, end: date, days: int) -> date:
        """The days-th working day before end."""
        return self._step(end, _checked_days(days), timedelta(days=-1))

    def count(self, start: date, end: date) -> int:
        """Working days after start up to and including end (0 when end <= start)."""
        total, day = 0, start
        while day < end:
            day += timedelta(days=1)
            total += self.is_working_day(day)
        return total

    def received_on(self, received_at: datetime | date) -> date:
        """The local date of a receipt: a time is converted to the configured zone."""
        if not isinstance(received_at, datetime):
            return received_at
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValidationError(
                "Waktu penerimaan harus menyertakan zona waktu.", "received"
            )
        return received_at.astimezone(self.zone).date()

    def effective_receipt(self, received_at: datetime | date) -> date:
        """The receipt date, or the next working day when received on a day off."""
        day = self.received_on(received_at)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def due_date(self, received_at: datetime | date, days: int) -> date:
        """The deadline `days` working days after receipt (day 1: the next one)."""
        return self.add(self.effective_receipt(received_at), days)

    def _step(self, day: date, days: int, step: timedelta) -> date:
        while days:
            day += step
            days -= self.is_working_day(day)
        return day

    def _days(self, year: int) -> dict[date, Holiday]:
        if year not in self._years:
            self._years[year] = self._year_days(year)
        return self._years[year]


def working_calendar(session: Session, settings: Settings) -> WorkingCalendar:
    """The calendar of the database (the package's holidays for unseeded years)."""
    return WorkingCalendar(
        lambda year: year_days(session, year),
        cuti_bersama_day_off=settings.cuti_bersama_day_off,
        timezone=settings.timezone,
    )


def package_calendar(
    *, cuti_bersama_day_off: bool = True, timezone: str = "Asia/Jakarta"
) -> WorkingCalendar:
    """A calendar from the `holidays` package alone, without a database."""
    return WorkingCalendar(
        package_days, cuti_bersama_day_off=cuti_bersama_day_off, timezone=timezone
    )


# --- where the days come from -------------------------------------------------------


def package_days(year: int) -> dict[date, Holiday]:
    """The weekday holidays of the `holidays` package: national and cuti bersama."""
    return {holiday.day: holiday for holiday in _package_holidays(year)}


@lru_cache(maxsize=32)
def _package_holidays(year: int) -> tuple[Holiday, ...]:
    _check_year(year)
    found: dict[date, Holiday] = {}
    # National holidays win where a date is both (the names still tell).
    for category, kind in (("government", CUTI_BERSAMA), ("public", NATIONAL)):
        names = holidays.country_holidays(
            "ID", years=year, categories=(category,), language="id"
        )
        for day, name in names.items():
            if day.weekday() < SATURDAY:
                found[day] = Holiday(day=day, name=name, kind=kind)
    return tuple(sorted(found.values(), key=lambda holiday: holiday.day))


def year_days(session: Session, year: int) -> dict[date, Holiday]:
    """A year's recorded days: the database's rows (over the package's until seeded)."""
    _check_year(year)
    days = {} if is_seeded(session, year) else package_days(year)
    for row in _rows_of_year(session, year):
        days[row.day] = Holiday(row.day, row.name, row.kind, row.day_off, row.source)
    return days


def is_seeded(session: Session, year: int) -> bool:
    """Whether the year's holidays were written to the database."""
    return session.get(CalendarYear, year) is not None


def _rows_of_year(session: Session, year: int) -> list[CalendarDay]:
    return list(
        session.scalars(
            select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1))
            .where(CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def seed_year(session: Session, year: int, *, actor=None) -> int:
    """Write the year's holidays once, keeping existing rows; returns rows written."""
    if is_seeded(session, year):
        return 0
    return len(_seed(session, year, actor))


def _seed(session: Session, year: int, actor) -> list[date]:
    written = _add_missing(session, year, actor)
    session.add(CalendarYear(year=year))
    audit.record(
        session, actor, "calendar.seed", AuditedYear(year), after={"days": len(written)}
    )
    return written


def merge_year(session: Session, year: int, *, actor=None) -> MergeResult:
    """Add the package's days that a seeded year lacks (a newer `holidays`, a new
    SKB), never changing a recorded row: an admin's edit stays as it is."""
    _require_admin(actor)
    _check_year(year, "year")
    if not is_seeded(session, year):
        added = tuple(_seed(session, year, actor))
    else:
        added = tuple(_add_missing(session, year, actor))
        audit.record(
            session,
            actor,
            "calendar.merge",
            AuditedYear(year),
            after={"days": len(added), "added": [day.isoformat() for day in added]},
        )
    package = package_days(year)
    rows = _rows_of_year(session, year)
    return MergeResult(
        year=year,
        added=added,
        admin_kept=tuple(
            row.day
            for row in rows
            if row.source == ADMIN_EDIT and row.day in package and row.day not in added
        ),
        not_in_package=tuple(
            row.day for row in rows if row.source == SEEDED and row.day not in package
        ),
    )


def missing_package_days(session: Session, year: int) -> list[Holiday]:
    """The package's days a seeded year has no row for (what a merge would add)."""
    if not is_seeded(session, year):
        return []
    recorded = {row.day for row in _rows_of_year(session, year)}
    return [h for h in _package_holidays(year) if h.day not in recorded]


def stale_warnings(session: Session, years: Iterable[int]) -> list[str]:
    """Why these years' calendar may be out of date, in Indonesian (none: [])."""
    version = holidays.__version__
    warnings = []
    for year in years:
        if not any(h.kind == CUTI_BERSAMA for h in year_days(session, year).values()):
            warnings.append(
                f"kalender hari kerja {year} tidak memuat cuti bersama, sehingga "
                "tenggat bisa jatuh terlalu cepat; perbarui paket holidays "
                f"(terpasang {version}) lalu jalankan 'dms calendar seed --year "
                f"{year} --merge', atau catat cuti bersama SKB dengan "
                "'dms calendar set'"
            )
        missing = missing_package_days(session, year)
        if missing:
            warnings.append(
                f"paket holidays {version} memuat {len(missing)} hari libur {year} "
                f"yang belum ada di database ({format_dates(h.day for h in missing)}); "
                f"jalankan 'dms calendar seed --year {year} --merge'"
            )
    return warnings


def format_dates(days: Iterable[date], shown: int = 5) -> str:
    days = [day.isoformat() for day in days]
    more = f" dan {len(days) - shown} lainnya" if len(days) > shown else ""
    return ", ".join(days[:shown]) + more


def _add_missing(session: Session, year: int, actor) -> list[date]:
    recorded = {row.day for row in _rows_of_year(session, year)}
    added = []
    for holiday in _package_holidays(year):
        if holiday.day not in recorded:
            session.add(_new_row(holiday, actor))
            added.append(holiday.day)
    return added


def _new_row(holiday: Holiday, actor) -> CalendarDay:
    return CalendarDay(
        day=holiday.day,
        name=holiday.name,
        kind=holiday.kind,
        day_off=holiday.day_off,
        source=holiday.source,
        updated_at=utcnow(),
        updated_by_id=getattr(actor, "id", None),
    )


# --- the admin's edits --------------------------------------------------------------


def set_day(
    session: Session, *, actor, day: date, name: str, kind: str, day_off: bool = True
) -> CalendarDay:
    """Record a weekday as a day off (or, day_off False, as a working day)."""
    _require_admin(actor)
    holiday = _checked_holiday(day, name, kind, day_off)
    seed_year(session, day.year, actor=actor)
    row = session.get(CalendarDay, day, with_for_update=True)
    before = _day_json(row) if row is not None else None
    if row is None:
        row = CalendarDay(day=day)
        session.add(row)
    _apply(row, holiday, actor)
    audit.record(
        session,
        actor,
        "calendar.set",
        AuditedDay(),
        before=before,
        after=_day_json(row),
    )
    return row


def remove_day(session: Session, *, actor, day: date) -> CalendarDay | None:
    """Make a day off a working day again; returns the correction row, or None."""
    # An admin's own entry is deleted; a package holiday stays as a row with
    # day_off False, so that seeding the year again cannot bring it back.
    _require_admin(actor)
    _check_weekday(day)
    seed_year(session, day.year, actor=actor)
    row = session.get(CalendarDay, day, with_for_update=True)
    if row is None or not row.day_off:
        raise NotFound(f"{_label(day)} bukan hari libur dalam kalender.")
    before = _day_json(row)
    if day in package_days(day.year):
        _apply(row, Holiday(day, row.name, row.kind, False, ADMIN_EDIT), actor)
        after = _day_json(row)
    else:
        session.delete(row)
        row, after = None, None
    audit.record(
        session, actor, "calendar.remove", AuditedDay(), before=before, after=after
    )
    return row


def list_days(
    session: Session, year: int, *, cuti_bersama_day_off: bool
) -> list[CalendarEntry]:
    """Every recorded weekday of the year, and whether each is a working day."""
    _check_year(year, "year")
    package = package_days(year)
    return [
        CalendarEntry(
            day=h.day,
            name=h.name,
            kind=h.kind,
            day_off=h.day_off,
            source=h.source,
            working_day=not _counts_as_day_off(h, cuti_bersama_day_off),
            origin=_origin(h, package),
        )
        for h in sorted(year_days(session, year).values(), key=lambda h: h.day)
    ]


def _origin(holiday: Holiday, package: dict[date, Holiday]) -> str:
    if holiday.source == SEEDED:
        return FROM_PACKAGE
    return ADMIN_CHANGED if holiday.day in package else ADMIN_ADDED


def _require_admin(actor) -> None:
    if actor is SYSTEM:
        return  # the operator at the command line runs the system
    if actor is not None and actor.is_active and actor.role == ADMIN:
        return
    raise Forbidden("Hanya administrator yang dapat mengubah kalender hari kerja.")


def _checked_holiday(day: date, name: str, kind: str, day_off: bool) -> Holiday:
    _check_weekday(day)
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Nama hari libur wajib diisi.", "name")
    if len(name.strip()) > 255:
        raise ValidationError("Nama hari libur paling banyak 255 karakter.", "name")
    if kind not in DAY_KINDS:
        raise ValidationError(
            f"Jenis hari harus salah satu dari: {', '.join(DAY_KINDS)}.", "kind"
        )
    if not isinstance(day_off, bool):
        raise ValidationError("'day_off' harus true atau false.", "day_off")
    return Holiday(day, name.strip(), kind, day_off, ADMIN_EDIT)


def _check_weekday(day: date) -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValidationError("Tanggal harus berupa tanggal (YYYY-MM-DD).", "day")
    _check_year(day.year)
    if day.weekday() >= SATURDAY:
        raise ValidationError(
            f"{_label(day)} jatuh pada akhir pekan, yang selalu bukan hari kerja.",
            "day",
        )


def _apply(row: CalendarDay, holiday: Holiday, actor) -> None:
    row.name, row.kind = holiday.name, holiday.kind
    row.day_off, row.source = holiday.day_off, ADMIN_EDIT
    row.updated_at = utcnow()
    row.updated_by_id = getattr(actor, "id", None)


def _day_json(row: CalendarDay) -> dict:
    return {
        "day": row.day.isoformat(),
        "name": row.name,
        "kind": row.kind,
        "day_off": row.day_off,
        "source": row.source,
    }


# --- small rules --------------------------------------------------------------------


def _counts_as_day_off(holiday: Holiday, cuti_bersama_day_off: bool) -> bool:
    if not holiday.day_off:
        return False
    return holiday.kind != CUTI_BERSAMA or cuti_bersama_day_off


def _checked_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError("Jumlah hari kerja harus bilangan bulat.", "days")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            f"Jumlah hari kerja harus antara 1 dan {MAX_DAYS}.", "days"
        )
    return days


def _check_year(year: int, field_name: str | None = None) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            f"Kalender hari kerja hanya mencakup tahun {MIN_YEAR}–{MAX_YEAR}, "
            f"bukan {year}.",
            field_name,
        )


def _label(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def parse_day(text: str, field: str = "day") -> date:
    """A date written YYYY-MM-DD, or a ValidationError in Indonesian."""
    text = (text or "").strip()
    try:
        if DATE_PATTERN.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValidationError(
        f"Tanggal tidak valid: {text[:32]!r}; tulis sebagai YYYY-MM-DD.", field
    )


def parse_received(text: str, zone: str, field: str = "received") -> datetime | date:
    """A receipt as YYYY-MM-DD or an ISO time; a time without an offset is local."""
    text = (text or "").strip()
    if len(text) <= 10:
        return parse_day(text, field)
    try:
        if DATE_PATTERN.match(text) and text[10] in "T ":
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(zone))
            return moment
    except ValueError:
        pass
    raise ValidationError(
        f"Waktu tidak valid: {text[:40]!r}; tulis sebagai YYYY-MM-DD atau "
        "YYYY-MM-DDTHH:MM:SS+07:00.",
        field,
    )
