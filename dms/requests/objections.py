"""Objections (keberatan, UU KIP Ps. 35-36) and disputes at the Komisi Informasi
(sengketa, Ps. 37-38), as DOMAIN.md §4 states them.

An objection is filed on one of the grounds a-g, within 30 working days after the
ground arose, about a request (the requester holds its secret, or an officer
records it) or, on ground b (berkala information not provided), without one. The
atasan PPID decides within 30 working days. A dispute is then recorded with the
Komisi Informasi's register number, its hearings and its decision, which is
applied (e.g. opening an exempt document).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.classification import exemptions
from dms.db import utcnow
from dms.documents.consequence_tests import ACTIVE, ConsequenceTest
from dms.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from dms.numbering import next_number
from dms.output.dates import indonesian_date
from dms.requests import notify
from dms.requests.models import (
    ANSWERED,
    CHANNELS,
    CLOSED,
    DISPUTE_DECISIONS,
    GROUNDS,
    HEARING_KINDS,
    NO_REQUEST_GROUND,
    OPEN_STATES,
    Dispute,
    DisputeHearing,
    InformationRequest,
    Objection,
)
from dms.requests.service import (
    PERSON,
    REQUESTER,
    REQUESTER_KINDS,
    backdated_receipt,
    check_contacts,
    check_status,
    hash_secret,
    identity_field,
    text_field,
)
from dms.requests.workflow import (
    MAX_TEXT,
    deadline_flags,
    find_test,
    get_request,
    handles,
)
from dms.workdays import WorkingCalendar

SEQUENCE = "keberatan"
OBJECTION_PATTERN = re.compile(r"KEB-\d{4}-\d{6}")
OBJECTION_DAYS = 30  # Ps. 35(1): filed within 30 WD; Ps. 36(1): decided within 30 WD
DISPUTE_DAYS = 14  # Ps. 37(2): a dispute within 14 WD after the answer
NOT_FOUND = "Keberatan tidak ditemukan, atau nomor dan kunci tidak cocok."

GROUND_LABELS = {
    "a": "penolakan atas permintaan informasi berdasarkan alasan pengecualian "
    "(Pasal 17)",
    "b": "tidak disediakannya informasi berkala (Pasal 9)",
    "c": "tidak ditanggapinya permintaan informasi",
    "d": "permintaan informasi ditanggapi tidak sebagaimana yang diminta",
    "e": "tidak dipenuhinya permintaan informasi",
    "f": "pengenaan biaya yang tidak wajar",
    "g": "penyampaian informasi yang melebihi waktu yang diatur",
}
DECISION_LABELS = {
    "upheld": "keberatan diterima",
    "upheld_partly": "keberatan diterima sebagian",
    "rejected": "keberatan ditolak",
}
DISPUTE_DECISION_LABELS = {
    "granted": "permohonan dikabulkan seluruhnya",
    "granted_partly": "permohonan dikabulkan sebagian",
    "refused": "permohonan ditolak",
    "settled": "selesai melalui mediasi",
    "dismissed": "gugur / tidak dapat diterima",
}
HEARING_LABELS = {
    "preliminary": "pemeriksaan awal",
    "mediation": "mediasi",
    "adjudication": "ajudikasi",
    "verdict": "pembacaan putusan",
}
OBJECTOR_FIELDS = (
    ("name", "Nama", 200, True),
    ("address", "Alamat", 500, True),
    ("phone", "Nomor telepon", 32, False),
    ("email", "Email", 254, False),
)


@dataclass(frozen=True)
class Filed:
    objection: Objection
    secret: str


# --- filing ---------------------------------------------------------------------------


def file_objection(
    session: Session,
    *,
    actor,
    fields: Mapping[str, Any],
    calendar: WorkingCalendar,
    request_number: str | None = None,
    request_secret: str | None = None,
    request_email: str | None = None,
    now: datetime | None = None,
) -> Filed:
    """File an objection: by the requester (the request's number and its secret,
    or the email it was filed with, as the status check accepts), by an officer
    recording one brought in person or by letter, or on ground b without a
    request (the objector identifies themself)."""
    entered = now = now or utcnow()
    if actor is not None and (
        not actor.is_active or actor.role not in (PPID_UTAMA, PPID_PELAKSANA)
    ):
        raise Forbidden("Hanya petugas PPID yang dapat mencatat keberatan warga.")
    if actor is not None and fields.get("received_on") not in (None, ""):
        # A letter: the atasan's 30 working days run from the day it arrived.
        now = backdated_receipt(fields["received_on"], now, calendar.zone)
    today = calendar.received_on(now)
    grounds = _grounds(fields)
    reasons = text_field(fields, "reasons", "Uraian keberatan", MAX_TEXT, True)
    if len(reasons) < 10:
        raise ValidationError(
            "Uraikan keberatan Anda (paling sedikit 10 karakter).", "reasons"
        )
    channel = fields.get("channel") or "web"
    if channel not in CHANNELS or (actor is None and channel != "web"):
        raise ValidationError("Saluran tidak dikenal.", "channel")
    request = _the_request(
        session, actor, request_number, request_secret, request_email
    )
    if request is None and grounds != [NO_REQUEST_GROUND]:
        raise ValidationError(
            "Keberatan dengan alasan ini harus merujuk nomor permohonan; hanya "
            "alasan huruf b (informasi berkala tidak disediakan) yang dapat "
            "diajukan tanpa permohonan.",
            "request",
        )
    if request is not None:
        for ground in grounds:
            _check_in_time(request, ground, calendar, today)
        objector = {
            "name": request.name,
            "identity_number": request.identity_number,
            "address": request.address,
            "phone": request.phone,
            "email": request.email,
        }
    else:
        objector = _objector(fields, web=actor is None)
    year = today.year
    secret = secrets.token_urlsafe(24)
    objection = Objection(
        **objector,
        number=f"KEB-{year}-{next_number(session, SEQUENCE, year):06d}",
        year=year,
        request_id=request.id if request else None,
        ground=grounds[0],
        grounds="".join(grounds),
        reasons=reasons,
        received_at=now,
        channel=channel,
        secret_hash=hash_secret(secret),
        state="submitted",
        due_on=calendar.due_date(now, OBJECTION_DAYS),
        decision_text="",
        entered_by_id=getattr(actor, "id", None),
        created_at=entered,
        updated_at=entered,
    )
    session.add(objection)
    audit.record(
        session,
        actor or REQUESTER,
        "objection.submit",
        objection,
        after={
            "number": objection.number,
            "request": request.number if request else None,
            "grounds": objection.grounds,
            "received_on": today.isoformat(),
            "due_on": objection.due_on.isoformat(),
        },
    )
    notify.objection_filed(session, objection, secret)
    return Filed(objection, secret)


def _grounds(fields: Mapping[str, Any]) -> list[str]:
    """The Ps. 35(1) grounds: `grounds` (a list of letters) and/or, as before,
    one `ground`; in the law's order, each once."""
    named = fields.get("grounds")
    if named in (None, ""):
        named = []
    if not isinstance(named, list | tuple):
        raise ValidationError(
            "Alasan keberatan (grounds) berupa daftar huruf a sampai g.", "grounds"
        )
    single = fields.get("ground")
    chosen = [*named, *([single] if single not in (None, "") else [])]
    if not chosen or any(ground not in GROUNDS for ground in chosen):
        raise ValidationError(
            "Pilih alasan keberatan (Pasal 35 ayat 1 huruf a sampai g).", "ground"
        )
    return [ground for ground in GROUNDS if ground in chosen]


def _check_in_time(request, ground: str, calendar: WorkingCalendar, today: date):
    """The ground has arisen, and not more than 30 working days ago."""
    arose = _check_ground(request, ground, calendar, today)
    if today < arose:
        raise ValidationError(
            f"Alasan huruf {ground} baru timbul pada {indonesian_date(arose)}; "
            "keberatan tidak mungkin diterima sebelumnya. Periksa tanggal surat.",
            "received_on",
        )
    if today > calendar.add(arose, OBJECTION_DAYS):
        raise ValidationError(
            f"Keberatan dengan alasan huruf {ground} harus diajukan paling lambat "
            f"30 hari kerja setelah alasannya timbul ({indonesian_date(arose)}).",
            "ground",
        )


def _the_request(
    session, actor, number, secret, email=None
) -> InformationRequest | None:
    if not number:
        return None
    if actor is not None:
        return get_request(session, actor=actor, number=number)
    if not secret and not email:
        raise ValidationError(
            "Keberatan atas permohonan memerlukan kunci status permohonan.", "request"
        )
    if secret:
        return check_status(session, number=number, secret=secret)
    return check_status(session, number=number, email=email)


def _check_ground(
    request: InformationRequest, ground: str, calendar: WorkingCalendar, today: date
) -> date:
    """The day the ground arose; a ValidationError when it has not arisen."""
    if request.state == "withdrawn":
        raise ValidationError("Permohonan ini telah dibatalkan pemohon.", "ground")
    due = request.effective_due_on
    if ground == "c":
        if request.state not in OPEN_STATES or today <= due:
            raise ValidationError(
                "Alasan huruf c berlaku bila permohonan tidak ditanggapi sampai "
                f"batas waktunya ({indonesian_date(due)}) terlewati.",
                "ground",
            )
        return calendar.add(due, 1)
    if request.state not in (ANSWERED, CLOSED) or request.answered_at is None:
        raise ValidationError(
            "Permohonan ini belum dijawab; keberatan dengan alasan ini dapat "
            "diajukan setelah jawaban diterima (atau alasan huruf c setelah "
            "batas waktu terlewati).",
            "ground",
        )
    answered_on = calendar.received_on(request.answered_at)
    if ground == "a" and not _withheld_as_exempt(request):
        raise ValidationError(
            "Alasan huruf a berlaku bila permohonan ditolak, seluruhnya atau "
            "sebagian, karena informasi dikecualikan.",
            "ground",
        )
    if ground == "f" and not request.cost:
        raise ValidationError(
            "Alasan huruf f berlaku bila dikenakan biaya; permohonan ini dijawab "
            "tanpa biaya.",
            "ground",
        )
    if ground == "g" and answered_on <= due:
        raise ValidationError(
            "Alasan huruf g berlaku bila jawaban melewati batas waktu; permohonan "
            "ini dijawab tepat waktu.",
            "ground",
        )
    return answered_on


def _withheld_as_exempt(request: InformationRequest) -> bool:
    """Refused as exempt, or granted in part: the withheld rest is exempt."""
    outcome = request.outcome or ""
    return outcome.startswith("refused_exempt_") or outcome == "granted_partly"


def _objector(fields: Mapping[str, Any], *, web: bool) -> dict[str, Any]:
    values = {
        name: text_field(fields, name, label, limit, required)
        for name, label, limit, required in OBJECTOR_FIELDS
    }
    kind = fields.get("requester_kind") or PERSON
    if kind not in REQUESTER_KINDS:
        raise ValidationError("Jenis pemohon tidak dikenal.", "requester_kind")
    values["identity_number"] = identity_field(fields, kind)
    check_contacts({**values, "channel": "web" if web else "walk_in"})
    return values


# --- reading --------------------------------------------------------------------------


def objection_status(session: Session, *, number: str, secret: str) -> Objection:
    number = number.strip().upper() if isinstance(number, str) else ""
    if not OBJECTION_PATTERN.fullmatch(number) or not isinstance(secret, str):
        raise NotFound(NOT_FOUND)
    if not secret:
        raise NotFound(NOT_FOUND)
    found = session.scalar(select(Objection).where(Objection.number == number))
    import hmac

    if found is None or not hmac.compare_digest(found.secret_hash, hash_secret(secret)):
        raise NotFound(NOT_FOUND)
    return found


def sees_objector(actor, objection: Objection) -> bool:
    """The objector's identity and contacts: those who handle the request (or,
    without a request, the PPID Utama and the atasan PPID who answers it)."""
    if actor is None or not actor.is_active:
        return False
    if objection.request is not None:
        return handles(actor, objection.request)
    return actor.role in (ATASAN_PPID, PPID_UTAMA)


def may_read_objection(actor, objection: Objection) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role in (ATASAN_PPID, PPID_UTAMA):
        return True
    if actor.role == PPID_PELAKSANA and objection.request is not None:
        return handles(actor, objection.request)
    return False


def get_objection(
    session: Session, *, actor, number: str, for_update: bool = False
) -> Objection:
    number = number.strip().upper() if isinstance(number, str) else ""
    if not OBJECTION_PATTERN.fullmatch(number):
        raise NotFound("Keberatan tidak ditemukan.")
    query = select(Objection).where(Objection.number == number)
    found = session.scalar(query.with_for_update() if for_update else query)
    if found is None or not may_read_objection(actor, found):
        raise NotFound("Keberatan tidak ditemukan.")
    return found


def list_objections(session: Session, *, actor, year: int | None = None):
    if actor is None or not actor.is_active:
        return []
    query = select(Objection).order_by(Objection.received_at.desc())
    if year:
        query = query.where(Objection.year == year)
    return [o for o in session.scalars(query) if may_read_objection(actor, o)]


# --- deadlines and reminders ---------------------------------------------------------


def objection_flags(
    objection: Objection, calendar: WorkingCalendar, today: date
) -> set:
    """'overdue', 'due_soon' or 'answered_late', as for requests: the atasan
    PPID answers within 30 working days."""
    decided = objection.decided_at
    return deadline_flags(
        objection.due_on,
        is_open=objection.state == "submitted",
        answered_on=calendar.received_on(decided) if decided else None,
        calendar=calendar,
        today=today,
    )


def remind_objections(
    session: Session, *, calendar: WorkingCalendar, today: date
) -> list[str]:
    """Email the atasan PPID about every open objection due soon or overdue,
    once a day; the numbers reminded of."""
    waiting = session.scalars(
        select(Objection)
        .where(
            Objection.state == "submitted",
            or_(Objection.reminded_on.is_(None), Objection.reminded_on < today),
        )
        .order_by(Objection.id)
    ).all()
    reminded = []
    for objection in waiting:
        state = objection_flags(objection, calendar, today)
        if not state:
            continue
        overdue = "overdue" in state
        if notify.objection_reminder(session, objection, overdue=overdue, today=today):
            reminded.append(objection.number)
        objection.reminded_on = today
    return reminded


# --- the atasan PPID's decision ------------------------------------------------------


def decide_objection(
    session: Session,
    *,
    actor,
    number: str,
    decision: str,
    decision_text: str,
    now: datetime | None = None,
) -> Objection:
    """The atasan PPID answers the objection in writing (Ps. 36)."""
    if actor is None or not actor.is_active or actor.role != ATASAN_PPID:
        raise Forbidden("Hanya atasan PPID yang dapat memutus keberatan.")
    objection = get_objection(session, actor=actor, number=number, for_update=True)
    if objection.state != "submitted":
        raise InvalidTransition("Keberatan ini sudah diputus atau dicabut.")
    if not isinstance(decision, str) or decision not in DECISION_LABELS:
        raise ValidationError(
            "Pilih tanggapan: upheld, upheld_partly atau rejected.", "decision"
        )
    text = text_field({"t": decision_text}, "t", "Tanggapan tertulis", MAX_TEXT, True)
    objection.decision = decision
    objection.decision_text = text
    objection.decided_at = objection.updated_at = now or utcnow()
    objection.decided_by_id = actor.id
    objection.state = "decided"
    audit.record(
        session,
        actor,
        "objection.decide",
        objection,
        before={"state": "submitted"},
        after={"state": "decided", "decision": decision},
    )
    notify.objection_decided(session, objection)
    return objection


# --- disputes at the Komisi Informasi ------------------------------------------------


def record_dispute(
    session: Session,
    *,
    actor,
    objection_number: str,
    register_number: str,
    filed_on: Any,
    calendar: WorkingCalendar,
    today: date,
) -> Dispute:
    """Record a dispute the objector brought to the Komisi Informasi."""
    _require_dispute_officer(actor)
    objection = get_objection(
        session, actor=actor, number=objection_number, for_update=True
    )
    if objection.state == "withdrawn":
        raise InvalidTransition("Keberatan ini telah dicabut.")
    if objection.state != "decided" and today <= objection.due_on:
        raise InvalidTransition(
            "Sengketa dapat diajukan setelah keberatan ditanggapi, atau setelah "
            f"batas waktu tanggapannya ({indonesian_date(objection.due_on)}) lewat."
        )
    register = _plain(register_number, "register_number", "Nomor register", 64)
    if not register:
        raise ValidationError(
            "Isi nomor register sengketa dari Komisi Informasi.", "register_number"
        )
    if session.scalar(select(Dispute.id).where(Dispute.register_number == register)):
        raise ValidationError("Nomor register ini sudah tercatat.", "register_number")
    filed = _day(filed_on, "filed_on", "Tanggal pengajuan sengketa")
    if filed > today:
        raise ValidationError(
            "Tanggal pengajuan tidak boleh di masa depan.", "filed_on"
        )
    if filed < _answered_on(objection, calendar):
        raise ValidationError(
            "Tanggal pengajuan sengketa tidak boleh sebelum tanggapan keberatan.",
            "filed_on",
        )
    dispute = Dispute(
        objection=objection,
        register_number=register,
        filed_on=filed,
        state="filed",
        decision_number="",
        decision_text="",
        recorded_by_id=actor.id,
    )
    session.add(dispute)
    audit.record(
        session,
        actor,
        "dispute.record",
        dispute,
        after={
            "register_number": register,
            "objection": objection.number,
            "filed_on": filed.isoformat(),
            "late": filed_late(dispute, calendar),
        },
    )
    return dispute


def filed_late(dispute: Dispute, calendar: WorkingCalendar) -> bool:
    """Filed more than 14 working days after the objection's answer (the Komisi
    decides whether to accept it; the register says so)."""
    start = _answered_on(dispute.objection, calendar)
    return dispute.filed_on > calendar.add(start, DISPUTE_DAYS)


def _answered_on(objection: Objection, calendar: WorkingCalendar) -> date:
    """The day the objection was answered, or its deadline when it was not:
    a dispute may be brought from then (Ps. 37)."""
    if objection.decided_at:
        return calendar.received_on(objection.decided_at)
    return objection.due_on


def get_dispute(session: Session, *, actor, dispute_id: int, for_update=False):
    if not 0 < dispute_id <= 2**31 - 1:
        raise NotFound("Sengketa tidak ditemukan.")
    query = select(Dispute).where(Dispute.id == dispute_id)
    found = session.scalar(query.with_for_update() if for_update else query)
    if found is None or not may_read_objection(actor, found.objection):
        raise NotFound("Sengketa tidak ditemukan.")
    return found


def add_hearing(
    session: Session,
    *,
    actor,
    dispute_id: int,
    held_on: Any,
    kind: str,
    note: str = "",
    today: date,
) -> DisputeHearing:
    _require_dispute_officer(actor)
    dispute = get_dispute(session, actor=actor, dispute_id=dispute_id, for_update=True)
    _require_open(dispute)
    if kind not in HEARING_KINDS:
        raise ValidationError(
            "Jenis sidang: preliminary, mediation, adjudication atau verdict.", "kind"
        )
    held = _day(held_on, "held_on", "Tanggal sidang")
    if held < dispute.filed_on:
        raise ValidationError(
            "Sidang tidak mungkin sebelum sengketa diajukan.", "held_on"
        )
    hearing = DisputeHearing(
        held_on=held,
        kind=kind,
        note=_plain(note, "note", "Catatan sidang", MAX_TEXT),
        recorded_by_id=actor.id,
    )
    dispute.hearings.append(hearing)
    dispute.state = "hearing"
    dispute.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "dispute.hearing",
        dispute,
        after={"held_on": held.isoformat(), "kind": kind},
    )
    return hearing


def decide_dispute(
    session: Session,
    *,
    actor,
    dispute_id: int,
    decision: str,
    decision_number: str,
    decided_on: Any,
    decision_text: str = "",
    open_test: Any = None,
    today: date,
) -> Dispute:
    """Record the Komisi Informasi's decision; when it orders an exempt document
    opened, name its consequence test and the exemption ends by that decision."""
    _require_dispute_officer(actor)
    dispute = get_dispute(session, actor=actor, dispute_id=dispute_id, for_update=True)
    _require_open(dispute)
    if decision not in DISPUTE_DECISIONS:
        raise ValidationError(
            "Putusan: " + ", ".join(DISPUTE_DECISIONS) + ".", "decision"
        )
    reference = _plain(decision_number, "decision_number", "Nomor putusan", 128)
    if not reference:
        raise ValidationError("Isi nomor putusan Komisi Informasi.", "decision_number")
    decided = _day(decided_on, "decided_on", "Tanggal putusan")
    if decided < dispute.filed_on or decided > today:
        raise ValidationError(
            "Tanggal putusan harus antara tanggal pengajuan dan hari ini.",
            "decided_on",
        )
    dispute.decision = decision
    dispute.decision_number = reference
    dispute.decided_on = decided
    dispute.decision_text = _plain(
        decision_text, "decision_text", "Isi putusan", MAX_TEXT
    )
    dispute.state = "decided"
    dispute.updated_at = utcnow()
    opened = None
    if open_test not in (None, ""):
        if decision not in ("granted", "granted_partly"):
            raise ValidationError(
                "Hanya putusan yang mengabulkan permohonan yang membuka dokumen.",
                "open_test",
            )
        test = _refused_test(session, dispute, open_test)
        exemptions.open_by_decision(
            session,
            actor=actor,
            test_id=test.id,
            authority=exemptions.KOMISI_INFORMASI,
            reference=reference,
            decided_on=decided,
            note=f"Sengketa {dispute.register_number}",
        )
        dispute.opened_document_id = opened = test.document_id
    audit.record(
        session,
        actor,
        "dispute.decide",
        dispute,
        after={
            "decision": decision,
            "decision_number": reference,
            "decided_on": decided.isoformat(),
            "opened_document": opened,
        },
    )
    return dispute


def _refused_test(session: Session, dispute: Dispute, value: Any) -> ConsequenceTest:
    """The consequence test a decision may open: the one the disputed request
    was refused by, and only while its exemption is in force."""
    test = find_test(session, value, "open_test")
    request = dispute.objection.request
    if (
        test is None
        or request is None
        or request.consequence_test_id != test.id
        or test.exemption_status != ACTIVE
    ):
        raise ValidationError(
            "Putusan hanya dapat membuka dokumen yang penolakannya disengketakan: "
            "sebutkan uji konsekuensi yang dirujuk jawaban permohonan ini, selama "
            "pengecualiannya berlaku.",
            "open_test",
        )
    return test


def _require_dispute_officer(actor) -> None:
    if (
        actor is None
        or not actor.is_active
        or actor.role
        not in (
            PPID_UTAMA,
            ATASAN_PPID,
        )
    ):
        raise Forbidden(
            "Hanya PPID Utama atau atasan PPID yang dapat mencatat sengketa."
        )


def _require_open(dispute: Dispute) -> None:
    if dispute.state in ("decided", "withdrawn"):
        raise InvalidTransition("Sengketa ini sudah diputus atau dicabut.")


def _plain(value: Any, field: str, label: str, limit: int) -> str:
    return text_field({field: value}, field, label, limit, False)


def _day(value: Any, field: str, label: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"{label} harus berupa tanggal (YYYY-MM-DD).", field)
