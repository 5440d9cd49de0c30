"""Requests for information, objections and disputes (the working-day calendar they
run on: dms.workdays)."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dms.accounts.models import User
from dms.db import Base, UTCDateTime, one_of, utcnow

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
SUBMITTED, DISPOSED, EXTENDED, ANSWERED, CLOSED, WITHDRAWN = REQUEST_STATES
OPEN_STATES = (SUBMITTED, DISPOSED, EXTENDED)
FILE_KINDS = ("identity", "proxy_letter")
EXEMPT_REASONS = tuple("abcdefghij")
# DOMAIN.md §4: the outcome of an answer; refused_exempt_<x> names Ps. 17 huruf x.
OUTCOMES = (
    "granted",
    "granted_partly",
    *(f"refused_exempt_{letter}" for letter in EXEMPT_REASONS),
    "not_held",
    "not_documented",
    "not_public_information",
)


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
        CheckConstraint(one_of("outcome", OUTCOMES, True), name="outcome"),
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
    # The short subject an officer writes for the public request log: the
    # requester's own words may hold personal data and are never shown there.
    subject: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # One extension of at most 7 working days, before the first deadline.
    extended_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answer (pemberitahuan tertulis).
    outcome: Mapped[str | None] = mapped_column(String(32))
    answer_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    holder_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    consequence_test_id: Mapped[int | None] = mapped_column(
        ForeignKey("consequence_tests.id")
    )
    cost: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last local day the officers were reminded of this request.
    reminded_on: Mapped[date | None] = mapped_column(Date)
    # The OPD the requester addressed it to on the form: a hint for the PPID
    # Utama's disposition, never a disposition itself.
    hinted_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id")
    )
    hinted_organisation = relationship("Organisation")

    files: Mapped[list[RequestFile]] = relationship(
        back_populates="request", order_by="RequestFile.id"
    )
    dispositions: Mapped[list[RequestDisposition]] = relationship(
        back_populates="request", order_by="RequestDisposition.id"
    )
    attachments: Mapped[list[RequestAttachment]] = relationship(
        back_populates="request", order_by="RequestAttachment.id"
    )
    linked_documents: Mapped[list[RequestDocument]] = relationship(
        back_populates="request", order_by="RequestDocument.document_id"
    )

    @property
    def effective_due_on(self) -> date:
        """The deadline in force: the extended one once extended."""
        return self.extended_due_on or self.due_on

    def overdue_on(self, today: date) -> bool:
        """Still without an answer the day after its deadline in force."""
        return self.state in OPEN_STATES and today > self.effective_due_on


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


class RequestDisposition(Base):
    """The request passed on to an OPD (disposisi) whose PPID Pelaksana answers."""

    __tablename__ = "request_dispositions"
    __table_args__ = (UniqueConstraint("request_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[InformationRequest] = relationship(back_populates="dispositions")
    organisation = relationship("Organisation")


class RequestAttachment(Base):
    """A file the officer attaches to the answer: the requester may download it."""

    __tablename__ = "request_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id"), index=True
    )
    blob_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InformationRequest] = relationship(back_populates="attachments")


class RequestDocument(Base):
    """A published document the answer points the requester to."""

    __tablename__ = "request_documents"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[InformationRequest] = relationship(
        back_populates="linked_documents"
    )
    document = relationship("Document")


# --- objections (keberatan) and disputes at the Komisi Informasi ---------------------

# UU KIP Ps. 35(1): a refused under Ps. 17; b berkala information not provided;
# c request not answered; d answered other than asked; e request not fulfilled;
# f unreasonable cost; g answered late. Ground b needs no prior request.
GROUNDS = tuple("abcdefg")
NO_REQUEST_GROUND = "b"
OBJECTION_STATES = ("submitted", "decided", "withdrawn")
OBJECTION_DECISIONS = ("upheld", "upheld_partly", "rejected")


class Objection(Base):
    """An objection (keberatan) to the atasan PPID, decided within 30 working days."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint(one_of("ground", GROUNDS), name="ground"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("state", OBJECTION_STATES), name="state"),
        CheckConstraint(one_of("decision", OBJECTION_DECISIONS, True), name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("information_requests.id"), index=True
    )
    # The first of its grounds; `grounds` holds all of them, in order ("ace").
    ground: Mapped[str] = mapped_column(String(1))
    grounds: Mapped[str] = mapped_column(String(7), default="", server_default="")
    reasons: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    # The objector: copied from the request when there is one (personal data).
    name: Mapped[str] = mapped_column(String(200))
    identity_number: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    secret_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    # Frozen at receipt: 30 working days for the atasan PPID's decision.
    due_on: Mapped[date] = mapped_column(Date)
    # The last day the atasan PPID was reminded of it (once a day at most).
    reminded_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_text: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InformationRequest | None] = relationship()
    # The atasan PPID who answered: the tanggapan is signed in their name.
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    disputes: Mapped[list[Dispute]] = relationship(
        back_populates="objection", order_by="Dispute.id"
    )

    @property
    def ground_list(self) -> list[str]:
        """Every Ps. 35(1) ground the objection names (rows from before 0009
        name one, in `ground`)."""
        return list(self.grounds or self.ground)


DISPUTE_STATES = ("filed", "hearing", "decided", "withdrawn")
# Komisi Informasi outcomes: granted in whole or part, refused, settled by
# mediation, or dismissed (gugur / tidak diterima).
DISPUTE_DECISIONS = ("granted", "granted_partly", "refused", "settled", "dismissed")
HEARING_KINDS = ("preliminary", "mediation", "adjudication", "verdict")


class Dispute(Base):
    """A dispute (sengketa informasi) at the Komisi Informasi after an objection."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(one_of("state", DISPUTE_STATES), name="state"),
        CheckConstraint(one_of("decision", DISPUTE_DECISIONS, True), name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id"), index=True)
    register_number: Mapped[str] = mapped_column(String(64), unique=True)
    filed_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="filed")
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_number: Mapped[str] = mapped_column(String(128), default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    # The exempt document the decision opened, when it did.
    opened_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    objection: Mapped[Objection] = relationship(back_populates="disputes")
    hearings: Mapped[list[DisputeHearing]] = relationship(
        back_populates="dispute", order_by="DisputeHearing.held_on"
    )


class DisputeHearing(Base):
    """A hearing (sidang): preliminary, mediation, adjudication or verdict."""

    __tablename__ = "dispute_hearings"
    __table_args__ = (CheckConstraint(one_of("kind", HEARING_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dispute: Mapped[Dispute] = relationship(back_populates="hearings")


class UsedChallenge(Base):
    """The nonce of an answered spam challenge (dms.requests.spam), kept until the
    challenge would have expired anyway: a challenge admits one submission."""

    __tablename__ = "used_challenges"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
