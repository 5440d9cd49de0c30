"""Requests for information (permohonan, DOMAIN.md §4): filing, Cek Status, withdrawal.

A request gets its registration number at receipt, from a gap-free yearly
sequence, and its due date (10 working days) computed once and frozen. The
requester gets a secret for the status link; only its hash is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation
from dms.accounts.roles import PPID_PELAKSANA, PPID_UTAMA
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.db import utcnow
from dms.documents.uploads import store_file
from dms.errors import (
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from dms.numbering import next_number
from dms.requests import notify
from dms.requests.models import (
    CHANNELS,
    DELIVERIES,
    DISPOSED,
    FILE_KINDS,
    HOW_TO_OBTAIN,
    OPEN_STATES,
    REQUESTER_KINDS,
    SUBMITTED,
    WITHDRAWN,
    InformationRequest,
    RequestDisposition,
    RequestFile,
)
from dms.settings import Settings
from dms.workdays import working_calendar

SEQUENCE = "permohonan"
NUMBER_PREFIX = "PPID"
NUMBER_PATTERN = re.compile(r"PPID-\d{4}-\d{6}")
ANSWER_DAYS = 10  # UU KIP Ps. 22(7): the written answer
WEB = "web"
PERSON, LEGAL_ENTITY = REQUESTER_KINDS
COPIES = ("copy_soft", "copy_hard")
# Identity documents and proxy letters: a scan or a photo.
FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")
# The optional OPD the requester addresses the request to (a hint, DOMAIN.md §4).
HINT_FIELD = "opd"
NOT_FOUND = "Permohonan tidak ditemukan, atau nomor dan email/kunci tidak cocok."

NIK_PATTERN = re.compile(r"\d{16}")
# NIB (13 digits), AHU numbers ("AHU-0012345.AH.01.04.Tahun 2020") and the like.
REGISTRATION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]{2,63}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_PATTERN = re.compile(r"\+?[0-9 ()-]{8,24}")

# (field, label, maximum length, required)
TEXT_FIELDS = (
    ("name", "Nama", 200, True),
    ("address", "Alamat", 500, True),
    ("occupation", "Pekerjaan", 100, False),
    ("phone", "Nomor telepon", 32, False),
    ("email", "Email", 254, False),
    ("information_requested", "Rincian informasi yang dibutuhkan", 5000, True),
    ("purpose", "Tujuan penggunaan informasi", 2000, True),
)
MIN_REQUEST_LENGTH = 10
BACKDATE_DAYS = 30


@dataclass(frozen=True)
class Requester:
    """The citizen as the audit trail names them: not a user, never by name."""

    id: None = None
    username: str = "pemohon"


REQUESTER = Requester()


@dataclass(frozen=True)
class RequestUpload:
    """A file attached to a request: `kind` is identity or proxy_letter."""

    kind: str
    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class Submitted:
    """A filed request and its status secret, which is never shown again."""

    request: InformationRequest
    secret: str


def submit_request(
    session: Session,
    storage,
    *,
    actor,
    fields: Mapping[str, Any],
    files: Sequence[RequestUpload] = (),
    settings: Settings,
    now: datetime | None = None,
) -> Submitted:
    """File a request: validate, store the files, number it, freeze its due date.

    An officer recording a letter, a phone call or an email may give the day it
    was received (`received_on`, at most 30 days back): the deadline runs from
    then, and the number belongs to that day's year."""
    now = now or utcnow()
    _check_actor(actor)
    values = validated_fields(fields, actor=actor)
    hinted = hinted_organisation(session, fields.get(HINT_FIELD))
    now = _received_at(fields, actor, now, settings)
    _check_files(files, proxy=values["proxy"])
    stored = [
        _store(session, storage, upload, settings.request_max_upload_bytes)
        for upload in files
    ]
    days = working_calendar(session, settings)
    year = days.received_on(now).year
    due_on = days.due_date(now, ANSWER_DAYS)
    secret = secrets.token_urlsafe(24)
    request = InformationRequest(
        **values,
        # Taken last: the sequence row stays locked until the commit.
        number=format_number(year, next_number(session, SEQUENCE, year)),
        year=year,
        received_at=now,
        state=SUBMITTED,
        secret_hash=hash_secret(secret),
        due_on=due_on,
        entered_by_id=getattr(actor, "id", None),
        created_at=now,
        updated_at=now,
        files=stored,
        hinted_organisation=hinted,
    )
    session.add(request)
    audit.record(
        session,
        actor or REQUESTER,
        "request.submit",
        request,
        after=_audit_view(request),
    )
    if actor is not None and actor.role == PPID_PELAKSANA:
        # Brought to an OPD's own desk: that OPD handles it.
        request.dispositions.append(
            RequestDisposition(
                organisation_id=actor.organisation_id,
                disposed_at=now,
                disposed_by_id=actor.id,
                note="Diterima langsung oleh PPID Pelaksana.",
            )
        )
        request.state = DISPOSED
    notify.submitted(session, request, secret)
    return Submitted(request, secret)


def hint_choices(session: Session) -> list[Organisation]:
    """The organisations a requester may address a request to: every public
    body the portal lists under /opd, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def hinted_organisation(session: Session, slug: Any) -> Organisation | None:
    """The organisation a requester addressed the request to (`opd`), None when
    left empty; a ValidationError on that field when no such body exists."""
    if slug in (None, ""):
        return None
    found = None
    if isinstance(slug, str) and SLUG_PATTERN.match(slug):
        found = find_organisation(session, slug)
    if found is None:
        raise ValidationError(
            "OPD tujuan tidak dikenal; pilih dari daftar atau biarkan kosong.",
            HINT_FIELD,
        )
    return found


def _received_at(fields, actor, now: datetime, settings: Settings) -> datetime:
    raw = fields.get("received_on")
    if actor is None or raw in (None, ""):
        return now
    return backdated_receipt(raw, now, ZoneInfo(settings.timezone))


def backdated_receipt(raw: Any, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment a letter (call, email) an officer records arrived: its day,
    at most 30 days back and not in the future; ValidationError otherwise."""
    try:
        day = date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(
            "Tanggal diterima harus berupa tanggal (YYYY-MM-DD).", "received_on"
        ) from None
    today = now.astimezone(zone).date()
    if day > today or (today - day).days > BACKDATE_DAYS:
        raise ValidationError(
            f"Tanggal diterima paling lama {BACKDATE_DAYS} hari yang lalu dan "
            "tidak di masa depan.",
            "received_on",
        )
    if day == today:
        return now
    # A past day: its office hours' start, so the day (not the hour) counts.
    return datetime.combine(day, time(8, 0), zone).astimezone(UTC)


def format_number(year: int, sequence: int) -> str:
    """The registration number: PPID-2026-000123."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:06d}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_actor(actor) -> None:
    if actor is None:
        return
    if not actor.is_active or actor.role not in (PPID_UTAMA, PPID_PELAKSANA):
        raise Forbidden("Hanya petugas PPID yang dapat mencatat permohonan warga.")


def _audit_view(request: InformationRequest) -> dict[str, Any]:
    """What the audit trail keeps: no name, identity number or contact."""
    return {
        "number": request.number,
        "channel": request.channel,
        "state": request.state,
        "due_on": request.due_on.isoformat(),
        "files": [file.kind for file in request.files],
    }


# --- validation ----------------------------------------------------------------------


def validated_fields(fields: Mapping[str, Any], *, actor=None) -> dict[str, Any]:
    """The request's columns from a form or JSON, or a ValidationError naming the
    first field that is wrong, in Indonesian."""
    values = {
        name: text_field(fields, name, label, limit, required)
        for name, label, limit, required in TEXT_FIELDS
    }
    values["channel"] = _channel(fields, actor)
    values["requester_kind"] = _choice(
        fields, "requester_kind", REQUESTER_KINDS, "Jenis pemohon"
    )
    values["identity_number"] = identity_field(fields, values["requester_kind"])
    check_contacts(values)
    values["how_to_obtain"] = _choice(
        fields, "how_to_obtain", HOW_TO_OBTAIN, "Cara memperoleh informasi"
    )
    values["delivery"] = _delivery(fields, values)
    values["proxy"] = _flag(fields, "proxy")
    if len(values["information_requested"]) < MIN_REQUEST_LENGTH:
        raise ValidationError(
            "Rincian informasi yang dibutuhkan terlalu singkat; jelaskan informasi "
            f"yang Anda minta (paling sedikit {MIN_REQUEST_LENGTH} karakter).",
            "information_requested",
        )
    return values


def text_field(fields, name: str, label: str, limit: int, required: bool) -> str:
    value = fields.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} harus berupa teks.", name)
    value = value.strip()
    if "\x00" in value:
        raise ValidationError(f"{label} berisi karakter yang tidak diizinkan.", name)
    if required and not value:
        raise ValidationError(f"{label} wajib diisi.", name)
    if len(value) > limit:
        raise ValidationError(f"{label} paling banyak {limit} karakter.", name)
    return value


def _choice(fields, name: str, options: tuple[str, ...], label: str) -> str:
    value = fields.get(name)
    if value in (None, ""):
        raise ValidationError(f"{label} wajib dipilih.", name)
    if value not in options:
        raise ValidationError(
            f"{label} harus salah satu dari: {', '.join(options)}.", name
        )
    return value


def _channel(fields, actor) -> str:
    value = fields.get("channel") or WEB
    if value not in CHANNELS:
        raise ValidationError(
            f"Saluran harus salah satu dari: {', '.join(CHANNELS)}.", "channel"
        )
    if actor is None and value != WEB:
        raise ValidationError(
            "Permohonan dari warga selalu melalui saluran web; saluran lain "
            "dicatat oleh petugas PPID.",
            "channel",
        )
    return value


def identity_field(fields, kind: str) -> str:
    raw = fields.get("identity_number")
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        raise ValidationError(
            "Nomor identitas wajib diisi: NIK untuk perorangan, nomor registrasi "
            "(NIB atau nomor pengesahan AHU) untuk badan hukum.",
            "identity_number",
        )
    if kind == PERSON:
        value = value.replace(" ", "").replace(".", "")
        if not is_valid_nik(value):
            raise ValidationError(
                "NIK harus 16 angka sesuai KTP elektronik (tanpa huruf atau "
                "tanda baca).",
                "identity_number",
            )
    elif not REGISTRATION_PATTERN.fullmatch(value):
        raise ValidationError(
            "Nomor registrasi badan hukum tidak valid: 3–64 karakter berupa huruf, "
            "angka, spasi, titik, garis miring atau tanda hubung.",
            "identity_number",
        )
    return value


def is_valid_nik(value: str) -> bool:
    """16 digits whose date part could be a birth date (women's day + 40)."""
    if not NIK_PATTERN.fullmatch(value) or value[:6] == "000000":
        return False
    day, month = int(value[6:8]), int(value[8:10])
    return (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def check_contacts(values: dict[str, Any]) -> None:
    email, phone = values["email"], values["phone"]
    if email and not EMAIL_PATTERN.fullmatch(email):
        raise ValidationError(
            "Alamat email tidak valid; tulis seperti nama@contoh.id.", "email"
        )
    if phone and not PHONE_PATTERN.fullmatch(phone):
        raise ValidationError(
            "Nomor telepon tidak valid; tulis angka saja, misalnya 081234567890.",
            "phone",
        )
    if values["channel"] == WEB and not email:
        raise ValidationError(
            "Email wajib diisi untuk permohonan daring: jawaban dan pemberitahuan "
            "dikirim ke alamat ini.",
            "email",
        )


def _delivery(fields, values: dict[str, Any]) -> str | None:
    how = values["how_to_obtain"]
    if how not in COPIES:
        return None  # seeing, reading, listening or noting: nothing to deliver
    delivery = _choice(
        fields, "delivery", DELIVERIES, "Cara mendapatkan salinan informasi"
    )
    if delivery == "email" and how == "copy_hard":
        raise ValidationError(
            "Salinan cetak (hardcopy) tidak dapat dikirim melalui email; pilih "
            "salinan elektronik atau cara pengiriman lain.",
            "delivery",
        )
    if delivery == "email" and not values["email"]:
        raise ValidationError(
            "Isi alamat email untuk menerima salinan melalui email.", "email"
        )
    return delivery


def _flag(fields, name: str) -> bool:
    value = fields.get(name)
    if isinstance(value, bool):
        return value
    if value in (None, "", "false", "0", "tidak", "off"):
        return False
    if value in ("true", "1", "ya", "on", "yes"):
        return True
    raise ValidationError(f"'{name}' harus true atau false.", name)


def _check_files(files: Sequence[RequestUpload], *, proxy: bool) -> None:
    kinds = [upload.kind for upload in files]
    for kind in kinds:
        if kind not in FILE_KINDS:
            raise ValidationError(f"Jenis lampiran tidak dikenal: {kind[:32]}.", kind)
        if kinds.count(kind) > 1:
            raise ValidationError("Lampirkan satu berkas untuk setiap jenis.", kind)
    if proxy and "proxy_letter" not in kinds:
        raise ValidationError(
            "Permohonan melalui kuasa wajib melampirkan surat kuasa.", "proxy_letter"
        )


def _store(session, storage, upload: RequestUpload, max_size: int) -> RequestFile:
    try:
        stored = store_file(
            session, storage, upload.stream, max_size=max_size, only=FILE_TYPES
        )
    except DomainError as exc:
        exc.field = upload.kind  # the form shows the refusal next to its file
        raise
    return RequestFile(
        kind=upload.kind,
        blob_sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        filename=plain_filename(upload.filename),
    )


def plain_filename(filename: str) -> str:
    """The name without any folder a browser sent, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1].replace("\x00", "").strip()
    return name[-255:] or "berkas"


# --- Cek Status and withdrawal -------------------------------------------------------


def check_status(
    session: Session,
    *,
    number: str,
    email: str | None = None,
    secret: str | None = None,
    for_update: bool = False,
) -> InformationRequest:
    """The request when the number matches and so does its email or its secret;
    otherwise NotFound, with the same message whatever was wrong."""
    if not isinstance(number, str) or not all(
        isinstance(value, str | None) for value in (email, secret)
    ):
        raise NotFound(NOT_FOUND)
    number = number.strip().upper()
    if not NUMBER_PATTERN.fullmatch(number) or not (email or secret):
        raise NotFound(NOT_FOUND)
    query = select(InformationRequest).where(InformationRequest.number == number)
    found = session.scalar(query.with_for_update() if for_update else query)
    if found is None or not _matches(found, email, secret):
        raise NotFound(NOT_FOUND)
    return found


def _matches(found: InformationRequest, email: str | None, secret: str | None) -> bool:
    if secret and hmac.compare_digest(found.secret_hash, hash_secret(secret)):
        return True
    given = (email or "").strip().casefold()
    return bool(given) and hmac.compare_digest(
        found.email.casefold().encode(), given.encode()
    )


def withdraw_request(
    session: Session, *, number: str, secret: str, now: datetime | None = None
) -> InformationRequest:
    """The requester cancels a request not yet answered (the secret is required)."""
    found = check_status(session, number=number, secret=secret, for_update=True)
    if found.state not in OPEN_STATES:
        raise InvalidTransition(
            "Permohonan ini tidak dapat dibatalkan lagi: statusnya "
            f"{STATE_LABELS[found.state]}."
        )
    before = {"state": found.state}
    found.state = WITHDRAWN
    found.withdrawn_at = found.updated_at = now or utcnow()
    audit.record(
        session,
        REQUESTER,
        "request.withdraw",
        found,
        before=before,
        after={"state": WITHDRAWN},
    )
    return found


STATE_LABELS = {
    "submitted": "diterima",
    "disposed": "diteruskan ke PPID Pelaksana",
    "extended": "diperpanjang",
    "answered": "dijawab",
    "closed": "selesai",
    "withdrawn": "dibatalkan pemohon",
}


def body_name(session: Session) -> str:
    """The public body the requests are filed with: the PPID Utama's name."""
    name = session.scalar(
        select(Organisation.name).where(Organisation.is_utama).order_by(Organisation.id)
    )
    return name or "PPID"


def masked_identity(identity_number: str) -> str:
    """Every character but the last four hidden: ************0001. A short
    number shows at most a quarter of itself (none when four or shorter)."""
    shown = min(4, len(identity_number) // 4) if len(identity_number) > 4 else 0
    return (
        "*" * (len(identity_number) - shown)
        + identity_number[len(identity_number) - shown :]
    )
