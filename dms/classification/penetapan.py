"""The penetapan (Perki 1/2017 Ps. 4(4)) as a PDF, generated from an approved test.

It states at least the classification, the PPID official who decided, the public
body and unit, the period, the reasons, place and date. It is dated on the day
of approval in the archive's time zone and signed by the atasan PPID who
approved (name, NIP, position). Before the approval the atasan reads a draft of
it, marked DRAFT and dated on the local today.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, Table

from dms.accounts.service import ppid_title
from dms.classification.registers import exemption_period, legal_basis
from dms.documents.consequence_tests import (
    APPROVED,
    EXEMPT_PART,
    EXEMPT_WHOLE,
    PERIOD_INDEFINITE,
    RECORDED,
    ConsequenceTest,
)
from dms.errors import InvalidTransition
from dms.output.dates import indonesian_date
from dms.output.pdf import a4_letter, markup, two_column_table

DRAFT_MARK = "DRAFT"

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


@dataclass(frozen=True)
class Sheet:
    """What the penetapan is printed from besides the test itself."""

    dated: date
    # The atasan PPID who signs: the approver, or the reader of a draft.
    official: object | None
    draft: bool
    body: str
    title: str
    unit: str


def penetapan_pdf(test: ConsequenceTest, *, timezone: str) -> io.BytesIO:
    """The penetapan of an approved test, dated on the local day of approval."""
    if test.state != APPROVED:
        raise InvalidTransition(
            "Penetapan baru tersedia setelah uji konsekuensi disetujui."
        )
    dated = test.decided_at.astimezone(ZoneInfo(timezone)).date()
    sheet = Sheet(
        dated=dated,
        official=test.decided_by,
        draft=False,
        body=test.subject_body,
        title=test.subject_title or test.document.title,
        unit=test.subject_unit,
    )
    return _pdf(test, sheet)


def draft_penetapan_pdf(
    test: ConsequenceTest, *, today: date, official=None
) -> io.BytesIO:
    """The penetapan as it would read if `official` approved the recorded test
    `today` (the archive's local date), marked DRAFT."""
    if test.state != RECORDED:
        raise InvalidTransition(
            "Draf penetapan tersedia untuk uji yang sudah dicatat dan menunggu "
            "keputusan atasan PPID."
        )
    from dms.classification.exemptions import public_body_name

    document = test.document
    sheet = Sheet(
        dated=today,
        official=official,
        draft=True,
        body=public_body_name(document),
        title=document.title,
        unit=document.dip_unit or document.organisation.name,
    )
    return _pdf(test, sheet)


def _pdf(test: ConsequenceTest, sheet: Sheet) -> io.BytesIO:
    prefix = f"{DRAFT_MARK} " if sheet.draft else ""
    return a4_letter(
        _story(test, sheet),
        title=f"{prefix}Penetapan {test.number}",
        author=ppid_title(sheet.body),
        on_page=_watermark if sheet.draft else None,
    )


def _watermark(canvas, document) -> None:
    """A large grey DRAFT across every page of a draft."""
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 96)
    canvas.setFillGray(0.85)
    width, height = A4
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, 0, DRAFT_MARK)
    canvas.restoreState()


def _styles():
    base = getSampleStyleSheet()
    centred = ParagraphStyle("centred", parent=base["Normal"], alignment=1)
    heading = ParagraphStyle(
        "heading", parent=base["Heading3"], alignment=1, spaceAfter=2
    )
    return base["Normal"], centred, heading


def _story(test: ConsequenceTest, sheet: Sheet) -> list:
    normal, centred, heading = _styles()
    ppid = markup(ppid_title(sheet.body))
    story = []
    if sheet.draft:
        story.append(Paragraph(f"{DRAFT_MARK} — belum disetujui atasan PPID", heading))
    story += [
        Paragraph(f"PENETAPAN {ppid.upper()}", heading),
        Paragraph(f"NOMOR {markup(test.number or '-')}", centred),
        Paragraph("TENTANG", centred),
        Paragraph("PENETAPAN KLASIFIKASI INFORMASI PUBLIK", heading),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Menimbang hasil uji konsekuensi "
            f"tanggal {markup(_day(test.test_date))} di {markup(test.place)} "
            "sesuai UU 14/2008 "
            "Pasal 17 dan Pasal 19, PP 61/2010, serta Perki 1/2017, "
            f"{ppid} menetapkan:",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        _table(test, sheet, normal),
        Spacer(1, 0.6 * cm),
        Paragraph(
            f"Ditetapkan di {markup(test.place)} pada tanggal "
            f"{markup(indonesian_date(sheet.dated))}.",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(_signatures(test, sheet), normal),
        Spacer(1, 0.6 * cm),
        Paragraph(_official_block(sheet.official), normal),
    ]
    return story


def _table(test: ConsequenceTest, sheet: Sheet, normal) -> Table:
    rows = [
        ("Informasi", sheet.title),
        ("Informasi yang diuji", test.specific_information),
        ("Sumber dokumen", test.source_documents),
        ("Klasifikasi", CLASSIFICATIONS.get(test.decision or "", "-")),
        ("Dasar hukum", legal_basis(test) or "-"),
        ("Konsekuensi apabila dibuka", test.consequence_if_opened),
        ("Pertimbangan kepentingan publik", test.consequence_if_closed),
        ("Jangka waktu pengecualian", period_text(test)),
        ("Badan publik", sheet.body),
        ("Unit yang menguasai", sheet.unit),
        ("Peserta pengujian", "; ".join(test.participants or []) or "-"),
    ]
    numbered = [
        (f"{index}. {label}", value) for index, (label, value) in enumerate(rows, 1)
    ]
    return two_column_table(numbered, normal)


def _signatures(test: ConsequenceTest, sheet: Sheet) -> str:
    recorder = _person(test.recorded_by)
    approver = "(belum)" if sheet.draft else _person(test.decided_by)
    return (
        f"Dicatat oleh PPID: <b>{markup(recorder)}</b><br/>"
        f"Disetujui oleh atasan PPID: <b>{markup(approver)}</b>"
    )


def _person(user) -> str:
    if user is None:
        return "-"
    return user.display_name or user.username


def _official_block(user) -> str:
    """Where the atasan PPID signs: position, name and NIP."""
    if user is None:
        return "Atasan PPID<br/><br/><br/><b>(nama)</b><br/>NIP -"
    position = user.position or "Atasan PPID"
    return (
        f"{markup(position)}<br/><br/><br/><b>{markup(_person(user))}</b><br/>"
        f"NIP {markup(user.nip or '-')}"
    )


def _day(value: date | None) -> str:
    return indonesian_date(value) if value else "-"
