"""Banten province 2024, rebuilt as records from the monthly table of its annual
report (../shared/reference/banten-province-ppid-annual-report-2024.txt, lines
162-185): 325 requests received, 11 objections, 311 granted, 16 refused (all
"TK", tidak dikuasai), the working days each month's answers took, and 28 dispute
cases of which 7 were decided.

The table counts requests by month of receipt and decisions by month of answer:
granted + refused exceeds the requests received in May (+1) and June (+2) and
falls short in April (-1), and 327 decisions against 325 receipts mean two
answers in 2024 were to requests received in 2023. So every month's last
requests are answered early the next month (a backlog of two, three after
April), all on the real 2024 working calendar (holidays and cuti bersama of the
`holidays` package), each answered in exactly the month's working days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, cycle

from dms.requests.models import InformationRequest, Objection
from dms.workdays import WorkingCalendar, working_calendar
from tests.report_helpers import add_dispute, add_objection, add_request

YEAR = 2024
# Inputs: the report's table C (rows 1, 2, 3 and 4), as the fixture's recipe.
RECEIVED = (13, 23, 29, 31, 35, 19, 23, 27, 37, 33, 39, 16)
OBJECTIONS = (0, 0, 0, 2, 1, 0, 1, 2, 2, 3, 0, 0)
WORKING_DAYS = (10, 10, 10, 10, 7, 8, 7, 9, 8, 10, 10, 10)
OBJECTION_WORKING_DAYS = 20
GRANTED = (12, 23, 29, 30, 35, 19, 21, 25, 37, 30, 34, 16)
REFUSED = (1, 0, 0, 0, 1, 2, 2, 2, 0, 3, 5, 0)
# Table D: 28 requests for dispute settlement, 0 mediated, 7 decided.
DISPUTES, DISPUTES_DECIDED = 28, 7
# Every tenth grant is a partial one (the report counts both in one row).
PARTLY_EVERY = 10


@dataclass
class Banten:
    requests: list[InformationRequest] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)


def backlog() -> list[int]:
    """Requests still unanswered at the end of each month (index 0: end of 2023)."""
    monthly = zip(RECEIVED, GRANTED, REFUSED, strict=True)
    net = list(accumulate(r - g - f for r, g, f in monthly))
    start = -min(0, *net)
    return [start, *(start + n for n in net)]


def build_banten_2024(archive) -> Banten:
    """Write Banten's 2024 requests, objections and disputes; commit."""
    world = Banten()
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        waiting = backlog()
        for month in range(1, 13):
            _month(session, calendar, world, month, waiting)
        _objections(session, calendar, world)
        _disputes(session, calendar, world)
    return world


def _month(session, calendar, world: Banten, month: int, waiting: list[int]) -> None:
    days = WORKING_DAYS[month - 1]
    first = _working_days(calendar, month)
    outcomes = _outcomes(month)
    # Carried in: received late last month, answered on this month's first days.
    for index in range(waiting[month - 1]):
        answered = first[index]
        received = calendar.subtract(answered, days)
        assert received.month != month, "a carried request must come from before"
        world.requests.append(
            add_request(
                session,
                calendar,
                received=received,
                answered=answered,
                outcome=next(outcomes),
            )
        )
    # Received and answered within the month.
    starts = [d for d in first if calendar.add(d, days).month == month]
    in_month = RECEIVED[month - 1] - waiting[month]
    for received in _spread(starts, in_month):
        world.requests.append(
            add_request(
                session,
                calendar,
                received=received,
                answered=calendar.add(received, days),
                outcome=next(outcomes),
            )
        )


def _outcomes(month: int):
    refused = REFUSED[month - 1]
    for index in range(refused + GRANTED[month - 1]):
        if index < refused:
            yield "not_held"
        elif (index - refused) % PARTLY_EVERY == PARTLY_EVERY - 1:
            yield "granted_partly"
        else:
            yield "granted"


def _working_days(calendar: WorkingCalendar, month: int) -> list[date]:
    day, found = date(YEAR, month, 1), []
    while day.month == month:
        if calendar.is_working_day(day):
            found.append(day)
        day += timedelta(days=1)
    return found


def _spread(days: list[date], count: int) -> list[date]:
    return [day for day, _ in zip(cycle(days), range(count), strict=False)]


def _objections(session, calendar, world: Banten) -> None:
    grounds = cycle("ecgd")
    for month, count in enumerate(OBJECTIONS, start=1):
        days = _working_days(calendar, month)
        for index in range(count):
            received = days[index]
            world.objections.append(
                add_objection(
                    session,
                    calendar,
                    received=received,
                    decided=calendar.add(received, OBJECTION_WORKING_DAYS),
                    ground=next(grounds),
                    request=_answered_before(world, received),
                )
            )


def _answered_before(world: Banten, day: date) -> InformationRequest:
    return max(
        (r for r in world.requests if r.answered_at.date() < day),
        key=lambda r: r.answered_at,
    )


def _disputes(session, calendar, world: Banten) -> None:
    """28 cases in 2024: 17 after objections of late 2023, 11 after 2024's."""
    earlier = [
        add_objection(
            session,
            calendar,
            received=date(2023, 10, 2) + timedelta(days=2 * n),
            decided=date(2023, 11, 20) + timedelta(days=2 * n),
            ground="a",
        )
        for n in range(DISPUTES - len(world.objections))
    ]
    cases = [
        (o, date(YEAR, 1, 8) + timedelta(days=3 * n)) for n, o in enumerate(earlier)
    ]
    cases += [(o, calendar.add(o.decided_at.date(), 5)) for o in world.objections]
    for index, (objection, filed) in enumerate(cases):
        decided = index < DISPUTES_DECIDED
        add_dispute(
            session,
            objection=objection,
            filed=filed,
            hearings=((filed + timedelta(days=30), "preliminary"),)
            + (((filed + timedelta(days=60), "verdict"),) if decided else ()),
            decision="refused" if decided else None,
            decided=filed + timedelta(days=60) if decided else None,
        )
