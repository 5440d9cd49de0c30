"""The record of a consequence test: the workflow's vocabulary, reading tests, the
steps every transition shares (lock, role, state, audit), and the rule that a decided
test never changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, false, inspect, select, true
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.db import utcnow
from dms.documents.access import sees_unpublished
from dms.documents.consequence_tests import (
    APPROVED,
    CANCELLED,
    OPEN_TEST_STATES,
    PROPOSED,
    RECORDED,
    REJECTED,
    ConsequenceTest,
)
from dms.documents.models import Document
from dms.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError

NUMBER_SERIES = "consequence_test"
# Limited grounds (a-f) close information for at most 30 years (DOMAIN.md §3).
MAX_LIMITED_YEARS = 30
# The DIK entry is flagged this many working days before the period ends.
WARNING_WORKING_DAYS = 30
OPEN_STATES = OPEN_TEST_STATES

# Who may open an exemption before its end, and what they must cite.
KOMISI_INFORMASI = "komisi_informasi"
COURT = "court"
EVENT = "event"
OPENING_AUTHORITIES = (KOMISI_INFORMASI, COURT, EVENT)
EXPIRY = "expiry"
RENEWAL = "renewal"

# A record is written soon after its test; nothing ends after the calendar's range.
MAX_RECORD_AGE_YEARS = 2
LAST_END = date(2100, 12, 31)

MAX_TEXT = 20_000
RECORD_TEXTS = {
    "place": 255,
    "specific_information": MAX_TEXT,
    "source_documents": MAX_TEXT,
    "ground_subitem": 64,
    "other_statute": 500,
    "consequence_if_opened": MAX_TEXT,
    "consequence_if_closed": MAX_TEXT,
}
RECORD_FIELDS = (
    *RECORD_TEXTS,
    "test_date",
    "ground_letter",
    "decision",
    "period",
    "participants",
)
# Changes an approved test may still receive: the life of its exemption.
LIFECYCLE_FIELDS = {
    "exemption_status",
    "warned_at",
    "ended_at",
    "end_authority",
    "end_reference",
    "end_decided_on",
    "end_note",
    "updated_at",
}


def get_test(session: Session, *, actor, test_id: int) -> ConsequenceTest:
    """The test if the actor may see its document's closed content; else NotFound."""
    test = session.get(ConsequenceTest, test_id) if test_id > 0 else None
    if test is None or not sees_unpublished(actor, test.document):
        raise NotFound(f"Uji konsekuensi {test_id} tidak ditemukan.")
    return test


def list_tests(
    session: Session,
    *,
    actor,
    state: str | None = None,
    org: str | None = None,
    document_id: int | None = None,
) -> list[ConsequenceTest]:
    """The tests the actor may see, newest first."""
    if state is not None and state not in (*OPEN_STATES, APPROVED, REJECTED, CANCELLED):
        raise ValidationError(f"Status uji tidak dikenal: {state[:32]}.", "state")
    statement = select(ConsequenceTest).join(
        Document, ConsequenceTest.document_id == Document.id
    )
    statement = statement.where(_tests_visible_to(actor))
    if state:
        statement = statement.where(ConsequenceTest.state == state)
    if document_id:
        statement = statement.where(ConsequenceTest.document_id == document_id)
    if org:
        statement = statement.join(
            Organisation, Document.organisation_id == Organisation.id
        ).where(Organisation.slug == org)
    order = (ConsequenceTest.proposed_at.desc(), ConsequenceTest.id.desc())
    return list(session.scalars(statement.order_by(*order)))


def _tests_visible_to(actor):
    if actor is None or not actor.is_active:
        return false()
    if actor.role in (PPID_UTAMA, ATASAN_PPID):
        return true()
    if actor.organisation_id is None or actor.role != PPID_PELAKSANA:
        return false()
    return Document.organisation_id == actor.organisation_id


def locked_test(session: Session, actor, test_id: int) -> ConsequenceTest:
    test = get_test(session, actor=actor, test_id=test_id)
    session.refresh(test, with_for_update=True)
    return test


def require_role(actor, role: str, what: str) -> None:
    if actor is None or not actor.is_active or actor.role != role:
        label = {PPID_UTAMA: "PPID Utama", ATASAN_PPID: "atasan PPID"}[role]
        raise Forbidden(f"Hanya {label} yang dapat {what}.")


STATE_LABELS = {
    PROPOSED: "diusulkan",
    RECORDED: "dicatat",
    APPROVED: "disetujui",
    REJECTED: "ditolak",
    CANCELLED: "dibatalkan",
}


def require_state(test: ConsequenceTest, states: tuple[str, ...], verb: str) -> None:
    if test.state not in states:
        label = STATE_LABELS[test.state]
        raise InvalidTransition(
            f"Uji konsekuensi berstatus '{label}' tidak dapat {verb}."
        )


def move_test(session, actor, test: ConsequenceTest, state: str, action: str):
    before = test.state
    test.state = state
    test.updated_at = utcnow()
    audit.record(
        session, actor, action, test, before={"state": before}, after={"state": state}
    )
    return test


def test_summary(test: ConsequenceTest) -> dict[str, Any]:
    return {
        "state": test.state,
        "document": test.document_id,
        "number": test.number,
        "decision": test.decision,
        "exemption_status": test.exemption_status,
        "expires_on": test.expires_on.isoformat() if test.expires_on else None,
    }


def record_snapshot(test: ConsequenceTest) -> dict[str, Any]:
    data = {name: getattr(test, name) for name in RECORD_TEXTS}
    data.update(
        number=test.number,
        test_date=test.test_date.isoformat() if test.test_date else None,
        ground_letter=test.ground_letter,
        decision=test.decision,
        period={"kind": test.period_kind, "value": test.period_value},
        participants=list(test.participants or []),
    )
    return data


@event.listens_for(ConsequenceTest, "before_update")
def _decided_tests_are_immutable(_mapper, _connection, test: ConsequenceTest):
    """A decided test is a legal record: only its exemption's life may move on."""
    state = inspect(test)
    original = state.attrs.state.history
    was = (original.deleted or original.unchanged or [test.state])[0]
    if was not in (APPROVED, REJECTED):
        return
    changed = {
        column.key
        for column in state.mapper.column_attrs
        if column.key not in LIFECYCLE_FIELDS
        and state.attrs[column.key].history.has_changes()
    }
    if changed:
        raise Conflict(
            "Uji konsekuensi yang sudah diputuskan tidak dapat diubah; ajukan uji "
            f"baru (kolom: {', '.join(sorted(changed))})."
        )
