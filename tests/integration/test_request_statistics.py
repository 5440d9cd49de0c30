"""Request statistics (DOMAIN.md §5): the monthly table, reproduced against the
Banten 2024 annual report, and the rules behind each figure."""

from __future__ import annotations

from datetime import date

import pytest

from dms.monitoring.requests_stats import request_statistics
from dms.workdays import working_calendar
from tests.fixtures_banten import build_banten_2024
from tests.report_helpers import add_objection, add_request, at

# The Banten 2024 report, table C "Rekapitulasi laporan akses Informasi Publik"
# (reference/banten-province-ppid-annual-report-2024.txt, lines 162-175), month by
# month; "-" in the report is 0 here.
# line 166: "Permohonan | 13 | 23 | 29 | 31 | 35 | 19 | 23 | 27 | 37 | 33 | 39 | 16 |
# 325"
BANTEN_REQUESTS = [13, 23, 29, 31, 35, 19, 23, 27, 37, 33, 39, 16]
BANTEN_REQUESTS_TOTAL = 325
# line 167: "Keberatan | - | - | - | 2 | 1 | - | 1 | 2 | 2 | 3 | - | - | 11"
BANTEN_OBJECTIONS = [0, 0, 0, 2, 1, 0, 1, 2, 2, 3, 0, 0]
BANTEN_OBJECTIONS_TOTAL = 11
# line 169: "Waktu yang diperlukan (hari), Permohonan | 10 | 10 | 10 | 10 | 7 | 8 | 7 |
# 9 | 8 | 10 | 10 | 10"
BANTEN_DAYS = [10, 10, 10, 10, 7, 8, 7, 9, 8, 10, 10, 10]
# line 170: "Keberatan | - | - | - | 20 | 20 | - | 20 | 20 | 20 | 20 | - | -"
BANTEN_OBJECTION_DAYS = [None, None, None, 20, 20, None, 20, 20, 20, 20, None, None]
# line 171: "dikabulkan sebagian atau seluruhnya | 12 | 23 | 29 | 30 | 35 | 19 | 21 |
# 25 | 37 | 30 | 34 | 16 | 311"
BANTEN_GRANTED = [12, 23, 29, 30, 35, 19, 21, 25, 37, 30, 34, 16]
BANTEN_GRANTED_TOTAL = 311
# line 172: "ditolak | 1 | - | - | - | 1 | 2 | 2 | 2 | - | 3 | 5 | - | 16"
BANTEN_REFUSED = [1, 0, 0, 0, 1, 2, 2, 2, 0, 3, 5, 0]
BANTEN_REFUSED_TOTAL = 16
# lines 173 and 175: "Alasan Penolakan | TK | - | - | - | TK | TK | TK | TK | - |
# TK | TK |",
# "TK = Tidak dikuasai"
BANTEN_REASONS = ["TK", "", "", "", "TK", "TK", "TK", "TK", "", "TK", "TK", ""]
# Table D, lines 179-185: objections 11, disputes 28, mediation 0, rulings 7,
# court 0 (not recorded by the system).
BANTEN_DISPUTE_SUMMARY = [11, 28, 0, 7, None]


def statistics(archive, year: int, semester: int | None = None, today=None):
    with archive.reading() as session:
        return request_statistics(
            session,
            working_calendar(session, archive.settings),
            year=year,
            semester=semester,
            today=today or date(year + 1, 3, 1),
        )


@pytest.fixture
def banten(archive):
    build_banten_2024(archive)
    return statistics(archive, 2024)


def test_the_monthly_table_reproduces_every_figure_of_the_banten_2024_report(banten):
    months = banten.months

    assert [m.received for m in months] == BANTEN_REQUESTS
    assert [m.objections for m in months] == BANTEN_OBJECTIONS
    assert [m.average_days for m in months] == BANTEN_DAYS
    assert [m.objection_average_days for m in months] == BANTEN_OBJECTION_DAYS
    assert [m.granted_total for m in months] == BANTEN_GRANTED
    assert [m.refused_total for m in months] == BANTEN_REFUSED
    assert [m.refusal_codes for m in months] == BANTEN_REASONS


def test_the_banten_totals_row_matches_the_report(banten):
    total = banten.total

    assert total.received == BANTEN_REQUESTS_TOTAL
    assert total.objections == BANTEN_OBJECTIONS_TOTAL
    assert total.granted_total == BANTEN_GRANTED_TOTAL
    assert total.refused_total == BANTEN_REFUSED_TOTAL
    assert total.refused["not_held"] == BANTEN_REFUSED_TOTAL
    assert [n for _label, n in banten.dispute_summary()] == BANTEN_DISPUTE_SUMMARY
    assert len(banten.disputes) == 28
    # Nobody's deadline was missed, and nothing extended or withdrawn.
    assert (total.overdue, total.extended, total.withdrawn) == (0, 0, 0)


def test_banten_may_and_june_decide_more_than_they_received(banten):
    may, june = banten.months[4], banten.months[5]

    assert (may.received, may.decided) == (35, 36)
    assert (june.received, june.decided) == (19, 21)
    assert banten.total.decided == 327


def test_the_banten_semesters_split_the_year(archive):
    build_banten_2024(archive)

    first = statistics(archive, 2024, semester=1)
    second = statistics(archive, 2024, semester=2)

    assert [m.month for m in first.months] == [1, 2, 3, 4, 5, 6]
    assert first.total.received == sum(BANTEN_REQUESTS[:6]) == 150
    assert second.total.received == sum(BANTEN_REQUESTS[6:]) == 175
    assert first.total.granted_total + second.total.granted_total == 311
    assert (
        second.title
        == "Rekapitulasi Permohonan Informasi Publik Semester II Tahun 2024"
    )


def test_a_request_received_in_april_and_answered_in_may_counts_in_both(archive):
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        add_request(
            session,
            calendar,
            received=date(2025, 4, 28),
            answered=date(2025, 5, 6),
            outcome="granted",
        )

    months = statistics(archive, 2025).months

    assert (months[3].received, months[3].decided) == (1, 0)
    assert (months[4].received, months[4].decided, months[4].granted) == (0, 1, 1)


def test_a_request_received_on_new_years_eve_in_jakarta_counts_in_december(archive):
    # 31 Dec 2025 23:30 WIB is 16:30 UTC: a local month, not a UTC one.
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        add_request(session, calendar, received=at(date(2025, 12, 31), 23))

    assert statistics(archive, 2025).months[11].received == 1
    assert statistics(archive, 2026).total.received == 0


def test_average_working_days_skip_the_lebaran_holidays(archive):
    # Fri 5 Apr 2024, then 8-15 April are Idul Fitri and cuti bersama: the answer
    # on Tue 16 April took one working day; one on Fri 19 April took four.
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        for answered in (date(2024, 4, 16), date(2024, 4, 19)):
            add_request(
                session,
                calendar,
                received=date(2024, 4, 5),
                answered=answered,
                outcome="granted",
            )

    april = statistics(archive, 2024).months[3]

    assert april.decided == 2
    assert april.average_days == 2.5


def test_a_request_received_on_a_saturday_counts_from_monday(archive):
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        add_request(
            session,
            calendar,
            received=date(2025, 3, 1),  # Saturday
            answered=date(2025, 3, 4),  # Tuesday: day 1 after Monday 3 March
            outcome="granted",
        )

    assert statistics(archive, 2025).months[2].average_days == 1


def test_overdue_extended_withdrawn_and_refusal_reasons_are_counted(archive):
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        # Due Wed 16 Apr 2025 (DOMAIN.md §4), answered the day after: overdue.
        add_request(
            session,
            calendar,
            received=date(2025, 3, 24),
            answered=date(2025, 4, 17),
            outcome="refused_exempt_h",
        )
        # Extended by 7 working days: answered after the first deadline, in time.
        add_request(
            session,
            calendar,
            received=date(2025, 3, 24),
            answered=date(2025, 4, 24),
            outcome="granted_partly",
            extended_days=7,
            extended=date(2025, 4, 10),
        )
        # Still open past its deadline on the day of the report.
        add_request(session, calendar, received=date(2025, 6, 2))
        add_request(
            session, calendar, received=date(2025, 6, 3), withdrawn=date(2025, 6, 4)
        )

    stats = statistics(archive, 2025, today=date(2025, 7, 1))
    april, june = stats.months[3], stats.months[5]

    assert (april.decided, april.overdue, april.extended) == (2, 1, 1)
    assert april.refused["refused_exempt_h"] == 1 and april.refusal_codes == "DK-h"
    assert april.granted_partly == 1 and april.granted == 0
    assert (june.received, june.withdrawn, june.overdue) == (2, 1, 1)
    assert dict((c, n) for c, _l, n in stats.refusal_reasons())["refused_exempt_h"] == 1


def test_objections_are_counted_by_month_and_ground(archive):
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        add_objection(session, calendar, received=date(2025, 2, 3), ground="b")
        add_objection(
            session,
            calendar,
            received=date(2025, 2, 4),
            decided=date(2025, 2, 18),
            ground="g",
        )

    stats = statistics(archive, 2025)

    february = stats.objections_by_ground[2]
    assert (february["b"], february["g"], february["a"]) == (1, 1, 0)
    assert stats.months[1].objections == 2
    assert stats.months[1].objection_average_days == 10


def test_the_statistics_carry_no_ones_identity(archive):
    build_banten_2024(archive)
    body = str(statistics(archive, 2024).as_json())

    assert "Rahasia" not in body and "@" not in body
