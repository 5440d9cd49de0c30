"""Proposing a test (by a PPID or with an upload) and cancelling a proposal."""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms import audit
from dms.categories import SETIAP_SAAT, is_exempt
from dms.classification.exemptions.reading import (
    MAX_TEXT,
    OPEN_STATES,
    locked_test,
    move_test,
    require_state,
    test_summary,
)
from dms.classification.exemptions.recording import check_ground, checked_text
from dms.db import utcnow
from dms.documents import services
from dms.documents.access import get_changeable
from dms.documents.consequence_tests import (
    CANCELLED,
    PROPOSED,
    ConsequenceTest,
)
from dms.documents.models import Document
from dms.errors import Conflict, ValidationError
from dms.storage import Storage


def propose(
    session: Session,
    *,
    actor,
    document_id: int,
    reason: str,
    ground_letter: str | None = None,
) -> ConsequenceTest:
    """A Pelaksana (its own organisation's documents) or the PPID Utama asks for a
    consequence test; nothing changes for the document until one is approved."""
    document = get_changeable(session, actor, document_id)
    reason = checked_text("proposal_reason", reason, MAX_TEXT)
    if not reason:
        raise ValidationError(
            "Jelaskan informasi apa yang diusulkan dikecualikan dan mengapa.",
            "reason",
        )
    if ground_letter not in (None, ""):
        check_ground(ground_letter)
    if _open_test(session, document.id) is not None:
        raise Conflict(
            "Dokumen ini sudah memiliki uji konsekuensi yang belum diputuskan."
        )
    test = ConsequenceTest(
        document=document,
        state=PROPOSED,
        category_before=document.category,
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
        proposal_reason=reason,
        ground_letter=ground_letter or None,
        participants=[],
    )
    session.add(test)
    audit.record(session, actor, "test.propose", test, after=test_summary(test))
    return test


def upload_document(
    session: Session,
    storage: Storage,
    *,
    actor,
    fileobj: BinaryIO,
    filename: str,
    fields: services.NewDocument,
    max_size: int,
    propose_exemption: str = "",
) -> tuple[Document, ConsequenceTest | None]:
    """An officer's upload (the API and the workspace). With a reason in
    `propose_exemption`, the document is believed exempt: it stays a draft,
    closed to the public, with the exemption proposed in the same step."""
    if not propose_exemption:
        document = services.create_document(
            session,
            storage,
            actor=actor,
            fileobj=fileobj,
            filename=filename,
            fields=fields,
            max_size=max_size,
        )
        return document, None
    category = SETIAP_SAAT if is_exempt(fields.category) else fields.category
    fields = replace(fields, publish=False, category=category)
    document = services.create_document(
        session,
        storage,
        actor=actor,
        fileobj=fileobj,
        filename=filename,
        fields=fields,
        max_size=max_size,
    )
    test = propose(
        session, actor=actor, document_id=document.id, reason=propose_exemption
    )
    return document, test


def _open_test(session: Session, document_id: int) -> ConsequenceTest | None:
    return session.scalar(
        select(ConsequenceTest).where(
            ConsequenceTest.document_id == document_id,
            ConsequenceTest.state.in_(OPEN_STATES),
        )
    )


def cancel(session: Session, *, actor, test_id: int) -> ConsequenceTest:
    """Withdraw a proposal not yet decided (its proposer's organisation or Utama)."""
    test = locked_test(session, actor, test_id)
    get_changeable(session, actor, test.document_id)
    require_state(test, OPEN_STATES, "dibatalkan")
    return move_test(session, actor, test, CANCELLED, "test.cancel")
