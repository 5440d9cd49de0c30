"""Import of a past request register (`dms requests import`): one row per
request with its real receipt, disposition and answer dates, checked against
each other and the working-day calendar, numbered in its own year's sequence
(after any live numbers of that year), marked `request.import` in the audit.
All rows or none, every problem by row number. The register is the PPID Utama's
(DOMAIN.md §4): the command line acts with its authority, a page as its officer."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import SYSTEM
from dms.accounts.service import find_organisation
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
    DISPOSED,
    HOW_TO_OBTAIN,
    OUTCOMES,
    REQUESTER_KINDS,
    SUBMITTED,
    InformationRequest,
    RequestDisposition,
)
from dms.requests.service import ANSWER_DAYS, SEQUENCE, format_number, hash_secret
from dms.workdays import working_calendar

COLUMNS = {
    "diterima": "received",
    "nama": "name",
    "jenis_pemohon": "requester_kind",
    "nomor_identitas": "identity_number",
    "alamat": "address",
    "email": "email",
    "informasi": "information_requested",
    "tujuan": "purpose",
    "cara": "how_to_obtain",
    "opd": "organisation",
    "disposisi": "disposed",
    "dijawab": "answered",
    "hasil": "outcome",
}
REQUIRED = ("diterima", "nama", "informasi", "tujuan")
LIMITS = {"nama": 200, "nomor_identitas": 64, "email": 254}
TEMPLATE_EXAMPLE = {
    "diterima": "2024-03-04",
    "nama": "Nama Pemohon",
    "jenis_pemohon": "person",
    "nomor_identitas": "",
    "alamat": "Alamat pemohon",
    "email": "pemohon@example.com",
    "informasi": "Salinan laporan keuangan 2023",
    "tujuan": "Penelitian",
    "cara": "copy_soft",
    "opd": "dinkes",
    "disposisi": "2024-03-05",
    "dijawab": "2024-03-12",
    "hasil": "granted",
}


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    received: date
    disposed: date | None
    answered: date | None


RequestImport = RegisterImport


def import_requests(
    archive, path: Path, *, dry_run: bool, actor=SYSTEM
) -> RegisterImport:
    """Check every row; unless dry_run or a problem, record them all at once,
    audited as done by `actor`."""
    return import_register(
        archive, path, dry_run=dry_run, actor=actor, check=check, record=_record
    )


def check(archive, path: Path, *, actor=SYSTEM) -> RequestImport:
    """Every row's problem, by row number (1 is the header)."""
    refuse_unless_utama(actor, "permohonan")
    result = RegisterImport()
    sheet = read_checked(path, REQUIRED, COLUMNS, result)
    if sheet is None:
        return result
    settings = archive.settings
    with archive.reading() as session:
        days = working_calendar(session, settings)
        known = {}

        def read_row(number: int, values: dict[str, str]) -> Row:
            row = _row(number, values, settings.local_today(), days)
            _check_organisation(session, known, values.get("opd", ""))
            return row

        check_rows(sheet, result, read_row)
    return result


def _check_organisation(session: Session, known: dict, slug: str) -> None:
    if slug and slug not in known:
        known[slug] = find_organisation(session, slug)
    if slug and known[slug] is None:
        raise ValidationError(f"OPD '{slug[:64]}' tidak dikenal.")


def _row(number: int, values: dict[str, str], today: date, days) -> Row:
    for name in REQUIRED:
        if not values.get(name):
            raise ValidationError(f"Kolom {name} kosong.")
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            raise ValidationError(f"Kolom {name} melebihi {limit} karakter.")
    kind = values.get("jenis_pemohon") or "person"
    how = values.get("cara") or "copy_soft"
    outcome = values.get("hasil", "")
    if kind not in REQUESTER_KINDS:
        raise ValidationError(f"Jenis pemohon: {', '.join(REQUESTER_KINDS)}.")
    if how not in HOW_TO_OBTAIN:
        raise ValidationError(f"Cara memperoleh: {', '.join(HOW_TO_OBTAIN)}.")
    if outcome and outcome not in OUTCOMES:
        raise ValidationError(f"Hasil '{outcome[:40]}' tidak dikenal.")
    received = day_cell(values["diterima"], "diterima", today)
    disposed = day_cell(values.get("disposisi", ""), "disposisi", today)
    answered = day_cell(values.get("dijawab", ""), "dijawab", today)
    if disposed and disposed < received:
        raise ValidationError("Tanggal disposisi sebelum tanggal diterima.")
    if disposed and not values.get("opd"):
        raise ValidationError("Disposisi tanpa OPD (kolom opd).")
    if answered and answered < (disposed or received):
        raise ValidationError("Tanggal dijawab sebelum tanggal diterima/disposisi.")
    if bool(answered) != bool(outcome):
        raise ValidationError("Tanggal dijawab dan hasil harus diisi bersama.")
    if answered and not days.is_working_day(answered):
        raise ValidationError(
            f"Tanggal dijawab {answered.isoformat()} bukan hari kerja."
        )
    values = {**values, "jenis_pemohon": kind, "cara": how}
    return Row(number, values, received, disposed, answered)


def _record(session: Session, days, zone: ZoneInfo, row: Row, *, actor) -> str:
    values = row.values
    received_at = recorded_moment(row.received, zone)
    year = row.received.year
    request = InformationRequest(
        number=format_number(year, next_number(session, SEQUENCE, year)),
        year=year,
        received_at=received_at,
        channel="letter",
        requester_kind=values["jenis_pemohon"],
        name=values["nama"],
        identity_number=values.get("nomor_identitas", ""),
        address=values.get("alamat", ""),
        email=values.get("email", ""),
        information_requested=values["informasi"],
        purpose=values["tujuan"],
        how_to_obtain=values["cara"],
        state=SUBMITTED,
        secret_hash=hash_secret(secrets.token_urlsafe(24)),
        due_on=days.due_date(received_at, ANSWER_DAYS),
        created_at=received_at,
        updated_at=received_at,
    )
    session.add(request)
    if values.get("opd"):
        request.dispositions.append(
            RequestDisposition(
                organisation_id=find_organisation(session, values["opd"]).id,
                disposed_at=recorded_moment(row.disposed or row.received, zone),
                note="Diimpor dari register lama.",
            )
        )
        request.state = DISPOSED
    if row.answered:
        request.outcome = values["hasil"]
        request.answered_at = recorded_moment(row.answered, zone)
        request.state = ANSWERED
    audit.record(
        session,
        actor,
        "request.import",
        request,
        after={"number": request.number, "imported": True, "row": row.number},
    )
    return request.number


def template_xlsx() -> bytes:
    """The import template: the columns, one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Permohonan"
    sheet.append(list(COLUMNS))
    sheet.append([TEMPLATE_EXAMPLE[c] for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
