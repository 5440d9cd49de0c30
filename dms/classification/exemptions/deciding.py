"""The atasan PPID's decision: approve (the document becomes dikecualikan, or a
redacted version is published) or reject."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import ATASAN_PPID
from dms.categories import DIKECUALIKAN, SETIAP_SAAT, is_exempt
from dms.classification.exemptions.reading import (
    MAX_TEXT,
    RENEWAL,
    locked_test,
    move_test,
    require_role,
    require_state,
    test_summary,
)
from dms.classification.exemptions.recording import check_end, checked_text
from dms.db import utcnow
from dms.documents import services
from dms.documents.consequence_tests import (
    ACTIVE,
    APPROVED,
    EXEMPT_PART,
    NOT_EXEMPT,
    OPENED,
    RECORDED,
    REJECTED,
    SUPERSEDED,
    ConsequenceTest,
)
from dms.documents.models import Document
from dms.errors import Conflict, InvalidTransition, ValidationError


def approve(
    session: Session,
    *,
    actor,
    test_id: int,
    today: date,
    note: str = "",
    redacted_version: int | None = None,
) -> ConsequenceTest:
    """The atasan PPID approves the recorded test; its decision takes effect now.

    `redacted_version` names the public version the atasan reviewed: if another
    arrived meanwhile, nothing is approved (Conflict).
    """
    require_role(actor, ATASAN_PPID, "menyetujui uji konsekuensi")
    test = locked_test(session, actor, test_id)
    require_state(test, (RECORDED,), "disetujui")
    _check_redacted_version(test, redacted_version)
    session.refresh(test.document, with_for_update=True)
    previous = _exemption_in_force(session, test)
    expires_on = _end_from_approval(test, today)
    # Every field of the record is final before the state says "approved"
    # (see _decided_tests_are_immutable).
    test.decision_note = checked_text("note", note, MAX_TEXT)
    test.decided_by_id = actor.id
    test.decided_at = test.updated_at = utcnow()
    test.supersedes = previous
    _keep_subject(test)
    if test.decision != NOT_EXEMPT:
        test.expires_on = expires_on
        test.exemption_status = ACTIVE
    test.state = APPROVED
    if previous is not None:
        _supersede(session, actor, previous, test, today)
    if test.decision == NOT_EXEMPT:
        if is_exempt(test.document.category):
            open_document(session, actor, test.document, reason=RENEWAL)
    else:
        _close_document(session, actor, test)
    audit.record(session, actor, "test.approve", test, after=test_summary(test))
    return test


def reject(session: Session, *, actor, test_id: int, note: str) -> ConsequenceTest:
    """The atasan PPID refuses the record (with a reason); the document keeps its
    category. A new proposal may follow."""
    require_role(actor, ATASAN_PPID, "menolak uji konsekuensi")
    test = locked_test(session, actor, test_id)
    require_state(test, (RECORDED,), "ditolak")
    test.decision_note = checked_text("note", note, MAX_TEXT)
    if not test.decision_note:
        raise ValidationError("Sebutkan alasan penolakan.", "note")
    test.decided_by_id = actor.id
    test.decided_at = utcnow()
    return move_test(session, actor, test, REJECTED, "test.reject")


def _check_redacted_version(test: ConsequenceTest, reviewed: int | None) -> None:
    if test.decision != EXEMPT_PART:
        return
    redacted = test.redacted_document
    if redacted is None or redacted.current_version == 0:
        raise InvalidTransition(
            "Unggah versi publik (hasil hitam-putih) sebelum menyetujui pengecualian "
            "sebagian."
        )
    if reviewed is not None and reviewed != redacted.current_version:
        raise Conflict(
            f"Versi publik {reviewed} bukan lagi yang terbaru (terbaru: "
            f"{redacted.current_version}); periksa ulang sebelum menyetujui."
        )


def _end_from_approval(test: ConsequenceTest, today: date) -> date | None:
    """The period runs from the approval; refused if it has already ended."""
    if test.decision == NOT_EXEMPT:
        return None
    try:
        end = check_end(today, test.ground_letter, test.period_kind, test.period_value)
    except ValidationError as exc:
        raise InvalidTransition(
            f"{exc.message} Catat ulang jangka waktunya sebelum menyetujui."
        ) from None
    return end


def _keep_subject(test: ConsequenceTest) -> None:
    """The document as it stood when decided, for the penetapan and the DIK."""
    document = test.document
    test.subject_title = document.title
    test.subject_unit = document.dip_unit or document.organisation.name
    test.subject_body = public_body_name(document)


def public_body_name(document: Document) -> str:
    """The public body: the root of the document's organisation tree."""
    organisation = document.organisation
    while organisation.parent is not None:
        organisation = organisation.parent
    return organisation.name


def _exemption_in_force(session, test: ConsequenceTest) -> ConsequenceTest | None:
    """The active exemption of the same document, locked (the expiry job or a
    decision opening it must not race a renewal)."""
    return session.scalar(
        select(ConsequenceTest)
        .where(
            ConsequenceTest.document_id == test.document_id,
            ConsequenceTest.exemption_status == ACTIVE,
            ConsequenceTest.id != test.id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _supersede(
    session, actor, previous: ConsequenceTest, test: ConsequenceTest, today: date
):
    """A renewing test ends the exemption in force; one that finds the document
    not exempt opens it, and the DIK shows the old entry as opened."""
    status = OPENED if test.decision == NOT_EXEMPT else SUPERSEDED
    previous.exemption_status = status
    previous.ended_at = previous.updated_at = utcnow()
    previous.end_authority = RENEWAL
    previous.end_reference = test.number or ""
    # The local day of the decision (`today` comes from the settings' time zone).
    previous.end_decided_on = today
    audit.record(
        session,
        actor,
        f"exemption.{'supersede' if status == SUPERSEDED else 'open'}",
        previous,
        after={"by": test.number, "exemption_status": status},
    )


def _close_document(session, actor, test: ConsequenceTest) -> None:
    document = test.document
    before = document.category
    document.category = DIKECUALIKAN
    document.pinned = False
    document.updated_at = utcnow()
    services.take_off_public_view(session, actor=actor, document=document)
    audit.record(
        session,
        actor,
        "document.classify",
        document,
        before={"category": before},
        after={"category": DIKECUALIKAN, "test": test.number},
    )
    if test.decision == EXEMPT_PART:
        services.publish_by_decision(
            session, actor=actor, document=test.redacted_document
        )


def open_document(session, actor, document: Document, *, reason: str) -> None:
    """The document becomes setiap saat and public (DOMAIN.md §3)."""
    before = {"category": document.category, "status": document.status}
    document.category = SETIAP_SAAT
    document.updated_at = utcnow()
    services.publish_by_decision(session, actor=actor, document=document)
    audit.record(
        session,
        actor,
        "document.open",
        document,
        before=before,
        after={"category": SETIAP_SAAT, "status": document.status, "reason": reason},
    )
