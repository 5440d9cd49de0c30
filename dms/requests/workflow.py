"""The request workflow after receipt (DOMAIN.md §4): disposition to OPD, one
extension, the answer with its outcome, closing, and the due-soon/overdue flags.

Who handles a request: the PPID Utama (every request) and the PPID Pelaksana of
an organisation it was disposed to. Only they see the requester's identity,
contacts and files; the atasan PPID sees requests that have an objection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.db import utcnow
from dms.documents.access import PUBLIC_CLAUSE, sees_unpublished
from dms.documents.consequence_tests import ACTIVE, APPROVED, ConsequenceTest
from dms.documents.models import Document
from dms.documents.uploads import store_file
from dms.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from dms.requests import notify
from dms.requests.models import (
    ANSWERED,
    CLOSED,
    DISPOSED,
    EXTENDED,
    OPEN_STATES,
    OUTCOMES,
    SUBMITTED,
    InformationRequest,
    Objection,
    RequestAttachment,
    RequestDisposition,
    RequestDocument,
)
from dms.requests.service import (
    NUMBER_PATTERN,
    STATE_LABELS,
    RequestUpload,
    plain_filename,
)
from dms.workdays import WorkingCalendar, working_calendar

MAX_EXTENSION_DAYS = 7  # UU KIP Ps. 22(8)
MIN_REASON = 10
MAX_TEXT = 10_000
MAX_LINKED = 50
MAX_ATTACHMENTS = 10
MAX_AMOUNT = 1_000_000_000  # rupiah; far above any fee a PPID charges
MAX_ID = 2**31 - 1
INTEGER = re.compile(r"-?[0-9]{1,12}")
DUE_SOON_DAYS = 2  # working days left at which a request is flagged "due soon"

OUTCOME_LABELS = {
    "granted": "dikabulkan seluruhnya",
    "granted_partly": "dikabulkan sebagian",
    **{
        f"refused_exempt_{x}": f"ditolak — dikecualikan, Pasal 17 huruf {x}"
        for x in "abcdefghij"
    },
    "not_held": "tidak dikuasai",
    "not_documented": "belum didokumentasikan",
    "not_public_information": "bukan permohonan informasi publik",
}
GRANTED_PARTLY = "granted_partly"
GRANTED = ("granted", GRANTED_PARTLY)


# --- who handles what -----------------------------------------------------------------


def handles(actor, found: InformationRequest) -> bool:
    """Whether `actor` handles the request (and so sees the personal data)."""
    if actor is None or not getattr(actor, "is_active", False):
        return False
    if actor.role == PPID_UTAMA:
        return True
    if actor.role == PPID_PELAKSANA and actor.organisation_id is not None:
        return any(
            d.organisation_id == actor.organisation_id for d in found.dispositions
        )
    return False


def may_read(actor, found: InformationRequest, session: Session) -> bool:
    """Handlers, and the atasan PPID once the request has an objection."""
    if handles(actor, found):
        return True
    if actor is not None and actor.is_active and actor.role == ATASAN_PPID:
        return bool(
            session.scalar(select(exists().where(Objection.request_id == found.id)))
        )
    return False


def visible_requests_clause(actor):
    """The requests `actor` may list, as a WHERE clause."""
    if actor is None or not actor.is_active:
        return InformationRequest.id.is_(None)
    if actor.role == PPID_UTAMA:
        return InformationRequest.id.is_not(None)
    if actor.role == PPID_PELAKSANA and actor.organisation_id is not None:
        return InformationRequest.id.in_(
            select(RequestDisposition.request_id).where(
                RequestDisposition.organisation_id == actor.organisation_id
            )
        )
    if actor.role == ATASAN_PPID:
        return InformationRequest.id.in_(
            select(Objection.request_id).where(Objection.request_id.is_not(None))
        )
    return InformationRequest.id.is_(None)


def get_request(
    session: Session, *, actor, number: str, for_update: bool = False
) -> InformationRequest:
    """The request by number, for an officer who may read it; NotFound otherwise
    (the same answer whether it does not exist or is someone else's)."""
    number = number.strip().upper() if isinstance(number, str) else ""
    if not NUMBER_PATTERN.fullmatch(number):
        raise NotFound("Permohonan tidak ditemukan.")
    query = select(InformationRequest).where(InformationRequest.number == number)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None or not may_read(actor, found, session):
        raise NotFound("Permohonan tidak ditemukan.")
    return found


@dataclass(frozen=True)
class RequestFilter:
    state: str | None = None
    flag: str | None = None  # "overdue" or "due_soon"
    organisation_id: int | None = None
    year: int | None = None


def list_requests(
    session: Session,
    *,
    actor,
    calendar: WorkingCalendar,
    today: date,
    filters: RequestFilter = RequestFilter(),
    limit: int = 200,
) -> list[InformationRequest]:
    """The requests the actor may see, newest first, with the filters applied."""
    query: Select = select(InformationRequest).where(visible_requests_clause(actor))
    if filters.state:
        query = query.where(InformationRequest.state == filters.state)
    if filters.year:
        query = query.where(InformationRequest.year == filters.year)
    if filters.organisation_id:
        query = query.where(
            InformationRequest.id.in_(
                select(RequestDisposition.request_id).where(
                    RequestDisposition.organisation_id == filters.organisation_id
                )
            )
        )
    if filters.flag in ("overdue", "due_soon"):
        query = query.where(InformationRequest.state.in_(OPEN_STATES))
    found = session.scalars(
        query.order_by(InformationRequest.received_at.desc()).limit(limit)
    ).all()
    if filters.flag:
        found = [r for r in found if filters.flag in flags(r, calendar, today)]
    return list(found)


def flags(found: InformationRequest, calendar: WorkingCalendar, today: date) -> set:
    """'overdue' when open past its deadline; 'due_soon' within two working days;
    'answered_late' when the answer came after the deadline."""
    answered = found.answered_at
    return deadline_flags(
        found.effective_due_on,
        is_open=found.state in OPEN_STATES,
        answered_on=calendar.received_on(answered) if answered else None,
        calendar=calendar,
        today=today,
    )


def deadline_flags(
    due: date,
    *,
    is_open: bool,
    answered_on: date | None,
    calendar: WorkingCalendar,
    today: date,
) -> set:
    """The flags of anything answered by a deadline (requests, objections)."""
    if is_open and today > due:
        return {"overdue"}
    if is_open:
        return {"due_soon"} if calendar.count(today, due) <= DUE_SOON_DAYS else set()
    if answered_on is not None and answered_on > due:
        return {"answered_late"}
    return set()


# --- disposition ----------------------------------------------------------------------


def dispose(
    session: Session,
    *,
    actor,
    number: str,
    organisations: Sequence[str],
    subject: str = "",
    note: str = "",
    now: datetime | None = None,
) -> InformationRequest:
    """The PPID Utama passes the request on to one or more OPD (by slug)."""
    now = now or utcnow()
    _require(actor, (PPID_UTAMA,), "Hanya PPID Utama yang dapat mendisposisikan.")
    found = get_request(session, actor=actor, number=number, for_update=True)
    _require_state(found, OPEN_STATES, "didisposisikan")
    if not isinstance(organisations, list | tuple) or not all(
        isinstance(slug, str) and "\x00" not in slug and len(slug) <= 64
        for slug in organisations
    ):
        raise ValidationError(
            "OPD tujuan disposisi ditulis sebagai daftar slug OPD.", "organisations"
        )
    slugs = list(dict.fromkeys(organisations))
    if not slugs:
        raise ValidationError(
            "Pilih paling sedikit satu OPD tujuan disposisi.", "organisations"
        )
    targets = session.scalars(
        select(Organisation).where(Organisation.slug.in_(slugs))
    ).all()
    unknown = sorted(set(slugs) - {o.slug for o in targets})
    if unknown:
        raise ValidationError(
            f"OPD tidak dikenal: {', '.join(u[:64] for u in unknown)}.",
            "organisations",
        )
    already = {d.organisation_id for d in found.dispositions}
    new = sorted(
        (o for o in targets if o.id not in already), key=lambda o: slugs.index(o.slug)
    )
    if not new:
        raise InvalidTransition("Permohonan sudah didisposisikan ke OPD tersebut.")
    note = _text(note, "note", "Catatan disposisi", 2000)
    subject = _text(subject, "subject", "Ringkasan permohonan", 200)
    if subject:
        found.subject = subject
    elif not found.subject:
        raise ValidationError(
            "Tulis ringkasan singkat permohonan untuk daftar permohonan publik "
            "(tanpa data pribadi pemohon).",
            "subject",
        )
    before = {"state": found.state, "organisations": _org_slugs(found)}
    for organisation in new:
        found.dispositions.append(
            RequestDisposition(
                organisation_id=organisation.id,
                organisation=organisation,
                note=note,
                disposed_at=now,
                disposed_by_id=actor.id,
            )
        )
    if found.state == SUBMITTED:
        found.state = DISPOSED
    found.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "request.dispose",
        found,
        before=before,
        after={"state": found.state, "organisations": _org_slugs(found)},
    )
    notify.disposed(session, found, new)
    return found


def _org_slugs(found: InformationRequest) -> list[str]:
    return [d.organisation.slug for d in found.dispositions if d.organisation]


# --- extension ------------------------------------------------------------------------


def extend(
    session: Session,
    *,
    actor,
    number: str,
    days: Any,
    reason: str,
    calendar: WorkingCalendar,
    today: date,
    now: datetime | None = None,
) -> InformationRequest:
    """One extension of at most 7 working days, before the first deadline, with a
    written reason (UU KIP Ps. 22(8))."""
    found = _handled(session, actor, number)
    if found.extended_days is not None:
        raise InvalidTransition("Permohonan hanya dapat diperpanjang satu kali.")
    _require_state(found, (SUBMITTED, DISPOSED), "diperpanjang")
    if today > found.due_on:
        raise InvalidTransition(
            "Perpanjangan hanya dapat diberikan sebelum batas waktu pertama "
            f"({found.due_on.isoformat()}) terlewati."
        )
    days = _int(days, "days", "Lama perpanjangan")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(
            f"Perpanjangan paling lama {MAX_EXTENSION_DAYS} hari kerja.", "days"
        )
    reason = _text(reason, "reason", "Alasan perpanjangan", 2000)
    if len(reason) < MIN_REASON:
        raise ValidationError(
            "Tuliskan alasan perpanjangan secara tertulis (paling sedikit "
            f"{MIN_REASON} karakter).",
            "reason",
        )
    before = {"state": found.state, "due_on": found.due_on.isoformat()}
    found.extended_days = days
    found.extension_reason = reason
    found.extended_due_on = calendar.add(found.due_on, days)
    found.extended_at = found.updated_at = now or utcnow()
    found.state = EXTENDED
    audit.record(
        session,
        actor,
        "request.extend",
        found,
        before=before,
        after={
            "state": EXTENDED,
            "days": days,
            "extended_due_on": found.extended_due_on.isoformat(),
        },
    )
    notify.extended(session, found)
    return found


# --- the answer -----------------------------------------------------------------------


def answer(
    session: Session,
    storage,
    *,
    actor,
    number: str,
    outcome: str,
    answer_text: str = "",
    documents: Iterable[Any] = (),
    attachments: Sequence[RequestUpload] = (),
    consequence_test: Any = None,
    holder_name: str = "",
    cost: Any = 0,
    max_attachment_bytes: int,
    now: datetime | None = None,
) -> InformationRequest:
    """Answer with an outcome (DOMAIN.md §4): link published documents, attach
    files, or explain; a refusal as exempt names its approved consequence test."""
    now = now or utcnow()
    found = _handled(session, actor, number)
    _require_state(found, OPEN_STATES, "dijawab")
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        raise ValidationError(
            "Pilih hasil jawaban: " + ", ".join(OUTCOMES) + ".", "outcome"
        )
    text = _text(answer_text, "answer_text", "Isi jawaban", MAX_TEXT)
    linked = _public_documents(session, documents)
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            f"Paling banyak {MAX_ATTACHMENTS} lampiran.", "attachments"
        )
    test = _refusal_test(session, actor, outcome, consequence_test)
    if outcome in GRANTED and not (linked or attachments or text):
        raise ValidationError(
            "Jawaban yang mengabulkan harus menautkan dokumen, melampirkan berkas "
            "atau menuliskan informasinya.",
            "documents",
        )
    if outcome not in GRANTED and not text and test is None:
        raise ValidationError(
            "Tuliskan alasan jawaban ini untuk pemohon.", "answer_text"
        )
    cost = _int(cost, "cost", "Biaya")  # bounded: the column is 32-bit
    if cost < 0:
        raise ValidationError("Biaya tidak boleh negatif.", "cost")
    holder = _text(holder_name, "holder_name", "Badan publik yang menguasai", 255)
    stored = [
        _attachment(session, storage, upload, max_attachment_bytes, actor, now)
        for upload in attachments
    ]
    before = {"state": found.state}
    found.outcome = outcome
    found.answer_text = text
    found.holder_name = holder if outcome == "not_held" else ""
    found.consequence_test_id = test.id if test else None
    found.cost = cost
    found.answered_at = found.updated_at = now
    found.answered_by_id = actor.id
    found.state = ANSWERED
    for document in linked:
        found.linked_documents.append(
            RequestDocument(
                document_id=document.id, linked_at=now, linked_by_id=actor.id
            )
        )
    found.attachments.extend(stored)
    session.flush()
    audit.record(
        session,
        actor,
        "request.answer",
        found,
        before=before,
        after={
            "state": ANSWERED,
            "outcome": outcome,
            "documents": [d.id for d in linked],
            "attachments": [a.filename for a in stored],
            "consequence_test": test.number if test else None,
        },
    )
    notify.answered(session, found)
    return found


MAX_FOUND_TO_LINK = 20


def documents_to_link(session: Session, words: str) -> list[Document]:
    """Published public documents whose title holds every word given (any case),
    newest first, at most MAX_FOUND_TO_LINK: what an answer may link. Nothing for
    no words; nothing closed or unpublished is ever found."""
    terms = [w for w in (words or "").split() if w][:8]
    if not terms:
        return []
    query = select(Document).where(PUBLIC_CLAUSE)
    for term in terms:
        escaped = (
            term[:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        query = query.where(Document.title.ilike(f"%{escaped}%", escape="\\"))
    query = query.order_by(Document.published_at.desc(), Document.id.desc())
    return list(session.scalars(query.limit(MAX_FOUND_TO_LINK)))


def _public_documents(session: Session, documents: Iterable[Any]) -> list[Document]:
    ids = []
    for value in documents or ():
        document_id = parse_id(value, "documents", "Dokumen")
        if document_id is None:
            raise ValidationError(
                "Dokumen ditautkan dengan nomor (ID) dokumen.", "documents"
            )
        ids.append(document_id)
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LINKED:
        raise ValidationError(
            f"Paling banyak {MAX_LINKED} dokumen ditautkan.", "documents"
        )
    if not ids:
        return []
    found = session.scalars(
        select(Document).where(Document.id.in_(ids), PUBLIC_CLAUSE)
    ).all()
    missing = sorted(set(ids) - {d.id for d in found})
    if missing:
        # The same message for a missing and a closed document: nothing leaks.
        raise ValidationError(
            "Hanya dokumen yang sudah terbit untuk publik yang dapat ditautkan; "
            f"tidak dapat ditautkan: {', '.join(map(str, missing))}.",
            "documents",
        )
    return sorted(found, key=lambda d: ids.index(d.id))


def _refusal_test(session: Session, actor, outcome: str, value: Any):
    """The approved consequence test behind a refusal as exempt, or behind the
    withheld part of a partial grant (its notice states the Ps. 17 basis); None
    for other outcomes. Only a test whose document the officer may see in full
    is found; any other is 'not found' with the same message."""
    partly = outcome == GRANTED_PARTLY
    if not (partly or outcome.startswith("refused_exempt_")):
        return None
    if value in (None, ""):
        raise ValidationError(
            "Pengabulan sebagian harus merujuk lembar uji konsekuensi yang telah "
            "disetujui untuk bagian yang dikecualikan (Pasal 17)."
            if partly
            else "Penolakan karena dikecualikan harus merujuk lembar uji "
            "konsekuensi yang telah disetujui.",
            "consequence_test",
        )
    test = find_test(session, value, "consequence_test")
    if (
        test is None
        or test.state != APPROVED
        or test.exemption_status != ACTIVE
        or not sees_unpublished(actor, test.document)
    ):
        raise ValidationError(TEST_NOT_FOUND, "consequence_test")
    letter = outcome[-1]
    if not partly and test.ground_letter != letter:
        raise ValidationError(
            f"Uji konsekuensi {test.number} berdasar Pasal 17 huruf "
            f"{test.ground_letter}, bukan huruf {letter}.",
            "consequence_test",
        )
    return test


TEST_NOT_FOUND = "Uji konsekuensi tidak ditemukan atau pengecualiannya tidak berlaku."


def find_test(session: Session, value: Any, field: str) -> ConsequenceTest | None:
    """A consequence test by id or by number (UK-2026-0001); None if none."""
    test_id = parse_id(value, field, "Uji konsekuensi")
    if test_id is not None:
        return session.get(ConsequenceTest, test_id)
    number = plain_text(value, field, "Nomor uji konsekuensi", 40)
    return session.scalar(
        select(ConsequenceTest).where(ConsequenceTest.number == number)
    )


def _attachment(session, storage, upload, max_size, actor, now) -> RequestAttachment:
    try:
        stored = store_file(session, storage, upload.stream, max_size=max_size)
    except Exception as exc:
        if hasattr(exc, "field"):
            exc.field = "attachments"
        raise
    return RequestAttachment(
        blob_sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        filename=plain_filename(upload.filename),
        uploaded_by_id=actor.id,
        created_at=now,
    )


def close(
    session: Session, *, actor, number: str, now: datetime | None = None
) -> InformationRequest:
    """Close an answered request (the information was handed over)."""
    found = _handled(session, actor, number)
    _require_state(found, (ANSWERED,), "ditutup")
    found.state = CLOSED
    found.closed_at = found.updated_at = now or utcnow()
    audit.record(
        session,
        actor,
        "request.close",
        found,
        before={"state": ANSWERED},
        after={"state": CLOSED},
    )
    return found


# --- reminders ------------------------------------------------------------------------


@dataclass
class ReminderReport:
    reminded: list[str]
    # Objections the atasan PPID was reminded of (dms.requests.objections).
    objections: list[str] = field(default_factory=list)


def remind(
    session: Session, *, calendar: WorkingCalendar, today: date
) -> ReminderReport:
    """Email the handling officers of every open request due soon or overdue,
    once a day."""
    report = ReminderReport([])
    open_requests = session.scalars(
        select(InformationRequest)
        .where(
            InformationRequest.state.in_(OPEN_STATES),
            or_(
                InformationRequest.reminded_on.is_(None),
                InformationRequest.reminded_on < today,
            ),
        )
        .order_by(InformationRequest.id)
    ).all()
    for found in open_requests:
        state = flags(found, calendar, today)
        if not state:
            continue
        if notify.reminder(session, found, overdue="overdue" in state, today=today):
            report.reminded.append(found.number)
        found.reminded_on = today
    return report


def remind_requests(archive, today: date | None = None) -> ReminderReport:
    """The daily job: reminders of requests and objections in one transaction."""
    from dms.requests.objections import remind_objections

    today = today or archive.settings.local_today()
    with archive.transaction() as session:
        calendar = working_calendar(session, archive.settings)
        report = remind(session, calendar=calendar, today=today)
        report.objections = remind_objections(session, calendar=calendar, today=today)
        return report


# --- helpers --------------------------------------------------------------------------


def _handled(session: Session, actor, number: str) -> InformationRequest:
    found = get_request(session, actor=actor, number=number, for_update=True)
    if not handles(actor, found):
        raise Forbidden(
            "Hanya PPID Utama atau PPID Pelaksana OPD tujuan disposisi yang dapat "
            "menangani permohonan ini."
        )
    return found


def _require(actor, roles: tuple[str, ...], message: str) -> None:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise Forbidden(message)


def _require_state(found: InformationRequest, states, verb: str) -> None:
    if found.state not in states:
        raise InvalidTransition(
            f"Permohonan berstatus {STATE_LABELS[found.state]} tidak dapat {verb}."
        )


def _text(value: Any, field: str, label: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} harus berupa teks.", field)
    value = value.strip()
    if "\x00" in value:
        raise ValidationError(f"{label} berisi karakter yang tidak diizinkan.", field)
    if len(value) > limit:
        raise ValidationError(f"{label} paling banyak {limit} karakter.", field)
    return value


def _int(value: Any, field: str, label: str, *, limit: int = MAX_AMOUNT) -> int:
    """A whole number from JSON or a form, within ±limit; None or "" is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label} harus berupa bilangan bulat.", field)
    if abs(value) > limit:
        raise ValidationError(f"{label} terlalu besar.", field)
    return value


def parse_id(value: Any, field: str, label: str) -> int | None:
    """A database id (1 to 2^31-1) from an int or a string of ASCII digits;
    None when it cannot be one (the caller answers 'not found')."""
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def plain_text(value: Any, field: str, label: str, limit: int = 64) -> str:
    """A short code or number to compare in SQL: a string, no NUL, bounded."""
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise ValidationError(f"{label} tidak valid.", field)
    return value.strip()
