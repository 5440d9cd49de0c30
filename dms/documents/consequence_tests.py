"""Consequence tests (uji konsekuensi, DOMAIN.md §3): the only way into `dikecualikan`.

A test is proposed, recorded by the PPID Utama and decided by the atasan PPID.
Once decided its content never changes (a new test supersedes it); only the
lifecycle of the exemption it created moves on: active, then expired, opened by
a decision, or superseded by a renewing test.

The record lives with the documents it gates (a document awaiting a decision is not
published or changed, see dms.documents.services); the work on it (propose, record,
decide, expire, redact) is dms.classification's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dms.accounts.models import User
from dms.db import Base, UTCDateTime, one_of, utcnow
from dms.documents.models import Document

PROPOSED = "proposed"
RECORDED = "recorded"
APPROVED = "approved"
REJECTED = "rejected"
CANCELLED = "cancelled"
TEST_STATES = (PROPOSED, RECORDED, APPROVED, REJECTED, CANCELLED)
DECIDED_STATES = (APPROVED, REJECTED)
# Proposed or recorded, not yet decided: the document stays closed meanwhile.
OPEN_TEST_STATES = (PROPOSED, RECORDED)

EXEMPT_WHOLE = "exempt_whole"
EXEMPT_PART = "exempt_part"
NOT_EXEMPT = "not_exempt"
DECISIONS = (EXEMPT_WHOLE, EXEMPT_PART, NOT_EXEMPT)

PERIOD_DATE = "date"
PERIOD_DURATION = "duration"
PERIOD_EVENT = "event"
PERIOD_INDEFINITE = "indefinite"
PERIOD_KINDS = (PERIOD_DATE, PERIOD_DURATION, PERIOD_EVENT, PERIOD_INDEFINITE)

# What became of the exemption an approved test created.
ACTIVE = "active"
EXPIRED = "expired"
OPENED = "opened"
SUPERSEDED = "superseded"
EXEMPTION_STATES = (ACTIVE, EXPIRED, OPENED, SUPERSEDED)

# UU KIP Ps. 17: a-j; g-j may be exempt without end.
GROUNDS = tuple("abcdefghij")
INDEFINITE_GROUNDS = tuple("ghij")


class ConsequenceTest(Base):
    """One lembar pengujian konsekuensi and its decision."""

    __tablename__ = "consequence_tests"
    __table_args__ = (
        CheckConstraint(one_of("state", TEST_STATES), name="state"),
        CheckConstraint(one_of("decision", DECISIONS, True), name="decision"),
        CheckConstraint(one_of("period_kind", PERIOD_KINDS, True), name="period_kind"),
        CheckConstraint(one_of("ground_letter", GROUNDS, True), name="ground_letter"),
        CheckConstraint(
            one_of("exemption_status", EXEMPTION_STATES, True),
            name="exemption_status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Issued when the PPID Utama records the test, e.g. UK-2026-0007.
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=PROPOSED, index=True)
    # The category the document had when the test was proposed.
    category_before: Mapped[str] = mapped_column(String(32), default="")

    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposal_reason: Mapped[str] = mapped_column(Text, default="")

    # The record (lembar pengujian konsekuensi).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255), default="")
    specific_information: Mapped[str] = mapped_column(Text, default="")
    source_documents: Mapped[str] = mapped_column(Text, default="")
    ground_letter: Mapped[str | None] = mapped_column(String(1))
    ground_subitem: Mapped[str] = mapped_column(String(64), default="")
    other_statute: Mapped[str] = mapped_column(String(500), default="")
    consequence_if_opened: Mapped[str] = mapped_column(Text, default="")
    consequence_if_closed: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(16))
    period_kind: Mapped[str | None] = mapped_column(String(16))
    period_value: Mapped[str] = mapped_column(String(255), default="")
    participants: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Exempt in part: the redacted version published in the original's place.
    redacted_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("consequence_tests.id")
    )

    # The decision of the atasan PPID.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    # What was decided on, as it stood at the decision: the penetapan and the DIK
    # show these, so a later edit of the document cannot rewrite them.
    subject_title: Mapped[str] = mapped_column(String(500), default="")
    subject_unit: Mapped[str] = mapped_column(String(255), default="")
    subject_body: Mapped[str] = mapped_column(String(255), default="")

    # The exemption's life after approval.
    exemption_status: Mapped[str | None] = mapped_column(String(16), index=True)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_authority: Mapped[str] = mapped_column(String(32), default="")
    end_reference: Mapped[str] = mapped_column(String(255), default="")
    end_decided_on: Mapped[date | None] = mapped_column(Date)
    end_note: Mapped[str] = mapped_column(Text, default="")

    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    redacted_document: Mapped[Document | None] = relationship(
        foreign_keys=[redacted_document_id]
    )
    supersedes: Mapped[ConsequenceTest | None] = relationship(remote_side=[id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<ConsequenceTest {self.id} {self.state} doc={self.document_id}>"
