"""Working days by DOMAIN.md §4, from the holidays package alone (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
import pytest

from dms.errors import ValidationError
from dms.workdays import (
    CUTI_BERSAMA,
    Holiday,
    WorkingCalendar,
    package_calendar,
    package_days,
    parse_day,
    parse_received,
)

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def days_off_for_cuti() -> WorkingCalendar:
    return package_calendar()


@pytest.fixture
def cuti_as_working() -> WorkingCalendar:
    return package_calendar(cuti_bersama_day_off=False)


def test_the_domain_example_is_due_on_wednesday_16_april_2025(days_off_for_cuti):
    received = datetime(2025, 3, 24, 9, 0, tzinfo=WIB)

    assert days_off_for_cuti.due_date(received, 10) == date(2025, 4, 16)


def test_with_cuti_bersama_as_working_days_the_example_is_due_on_9_april(
    cuti_as_working,
):
    received = datetime(2025, 3, 24, 9, 0, tzinfo=WIB)

    assert cuti_as_working.due_date(received, 10) == date(2025, 4, 9)


def test_a_request_received_on_a_saturday_counts_as_received_on_monday(
    days_off_for_cuti,
):
    saturday = datetime(2025, 3, 22, 10, 0, tzinfo=WIB)

    assert days_off_for_cuti.effective_receipt(saturday) == date(2025, 3, 24)
    assert days_off_for_cuti.due_date(saturday, 10) == date(2025, 4, 16)


def test_a_request_received_on_idul_fitri_counts_from_the_first_day_back(
    days_off_for_cuti, cuti_as_working
):
    lebaran = date(2025, 3, 31)

    assert days_off_for_cuti.effective_receipt(lebaran) == date(2025, 4, 8)
    assert cuti_as_working.effective_receipt(lebaran) == date(2025, 4, 2)


def test_a_request_spanning_idul_fitri_2026_skips_nyepi_lebaran_and_cuti_bersama(
    days_off_for_cuti, cuti_as_working
):
    # Fri 13 Mar 2026; Nyepi Thu 19 Mar, Idul Fitri Sat 21 and Sun 22 Mar, cuti
    # bersama 18, 20, 23 and 24 Mar, Good Friday 3 Apr.
    received = datetime(2026, 3, 13, 15, 30, tzinfo=WIB)

    assert days_off_for_cuti.due_date(received, 10) == date(2026, 4, 6)
    assert cuti_as_working.due_date(received, 10) == date(2026, 3, 30)


def test_the_receipt_date_is_the_date_in_jakarta_not_in_utc(days_off_for_cuti):
    late_evening_utc = datetime(2025, 3, 24, 20, 0, tzinfo=UTC)  # 03:00 WIB on 25th

    assert days_off_for_cuti.received_on(late_evening_utc) == date(2025, 3, 25)
    assert days_off_for_cuti.due_date(late_evening_utc, 1) == date(2025, 3, 26)


def test_the_configured_timezone_decides_the_receipt_date():
    in_jayapura = package_calendar(timezone="Asia/Jayapura")
    in_jakarta = package_calendar(timezone="Asia/Jakarta")
    evening_wib = datetime(2025, 3, 24, 22, 30, tzinfo=WIB)  # 00:30 WIT on the 25th

    assert in_jakarta.received_on(evening_wib) == date(2025, 3, 24)
    assert in_jayapura.received_on(evening_wib) == date(2025, 3, 25)


def test_a_receipt_time_without_a_timezone_is_refused(days_off_for_cuti):
    with pytest.raises(ValidationError, match="zona waktu"):
        days_off_for_cuti.due_date(datetime(2025, 3, 24, 9, 0), 10)


def test_weekends_and_holidays_are_not_working_days(days_off_for_cuti):
    assert days_off_for_cuti.is_working_day(date(2025, 3, 24))
    assert not days_off_for_cuti.is_working_day(date(2025, 3, 22))  # Saturday
    assert not days_off_for_cuti.is_working_day(date(2025, 3, 23))  # Sunday
    assert not days_off_for_cuti.is_working_day(date(2025, 3, 31))  # Idul Fitri
    assert not days_off_for_cuti.is_working_day(date(2025, 4, 7))  # cuti bersama


def test_cuti_bersama_are_working_days_when_the_setting_says_so(cuti_as_working):
    assert cuti_as_working.is_working_day(date(2025, 4, 7))
    assert not cuti_as_working.is_working_day(date(2025, 3, 31))


def test_subtract_walks_back_to_the_start_of_the_same_span(days_off_for_cuti):
    assert days_off_for_cuti.subtract(date(2025, 4, 16), 10) == date(2025, 3, 24)
    assert days_off_for_cuti.subtract(date(2025, 4, 8), 1) == date(2025, 3, 27)


def test_add_then_subtract_returns_to_a_working_day(days_off_for_cuti):
    start = date(2025, 12, 22)

    later = days_off_for_cuti.add(start, 30)

    assert later.year == 2026
    assert days_off_for_cuti.subtract(later, 30) == start


def test_count_counts_working_days_after_start_up_to_and_including_end(
    days_off_for_cuti,
):
    assert days_off_for_cuti.count(date(2025, 3, 24), date(2025, 4, 16)) == 10
    assert days_off_for_cuti.count(date(2025, 3, 24), date(2025, 3, 24)) == 0
    assert days_off_for_cuti.count(date(2025, 4, 16), date(2025, 3, 24)) == 0


@pytest.mark.parametrize("days", [0, -1, 367, True, 2.5])
def test_a_number_of_days_outside_1_to_366_is_refused(days_off_for_cuti, days):
    with pytest.raises(ValidationError) as refused:
        days_off_for_cuti.add(date(2025, 3, 24), days)

    assert refused.value.field == "days"


def test_a_date_outside_the_calendars_years_is_refused(days_off_for_cuti):
    with pytest.raises(ValidationError, match="1970–2100"):
        days_off_for_cuti.add(date(2100, 12, 20), 30)
    with pytest.raises(ValidationError, match="1970–2100"):
        days_off_for_cuti.is_working_day(date(9999, 12, 31))


def test_a_calendar_with_no_working_days_stops_at_the_edge_of_its_years():
    every_weekday_off = WorkingCalendar(
        lambda year: {
            day: Holiday(day, "libur", "other")
            for day in (date(year, 1, 1) + timedelta(n) for n in range(366))
            if day.year == year
        }
    )

    with pytest.raises(ValidationError):
        every_weekday_off.add(date(2099, 6, 1), 1)


def test_each_year_is_read_once_and_only_when_a_date_in_it_is_asked():
    asked = []

    def year_days(year):
        asked.append(year)
        return package_days(year)

    calendar = WorkingCalendar(year_days)
    calendar.due_date(date(2025, 12, 22), 10)
    calendar.due_date(date(2025, 3, 24), 10)

    assert asked == [2025, 2026]


def test_a_correction_in_the_days_makes_a_holiday_a_working_day_again():
    def year_days(year):
        days = package_days(year)
        days[date(2025, 4, 7)] = Holiday(
            date(2025, 4, 7), "dibatalkan", CUTI_BERSAMA, False, "admin"
        )
        return days

    corrected = WorkingCalendar(year_days)

    assert corrected.is_working_day(date(2025, 4, 7))
    assert corrected.due_date(date(2025, 3, 24), 10) == date(2025, 4, 15)


def test_the_package_days_are_weekdays_and_sorted_into_national_and_cuti_bersama():
    days = package_days(2025)

    assert all(day.weekday() < 5 for day in days)
    assert date(2025, 3, 29) not in days  # Nyepi 2025 fell on a Saturday
    assert days[date(2025, 3, 31)].kind == "national"
    assert days[date(2025, 4, 7)].kind == "cuti_bersama"
    assert "Idul Fitri" in days[date(2025, 4, 7)].name


@pytest.mark.parametrize(
    "text", ["20250324", "2025-02-30", "24-03-2025", "2025-W13-1", "", "kemarin"]
)
def test_a_date_not_written_as_yyyy_mm_dd_is_refused_in_indonesian(text):
    with pytest.raises(ValidationError, match="Tanggal tidak valid"):
        parse_day(text)


def test_a_receipt_time_without_an_offset_is_read_in_the_configured_zone():
    moment = parse_received("2025-03-24T23:30:00", "Asia/Jakarta")

    assert moment.utcoffset() == timedelta(hours=7)
    assert parse_received("2025-03-24", "Asia/Jakarta") == date(2025, 3, 24)
    with pytest.raises(ValidationError, match="Waktu tidak valid"):
        parse_received("2025-03-24T25:00:00+07:00", "Asia/Jakarta")


# Issue 13 §4, checked by hand against the SKB 3 Menteri lists of 2024 and 2025:
# (received, working days, due). "+7" is the extension, counted from the first
# due date (workflow.extend); 30 is an objection's (objections.OBJECTION_DAYS).
HAND_CHECKED_DEADLINES = [
    ("2024-04-05", 10, "2024-04-29"),  # Idul Fitri 10-11 Apr, cuti 8, 9, 12, 15
    ("2024-04-29", "+7", "2024-05-13"),  # Buruh 1 May, Kenaikan 9 May, cuti 10 May
    ("2024-04-06", 10, "2024-04-30"),  # a Saturday: counted from Mon 8 Apr
    ("2024-04-10", 10, "2024-04-30"),  # received on Idul Fitri itself
    ("2024-02-13", 10, "2024-02-28"),  # Pemilu 14 Feb
    ("2024-11-22", 10, "2024-12-09"),  # Pilkada serentak 27 Nov
    ("2024-12-23", 10, "2025-01-09"),  # Natal 25 Dec, cuti 26 Dec, 1 Jan
    ("2024-12-20", 30, "2025-02-10"),  # also Isra Mikraj 27 Jan, Imlek 28-29 Jan
    ("2025-03-24", 10, "2025-04-16"),  # DOMAIN.md §4's example
    ("2025-03-21", 10, "2025-04-15"),  # Nyepi 28 Mar (cuti), Idul Fitri 31 Mar-7 Apr
    ("2025-03-22", 10, "2025-04-16"),  # a Saturday
    ("2025-03-27", 10, "2025-04-22"),  # Good Friday 18 Apr
    ("2025-03-31", 10, "2025-04-23"),  # received on Idul Fitri: counted from 8 Apr
    ("2025-04-22", "+7", "2025-05-02"),  # Buruh 1 May
    ("2025-05-09", 10, "2025-05-27"),  # Waisak 12 May, cuti 13 May
]


def hand_checked_due(calendar: WorkingCalendar, received: date, days) -> date:
    """The due date the way the workflow computes it: a first deadline (or an
    objection's) from the receipt, an extension from the first due date."""
    if days == "+7":
        return calendar.add(received, 7)
    return calendar.due_date(received, days)


@pytest.mark.parametrize(("received", "days", "due"), HAND_CHECKED_DEADLINES)
def test_hand_checked_deadlines_on_the_package_calendar(
    days_off_for_cuti, received, days, due
):
    got = hand_checked_due(days_off_for_cuti, date.fromisoformat(received), days)

    assert got == date.fromisoformat(due)


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_the_installed_holidays_package_knows_the_years_cuti_bersama(year):
    kinds = {holiday.kind for holiday in package_days(year).values()}

    assert CUTI_BERSAMA in kinds, f"holidays {holidays.__version__}: no {year} cuti"
