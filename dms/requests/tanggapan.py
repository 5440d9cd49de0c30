"""The atasan PPID's written answer to an objection (tanggapan atas keberatan,
UU 14/2008 Ps. 36; Perki 1/2021) as a PDF letter.

It names the objection, the request it concerns, the grounds, the decision and
its reasons, and where to go next (the Komisi Informasi within 14 working days);
it is dated on the local day of the decision and signed with the atasan's name,
NIP and position. Like the notice it names the objector but masks the identity
number and leaves the contacts out.
"""

from __future__ import annotations

import io
from datetime import date
from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from dms.accounts.service import ppid_title
from dms.errors import NotFound
from dms.output.dates import indonesian_date
from dms.output.pdf import a4_letter, markup, two_column_table
from dms.requests.models import Objection
from dms.requests.objections import DECISION_LABELS, GROUND_LABELS
from dms.requests.service import masked_identity


def tanggapan_pdf(objection: Objection, *, body: str, timezone: str) -> io.BytesIO:
    """The tanggapan of a decided objection, as PDF bytes; NotFound before it."""
    if objection.decision is None or objection.decided_at is None:
        raise NotFound("Keberatan ini belum ditanggapi atasan PPID.")
    zone = ZoneInfo(timezone)
    received = objection.received_at.astimezone(zone).date()
    decided = objection.decided_at.astimezone(zone).date()
    return a4_letter(
        _story(objection, body, received, decided),
        title=f"Tanggapan atas Keberatan {objection.number}",
        author=f"Atasan {ppid_title(body)}",
    )


def _story(objection: Objection, body: str, received: date, decided: date) -> list:
    base = getSampleStyleSheet()
    normal = base["Normal"]
    centred = ParagraphStyle("centred", parent=normal, alignment=1)
    heading = ParagraphStyle("heading", parent=base["Heading3"], alignment=1)
    return [
        Paragraph(f"ATASAN {markup(ppid_title(body)).upper()}", heading),
        Paragraph("TANGGAPAN ATAS KEBERATAN", heading),
        Paragraph(f"Atas keberatan nomor <b>{markup(objection.number)}</b>", centred),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Menindaklanjuti keberatan yang diterima pada tanggal "
            f"{indonesian_date(received)}, sesuai UU 14/2008 Pasal 36 dengan ini "
            "kami sampaikan tanggapan tertulis:",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        two_column_table(_rows(objection), normal),
        Spacer(1, 0.5 * cm),
        Paragraph("<b>Tanggapan</b>", normal),
        Paragraph(markup(objection.decision_text), normal),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Apabila Saudara tidak puas dengan tanggapan ini, Saudara dapat "
            "mengajukan permohonan penyelesaian sengketa informasi kepada Komisi "
            "Informasi paling lambat 14 hari kerja sejak tanggapan ini diterima "
            "(UU 14/2008 Pasal 37).",
            normal,
        ),
        Spacer(1, 1 * cm),
        Paragraph(indonesian_date(decided), normal),
        Paragraph(_signature(objection.decided_by), normal),
    ]


def _rows(objection: Objection) -> list[tuple[str, str]]:
    request = objection.request
    grounds = "\n".join(f"huruf {g}: {GROUND_LABELS[g]}" for g in objection.ground_list)
    return [
        ("Nama pengaju keberatan", objection.name),
        ("Nomor identitas", masked_identity(objection.identity_number)),
        ("Nomor permohonan", request.number if request else "-"),
        ("Alasan keberatan (Pasal 35 ayat 1)", grounds),
        ("Uraian keberatan", objection.reasons),
        ("Keputusan", DECISION_LABELS[objection.decision]),
    ]


def _signature(official) -> str:
    """Where the atasan PPID signs: position, name and NIP."""
    if official is None:
        return "Atasan PPID<br/><br/><br/><b>(nama)</b><br/>NIP -"
    name = official.display_name or official.username
    return (
        f"{markup(official.position or 'Atasan PPID')}<br/><br/><br/>"
        f"<b>{markup(name)}</b><br/>NIP {markup(official.nip or '-')}"
    )
