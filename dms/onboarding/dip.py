"""Import of a DIP spreadsheet (`dms dip import`): one row per information item
with the DIP columns of DOMAIN.md §5, its category and year, and an optional file
found under a folder. Every row is checked first and every problem reported by
row number; then all rows are written in one transaction, or none."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import SYSTEM
from dms.accounts.service import find_organisation
from dms.categories import BERKALA, SERTA_MERTA, SETIAP_SAAT
from dms.documents import services
from dms.documents.access import may_upload_to
from dms.documents.models import DIP_FORMS, DRAFT, Document
from dms.documents.services import MAX_LENGTHS
from dms.errors import DomainError, Forbidden, ValidationError
from dms.onboarding.sheets import SheetImport, check_rows, read_checked

# Column of the spreadsheet -> field of the document.
COLUMNS = {
    "judul": "title",
    "ringkasan": "summary",
    "kategori": "category",
    "tahun": "year",
    "jenis_informasi": "info_type",
    "unit": "dip_unit",
    "penanggung_jawab": "dip_responsible",
    "waktu_pembuatan": "dip_production_time",
    "tempat_pembuatan": "dip_production_place",
    "bentuk": "dip_form",
    "retensi": "dip_retention",
    "berkas": "file",
}
REQUIRED = ("judul", "kategori", "tahun")
# An import never makes a document exempt: only a consequence test does.
IMPORTABLE = (BERKALA, SERTA_MERTA, SETIAP_SAAT)
TEMPLATE_EXAMPLE = {
    "judul": "Laporan Keuangan 2025",
    "ringkasan": "Laporan realisasi anggaran tahun 2025",
    "kategori": "berkala",
    "tahun": "2025",
    "jenis_informasi": "laporan keuangan",
    "unit": "Sekretariat",
    "penanggung_jawab": "Sekretaris",
    "waktu_pembuatan": "Januari 2026",
    "tempat_pembuatan": "Kantor",
    "bentuk": "electronic",
    "retensi": "10 tahun",
    "berkas": "laporan-keuangan-2025.pdf",
}


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    year: int
    file: Path | None


@dataclass
class DipImport(SheetImport):
    created: list[int] = field(default_factory=list)


def import_dip(
    archive,
    path: Path,
    *,
    org_slug: str,
    files: Path | None,
    dry_run: bool,
    actor=SYSTEM,
) -> DipImport:
    """Check every row; unless dry_run or a problem, create them all at once
    (the command line acts as the system; a page as its officer)."""
    result = check(archive, path, org_slug=org_slug, files=files, actor=actor)
    if dry_run or not result.ok:
        return result
    try:
        with archive.transaction() as session:
            who = session.merge(actor) if actor is not SYSTEM else SYSTEM
            result.created = [
                _create(session, archive, org_slug, row, who) for row in result.rows
            ]
    except _RowFailed as failed:
        result.problems.append((failed.number, failed.message))
        result.created = []
        return result
    archive.request_indexing(set(result.created))
    return result


def check(
    archive, path: Path, *, org_slug: str, files: Path | None, actor=SYSTEM
) -> DipImport:
    """Every row's problem, by row number (1 is the header)."""
    result = DipImport()
    with archive.reading() as session:
        organisation = find_organisation(session, org_slug or "")
        if organisation is None:
            raise ValidationError(f"Organisasi '{org_slug}' tidak dikenal.", "org")
        if not may_upload_to(actor, organisation.id):
            raise Forbidden("Anda hanya dapat mengimpor untuk organisasi Anda sendiri.")
    sheet = read_checked(path, REQUIRED, COLUMNS, result)
    if sheet is not None:
        check_rows(sheet, result, lambda number, values: _row(number, values, files))
    return result


def _row(number: int, values: dict[str, str], files: Path | None) -> Row:
    for name in REQUIRED:
        if not values.get(name):
            raise ValidationError(f"Kolom {name} kosong.")
    category = values["kategori"].lower()
    if category not in IMPORTABLE:
        raise ValidationError(
            f"Kategori '{values['kategori'][:40]}' tidak dikenal; pilih "
            f"{', '.join(IMPORTABLE)}."
        )
    values = {**values, "kategori": category}
    year = _year(values["tahun"])
    for column, name in COLUMNS.items():
        limit = MAX_LENGTHS.get(name)
        if limit and len(values.get(column, "")) > limit:
            raise ValidationError(f"Kolom {column} melebihi {limit} karakter.")
    forms = [f.strip() for f in values.get("bentuk", "").split(",") if f.strip()]
    if any(form not in DIP_FORMS for form in forms):
        raise ValidationError(f"Bentuk harus salah satu dari {', '.join(DIP_FORMS)}.")
    return Row(number, values, year, _file(values.get("berkas", ""), files))


def _year(raw: str) -> int:
    if not raw.isdigit() or not 1900 <= int(raw) <= 2100:
        raise ValidationError(f"Tahun '{raw[:20]}' tidak valid (1900-2100).")
    return int(raw)


def _file(name: str, files: Path | None) -> Path | None:
    if not name:
        return None
    if files is None:
        raise ValidationError(
            f"Berkas '{name}' disebut, tetapi --files tidak diberikan."
        )
    root = files.resolve()
    found = (root / name).resolve()
    if not found.is_relative_to(root) or not found.is_file():
        raise ValidationError(f"Berkas '{name[:100]}' tidak ditemukan di {files}.")
    return found


class _RowFailed(Exception):
    def __init__(self, number: int, message: str):
        super().__init__(message)
        self.number = number
        self.message = message


def _create(session: Session, archive, org_slug: str, row: Row, actor) -> int:
    values = row.values
    fields = services.NewDocument(
        title=values["judul"],
        category=values["kategori"],
        org_slug=org_slug,
        year=row.year,
        summary=values.get("ringkasan", ""),
        info_type=values.get("jenis_informasi", ""),
        dip={
            name: values[column]
            for column, name in COLUMNS.items()
            if name.startswith("dip_") and values.get(column)
        },
        publish=True,
    )
    try:
        if row.file is None:
            return _metadata_only(session, org_slug, fields, actor)
        with row.file.open("rb") as fileobj:
            document = services.create_document(
                session,
                archive.storage,
                actor=actor,
                fileobj=fileobj,
                filename=row.file.name,
                fields=fields,
                max_size=archive.settings.max_upload_bytes,
            )
    except DomainError as exc:
        raise _RowFailed(row.number, exc.message) from None
    session.flush()
    return document.id


def _metadata_only(session: Session, org_slug: str, fields, actor) -> int:
    """A DIP entry without its file yet: a draft to complete in the workspace."""
    document = Document(
        organisation=find_organisation(session, org_slug),
        status=DRAFT,
        current_version=0,
        created_by_id=getattr(actor, "id", None),
        title=fields.title,
        category=fields.category,
        year=fields.year,
        summary=fields.summary,
        info_type=fields.info_type,
        **fields.dip,
    )
    session.add(document)
    audit.record(
        session,
        actor,
        "document.import",
        document,
        after={"title": document.title, "file": None},
    )
    return document.id


def template_xlsx() -> bytes:
    """The import template: the columns, one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "DIP"
    sheet.append(list(COLUMNS))
    sheet.append([TEMPLATE_EXAMPLE[c] for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
