"""Bringing the search index up to date with the database: extract, then index.

The database is the source of truth (STYLE habit 7). Extracted text is saved per
version (``version_texts``) so that indexing and rebuilding read the database
alone; only a version that was never extracted goes back to its file.

Which text a document's entry holds: the version the public sees when it is
published (``published_version``), otherwise the newest one. A Pelaksana's new
version of a published document therefore waits, unsearchable, for the PPID
Utama's approval, exactly as its bytes do.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, insert, select, update
from sqlalchemy.orm import Session

from dms.accounts.models import Organisation
from dms.db import utcnow
from dms.documents.models import (
    PUBLISHED,
    TEXT_PARTIAL,
    TEXT_PENDING,
    Document,
    DocumentVersion,
    VersionText,
)
from dms.indexing import tracking
from dms.indexing.extract import (
    DEFAULT_LIMITS,
    EMPTY,
    FAILED,
    OK,
    PARTIAL,
    Extraction,
    Limits,
    extract_text,
)
from dms.indexing.index import IndexedDocument, SearchIndex

if TYPE_CHECKING:  # the Archive hands itself in; it is a layer above
    from dms.archive import Archive

log = logging.getLogger(__name__)

# The index holds at most this much of a document's text (the database keeps all).
INDEX_BODY_CHARS = 1_000_000
CHUNK = 200
# The sweep indexes and acknowledges this many documents at a time, so that a long
# catch-up makes documents searchable as it goes.
SWEEP_BATCH = 10

BODY_VERSION = case(
    (
        and_(Document.status == PUBLISHED, Document.published_version > 0),
        Document.published_version,
    ),
    else_=Document.current_version,
)


@dataclass
class Indexer:
    """Extraction and indexing for one archive and its index."""

    archive: Archive
    index: SearchIndex
    limits: Limits = DEFAULT_LIMITS

    # -- one change at a time ---------------------------------------------------

    def refresh(self, document_ids: Iterable[int]) -> int:
        """Extract what is missing, then (re)index these documents; returns how many
        entries were written."""
        ids = sorted(set(document_ids))
        for document_id in ids:
            self.extract_pending(document_id)
        return self._index(ids)

    def extract_pending(self, document_id: int) -> None:
        """Extract every version of the document that has no text yet, and read
        on in those whose text is partial (one pass each)."""
        with self.archive.reading() as session:
            pending = session.execute(
                select(
                    DocumentVersion.id,
                    DocumentVersion.blob_sha256,
                    DocumentVersion.content_type,
                    DocumentVersion.text_status,
                    DocumentVersion.text_pages_done,
                ).where(
                    DocumentVersion.document_id == document_id,
                    DocumentVersion.text_status.in_((TEXT_PENDING, TEXT_PARTIAL)),
                )
            ).all()
        for version_id, sha256, content_type, status, pages_done in pending:
            if status == TEXT_PARTIAL:
                self._continue_version(version_id, sha256, content_type, pages_done)
            else:
                self._extract_version(version_id, sha256, content_type)

    def _extract_version(self, version_id: int, sha256: str, content_type: str) -> None:
        known = self._known_text(sha256)
        if known is None:
            known = self._extract_blob(sha256, content_type)
        with self.archive.transaction() as session:
            _save_text(session, version_id, known)

    def _continue_version(
        self, version_id: int, sha256: str, content_type: str, pages_done: int
    ) -> None:
        """One more pass over a partial text, from the first page not read yet."""
        extraction = self._extraction(sha256, content_type, start_page=pages_done)
        with self.archive.transaction() as session:
            _append_text(session, version_id, pages_done, extraction)

    def _known_text(self, sha256: str) -> tuple[dict, str] | None:
        """The text already extracted from the same bytes (another version)."""
        with self.archive.reading() as session:
            row = session.execute(
                select(DocumentVersion, VersionText.body)
                .join(VersionText, VersionText.version_id == DocumentVersion.id)
                .where(DocumentVersion.blob_sha256 == sha256)
                .limit(1)
            ).first()
        if row is None:
            return None
        version, body = row
        return _columns_of(version), body

    def _extract_blob(self, sha256: str, content_type: str) -> tuple[dict, str]:
        extraction = self._extraction(sha256, content_type)
        return _columns_from(extraction), _storable(extraction.text)

    def _extraction(
        self, sha256: str, content_type: str, start_page: int = 0
    ) -> Extraction:
        with tempfile.TemporaryDirectory(prefix="dms-extract-") as folder:
            path = Path(folder) / "blob"
            with path.open("wb") as out:
                for chunk in self.archive.storage.open_range(sha256):
                    out.write(chunk)
            extraction = extract_text(
                path, content_type, limits=self.limits, start_page=start_page
            )
        log.info(
            "extracted %s from page %d: %s, %s characters in %.2f s (%s)",
            sha256[:12],
            start_page + 1,
            extraction.status,
            extraction.characters,
            extraction.duration_seconds,
            extraction.reason or ",".join(extraction.extractors),
        )
        return extraction

    def write(self, ids: list[int]) -> int:
        """(Re)index these documents as the database holds them now, without
        extracting (another host's worker does): a text not final yet is written
        one revision back, so that a later sweep writes it again."""
        with self.archive.reading() as session:
            rows = {doc.id: (doc, final) for doc, final in _documents(session, ids)}
        return self.index.index(
            doc if final else replace(doc, revision=doc.revision - 1)
            for doc, final in rows.values()
        )

    def _index(self, ids: list[int]) -> int:
        with self.archive.reading() as session:
            rows = {doc.id: (doc, final) for doc, final in _documents(session, ids)}
        gone = [document_id for document_id in ids if document_id not in rows]
        if gone:
            self.index.remove(gone)
        written = self.index.index(doc for doc, _final in rows.values())
        with self.archive.transaction() as session:
            tracking.acknowledge(
                session, {doc.id: doc.revision for doc, final in rows.values() if final}
            )
        return written

    # -- catching up and rebuilding ---------------------------------------------

    def sweep(self, limit: int | None = None, batch: int = SWEEP_BATCH) -> int:
        """Index every document whose entry lags behind its row, `batch` at a time
        (each searchable as soon as its batch is written), then read on in the
        partial texts (one pass each); returns how many documents."""
        done, after_id = 0, 0
        while limit is None or done < limit:
            with self.archive.reading() as session:
                ids = tracking.pending_ids(session, limit=CHUNK, after_id=after_id)
            if not ids:
                break
            if limit is not None:
                ids = ids[: limit - done]
            for part in _batches(ids, batch):
                self.refresh(part)
            done += len(ids)
            after_id = ids[-1]
        return done + self._continue_partial(limit and max(limit - done, 0), batch)

    def _continue_partial(self, limit: int | None, batch: int) -> int:
        """One more pass over every partial text, in document order."""
        done, after_id = 0, 0
        while limit is None or done < limit:
            with self.archive.reading() as session:
                ids = list(
                    session.scalars(
                        select(DocumentVersion.document_id)
                        .where(
                            DocumentVersion.text_status == TEXT_PARTIAL,
                            DocumentVersion.document_id > after_id,
                        )
                        .group_by(DocumentVersion.document_id)
                        .order_by(DocumentVersion.document_id)
                        .limit(CHUNK)
                    )
                )
            if not ids:
                break
            for part in _batches(ids, batch):
                self.refresh(part)
            done += len(ids)
            after_id = ids[-1]
        return done

    def rebuild(
        self, progress: Callable[[int], None] | None = None, procs: int = 1
    ) -> int:
        """A new index from the database alone, swapped in when complete; changes
        committed meanwhile are then applied to it. Returns the documents indexed."""
        written: dict[int, int] = {}

        def documents() -> Iterator[IndexedDocument]:
            for doc, final in self._all_documents():
                written[doc.id] = doc.revision if final else -1
                yield doc

        count = self.index.rebuild(
            documents(), chunk_size=CHUNK, progress=progress, procs=procs
        )
        self._acknowledge_rebuilt(written)
        self._catch_up(written)
        return count

    def _all_documents(self) -> Iterator[tuple[IndexedDocument, bool]]:
        after_id = 0
        while True:
            with self.archive.reading() as session:
                chunk = list(_documents(session, None, after_id=after_id, limit=CHUNK))
            if not chunk:
                return
            yield from chunk
            after_id = chunk[-1][0].id

    def _acknowledge_rebuilt(self, written: dict[int, int]) -> None:
        final = {key: rev for key, rev in written.items() if rev >= 0}
        for batch in _batches(sorted(final), 1000):
            with self.archive.transaction() as session:
                tracking.acknowledge(session, {key: final[key] for key in batch})

    def _catch_up(self, written: dict[int, int]) -> None:
        """Changes committed while the rebuild ran went to the old index."""
        behind, after_id = [], 0
        while True:
            with self.archive.reading() as session:
                rows = session.execute(
                    select(Document.id, Document.index_revision)
                    .where(Document.id > after_id)
                    .order_by(Document.id)
                    .limit(5000)
                ).all()
            if not rows:
                break
            behind += [key for key, rev in rows if written.get(key, -1) != rev]
            after_id = rows[-1][0]
        for batch in _batches(behind, CHUNK):
            self.refresh(batch)


def extraction_limits(settings) -> Limits:
    """The extraction limits the archive's settings ask for."""
    return Limits.for_budget(settings.ocr_document_seconds, settings.ocr_page_seconds)


# -- reading documents ----------------------------------------------------------


def _documents(
    session: Session,
    ids: list[int] | None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> Iterator[tuple[IndexedDocument, bool]]:
    """Index entries built from the rows, with whether their text is final."""
    statement = (
        select(
            Document,
            Organisation.slug,
            Organisation.name,
            DocumentVersion.text_status,
            VersionText.body,
        )
        .join(Organisation, Organisation.id == Document.organisation_id)
        .outerjoin(
            DocumentVersion,
            and_(
                DocumentVersion.document_id == Document.id,
                DocumentVersion.number == BODY_VERSION,
            ),
        )
        .outerjoin(VersionText, VersionText.version_id == DocumentVersion.id)
        .where(Document.id > after_id)
        .order_by(Document.id)
    )
    if ids is not None:
        statement = statement.where(Document.id.in_(ids))
    if limit is not None:
        statement = statement.limit(limit)
    for document, org_slug, org_name, text_status, body in session.execute(statement):
        final = text_status is not None and text_status != TEXT_PENDING
        yield _entry(document, org_slug, body or "", org_name=org_name), final


def _entry(
    document: Document, org_slug: str, body: str, *, org_name: str = ""
) -> IndexedDocument:
    # Searchable with the text (issue 17): the OPD's name and the DIP fields.
    metadata = "\n".join(
        value
        for value in (
            org_name,
            document.dip_unit,
            document.dip_responsible,
            document.dip_production_time,
            document.dip_production_place,
            document.dip_retention,
        )
        if value
    )
    return IndexedDocument(
        id=document.id,
        title=document.title,
        summary=document.summary or "",
        body=body[:INDEX_BODY_CHARS],
        category=document.category,
        org=org_slug,
        year=document.year,
        info_type=document.info_type or "",
        status=document.status,
        organisation_id=document.organisation_id,
        updated_at=document.updated_at,
        created_at=document.created_at,
        revision=document.index_revision,
        metadata=metadata,
    )


# -- saving extractions ---------------------------------------------------------

_TEXT_COLUMNS = (
    "text_status",
    "text_reason",
    "text_pages",
    "text_characters",
    "text_extractors",
    "text_seconds",
    "text_pages_done",
)


def _columns_from(extraction: Extraction) -> dict:
    return {
        "text_status": extraction.status,
        "text_reason": extraction.reason[:2000],
        "text_pages": extraction.pages,
        "text_characters": extraction.characters,
        "text_extractors": ",".join(extraction.extractors)[:255],
        "text_seconds": extraction.duration_seconds,
        "text_pages_done": (
            extraction.pages_done if extraction.status == PARTIAL else None
        ),
    }


def _columns_of(version: DocumentVersion) -> dict:
    return {name: getattr(version, name) for name in _TEXT_COLUMNS}


def _storable(text: str) -> str:
    """Text any database accepts: no NUL, no lone surrogates."""
    text = text.replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def _save_text(session: Session, version_id: int, known: tuple[dict, str]) -> None:
    """Record the extraction, unless another job recorded one first."""
    columns, body = known
    saved = session.execute(
        update(DocumentVersion)
        .where(
            DocumentVersion.id == version_id,
            DocumentVersion.text_status == TEXT_PENDING,
        )
        .values(**columns, text_extracted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount == 1:
        session.execute(insert(VersionText).values(version_id=version_id, body=body))


def _append_text(
    session: Session, version_id: int, pages_done: int, extraction: Extraction
) -> None:
    """Add a later pass's pages to a partial text, unless another job did first.

    A pass that fails ends the reading: the text read so far stays, and the
    version says why the rest is missing instead of trying forever."""
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.id == version_id,
            DocumentVersion.text_status == TEXT_PARTIAL,
            DocumentVersion.text_pages_done == pages_done,
        )
    )
    if version is None:
        return
    text = session.get(VersionText, version_id)
    if extraction.status != FAILED:
        text.body += _storable(extraction.text)
    _record_pass(version, extraction, text.body)


def _record_pass(version: DocumentVersion, extraction: Extraction, body: str) -> None:
    if extraction.status == FAILED:
        version.text_status = FAILED
        version.text_reason = (
            f"stopped after page {version.text_pages_done}: {extraction.reason}"
        )[:2000]
    elif extraction.status == PARTIAL:
        version.text_pages_done = extraction.pages_done
        version.text_reason = extraction.reason[:2000]
    else:
        version.text_status = OK if body.strip() else EMPTY
        version.text_pages_done = None
        version.text_reason = extraction.reason[:2000]
    version.text_characters = len(body)
    extractors = version.text_extractors.split(",") + list(extraction.extractors)
    version.text_extractors = ",".join(dict.fromkeys(e for e in extractors if e))[:255]
    version.text_seconds = (version.text_seconds or 0) + extraction.duration_seconds
    version.text_extracted_at = utcnow()


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class IndexingPool:
    """Extraction and indexing on a few threads while an import goes on: the
    extraction itself runs in child processes, so the threads keep every core busy
    while the import thread reads and stores the next files."""

    def __init__(self, indexer: Indexer, workers: int):
        self.indexer = indexer
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="dms-index")
        self._futures: dict[Future, int] = {}

    @property
    def submitted(self) -> int:
        return len(self._futures)

    def submit(self, document_ids: set[int]) -> None:
        """Queue these documents (the Archive's on_documents_changed hook)."""
        for document_id in sorted(document_ids):
            future = self._executor.submit(self.indexer.refresh, [document_id])
            self._futures[future] = document_id

    def wait(self, progress: Callable[[], None] = lambda: None) -> list[str]:
        """Wait for every queued document; the failures, one line each."""
        failures = []
        try:
            for future in as_completed(self._futures):
                error = future.exception()
                if error is not None:
                    failures.append(f"document {self._futures[future]}: {error}")
                progress()
        finally:
            self._executor.shutdown(wait=True, cancel_futures=True)
        return failures
