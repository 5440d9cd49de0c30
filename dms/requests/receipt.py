"""The receipt of a request (bukti permohonan informasi publik) as a PDF.

It names the requester but never shows the identity number whole (the last four
characters only), nor the contacts: the receipt may be printed, forwarded, shown.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from dms.accounts.service import ppid_title
from dms.output.dates import indonesian_date
from dms.output.pdf import a4_letter, markup, two_column_table
from dms.requests.models import InformationRequest
from dms.requests.service import masked_identity

HOW_TO_OBTAIN_LABELS = {
    "see": "Melihat",
    "read": "Membaca",
    "listen": "Mendengarkan",
    "note": "Mencatat",
    "copy_soft": "Mendapatkan salinan elektronik (softcopy)",
    "copy_hard": "Mendapatkan salinan cetak (hardcopy)",
}
DELIVERY_LABELS = {
    "collect": "Mengambil langsung",
    "post": "Pos",
    "courier": "Kurir",
    "email": "Email",
}
CHANNEL_LABELS = {
    "web": "Formulir daring",
    "walk_in": "Datang langsung",
    "letter": "Surat",
    "phone": "Telepon",
    "email": "Email",
}


def receipt_pdf(
    request: InformationRequest, *, body: str, status_url: str, timezone: str
) -> io.BytesIO:
    """The bukti permohonan of `request`, as PDF bytes."""
    story = _story(request, body, status_url, timezone)
    return a4_letter(story, title=f"Bukti Permohonan {request.number}", author=body)


def _story(request, body: str, status_url: str, timezone: str) -> list:
    base = getSampleStyleSheet()
    normal = base["Normal"]
    centred = ParagraphStyle("centred", parent=normal, alignment=1)
    heading = ParagraphStyle("heading", parent=base["Heading3"], alignment=1)
    return [
        Paragraph(markup(ppid_title(body)).upper(), heading),
        Paragraph("BUKTI PERMOHONAN INFORMASI PUBLIK", heading),
        Paragraph(f"Nomor pendaftaran: <b>{markup(request.number)}</b>", centred),
        Spacer(1, 0.5 * cm),
        two_column_table(_rows(request, status_url, timezone), normal),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Permohonan ini akan dijawab secara tertulis paling lambat pada tanggal "
            "jatuh tempo di atas (10 hari kerja, UU 14/2008 Pasal 22 ayat 7), yang "
            "dapat diperpanjang satu kali paling lama 7 hari kerja dengan alasan "
            "tertulis. Ikuti statusnya melalui tautan status di atas, atau melalui "
            "Cek Status dengan nomor pendaftaran dan email Anda.",
            normal,
        ),
    ]


def _addressed_to(request) -> list[tuple[str, str]]:
    hinted = request.hinted_organisation
    return [("Ditujukan kepada", hinted.name)] if hinted is not None else []


def _rows(request, status_url: str, timezone: str) -> list[tuple[str, str]]:
    received = request.received_at.astimezone(ZoneInfo(timezone))
    return [
        ("Nomor pendaftaran", request.number),
        (
            "Diterima",
            f"{indonesian_date(received.date())} pukul {received:%H.%M} "
            f"({received.tzname()})",
        ),
        ("Saluran", CHANNEL_LABELS.get(request.channel, request.channel)),
        ("Jatuh tempo jawaban", indonesian_date(request.due_on)),
        ("Nama pemohon", request.name),
        ("Nomor identitas", masked_identity(request.identity_number)),
        ("Rincian informasi yang dibutuhkan", request.information_requested),
        *_addressed_to(request),
        ("Tujuan penggunaan", request.purpose),
        ("Cara memperoleh informasi", HOW_TO_OBTAIN_LABELS[request.how_to_obtain]),
        ("Cara mendapatkan salinan", DELIVERY_LABELS.get(request.delivery or "", "-")),
        ("Melalui kuasa", "Ya" if request.proxy else "Tidak"),
        ("Tautan status", status_url),
    ]
