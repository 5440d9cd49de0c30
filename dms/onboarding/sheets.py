"""Reading an uploaded spreadsheet (CSV or XLSX) safely: bounded in size, an
XLSX's zip checked by its declared sizes before openpyxl opens it, formula
cells reported rather than evaluated; and the steps every import (DIP, request
and objection registers) shares: the header check, every row's problem by its
row number, the registers recorded in one transaction in order of receipt."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from dms.accounts.roles import PPID_UTAMA
from dms.errors import Forbidden, ValidationError
from dms.workdays import working_calendar

MAX_SHEET_BYTES = 10 * 1024 * 1024
# What the XLSX's parts may expand to, together and relative to the file.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_PARTS = 500
MAX_ROWS = 10_000
MAX_CELL = 20_000


@dataclass(frozen=True)
class Sheet:
    """The header (lower-cased, trimmed) and the rows, each with its row number."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    formulas: list[tuple[int, str]]


def read_sheet(path: Path) -> Sheet:
    """The first sheet of an .xlsx or a .csv file, or ValidationError."""
    size = path.stat().st_size
    if size > MAX_SHEET_BYTES:
        raise ValidationError(
            f"Berkas {path.name} terlalu besar ({size // (1024 * 1024)} MB); "
            f"paling besar {MAX_SHEET_BYTES // (1024 * 1024)} MB."
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path.read_bytes())
    if suffix == ".xlsx":
        return _xlsx(path, size)
    raise ValidationError("Gunakan berkas .xlsx atau .csv.")


def _csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Berkas CSV harus berenkode UTF-8.") from None
    dialect = csv.excel_tab if text.split("\n", 1)[0].count("\t") else csv.excel
    if ";" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0]:
        dialect = _Semicolon
    cells = list(csv.reader(io.StringIO(text), dialect))
    formulas = [
        (number, value)
        for number, row in enumerate(cells, start=1)
        for value in row
        if value.startswith("=")
    ]
    return _sheet(cells, formulas)


class _Semicolon(csv.excel):
    delimiter = ";"


def _xlsx(path: Path, size: int) -> Sheet:
    check_zip(path, size)
    from openpyxl import load_workbook  # slow to import; only when needed
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError("Berkas XLSX tidak dapat dibaca.") from None
    try:
        cells, formulas = [], []
        for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise ValidationError(f"Paling banyak {MAX_ROWS} baris.")
            values = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((number, str(cell.value)))
                values.append("" if cell.value is None else _text(cell.value))
            cells.append(values)
    finally:
        workbook.close()
    return _sheet(cells, formulas)


def check_zip(path: Path, size: int) -> None:
    """Refuse a zip bomb by the sizes its directory declares, before unpacking."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise ValidationError("Berkas XLSX rusak (bukan arsip zip).") from None
    declared = sum(part.file_size for part in parts)
    if (
        len(parts) > MAX_PARTS
        or declared > MAX_UNZIPPED_BYTES
        or declared > MAX_RATIO * max(size, 1)
    ):
        raise ValidationError(
            "Berkas XLSX mengembang terlalu besar saat dibuka (kemungkinan bom zip); "
            "simpan ulang sebagai XLSX biasa atau CSV."
        )


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _sheet(cells: list[list[str]], formulas) -> Sheet:
    cells = [row for row in cells]
    if not cells:
        raise ValidationError("Berkas kosong: baris pertama harus berisi nama kolom.")
    if len(cells) > MAX_ROWS + 1:
        raise ValidationError(f"Paling banyak {MAX_ROWS} baris.")
    header = [name.strip().lower() for name in cells[0]]
    rows = []
    for number, row in enumerate(cells[1:], start=2):
        values = {
            name: value.strip()[:MAX_CELL]
            for name, value in zip(header, row, strict=False)
            if name
        }
        if any(values.values()):
            rows.append((number, values))
    return Sheet(header, rows, formulas)


def day_cell(raw: str, name: str, today: date) -> date | None:
    """A date cell (YYYY-MM-DD), empty as None; not in the future, not before
    UU 14/2008."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationError(
            f"Tanggal {name} '{raw[:20]}' tidak valid (YYYY-MM-DD)."
        ) from None
    if day > today:
        raise ValidationError(f"Tanggal {name} {day.isoformat()} di masa depan.")
    if day.year < 2008:
        raise ValidationError(f"Tanggal {name} sebelum UU 14/2008 berlaku.")
    return day


def recorded_moment(day: date, zone: ZoneInfo) -> datetime:
    """A recorded day at the start of office hours (the day counts, not the hour)."""
    return datetime.combine(day, time(8, 0), zone).astimezone(UTC)


# -- what the imports share ----------------------------------------------------


@dataclass
class SheetImport:
    """What an import did, or (dry run, or any problem) would do: the rows read
    and every problem by its row number (1 is the header)."""

    rows: list = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_checked(path: Path, required, columns, result: SheetImport) -> Sheet | None:
    """The sheet, with its header's and formula cells' problems added to
    ``result``; None when a required column is missing (no row can be read)."""
    sheet = read_sheet(path)
    missing = [name for name in required if name not in sheet.header]
    unknown = [n for n in sheet.header if n and n not in columns]
    if missing:
        result.problems.append((1, f"Kolom wajib tidak ada: {', '.join(missing)}."))
    if unknown:
        result.problems.append((1, f"Kolom tidak dikenal: {', '.join(unknown)}."))
    for number, formula in sheet.formulas:
        result.problems.append(
            (number, f"Sel berisi rumus ({formula[:40]}); isi dengan nilainya.")
        )
    return None if missing else sheet


def check_rows(
    sheet: Sheet, result: SheetImport, read_row: Callable[[int, dict], object]
) -> None:
    """Each row read by ``read_row`` into ``result.rows``, or its problem."""
    for number, values in sheet.rows:
        try:
            result.rows.append(read_row(number, values))
        except ValidationError as exc:
            result.problems.append((number, exc.message))
    if not sheet.rows:
        result.problems.append((2, "Tidak ada baris data."))
    result.problems.sort()


@dataclass
class RegisterImport(SheetImport):
    """A register's import (requests, objections): and the numbers its rows got."""

    numbers: list[str] = field(default_factory=list)


def import_register(
    archive, path: Path, *, dry_run: bool, actor, check: Callable, record: Callable
) -> RegisterImport:
    """Check every row (``check``); unless dry_run or a problem, record them all
    at once (``record``, in order of receipt), audited as done by ``actor``."""
    result = check(archive, path, actor=actor)
    if dry_run or not result.ok:
        return result
    result.numbers = record_in_order(archive, result.rows, partial(record, actor=actor))
    return result


def refuse_unless_utama(actor, register: str) -> None:
    """The registers are the PPID Utama's (DOMAIN.md §4); the command line acts
    with its authority, a page as its officer."""
    if not actor.is_active or actor.role != PPID_UTAMA:
        raise Forbidden(f"Hanya PPID Utama yang dapat mengimpor register {register}.")


def record_in_order(archive, rows: list, record: Callable) -> list[str]:
    """Every checked register row recorded in one transaction, in order of
    receipt (so numbers follow the dates); the numbers given."""
    with archive.transaction() as session:
        zone = ZoneInfo(archive.settings.timezone)
        days = working_calendar(session, archive.settings)
        ordered = sorted(rows, key=lambda r: (r.received, r.number))
        return [record(session, days, zone, row) for row in ordered]
