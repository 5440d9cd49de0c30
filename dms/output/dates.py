"""Dates as Indonesian readers write them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def indonesian_date(day: date | None) -> str:
    """'23 November 2026'; '' for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    """The calendar day of a UTC moment in the public body's time zone."""
    return moment.astimezone(zone).date() if moment else None
