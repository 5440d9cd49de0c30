"""The annual report and the request statistics as files: PDF (reportlab), XLSX
(openpyxl, one sheet per table) and CSV, in the house style of
dms.classification.exports."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dms.monitoring.annual import (
    CHAPTERS,
    DISPUTE_CHAPTER,
    REQUEST_CHAPTER,
    AnnualReport,
    ReportTable,
    statistics_tables,
)
from dms.monitoring.requests_stats import RequestStatistics
from dms.output.dates import indonesian_date
from dms.output.tables import clean, text_cell

PDF, XLSX, CSV, JSON = "pdf", "xlsx", "csv", "json"
MEDIA_TYPES = {
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
    JSON: "application/json",
}
MARGIN = 18 * mm
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=10, leading=13)
CELL = ParagraphStyle("cell", parent=STYLES["BodyText"], fontSize=6.5, leading=8)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
COVER = ParagraphStyle(
    "cover", parent=STYLES["Title"], fontSize=18, leading=24, spaceAfter=10
)
PLACEHOLDER_STYLE = ParagraphStyle(
    "placeholder", parent=BODY, textColor=colors.HexColor("#8a1c1c")
)
TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
)


def display(value) -> str:
    """A cell as printed: no value is '-', whole numbers without decimals."""
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


# --- PDF -----------------------------------------------------------------------------


def annual_pdf(report: AnnualReport) -> bytes:
    """A4: title page, contents, the six numbered sections, signature block."""
    out = io.BytesIO()
    document = _document(out, report.title, report.body_name)
    story = _cover(report) + _contents() + [PageBreak()]
    for number, (title, keys) in enumerate(CHAPTERS, start=1):
        story.append(Paragraph(_p(f"{number}. {title}"), STYLES["Heading2"]))
        story += _prose(report, number, keys)
        if number == REQUEST_CHAPTER:
            story += _tables(statistics_tables(report.statistics)[:3], document.width)
        if number == DISPUTE_CHAPTER:
            story += _tables(statistics_tables(report.statistics)[3:], document.width)
    story.append(_signature(report))
    document.build(story, onLaterPages=_page_number)
    return out.getvalue()


def statistics_pdf(stats: RequestStatistics, body_name: str) -> bytes:
    """The request tables alone (the semester's ringkasan akses informasi): a
    public document, so counts only, without the table of dispute cases."""
    out = io.BytesIO()
    title = f"Ringkasan Akses Informasi Publik — {stats.title}"
    document = _document(out, title, body_name)
    story = [
        Paragraph(_p(title), STYLES["Title"]),
        Paragraph(_p(body_name), STYLES["Heading3"]),
        Spacer(1, 4 * mm),
        *_tables(statistics_tables(stats)[:4], document.width),
    ]
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _document(out, title: str, author: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
    )


def _cover(report: AnnualReport) -> list:
    return [
        Spacer(1, 60 * mm),
        Paragraph(_p(report.title.upper()), COVER),
        Paragraph("PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI", COVER),
        Paragraph(_p(report.body_name.upper()), COVER),
        Spacer(1, 20 * mm),
        Paragraph(
            _p(f"Disusun {indonesian_date(report.generated_on)}"),
            ParagraphStyle("centred", parent=BODY, alignment=1),
        ),
        PageBreak(),
    ]


def _contents() -> list:
    items = [Paragraph("DAFTAR ISI", STYLES["Heading2"])]
    for number, (title, _keys) in enumerate(CHAPTERS, start=1):
        items.append(Paragraph(_p(f"{number}. {title}"), BODY))
    items.append(Paragraph("Penutup dan pengesahan", BODY))
    return items


def _prose(report: AnnualReport, number: int, keys) -> list:
    story = []
    for index, key in enumerate(keys, start=1):
        section = report.sections[key]
        if len(keys) > 1:
            story.append(
                Paragraph(_p(f"{number}.{index} {section.title}"), STYLES["Heading4"])
            )
        style = BODY if section.filled else PLACEHOLDER_STYLE
        for paragraph in section.text.split("\n\n"):
            story.append(Paragraph(_p(paragraph), style))
            story.append(Spacer(1, 2 * mm))
        if key == "staff":
            story.append(Paragraph(_p(_staff_line(report)), BODY))
    return story


def _staff_line(report: AnnualReport) -> str:
    staff = report.staff
    return (
        f"Tercatat dalam sistem: {staff.organisations} badan publik/unit, "
        f"{staff.utama} petugas PPID Utama, {staff.pelaksana} petugas PPID "
        f"Pelaksana, {staff.atasan} atasan PPID."
    )


def _tables(tables: list[ReportTable], width: float) -> list:
    story = []
    for table in tables:
        story.append(Paragraph(_p(table.title), STYLES["Heading4"]))
        story.append(_pdf_table(table, width))
        if table.note:
            story.append(Paragraph(_p(table.note), CELL))
        story.append(Spacer(1, 4 * mm))
    return story


def _pdf_table(table: ReportTable, width: float) -> LongTable:
    weights = table.widths or [
        6 if i in table.text_columns else 1.2 for i in range(len(table.header))
    ]
    total = sum(weights)
    header = [Paragraph(_p(h), HEAD) for h in table.header]
    body = [[Paragraph(_p(display(v)), CELL) for v in row] for row in table.rows]
    if not body:
        body = [[Paragraph("Tidak ada data.", CELL)] + [""] * (len(header) - 1)]
    return LongTable(
        [header, *body],
        colWidths=[width * w / total for w in weights],
        repeatRows=1,
        style=TABLE_STYLE,
    )


def _signature(report: AnnualReport) -> KeepTogether:
    place = report.sections["sign_place"]
    name = report.sections["sign_name"]
    right = ParagraphStyle("right", parent=BODY, leftIndent=90 * mm)
    when = indonesian_date(report.generated_on)
    return KeepTogether(
        [
            Spacer(1, 10 * mm),
            Paragraph(_p(f"{place.body.strip() or '(tempat)'}, {when}"), right),
            Paragraph("Pejabat Pengelola Informasi dan Dokumentasi", right),
            Paragraph(_p(report.body_name), right),
            Spacer(1, 22 * mm),
            Paragraph(_p(name.body.strip() or "(nama dan NIP)"), right),
        ]
    )


def _page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(
        document.pagesize[0] - MARGIN, MARGIN / 2, f"Halaman {document.page}"
    )
    canvas.restoreState()


def _p(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(clean(text)).replace("\r\n", "\n").replace("\n", "<br/>")


# --- XLSX and CSV --------------------------------------------------------------------

HEADER_ROW = 3


def tables_xlsx(tables: list[ReportTable], heading: str) -> bytes:
    """One sheet per table: title, bold frozen header, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        _cell(sheet, 1, 1, f"{heading} — {table.title}").font = Font(bold=True, size=12)
        for column, text in enumerate(table.header, start=1):
            cell = _cell(sheet, HEADER_ROW, column, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            wide = column - 1 in table.text_columns
            sheet.column_dimensions[get_column_letter(column)].width = 40 if wide else 9
        for row_index, row in enumerate(table.rows, start=HEADER_ROW + 1):
            for column, value in enumerate(row, start=1):
                _cell(sheet, row_index, column, value)
        if table.note:
            _cell(sheet, HEADER_ROW + len(table.rows) + 2, 1, table.note)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, row: int, column: int, value):
    """Numbers as numbers; text as text ('=...' must not become a formula)."""
    if not isinstance(value, int | float):
        return text_cell(
            sheet, row, column, display(value) if value is None else str(value)
        )
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    return cell


def annual_xlsx(report: AnnualReport) -> bytes:
    return tables_xlsx(statistics_tables(report.statistics), report.title)


def statistics_xlsx(stats: RequestStatistics) -> bytes:
    return tables_xlsx(statistics_tables(stats), stats.title)


def statistics_csv(stats: RequestStatistics) -> bytes:
    """One row per month and a total row: counts only, no personal data."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows = [m.as_json() for m in stats.months]
    total = stats.total.as_json()
    total["month"] = "total"
    columns = [k for k in rows[0] if k != "refused_by_reason"]
    reasons = list(rows[0]["refused_by_reason"])
    writer.writerow(["year", *columns, *reasons])
    for row in [*rows, total]:
        writer.writerow(
            [
                stats.year,
                *("" if row[c] is None else row[c] for c in columns),
                *(row["refused_by_reason"][c] for c in reasons),
            ]
        )
    return out.getvalue().encode("utf-8")
