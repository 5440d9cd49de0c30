"""Email to a Pelaksana when the PPID Utama decides on its document: published,
or returned to draft (with the reason given)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import PPID_PELAKSANA
from dms.documents.models import DRAFT, Document
from dms.mail import SITE_URL, enqueue

SIGNATURE = "\n\n—\nPejabat Pengelola Informasi dan Dokumentasi (PPID)\n"


def decided(session: Session, document: Document, actor, target: str, reason: str):
    """Queue one email per active Pelaksana of the document's organisation with an
    address, except the officer who acted."""
    query = select(User.email).where(
        User.is_active,
        User.email != "",
        User.role == PPID_PELAKSANA,
        User.organisation_id == document.organisation_id,
    )
    if getattr(actor, "id", None) is not None:
        query = query.where(User.id != actor.id)
    recipients = session.scalars(query)
    link = f"{session.info.get(SITE_URL, '')}/ruang-kerja/dokumen/{document.id}"
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
    for to in sorted(set(recipients)):
        enqueue(
            session, to=to, subject=subject, body=body + SIGNATURE, topic="document"
        )
