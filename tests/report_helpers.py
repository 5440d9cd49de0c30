"""Small builders for report tests: requests, objections and disputes written
straight through the models (the workflow service is not needed to count them)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from dms.requests.models import (
    ANSWERED,
    SUBMITTED,
    WITHDRAWN,
    Dispute,
    DisputeHearing,
    InformationRequest,
    Objection,
)
from dms.workdays import WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")
ANSWER_DAYS, OBJECTION_DAYS = 10, 30
_serial = count(1)


def at(day: date, hour: int = 9) -> datetime:
    """A moment of a local day in Western Indonesian Time."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def personal(serial: int) -> dict:
    """A requester's personal data: never to appear in aggregated output."""
    return {
        "name": f"Pemohon Rahasia {serial:04d}",
        "identity_number": f"36040101019{serial:05d}",
        "email": f"pemohon{serial:04d}@rahasia.example",
        "phone": f"0812{serial:08d}",
        "address": f"Jl. Rahasia No. {serial}, Kota Serang",
    }


def add_request(
    session,
    calendar: WorkingCalendar,
    *,
    received: date | datetime,
    answered: date | datetime | None = None,
    outcome: str | None = None,
    extended_days: int | None = None,
    extended: date | None = None,
    withdrawn: date | None = None,
) -> InformationRequest:
    """A request received (and perhaps answered, extended or withdrawn) then."""
    serial = next(_serial)
    received_at = received if isinstance(received, datetime) else at(received)
    due = calendar.due_date(received_at, ANSWER_DAYS)
    state = ANSWERED if answered else WITHDRAWN if withdrawn else SUBMITTED
    item = InformationRequest(
        number=f"PPID-{received_at.year}-{serial:06d}",
        year=received_at.year,
        received_at=received_at,
        channel="web",
        requester_kind="person",
        occupation="Wiraswasta",
        information_requested="Dokumen anggaran",
        purpose="Penelitian",
        how_to_obtain="copy_soft",
        delivery="email",
        secret_hash="0" * 64,
        state=state,
        due_on=due,
        outcome=outcome if answered else None,
        answered_at=_moment(answered, 14),
        withdrawn_at=_moment(withdrawn, 11),
        **personal(serial),
    )
    if extended_days:
        item.extended_days = extended_days
        item.extended_at = _moment(extended or received_at.date(), 10)
        item.extended_due_on = calendar.add(due, extended_days)
    session.add(item)
    return item


def add_objection(
    session,
    calendar: WorkingCalendar,
    *,
    received: date,
    decided: date | None = None,
    ground: str = "e",
    request: InformationRequest | None = None,
) -> Objection:
    serial = next(_serial)
    received_at = at(received)
    data = personal(serial)
    objection = Objection(
        number=f"KBR-{received.year}-{serial:06d}",
        year=received.year,
        request=request,
        ground=ground,
        reasons="Informasi tidak diberikan",
        received_at=received_at,
        channel="web",
        name=data["name"],
        identity_number=data["identity_number"],
        email=data["email"],
        secret_hash="0" * 64,
        state="decided" if decided else "submitted",
        due_on=calendar.due_date(received_at, OBJECTION_DAYS),
        decision="upheld" if decided else None,
        decided_at=_moment(decided, 15),
    )
    session.add(objection)
    return objection


def add_dispute(
    session,
    *,
    objection: Objection,
    filed: date,
    hearings: tuple[tuple[date, str], ...] = (),
    decision: str | None = None,
    decided: date | None = None,
) -> Dispute:
    serial = next(_serial)
    dispute = Dispute(
        objection=objection,
        register_number=f"{serial:03d}/REG-PSI/{filed.month:02d}/{filed.year}",
        filed_on=filed,
        state="decided" if decision else ("hearing" if hearings else "filed"),
        decision=decision,
        decision_number=f"{serial:03d}/PTS-KI/{filed.year}" if decision else "",
        decided_on=decided,
    )
    session.add(dispute)
    for held_on, kind in hearings:
        session.add(DisputeHearing(dispute=dispute, held_on=held_on, kind=kind))
    return dispute


def _moment(value: date | datetime | None, hour: int) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return at(value, hour)
