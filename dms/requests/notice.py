"""The written notice (pemberitahuan tertulis, Perki 1/2021) that answers a
request: the decision, what is given and how, the cost, and for a refusal the
exemption's legal basis, consequence and its consequence-test number.

Like the receipt, it names the requester but masks the identity number and
leaves the contacts out: the notice is handed over, printed, forwarded.
"""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from dms.accounts.service import ppid_title
from dms.output.dates import indonesian_date
from dms.output.pdf import a4_letter, markup, two_column_table
from dms.requests.models import InformationRequest
from dms.requests.receipt import DELIVERY_LABELS, HOW_TO_OBTAIN_LABELS
from dms.requests.service import masked_identity
from dms.requests.workflow import OUTCOME_LABELS


def notice_pdf(
    found: InformationRequest, *, body: str, timezone: str, portal_url: str = ""
) -> io.BytesIO:
    """The pemberitahuan tertulis of an answered request, as PDF bytes."""
    if found.outcome is None or found.answered_at is None:
        raise ValueError("the request has no answer yet")
    return a4_letter(
        _story(found, body, timezone, portal_url),
        title=f"Pemberitahuan Tertulis {found.number}",
        author=body,
    )


def _story(found, body: str, timezone: str, portal_url: str) -> list:
    from zoneinfo import ZoneInfo

    base = getSampleStyleSheet()
    normal = base["Normal"]
    centred = ParagraphStyle("centred", parent=normal, alignment=1)
    heading = ParagraphStyle("heading", parent=base["Heading3"], alignment=1)
    zone = ZoneInfo(timezone)
    answered = found.answered_at.astimezone(zone).date()
    received = found.received_at.astimezone(zone).date()
    story = [
        Paragraph(markup(ppid_title(body)).upper(), heading),
        Paragraph("PEMBERITAHUAN TERTULIS", heading),
        Paragraph(f"Atas permohonan nomor <b>{markup(found.number)}</b>", centred),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Berdasarkan permohonan informasi yang diterima pada tanggal "
            f"{indonesian_date(received)}, "
            "dengan ini kami sampaikan:",
            normal,
        ),
        Spacer(1, 0.3 * cm),
        two_column_table(_rows(found, portal_url), normal),
        Spacer(1, 0.5 * cm),
    ]
    if found.answer_text:
        story += [
            Paragraph("<b>Penjelasan</b>", normal),
            Paragraph(markup(found.answer_text), normal),
            Spacer(1, 0.5 * cm),
        ]
    story += [
        Paragraph(
            "Apabila Anda tidak puas dengan keputusan ini, Anda dapat mengajukan "
            "keberatan kepada atasan PPID paling lambat 30 hari kerja sejak "
            "pemberitahuan ini diterima (UU 14/2008 Pasal 35 dan 36).",
            normal,
        ),
        Spacer(1, 1 * cm),
        Paragraph(f"{indonesian_date(answered)}", normal),
        Paragraph(
            f"Pejabat Pengelola Informasi dan Dokumentasi<br/>{markup(body)}", normal
        ),
        Spacer(1, 1.5 * cm),
        Paragraph("(tanda tangan dan nama pejabat)", normal),
    ]
    return story


def _rows(found: InformationRequest, portal_url: str) -> list[tuple[str, str]]:
    rows = [
        ("Nama pemohon", found.name),
        ("Nomor identitas", masked_identity(found.identity_number)),
        ("Informasi yang dimohon", found.information_requested),
        ("Keputusan", OUTCOME_LABELS[found.outcome]),
    ]
    if found.outcome in ("granted", "granted_partly"):
        documents = [
            f"{link.document.title} ({portal_url}/dokumen/{link.document_id})"
            for link in found.linked_documents
        ]
        files = [a.filename for a in found.attachments]
        rows += [
            ("Informasi yang diberikan", "\n".join(documents + files) or "-"),
            ("Bentuk", HOW_TO_OBTAIN_LABELS.get(found.how_to_obtain, "-")),
            ("Cara penyampaian", DELIVERY_LABELS.get(found.delivery or "", "-")),
            ("Biaya", _rupiah(found.cost)),
        ]
    test = found_test(found)
    if test is not None:
        basis = (
            "Dasar pengecualian bagian informasi yang tidak diberikan"
            if found.outcome == "granted_partly"
            else "Dasar pengecualian"
        )
        rows += [
            (
                basis,
                f"UU 14/2008 Pasal 17 huruf {test.ground_letter}"
                + (f" angka {test.ground_subitem}" if test.ground_subitem else "")
                + (f"; {test.other_statute}" if test.other_statute else ""),
            ),
            ("Uji konsekuensi", f"{test.number}, {indonesian_date(test.test_date)}"),
            ("Konsekuensi bila dibuka", test.consequence_if_opened),
        ]
    if found.outcome == "not_held" and found.holder_name:
        rows.append(("Badan publik yang menguasai", found.holder_name))
    if found.extended_days:
        rows.append(
            (
                "Perpanjangan",
                f"{found.extended_days} hari kerja: {found.extension_reason}",
            )
        )
    return rows


def found_test(found: InformationRequest):
    if found.consequence_test_id is None:
        return None
    from sqlalchemy.orm import object_session

    from dms.documents.consequence_tests import ConsequenceTest

    return object_session(found).get(ConsequenceTest, found.consequence_test_id)


def _rupiah(amount: int) -> str:
    if not amount:
        return "Tidak dipungut biaya"
    return "Rp" + f"{amount:,}".replace(",", ".")
