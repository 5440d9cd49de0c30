"""The DIP and DIK as files: XLSX (openpyxl) and PDF (reportlab), from register rows.

Both are built from a Register (dms.classification.registers), so they can show
nothing the rows do not hold: the DIK rows carry no content of an exempt document.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dms.classification.registers import DIK, DIP, DikRow, DipRow, Register
from dms.output.dates import indonesian_date
from dms.output.tables import clean, text_cell

XLSX = "xlsx"
PDF = "pdf"
FORMATS = (XLSX, PDF)
MEDIA_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
}
# Characters neither an XLSX cell nor reportlab's markup may hold.

EMPTY = {
    DIP: "Belum ada informasi publik yang terdaftar.",
    DIK: "Belum ada informasi yang dikecualikan.",
}


@dataclass(frozen=True)
class Column:
    """One column of a register file: header, width in characters, cell text."""

    header: str
    width: int
    value: Callable[[object], str]
    # Only in the consolidated register (the organisation is in the title otherwise).
    consolidated_only: bool = False
    in_pdf: bool = True


DIP_COLUMNS = (
    Column("No", 5, lambda r: str(r.number)),
    Column("Badan publik", 22, lambda r: r.org.name, consolidated_only=True),
    Column("Judul", 32, lambda r: r.title),
    Column("Ringkasan isi", 40, lambda r: r.summary),
    Column("Pejabat/unit yang menguasai informasi", 22, lambda r: r.unit),
    Column("Penanggung jawab pembuatan informasi", 22, lambda r: r.responsible),
    Column("Waktu dan tempat pembuatan", 20, lambda r: r.made),
    Column("Bentuk informasi yang tersedia", 16, lambda r: r.forms_label),
    Column("Jangka waktu penyimpanan", 16, lambda r: r.retention),
    Column("Kategori", 12, lambda r: r.category_label),
    Column("Tahun", 7, lambda r: str(r.year or "")),
    Column("Keterangan", 24, lambda r: r.missing_label),
    Column("Tautan", 28, lambda r: r.url, in_pdf=False),
)
DIK_COLUMNS = (
    Column("No", 5, lambda r: str(r.number)),
    Column("Badan publik", 22, lambda r: r.org.name, consolidated_only=True),
    Column("Judul informasi", 36, lambda r: r.title),
    Column("Dasar hukum", 30, lambda r: r.legal_basis),
    Column("Konsekuensi", 44, lambda r: r.consequence),
    Column("Jangka waktu pengecualian", 22, lambda r: r.period),
    Column("Pengecualian", 18, lambda r: r.decision_label),
    Column("Status", 20, lambda r: r.status_label),
    Column("Nomor uji konsekuensi", 18, lambda r: r.test_number),
    Column("Tanggal penetapan", 16, lambda r: indonesian_date(r.decided_on)),
)


def columns(register: Register, *, pdf: bool = False) -> list[Column]:
    """The columns a register's file shows."""
    chosen = DIP_COLUMNS if register.kind == DIP else DIK_COLUMNS
    return [
        c
        for c in chosen
        if (register.org is None or not c.consolidated_only) and (c.in_pdf or not pdf)
    ]


def export(register: Register, fmt: str, *, base_url: str = "") -> bytes:
    """The register as an XLSX or PDF file; base_url makes links absolute."""
    if fmt == XLSX:
        return xlsx_bytes(register, base_url=base_url)
    if fmt == PDF:
        return pdf_bytes(register, base_url=base_url)
    raise ValueError(f"unknown register format {fmt!r}")


def _generated_line(register: Register) -> str:
    return f"Dibuat {indonesian_date(register.generated_on)}"


# --- XLSX --------------------------------------------------------------------------

HEADER_ROW = 3


def xlsx_bytes(register: Register, *, base_url: str = "") -> bytes:
    """One sheet (DIP or DIK): title, date, bold frozen header, autofilter, wrapping."""
    book = Workbook()
    sheet = book.active
    sheet.title = register.kind.upper()
    chosen = columns(register)
    text_cell(sheet, 1, 1, register.title).font = Font(bold=True, size=14)
    text_cell(sheet, 2, 1, _generated_line(register))
    for index, column in enumerate(chosen, start=1):
        cell = text_cell(sheet, HEADER_ROW, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    wrapped = Alignment(wrap_text=True, vertical="top")
    for row_index, row in enumerate(register.rows, start=HEADER_ROW + 1):
        for index, column in enumerate(chosen, start=1):
            cell = text_cell(sheet, row_index, index, column.value(row))
            cell.alignment = wrapped
            if column.header == "Tautan":
                cell.hyperlink = base_url.rstrip("/") + row.url
    _finish_sheet(sheet, len(chosen), HEADER_ROW + len(register.rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _finish_sheet(sheet, width: int, last_row: int) -> None:
    last_column = get_column_letter(width)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# --- PDF ---------------------------------------------------------------------------

MARGIN = 12 * mm
STYLES = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=STYLES["BodyText"], fontSize=7, leading=8.5)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def pdf_bytes(register: Register, *, base_url: str = "") -> bytes:
    """A4 landscape: title, date, a table whose header repeats on every page."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=register.title,
        author="dms",
    )
    story = [
        Paragraph(_markup(register.title), STYLES["Title"]),
        Paragraph(_markup(_generated_line(register)), STYLES["Normal"]),
        Spacer(1, 4 * mm),
    ]
    if register.rows:
        story.append(_table(register, document.width, base_url))
    else:
        story.append(Paragraph(EMPTY[register.kind], STYLES["Normal"]))
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _table(register: Register, width: float, base_url: str) -> LongTable:
    chosen = columns(register, pdf=True)
    total = sum(c.width for c in chosen)
    header = [Paragraph(_markup(c.header), HEAD) for c in chosen]
    body = [[_pdf_cell(c, row, base_url) for c in chosen] for row in register.rows]
    return LongTable(
        [header, *body],
        colWidths=[width * c.width / total for c in chosen],
        repeatRows=1,
        style=TABLE_STYLE,
    )


def _pdf_cell(column: Column, row: DipRow | DikRow, base_url: str) -> Paragraph:
    text = _markup(column.value(row))
    if base_url and isinstance(row, DipRow) and column.header == "Judul":
        link = escape(base_url.rstrip("/") + row.url, {'"': "&quot;"})
        text = f'<link href="{link}" color="blue">{text}</link>'
    return Paragraph(text, CELL)


def _markup(text: str) -> str:
    """Plain text for reportlab's mini-HTML: escaped, line breaks kept."""
    return escape(clean(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def _page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(
        document.pagesize[0] - MARGIN, MARGIN / 2, f"Halaman {document.page}"
    )
    canvas.restoreState()
