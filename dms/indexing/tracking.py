"""Which documents the search index must catch up with, decided at flush time.

Every flush that adds or changes a document (or adds a version to one) bumps the
document's ``index_revision`` in the same transaction, so the database itself
records that the index lags behind. After the commit, the Archive hands the ids to
whoever listens (the job queue); if that hand-over is lost (a crashed worker, a
queue that was down), the lag is still in the database and the periodic sweep
finds it. Services cannot forget to ask for indexing: a new service that changes
a document is tracked by the same event.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, not_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from dms.db import utcnow
from dms.documents.models import Document, DocumentVersion

_TOUCHED = "dms.index.touched"
_CHANGED = "dms.index.changed"
# Columns whose change the index does not reflect.
_BOOKKEEPING = frozenset({"index_revision", "indexed_revision", "index_changed_at"})


def install(session_factory: sessionmaker[Session]) -> None:
    """Track document changes in every session the factory makes."""
    event.listen(session_factory, "before_flush", _bump_revisions)
    event.listen(session_factory, "after_flush", _remember_ids)


def _bump_revisions(session: Session, _context, _instances) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for document in _changed_documents(session):
        document.index_revision = (document.index_revision or 0) + 1
        document.index_changed_at = utcnow()
        touched.add(document)


def _changed_documents(session: Session) -> set[Document]:
    found: set[Document] = set()
    for obj in session.new:
        if isinstance(obj, Document):
            found.add(obj)
        elif isinstance(obj, DocumentVersion) and obj.document is not None:
            found.add(obj.document)
    for obj in session.dirty:
        if isinstance(obj, Document) and _significant_change(obj):
            found.add(obj)
    return found


def _significant_change(document: Document) -> bool:
    state = inspect(document)
    return any(
        attr.key not in _BOOKKEEPING and attr.history.has_changes()
        for attr in state.attrs
    )


def _remember_ids(session: Session, _context) -> None:
    touched = session.info.get(_TOUCHED)
    if touched:
        session.info.setdefault(_CHANGED, set()).update(
            document.id for document in touched if document.id is not None
        )
        session.info[_TOUCHED] = set()


def take_changed_ids(session: Session) -> set[int]:
    """The ids of the documents this session's transaction changed (once)."""
    session.info.pop(_TOUCHED, None)
    return session.info.pop(_CHANGED, set())


def forget_changes(session: Session) -> None:
    """After a rollback: nothing this session did reached the database."""
    session.info.pop(_TOUCHED, None)
    session.info.pop(_CHANGED, None)


# -- reading the lag -----------------------------------------------------------

PENDING = Document.index_revision != Document.indexed_revision


def pending_ids(session: Session, *, limit: int, after_id: int = 0) -> list[int]:
    """Documents whose index entry lags behind their row, by id."""
    return list(
        session.scalars(
            select(Document.id)
            .where(PENDING, Document.id > after_id)
            .order_by(Document.id)
            .limit(limit)
        )
    )


def lagging_hidden_ids(session: Session, visible, since=None) -> list[int]:
    """Documents the index may still show but ``visible`` (a WHERE clause) hides.

    ``since``: this host's index was last brought up to date then (several hosts,
    one index folder each): every hidden document changed after it is masked too,
    whatever another host's worker has acknowledged.
    """
    lagging = (
        PENDING if since is None else or_(PENDING, Document.index_changed_at >= since)
    )
    return list(session.scalars(select(Document.id).where(lagging, not_(visible))))


def acknowledge(session: Session, revisions: dict[int, int]) -> None:
    """Record that the index now holds these documents at these revisions."""
    for document_id, revision in revisions.items():
        session.execute(
            update(Document)
            .where(Document.id == document_id, Document.indexed_revision < revision)
            # A new time, so other hosts' sweeps look at it again (a text
            # extracted since their copy was written is now final).
            .values(indexed_revision=revision, index_changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
