"""The working-day calendar (national holidays and cuti bersama, editable) and the
requests for information that run on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dms.db import Base, UTCDateTime, one_of, utcnow

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


# --- requests for information (permohonan) --------------------------------------------

CHANNELS = ("web", "walk_in", "letter", "phone", "email")
REQUESTER_KINDS = ("person", "legal_entity")
HOW_TO_OBTAIN = ("see", "read", "listen", "note", "copy_soft", "copy_hard")
DELIVERIES = ("collect", "post", "courier", "email")
REQUEST_STATES = (
    "submitted",
    "disposed",
    "extended",
    "answered",
    "closed",
    "withdrawn",
)
SUBMITTED, WITHDRAWN = "submitted", "withdrawn"
FILE_KINDS = ("identity", "proxy_letter")


class InformationRequest(Base):
    """A request for information (permohonan informasi publik, DOMAIN.md §4).

    The requester's identity number and contacts are personal data: only the
    officers handling the request may see them. The status secret is kept as a
    hash; the secret itself is shown to the requester once, in the status link.
    """

    __tablename__ = "information_requests"
    __table_args__ = (
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("requester_kind", REQUESTER_KINDS), name="kind"),
        CheckConstraint(one_of("how_to_obtain", HOW_TO_OBTAIN), name="how"),
        CheckConstraint(one_of("delivery", DELIVERIES, True), name="delivery"),
        CheckConstraint(one_of("state", REQUEST_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    requester_kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    identity_number: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(Text)
    occupation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    information_requested: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    how_to_obtain: Mapped[str] = mapped_column(String(16))
    delivery: Mapped[str | None] = mapped_column(String(16))
    proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Frozen at receipt: a later calendar edit does not move it.
    due_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    files: Mapped[list[RequestFile]] = relationship(
        back_populates="request", order_by="RequestFile.id"
    )


class RequestFile(Base):
    """An identity document or proxy letter: a blob like a document's, never public."""

    __tablename__ = "request_files"
    __table_args__ = (CheckConstraint(one_of("kind", FILE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    blob_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))

    request: Mapped[InformationRequest] = relationship(back_populates="files")
