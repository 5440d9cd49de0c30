"""One reportlab page kit: an A4 letter, a two-column table, Paragraph markup."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle


def a4_letter(story: list, *, title: str, author: str) -> io.BytesIO:
    """A one-column A4 letter (receipt, written notice) as PDF bytes."""
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
    sheet.build(story)
    buffer.seek(0)
    return buffer


def two_column_table(rows: list[tuple[str, str]], normal) -> Table:
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
