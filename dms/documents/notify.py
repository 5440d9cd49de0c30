"""Email to a Pelaksana when the PPID Utama decides on its document: published,
returned to draft, or a waiting new version declined (with the reason given)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import PPID_PELAKSANA
from dms.documents.models import DRAFT, Document
from dms.mail import SITE_URL, enqueue

SIGNATURE = "\n\n—\nPejabat Pengelola Informasi dan Dokumentasi (PPID)\n"


def _pelaksana_addresses(session: Session, document: Document, actor) -> list[str]:
    """The active Pelaksana of the document's organisation with an address,
    except the officer who acted."""
    query = select(User.email).where(
        User.is_active,
        User.email != "",
        User.role == PPID_PELAKSANA,
        User.organisation_id == document.organisation_id,
    )
    if getattr(actor, "id", None) is not None:
        query = query.where(User.id != actor.id)
    return sorted(set(session.scalars(query)))


def _link(session: Session, document: Document) -> str:
    return f"{session.info.get(SITE_URL, '')}/ruang-kerja/dokumen/{document.id}"


def decided(session: Session, document: Document, actor, target: str, reason: str):
    """Queue one email per active Pelaksana of the document's organisation with an
    address, except the officer who acted."""
    link = _link(session, document)
    if target == DRAFT:
        subject = f"Dokumen dikembalikan menjadi draf: {document.title}"
        body = (
            f"Dokumen “{document.title}” dikembalikan menjadi draf oleh "
            f"{getattr(actor, 'username', 'sistem')}."
            + (f"\n\nAlasan: {reason}" if reason else "")
            + f"\n\nPerbaiki lalu ajukan kembali: {link}"
        )
    else:
        subject = f"Dokumen diterbitkan: {document.title}"
        body = f"Dokumen “{document.title}” telah diterbitkan.\n\n{link}"
    _send(session, _pelaksana_addresses(session, document, actor), subject, body)


def version_declined(
    session: Session, document: Document, actor, numbers: list[int], reason: str
):
    """Tell the organisation's Pelaksana that the waiting version(s) were declined:
    the public keeps the published version."""
    shown = ", ".join(str(n) for n in numbers)
    subject = f"Versi baru ditolak: {document.title}"
    body = (
        f"Versi {shown} dokumen “{document.title}” ditolak oleh "
        f"{getattr(actor, 'username', 'sistem')}; publik tetap melihat versi "
        f"{document.published_version}."
        + (f"\n\nAlasan: {reason}" if reason else "")
        + f"\n\nUnggah versi yang diperbaiki bila perlu: {_link(session, document)}"
    )
    _send(session, _pelaksana_addresses(session, document, actor), subject, body)


def _send(session: Session, recipients: list[str], subject: str, body: str) -> None:
    for to in recipients:
        enqueue(
            session, to=to, subject=subject, body=body + SIGNATURE, topic="document"
        )
