"""Who may see and change which documents (DOMAIN.md §1-2).

Visibility is a query clause, so lists, counts and facets can never include a
document the actor may not see.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.categories import DIKECUALIKAN
from dms.documents.models import PUBLISHED, Document
from dms.errors import Forbidden, NotFound

PUBLIC_CLAUSE = and_(Document.status == PUBLISHED, Document.category != DIKECUALIKAN)


def visible_clause(actor: User | None) -> ColumnElement[bool]:
    """The documents `actor` may see, as a WHERE clause."""
    if actor is None or not actor.is_active:
        return PUBLIC_CLAUSE
    if actor.role in (PPID_UTAMA, ATASAN_PPID):
        return true()
    if actor.role == PPID_PELAKSANA and actor.organisation_id is not None:
        return or_(PUBLIC_CLAUSE, Document.organisation_id == actor.organisation_id)
    return PUBLIC_CLAUSE


def can_see(actor: User | None, document: Document) -> bool:
    if document.status == PUBLISHED and document.category != DIKECUALIKAN:
        return True
    if actor is None or not actor.is_active:
        return False
    return sees_unpublished(actor, document)


def sees_unpublished(actor: User | None, document: Document) -> bool:
    """Whether the actor sees the document beyond its public face: drafts, exempt
    content, versions not approved yet. Administrators run the system, not the
    archive: they see what citizens see."""
    if actor is None or not actor.is_active:
        return False
    if actor.role in (PPID_UTAMA, ATASAN_PPID):
        return True
    return can_change(actor, document)


def can_change(actor: User | None, document: Document) -> bool:
    """Utama for every organisation; a Pelaksana only within its own."""
    if actor is None or not actor.is_active:
        return False
    if actor.role == PPID_UTAMA:
        return True
    return (
        actor.role == PPID_PELAKSANA
        and actor.organisation_id is not None
        and actor.organisation_id == document.organisation_id
    )


def may_upload_to(actor: User | None, organisation_id: int) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role == PPID_UTAMA:
        return True
    return actor.role == PPID_PELAKSANA and actor.organisation_id == organisation_id


def get_visible(
    session: Session, actor: User | None, document_id: int, *, lock: bool = False
) -> Document:
    """The document, or NotFound when it is absent or hidden from the actor."""
    document = (
        session.get(Document, document_id, with_for_update=lock)
        if document_id > 0
        else None
    )
    if document is None or not can_see(actor, document):
        raise NotFound(f"Dokumen {document_id} tidak ditemukan.")
    return document


def get_changeable(session: Session, actor: User | None, document_id: int) -> Document:
    """The document if the actor may change it; NotFound if hidden, else Forbidden.

    The row is locked (SELECT ... FOR UPDATE where the database has it) so that
    concurrent changes to one document queue up instead of racing.
    """
    document = get_visible(session, actor, document_id, lock=True)
    if not can_change(actor, document):
        raise Forbidden("Anda tidak berwenang mengubah dokumen ini.")
    return document
