"""Searching the archive as an actor: the scope and the mask come from the database.

Visibility is decided before the index is asked (STYLE habit 8): the actor's role
becomes a ``Scope`` filter inside the Whoosh query, and documents whose index entry
lags behind a change that hid them (withdrawn, made exempt, moments ago) are masked
by id, read from the database in the same request. The rows of the hits are then
loaded through the same visibility clause as every other read, so an entry the
index got wrong can never reach the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dms.accounts.models import User
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.categories import CATEGORIES
from dms.documents.access import visible_clause
from dms.documents.models import STATUSES, Document
from dms.errors import BadInput, SearchTimedOut, SearchUnavailable, ValidationError
from dms.indexing import sync, tracking
from dms.indexing.index import (
    SORTS,
    Hit,
    QueryRefused,
    Scope,
    SearchIndex,
    SearchIndexError,
    SearchQuery,
)
from dms.indexing.index import SearchTimedOut as IndexTimedOut


@dataclass(frozen=True)
class Found:
    """One result: the document row and the index's view of it."""

    document: Document
    hit: Hit


@dataclass(frozen=True)
class SearchPage:
    items: list[Found]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    # No document matched every word: the documents matching most of them, and
    # the words that matched nothing (issue 17).
    partial: bool = False
    unmatched: tuple[str, ...] = ()


def scope_for(actor: User | None) -> Scope:
    """The documents the actor may find: the index's form of visible_clause."""
    if actor is None or not actor.is_active:
        return Scope.public()
    if actor.role in (PPID_UTAMA, ATASAN_PPID):
        return Scope.staff(None)
    if actor.role == PPID_PELAKSANA and actor.organisation_id is not None:
        return Scope.staff({actor.organisation_id})
    return Scope.public()


def search_documents(
    session: Session, index: SearchIndex, *, actor: User | None, query: SearchQuery
) -> SearchPage:
    """One page of results for the actor, newest facts from the database first."""
    _check(query)
    visible = visible_clause(actor)
    masked = tracking.lagging_hidden_ids(
        session, visible, since=sync.mask_since(index.path)
    )
    try:
        result = index.search(query, scope_for(actor), exclude_ids=masked)
    except QueryRefused as exc:
        raise BadInput(exc.message) from None
    except IndexTimedOut as exc:
        raise SearchTimedOut(
            "Pencarian ini memakan waktu terlalu lama dan dihentikan. "
            "Silakan coba lagi sebentar lagi atau persempit kata kuncinya."
        ) from exc
    except (SearchIndexError, OSError) as exc:
        raise SearchUnavailable(
            "Pencarian sedang tidak tersedia (indeks belum siap). "
            "Silakan coba lagi nanti."
        ) from exc
    rows = _rows(session, [hit.id for hit in result.items], visible)
    items = [Found(rows[hit.id], hit) for hit in result.items if hit.id in rows]
    return SearchPage(
        items=items,
        total=result.total,
        page=query.page,
        per_page=query.per_page,
        facets=result.facets,
        suggestion=result.suggestion,
        partial=result.partial,
        unmatched=result.unmatched,
    )


def _check(query: SearchQuery) -> None:
    if query.category is not None and query.category not in CATEGORIES:
        raise ValidationError(f"Kategori tidak dikenal: {query.category}.", "category")
    if query.status is not None and query.status not in STATUSES:
        raise ValidationError(f"Status tidak dikenal: {query.status}.", "status")
    if query.sort not in SORTS:
        raise ValidationError(f"Urutan tidak dikenal: {query.sort}.", "sort")


def _rows(session: Session, ids: list[int], visible) -> dict[int, Document]:
    if not ids:
        return {}
    documents = session.scalars(
        select(Document)
        .where(Document.id.in_(ids), visible)
        # What the result lists read of each row (the organisation, and the
        # versions for a berkala document's refresh date): one query each for
        # the whole page, not one per hit.
        .options(
            selectinload(Document.organisation),
            selectinload(Document.versions),
        )
    )
    return {document.id: document for document in documents}
