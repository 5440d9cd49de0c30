"""The end of an exemption: opened by a decision (Komisi Informasi, court, event) or
lapsed at the end of its period (the daily expiry job)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import ATASAN_PPID, PPID_UTAMA
from dms.classification.exemptions.deciding import open_document
from dms.classification.exemptions.reading import (
    EXPIRY,
    MAX_TEXT,
    OPENING_AUTHORITIES,
    WARNING_WORKING_DAYS,
    locked_test,
)
from dms.classification.exemptions.recording import (
    checked_choice,
    checked_date,
    checked_text,
)
from dms.db import utcnow
from dms.documents.consequence_tests import (
    ACTIVE,
    EXPIRED,
    OPENED,
    ConsequenceTest,
)
from dms.errors import Forbidden, InvalidTransition, ValidationError

# The workflow has always logged under the package name.
log = logging.getLogger("dms.classification.exemptions")


class Calendar(Protocol):
    """The working-day calendar the expiry warning counts on."""

    def subtract(self, end: date, days: int) -> date: ...


def open_by_decision(
    session: Session,
    *,
    actor,
    test_id: int,
    authority: str,
    reference: str,
    decided_on: Any,
    note: str = "",
) -> ConsequenceTest:
    """A Komisi Informasi or court decision (or the event that ends the period)
    opens an exempt document before its time; the number is recorded."""
    if actor is None or actor.role not in (PPID_UTAMA, ATASAN_PPID):
        raise Forbidden(
            "Hanya PPID Utama atau atasan PPID yang dapat mencatat putusan pembukaan."
        )
    test = locked_test(session, actor, test_id)
    if test.exemption_status != ACTIVE:
        raise InvalidTransition("Pengecualian ini tidak sedang berlaku.")
    authority = checked_choice("authority", authority, OPENING_AUTHORITIES)
    reference = checked_text("reference", reference, 255)
    if not reference:
        raise ValidationError(
            "Sebutkan nomor putusan (atau peristiwa yang terjadi).", "reference"
        )
    test.end_decided_on = checked_date("decided_on", decided_on)
    test.end_note = checked_text("note", note, MAX_TEXT)
    _end_exemption(session, actor, test, OPENED, authority, reference)
    return test


def _end_exemption(session, actor, test, status, authority, reference) -> None:
    test.exemption_status = status
    test.ended_at = test.updated_at = utcnow()
    test.end_authority = authority
    test.end_reference = reference
    decided = test.end_decided_on.isoformat() if test.end_decided_on else None
    audit.record(
        session,
        actor,
        f"exemption.{'expire' if status == EXPIRED else 'open'}",
        test,
        after={"authority": authority, "reference": reference, "decided_on": decided},
    )
    open_document(session, actor, test.document, reason=authority)


@dataclass
class ExpiryReport:
    """What one run of the expiry job did."""

    warned: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    # Tests that could not be handled (logged; tried again on the next run).
    failed: list[int] = field(default_factory=list)


def run_expiry(session: Session, *, calendar: Calendar, today: date) -> ExpiryReport:
    """Flag exemptions ending within 30 working days; open those that ended.

    Idempotent: a flagged entry is not flagged again, an opened one is no longer
    active. Only an approved renewal (which supersedes the test) keeps a document
    closed; a renewal still waiting for its decision does not.
    """
    report = ExpiryReport()
    for test in _active_with_end(session):
        # One entry that cannot be handled must not hold the others closed.
        try:
            with session.begin_nested():
                _expire_one(session, calendar, test, today, report)
        except Exception:  # noqa: BLE001 - logged, reported, retried next run
            log.exception("expiry of consequence test %s failed", test.id)
            report.failed.append(test.id)
    return report


def _expire_one(session, calendar, test, today: date, report) -> None:
    if today >= test.expires_on:
        _end_exemption(session, None, test, EXPIRED, EXPIRY, "")
        report.opened.append(test.document_id)
        return
    if test.warned_at is not None:
        return
    if today >= calendar.subtract(test.expires_on, WARNING_WORKING_DAYS):
        test.warned_at = test.updated_at = utcnow()
        audit.record(
            session,
            None,
            "exemption.expiring",
            test,
            after={"expires_on": test.expires_on.isoformat()},
        )
        report.warned.append(test.document_id)


def expire_exemptions(archive, today: date | None = None) -> ExpiryReport:
    """One run of the expiry job in its own transaction (the job and the CLI)."""
    from dms.workdays import working_calendar

    with archive.transaction() as session:
        return run_expiry(
            session,
            calendar=working_calendar(session, archive.settings),
            today=today or archive.settings.local_today(),
        )


def _active_with_end(session: Session) -> Iterable[ConsequenceTest]:
    return session.scalars(
        select(ConsequenceTest)
        .where(
            ConsequenceTest.exemption_status == ACTIVE,
            ConsequenceTest.expires_on.is_not(None),
        )
        .order_by(ConsequenceTest.expires_on, ConsequenceTest.id)
        .with_for_update()
    ).all()
