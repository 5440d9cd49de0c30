"""The working-day calendar: national holidays and cuti bersama, editable."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dms.db import Base, UTCDateTime, utcnow

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
