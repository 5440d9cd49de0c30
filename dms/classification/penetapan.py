"""The penetapan (Perki 1/2017 Ps. 4(4)) as a PDF, generated from an approved test.

It states at least the classification, the PPID official who decided, the public
body and unit, the period, the reasons, place and date.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dms.classification.models import (
    APPROVED,
    EXEMPT_PART,
    EXEMPT_WHOLE,
    PERIOD_INDEFINITE,
    ConsequenceTest,
)
from dms.classification.registers import (
    exemption_period,
    indonesian_date,
    legal_basis,
)
from dms.errors import InvalidTransition

CLASSIFICATIONS = {
    EXEMPT_WHOLE: "Informasi yang dikecualikan (seluruhnya)",
    EXEMPT_PART: "Informasi yang dikecualikan sebagian; versi publik yang "
    "dihitamkan diterbitkan sebagai gantinya",
    "not_exempt": "Bukan informasi yang dikecualikan (terbuka)",
}


def period_text(test: ConsequenceTest) -> str:
    """The exemption period in words, as the DIK gives it."""
    if test.period_kind is None:
        return "-"
    if test.period_kind == PERIOD_INDEFINITE:
        return "tanpa batas waktu (Pasal 17 huruf g-j)"
    return exemption_period(test)


def penetapan_pdf(test: ConsequenceTest) -> io.BytesIO:
    """The penetapan of an approved test, as PDF bytes."""
    if test.state != APPROVED:
        raise InvalidTransition(
            "Penetapan baru tersedia setelah uji konsekuensi disetujui."
        )
    buffer = io.BytesIO()
    sheet = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Penetapan {test.number}",
        author=_body_name(test),
    )
    sheet.build(_story(test))
    buffer.seek(0)
    return buffer


def _styles():
    base = getSampleStyleSheet()
    centred = ParagraphStyle("centred", parent=base["Normal"], alignment=1)
    heading = ParagraphStyle(
        "heading", parent=base["Heading3"], alignment=1, spaceAfter=2
    )
    return base["Normal"], centred, heading


def _story(test: ConsequenceTest) -> list:
    normal, centred, heading = _styles()
    body = _body_name(test)
    decided = test.decided_at.date() if test.decided_at else date.today()
    story = [
        Paragraph(f"PENETAPAN PPID {_p(body).upper()}", heading),
        Paragraph(f"NOMOR {_p(test.number or '-')}", centred),
        Paragraph("TENTANG", centred),
        Paragraph("PENETAPAN KLASIFIKASI INFORMASI PUBLIK", heading),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Menimbang hasil uji konsekuensi "
            f"tanggal {_p(_day(test.test_date))} di {_p(test.place)} sesuai UU 14/2008 "
            "Pasal 17 dan Pasal 19, PP 61/2010, serta Perki 1/2017, PPID "
            f"{_p(body)} menetapkan:",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        _table(test, normal),
        Spacer(1, 0.6 * cm),
        Paragraph(
            f"Ditetapkan di {_p(test.place)} pada tanggal "
            f"{_p(indonesian_date(decided))}.",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(_signatures(test), normal),
    ]
    return story


def _table(test: ConsequenceTest, normal) -> Table:
    document = test.document
    rows = [
        ("Informasi", test.subject_title or document.title),
        ("Informasi yang diuji", test.specific_information),
        ("Sumber dokumen", test.source_documents),
        ("Klasifikasi", CLASSIFICATIONS.get(test.decision or "", "-")),
        ("Dasar hukum", legal_basis(test) or "-"),
        ("Konsekuensi apabila dibuka", test.consequence_if_opened),
        ("Pertimbangan kepentingan publik", test.consequence_if_closed),
        ("Jangka waktu pengecualian", period_text(test)),
        ("Badan publik", _body_name(test)),
        ("Unit yang menguasai", test.subject_unit),
        ("Peserta pengujian", "; ".join(test.participants or []) or "-"),
    ]
    data = [
        [Paragraph(f"{index}. {_p(label)}", normal), Paragraph(_p(value), normal)]
        for index, (label, value) in enumerate(rows, start=1)
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


def _signatures(test: ConsequenceTest) -> str:
    recorder = _person(test.recorded_by)
    approver = _person(test.decided_by)
    return (
        f"Dicatat oleh PPID: <b>{_p(recorder)}</b><br/>"
        f"Disetujui oleh atasan PPID: <b>{_p(approver)}</b>"
    )


def _person(user) -> str:
    if user is None:
        return "-"
    return user.display_name or user.username


def _body_name(test: ConsequenceTest) -> str:
    return test.subject_body


def _day(value: date | None) -> str:
    return indonesian_date(value) if value else "-"


def _p(text: str | None) -> str:
    """Text for a reportlab Paragraph: its markup escaped, line breaks kept."""
    return escape(text or "-").replace("\n", "<br/>")
