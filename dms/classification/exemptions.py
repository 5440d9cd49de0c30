"""The exemption workflow (DOMAIN.md §3): propose, record, decide, expire, open.

A document becomes `dikecualikan` only here, when the atasan PPID approves a
consequence test the PPID Utama recorded. Decided tests never change; a renewal
is a new test that supersedes the old one. At the end of its period an exemption
lapses by law: the expiry job opens the document, whatever drafts are waiting.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, BinaryIO, Protocol

from sqlalchemy import event, false, inspect, select, true
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.categories import BERKALA, DIKECUALIKAN, SETIAP_SAAT, is_exempt
from dms.classification.rules import add_months
from dms.db import utcnow
from dms.documents import services
from dms.documents.access import get_changeable, sees_unpublished
from dms.documents.consequence_tests import (
    ACTIVE,
    APPROVED,
    CANCELLED,
    DECISIONS,
    EXEMPT_PART,
    EXPIRED,
    GROUNDS,
    INDEFINITE_GROUNDS,
    NOT_EXEMPT,
    OPEN_TEST_STATES,
    OPENED,
    PERIOD_DATE,
    PERIOD_DURATION,
    PERIOD_EVENT,
    PERIOD_INDEFINITE,
    PERIOD_KINDS,
    PROPOSED,
    RECORDED,
    REJECTED,
    SUPERSEDED,
    ConsequenceTest,
)
from dms.documents.models import Document
from dms.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError
from dms.storage import Storage

log = logging.getLogger(__name__)

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


class Calendar(Protocol):
    """The working-day calendar the expiry warning counts on."""

    def subtract(self, end: date, days: int) -> date: ...


# --- reading -----------------------------------------------------------------


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


# --- proposing ---------------------------------------------------------------


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
    reason = _text("proposal_reason", reason, MAX_TEXT)
    if not reason:
        raise ValidationError(
            "Jelaskan informasi apa yang diusulkan dikecualikan dan mengapa.",
            "reason",
        )
    if ground_letter not in (None, ""):
        _check_ground(ground_letter)
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
    audit.record(session, actor, "test.propose", test, after=_summary(test))
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
    test = _locked(session, actor, test_id)
    get_changeable(session, actor, test.document_id)
    _require_state(test, OPEN_STATES, "dibatalkan")
    return _move(session, actor, test, CANCELLED, "test.cancel")


# --- recording ---------------------------------------------------------------


def record(
    session: Session, *, actor, test_id: int, fields: dict[str, Any], today: date
) -> ConsequenceTest:
    """The PPID Utama writes the lembar pengujian konsekuensi; it may be corrected
    until the atasan PPID decides. The number is issued on the first record."""
    _require_role(actor, PPID_UTAMA, "mencatat uji konsekuensi")
    test = _locked(session, actor, test_id)
    _require_state(test, OPEN_STATES, "dicatat")
    values = validated_record(fields, today)
    before = _record_snapshot(test) if test.state == RECORDED else None
    for name, value in values.items():
        setattr(test, name, value)
    if test.number is None:
        test.number = _issue_number(session, values["test_date"].year)
    test.state = RECORDED
    test.recorded_by_id = actor.id
    test.recorded_at = test.updated_at = utcnow()
    if test.decision != EXEMPT_PART:
        test.redacted_document_id = None
    audit.record(
        session, actor, "test.record", test, before=before, after=_record_snapshot(test)
    )
    return test


def _issue_number(session: Session, year: int) -> str:
    from dms.numbering import next_number

    return f"UK-{year}-{next_number(session, NUMBER_SERIES, year):04d}"


def validated_record(fields: dict[str, Any], today: date) -> dict[str, Any]:
    """The record's values, checked; ValidationError names the first bad field."""
    unknown = sorted(set(fields) - set(RECORD_FIELDS))
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(unknown)}.")
    values = {
        name: _text(name, fields.get(name), limit)
        for name, limit in RECORD_TEXTS.items()
    }
    values["test_date"] = _test_date(fields.get("test_date"), today)
    values["decision"] = _choice("decision", fields.get("decision"), DECISIONS)
    values["participants"] = _participants(fields.get("participants"))
    for name in ("place", "specific_information", "source_documents"):
        _required(values, name)
    _required(values, "consequence_if_opened")
    _required(values, "consequence_if_closed")
    exempt = values["decision"] != NOT_EXEMPT
    values["ground_letter"] = _ground(fields.get("ground_letter"), required=exempt)
    _check_ground_details(values)
    kind, value = _period(fields.get("period"), required=exempt)
    values["period_kind"], values["period_value"] = kind, value
    if exempt:
        _check_period(values)
    return values


def _test_date(value: Any, today: date) -> date:
    """A test is recorded after it took place, and not years later."""
    day = _date("test_date", value)
    if not add_months(today, -12 * MAX_RECORD_AGE_YEARS) <= day <= today:
        raise ValidationError(
            "Tanggal pengujian tidak boleh di masa depan atau lebih dari "
            f"{MAX_RECORD_AGE_YEARS} tahun yang lalu.",
            "test_date",
        )
    return day


def _required(values: dict[str, Any], name: str) -> None:
    if not values.get(name):
        raise ValidationError(f"Kolom {name} wajib diisi.", name)


def _text(name: str, value: Any, limit: int) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"Kolom {name} harus berupa teks.", name)
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(f"Kolom {name} berisi karakter NUL.", name)
    if len(text) > limit:
        raise ValidationError(f"Kolom {name} melebihi {limit} karakter.", name)
    return text


def _date(name: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip() if isinstance(value, str) else "")
    except ValueError:
        raise ValidationError(
            f"Kolom {name} wajib berupa tanggal (YYYY-MM-DD).", name
        ) from None


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError(
            f"Kolom {name} wajib salah satu dari: {', '.join(choices)}.", name
        )
    return value


def _participants(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError(
            "Sebutkan peserta pengujian (daftar nama dan jabatan).", "participants"
        )
    names = [_text("participants", item, 255) for item in value]
    if not all(names) or len(names) > 100:
        raise ValidationError("Nama peserta tidak boleh kosong.", "participants")
    return names


def _ground(value: Any, *, required: bool) -> str | None:
    if value in (None, "") and not required:
        return None
    _check_ground(value)
    return value


def _check_ground(value: Any) -> None:
    if value not in GROUNDS:
        raise ValidationError(
            "Dasar pengecualian wajib huruf a-j dari UU 14/2008 Pasal 17.",
            "ground_letter",
        )


def _check_ground_details(values: dict[str, Any]) -> None:
    letter = values["ground_letter"]
    if letter in ("a", "h") and not values["ground_subitem"]:
        raise ValidationError(
            f"Pasal 17 huruf {letter} memerlukan angka/butirnya (ground_subitem).",
            "ground_subitem",
        )
    if letter == "j" and not values["other_statute"]:
        raise ValidationError(
            "Pasal 17 huruf j: sebutkan undang-undang yang melarang (other_statute).",
            "other_statute",
        )


DURATION = re.compile(r"^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?$")


def _period(value: Any, *, required: bool) -> tuple[str | None, str]:
    if value in (None, {}) and not required:
        return None, ""
    if not isinstance(value, dict):
        raise ValidationError(
            "Jangka waktu pengecualian wajib berupa {kind, value}: kind salah satu "
            f"dari {', '.join(PERIOD_KINDS)}.",
            "period",
        )
    kind = _choice("period", value.get("kind"), PERIOD_KINDS)
    raw = _text("period", value.get("value"), 255)
    if kind == PERIOD_DATE:
        raw = _date("period", raw).isoformat()
    elif kind == PERIOD_DURATION and not _duration_months(raw):
        raise ValidationError(
            "Lama pengecualian ditulis ISO 8601, misalnya P5Y (5 tahun) atau "
            "P18M (18 bulan).",
            "period",
        )
    elif kind == PERIOD_EVENT and not raw:
        raise ValidationError(
            "Sebutkan peristiwa yang mengakhiri pengecualian.", "period"
        )
    elif kind == PERIOD_INDEFINITE:
        raw = ""
    return kind, raw


def _duration_months(value: str) -> int:
    match = DURATION.match(value or "")
    if not match or not any(match.groups()):
        return 0
    years, months = (int(part or 0) for part in match.groups())
    return years * 12 + months


def _check_period(values: dict[str, Any]) -> None:
    letter, kind = values["ground_letter"], values["period_kind"]
    if kind == PERIOD_INDEFINITE and letter not in INDEFINITE_GROUNDS:
        raise ValidationError(
            "Pengecualian tanpa batas waktu hanya untuk Pasal 17 huruf g-j.", "period"
        )
    _check_end(values["test_date"], letter, kind, values["period_value"])


def _check_end(start: date, letter: str, kind: str, value: str) -> date | None:
    """The end of a period that starts on `start`, checked against the law's
    limits; ValidationError (field "period") when it is not acceptable."""
    end = _period_end(kind, value, start, letter)
    if end is None:
        return None
    if end <= start:
        raise ValidationError(
            "Jangka waktu pengecualian harus berakhir setelah tanggal pengujian "
            "dan persetujuannya.",
            "period",
        )
    limit = add_months(start, MAX_LIMITED_YEARS * 12)
    if letter not in INDEFINITE_GROUNDS and end > limit:
        raise ValidationError(
            f"Pengecualian Pasal 17 huruf {letter} paling lama "
            f"{MAX_LIMITED_YEARS} tahun.",
            "period",
        )
    if end > LAST_END:
        raise ValidationError(
            "Jangka waktu pengecualian berakhir paling lambat tahun 2100; untuk "
            "huruf g-j gunakan 'tanpa batas waktu'.",
            "period",
        )
    return end


def _period_end(kind: str | None, value: str, start: date, letter: str) -> date | None:
    """The day the exemption ends (the document opens that day), if it has one.
    An event ends a limited ground's exemption at the latest after 30 years."""
    try:
        if kind == PERIOD_DATE:
            return date.fromisoformat(value)
        if kind == PERIOD_DURATION:
            return add_months(start, _duration_months(value))
        if kind == PERIOD_EVENT and letter not in INDEFINITE_GROUNDS:
            return add_months(start, MAX_LIMITED_YEARS * 12)
    except (ValueError, OverflowError):
        raise ValidationError(
            "Jangka waktu pengecualian di luar rentang tanggal.", "period"
        ) from None
    return None


def attach_redacted_version(
    session: Session,
    storage: Storage,
    *,
    actor,
    test_id: int,
    fileobj: BinaryIO,
    filename: str,
    max_size: int,
    title: str = "",
    summary: str = "",
) -> Document:
    """The redacted public version of a partly exempt document (Ps. 22(7)e): a
    document of its own, linked to the original, published when the test is
    approved. A second upload becomes its next version."""
    _require_role(actor, PPID_UTAMA, "mengunggah versi publik (hasil hitam-putih)")
    test = _locked(session, actor, test_id)
    _require_state(test, (RECORDED,), "diberi versi publik")
    if test.decision != EXEMPT_PART:
        raise InvalidTransition(
            "Versi publik hanya untuk putusan 'dikecualikan sebagian' (exempt_part)."
        )
    if test.redacted_document is not None:
        services.append_version(
            session,
            storage,
            actor=actor,
            document=test.redacted_document,
            fileobj=fileobj,
            filename=filename,
            note="Versi publik diperbarui",
            max_size=max_size,
        )
        return test.redacted_document
    redacted = _new_redacted_document(
        session, storage, actor, test, fileobj, filename, max_size, title, summary
    )
    test.redacted_document = redacted
    test.updated_at = utcnow()
    audit.record(
        session, actor, "test.attach_redacted", test, after={"document": redacted.id}
    )
    return redacted


def _new_redacted_document(
    session, storage, actor, test, fileobj, filename, max_size, title, summary
) -> Document:
    original = test.document
    category = test.category_before
    if category not in (BERKALA, SETIAP_SAAT):
        # Never serta merta (which publishes without review) nor exempt.
        category = SETIAP_SAAT
    fields = services.NewDocument(
        title=title.strip() or f"{original.title} (versi publik)",
        category=category,
        org_slug=original.organisation.slug,
        year=original.year,
        summary=summary,
        info_type=original.info_type,
        dip={name: getattr(original, name) for name in services.DIP_FIELDS},
        publish=False,
    )
    redacted = services.create_document(
        session,
        storage,
        actor=actor,
        fileobj=fileobj,
        filename=filename,
        fields=fields,
        max_size=max_size,
    )
    redacted.redacted_from_id = original.id
    return redacted


# --- deciding ----------------------------------------------------------------


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
    _require_role(actor, ATASAN_PPID, "menyetujui uji konsekuensi")
    test = _locked(session, actor, test_id)
    _require_state(test, (RECORDED,), "disetujui")
    _check_redacted_version(test, redacted_version)
    session.refresh(test.document, with_for_update=True)
    previous = _exemption_in_force(session, test)
    expires_on = _end_from_approval(test, today)
    # Every field of the record is final before the state says "approved"
    # (see _decided_tests_are_immutable).
    test.decision_note = _text("note", note, MAX_TEXT)
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
            _open_document(session, actor, test.document, reason=RENEWAL)
    else:
        _close_document(session, actor, test)
    audit.record(session, actor, "test.approve", test, after=_summary(test))
    return test


def reject(session: Session, *, actor, test_id: int, note: str) -> ConsequenceTest:
    """The atasan PPID refuses the record (with a reason); the document keeps its
    category. A new proposal may follow."""
    _require_role(actor, ATASAN_PPID, "menolak uji konsekuensi")
    test = _locked(session, actor, test_id)
    _require_state(test, (RECORDED,), "ditolak")
    test.decision_note = _text("note", note, MAX_TEXT)
    if not test.decision_note:
        raise ValidationError("Sebutkan alasan penolakan.", "note")
    test.decided_by_id = actor.id
    test.decided_at = utcnow()
    return _move(session, actor, test, REJECTED, "test.reject")


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
        end = _check_end(today, test.ground_letter, test.period_kind, test.period_value)
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


def _open_document(session, actor, document: Document, *, reason: str) -> None:
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


# --- the end of an exemption -------------------------------------------------


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
    test = _locked(session, actor, test_id)
    if test.exemption_status != ACTIVE:
        raise InvalidTransition("Pengecualian ini tidak sedang berlaku.")
    authority = _choice("authority", authority, OPENING_AUTHORITIES)
    reference = _text("reference", reference, 255)
    if not reference:
        raise ValidationError(
            "Sebutkan nomor putusan (atau peristiwa yang terjadi).", "reference"
        )
    test.end_decided_on = _date("decided_on", decided_on)
    test.end_note = _text("note", note, MAX_TEXT)
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
    _open_document(session, actor, test.document, reason=authority)


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


# --- helpers -----------------------------------------------------------------


def _locked(session: Session, actor, test_id: int) -> ConsequenceTest:
    test = get_test(session, actor=actor, test_id=test_id)
    session.refresh(test, with_for_update=True)
    return test


def _require_role(actor, role: str, what: str) -> None:
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


def _require_state(test: ConsequenceTest, states: tuple[str, ...], verb: str) -> None:
    if test.state not in states:
        label = STATE_LABELS[test.state]
        raise InvalidTransition(
            f"Uji konsekuensi berstatus '{label}' tidak dapat {verb}."
        )


def _move(session, actor, test: ConsequenceTest, state: str, action: str):
    before = test.state
    test.state = state
    test.updated_at = utcnow()
    audit.record(
        session, actor, action, test, before={"state": before}, after={"state": state}
    )
    return test


def _summary(test: ConsequenceTest) -> dict[str, Any]:
    return {
        "state": test.state,
        "document": test.document_id,
        "number": test.number,
        "decision": test.decision,
        "exemption_status": test.exemption_status,
        "expires_on": test.expires_on.isoformat() if test.expires_on else None,
    }


def _record_snapshot(test: ConsequenceTest) -> dict[str, Any]:
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
