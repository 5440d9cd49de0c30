"""Import of a past objection register (`dms objections import`): one row per
objection (keberatan) about an imported or live request named by its number,
with its real receipt date, its Ps. 35(1) grounds and, when the atasan PPID
answered, the decision and its date, and, when the objector went on to the
Komisi Informasi, the dispute's register number and date. Checked against each
other, the request and the working-day calendar, numbered in its own year's
KEB sequence (after any live numbers of that year), marked `objection.import`
in the audit. All rows or none, every problem by row number.

The register is kept by the PPID Utama, who records objections as they arrive
(DOMAIN.md §4); the atasan PPID's past decisions are copied from the signed
answers, not decided again, so the import is the Utama's as the request import
is (the command line acts with its authority)."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import SYSTEM
from dms.errors import ValidationError
from dms.numbering import next_number
from dms.onboarding.sheets import (
    RegisterImport,
    check_rows,
    day_cell,
    import_register,
    read_checked,
    recorded_moment,
    refuse_unless_utama,
)
from dms.requests.models import (
    ANSWERED,
    CLOSED,
    GROUNDS,
    OBJECTION_DECISIONS,
    Dispute,
    InformationRequest,
    Objection,
)
from dms.requests.objections import GROUND_LABELS, OBJECTION_DAYS, SEQUENCE
from dms.requests.service import hash_secret
from dms.workdays import WorkingCalendar, working_calendar

COLUMNS = {
    "permohonan": "request number",
    "diterima": "received",
    "alasan": "grounds (Ps. 35(1) a-g)",
    "nama": "objector",
    "uraian": "reasons",
    "diputus": "decided",
    "tanggapan": "decision",
    "catatan": "decision notes",
    "sengketa": "Komisi Informasi register number",
    "sengketa_diajukan": "dispute filed",
}
REQUIRED = ("permohonan", "diterima", "alasan", "nama")
LIMITS = {"permohonan": 32, "nama": 200, "sengketa": 64}
TEMPLATE_EXAMPLE = {
    "permohonan": "PPID-2024-000003",
    "diterima": "2024-04-01",
    "alasan": "a",
    "nama": "Nama Pemohon",
    "uraian": "Informasi yang diminta ditolak sebagai informasi yang dikecualikan.",
    "diputus": "2024-04-22",
    "tanggapan": "rejected",
    "catatan": "Atasan PPID menguatkan penolakan.",
    "sengketa": "",
    "sengketa_diajukan": "",
}
IMPORTED_NOTE = "Diimpor dari register lama."


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    grounds: str
    received: date
    decided: date | None
    dispute_filed: date | None


ObjectionImport = RegisterImport


def import_objections(
    archive, path: Path, *, dry_run: bool, actor=SYSTEM
) -> RegisterImport:
    """Check every row; unless dry_run or a problem, record them all at once,
    audited as done by `actor`."""
    return import_register(
        archive, path, dry_run=dry_run, actor=actor, check=check, record=_record
    )


def check(archive, path: Path, *, actor=SYSTEM) -> ObjectionImport:
    """Every row's problem, by row number (1 is the header)."""
    refuse_unless_utama(actor, "keberatan")
    result = RegisterImport()
    sheet = read_checked(path, REQUIRED, COLUMNS, result)
    if sheet is None:
        return result
    registers: set[str] = set()
    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        today = archive.settings.local_today()

        def read_row(number: int, values: dict[str, str]) -> Row:
            row = _row(number, values, today, days)
            _check_request(session, row, days)
            _check_register(session, registers, values.get("sengketa", ""))
            return row

        check_rows(sheet, result, read_row)
    return result


def _row(number: int, values: dict[str, str], today: date, days) -> Row:
    for name in REQUIRED:
        if not values.get(name):
            raise ValidationError(f"Kolom {name} kosong.")
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            raise ValidationError(f"Kolom {name} melebihi {limit} karakter.")
    grounds = _grounds(values["alasan"])
    decision = values.get("tanggapan", "")
    if decision and decision not in OBJECTION_DECISIONS:
        raise ValidationError(f"Tanggapan: {', '.join(OBJECTION_DECISIONS)}.")
    received = day_cell(values["diterima"], "diterima", today)
    decided = day_cell(values.get("diputus", ""), "diputus", today)
    filed = day_cell(values.get("sengketa_diajukan", ""), "sengketa_diajukan", today)
    if decided and decided < received:
        raise ValidationError("Tanggal diputus sebelum tanggal diterima.")
    if bool(decided) != bool(decision):
        raise ValidationError("Tanggal diputus dan tanggapan harus diisi bersama.")
    if decided and not days.is_working_day(decided):
        raise ValidationError(
            f"Tanggal diputus {decided.isoformat()} bukan hari kerja."
        )
    _check_dispute(values.get("sengketa", ""), filed, received, decided, days)
    return Row(number, values, grounds, received, decided, filed)


def _grounds(raw: str) -> str:
    """The letters a-g, written together ("ac") or apart ("a, c"), in the
    law's order, each once."""
    letters = [c for c in raw.lower() if c not in " ,;/"]
    if not letters or any(letter not in GROUNDS for letter in letters):
        raise ValidationError(
            f"Alasan '{raw[:20]}' tidak dikenal: huruf a sampai g (Pasal 35 ayat 1)."
        )
    return "".join(ground for ground in GROUNDS if ground in letters)


def _check_dispute(register, filed, received, decided, days) -> None:
    """A dispute goes to the Komisi Informasi after the answer, or after the
    answer's deadline passed without one (Ps. 37)."""
    if bool(register) != bool(filed):
        raise ValidationError("Sengketa dan sengketa_diajukan harus diisi bersama.")
    if filed and filed < (decided or days.due_date(received, OBJECTION_DAYS)):
        raise ValidationError(
            "Sengketa diajukan sebelum keberatan ditanggapi atau batas waktunya lewat."
        )


def _check_register(session: Session, seen: set[str], register: str) -> None:
    if not register:
        return
    taken = session.scalar(
        select(Dispute.id).where(Dispute.register_number == register)
    )
    if taken or register in seen:
        raise ValidationError(f"Nomor register sengketa '{register}' sudah tercatat.")
    seen.add(register)


def _check_request(session: Session, row: Row, days: WorkingCalendar) -> None:
    """The request exists and every ground had arisen by the objection's
    receipt, at most 30 working days before it."""
    request = _request(session, row.values["permohonan"])
    if days.received_on(request.received_at) > row.received:
        raise ValidationError(
            f"Keberatan diterima sebelum permohonan {request.number} diterima."
        )
    for ground in row.grounds:
        arose = _ground_arose(request, ground, days, row.received)
        if row.received > days.add(arose, OBJECTION_DAYS):
            raise ValidationError(
                f"Alasan huruf {ground} timbul {arose.isoformat()}; keberatan lebih "
                "dari 30 hari kerja sesudahnya."
            )


def _request(session: Session, number: str) -> InformationRequest:
    found = session.scalar(
        select(InformationRequest).where(
            InformationRequest.number == number.strip().upper()
        )
    )
    if found is None:
        raise ValidationError(f"Permohonan '{number[:32]}' tidak ditemukan.")
    return found


def _ground_arose(request, ground: str, days: WorkingCalendar, received: date):
    """The day the ground arose, as of the objection's receipt. Unlike a live
    objection, the request's state is its final one, so an answer after the
    objection does not undo ground c: the dates decide."""
    if request.state == "withdrawn":
        raise ValidationError(f"Permohonan {request.number} dibatalkan pemohon.")
    due = request.effective_due_on
    answered = days.received_on(request.answered_at) if request.answered_at else None
    if ground == "c":
        if received <= due or (answered is not None and answered <= due):
            raise ValidationError(
                f"Alasan huruf c: permohonan {request.number} belum melewati batas "
                f"waktunya ({due.isoformat()}) tanpa jawaban saat keberatan diterima."
            )
        return days.add(due, 1)
    if request.state not in (ANSWERED, CLOSED) or answered is None:
        raise ValidationError(
            f"Alasan huruf {ground}: permohonan {request.number} belum dijawab."
        )
    if answered > received:
        raise ValidationError(
            f"Alasan huruf {ground}: permohonan {request.number} dijawab "
            f"{answered.isoformat()}, sesudah keberatan diterima."
        )
    outcome = request.outcome or ""
    withheld = outcome.startswith("refused_exempt_") or outcome == "granted_partly"
    if ground == "a" and not withheld:
        raise ValidationError(
            "Alasan huruf a: permohonan tidak ditolak sebagai informasi dikecualikan."
        )
    if ground == "f" and not request.cost:
        raise ValidationError("Alasan huruf f: permohonan dijawab tanpa biaya.")
    if ground == "g" and answered <= due:
        raise ValidationError("Alasan huruf g: permohonan dijawab tepat waktu.")
    return answered


def _record(session: Session, days, zone: ZoneInfo, row: Row, *, actor) -> str:
    values = row.values
    request = _request(session, values["permohonan"])
    received_at = recorded_moment(row.received, zone)
    year = row.received.year
    objection = Objection(
        number=f"KEB-{year}-{next_number(session, SEQUENCE, year):06d}",
        year=year,
        request_id=request.id,
        ground=row.grounds[0],
        grounds=row.grounds,
        reasons=values.get("uraian") or GROUND_LABELS[row.grounds[0]],
        received_at=received_at,
        channel="letter",
        name=values["nama"],
        identity_number=request.identity_number,
        address=request.address,
        phone=request.phone,
        email=request.email,
        secret_hash=hash_secret(secrets.token_urlsafe(24)),
        state="submitted",
        due_on=days.due_date(received_at, OBJECTION_DAYS),
        decision_text="",
        created_at=received_at,
        updated_at=received_at,
    )
    if row.decided:
        objection.decision = values["tanggapan"]
        objection.decision_text = values.get("catatan") or IMPORTED_NOTE
        objection.decided_at = recorded_moment(row.decided, zone)
        objection.state = "decided"
    session.add(objection)
    if row.dispute_filed:
        objection.disputes.append(
            Dispute(
                register_number=values["sengketa"],
                filed_on=row.dispute_filed,
                state="filed",
                decision_number="",
                decision_text="",
            )
        )
    audit.record(
        session,
        actor,
        "objection.import",
        objection,
        after={"number": objection.number, "imported": True, "row": row.number},
    )
    return objection.number


def template_xlsx() -> bytes:
    """The import template: the columns, one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Keberatan"
    sheet.append(list(COLUMNS))
    sheet.append([TEMPLATE_EXAMPLE[c] for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
