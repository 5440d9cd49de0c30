"""Cells for CSV and XLSX files: the one guard against a cell a spreadsheet would
run as a formula (CSV injection), and control characters XLSX rejects."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet will not run: a leading formula character
    gets an apostrophe in front (OWASP's advice against CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header row and the rows as CSV text, every cell through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def clean(text: str) -> str:
    """The text without control characters (XLSX and PDF markup reject them)."""
    return CONTROL_CHARACTERS.sub(" ", text)


def text_cell(sheet, row: int, column: int, text: str):
    """A cell holding text as text: '=...' from a title must not become a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = clean(text)
    cell.data_type = "s"
    return cell
