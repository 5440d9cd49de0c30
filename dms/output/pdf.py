"""One reportlab page kit: an A4 letter, a two-column table, Paragraph markup."""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle


def a4_letter(
    story: list, *, title: str, author: str, on_page: Callable | None = None
) -> io.BytesIO:
    """A one-column A4 letter (receipt, written notice, penetapan) as PDF bytes;
    on_page(canvas, document) draws on every page (a draft's watermark)."""
    buffer = io.BytesIO()
    sheet = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author=author,
    )
    pages = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
    sheet.build(story, **pages)
    buffer.seek(0)
    return buffer


def two_column_table(rows: list[tuple[str, str | None]], normal) -> Table:
    data = [
        [Paragraph(markup(k), normal), Paragraph(markup(v), normal)] for k, v in rows
    ]
    table = Table(data, colWidths=(5 * cm, 11.5 * cm))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, "#555555"),
            ]
        )
    )
    return table


def markup(text: str | None) -> str:
    """Text for a reportlab Paragraph: its markup escaped, line breaks kept."""
    return escape(text or "-").replace("\n", "<br/>")
