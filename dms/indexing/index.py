"""The search index: a small interface (index, remove, search, rebuild) over Whoosh.

Visibility is decided before search (STYLE habit 8). Every search runs with a
``Scope``, turned into a Whoosh filter query handed to ``searcher.search(filter=)``,
so totals, facets, highlights and pages are computed only over documents the caller
may see. One index with a filter, rather than a separate public index, because:

* there is one index to keep consistent: publishing, withdrawing or reclassifying a
  document is one ``update_document``, not a move between two indexes that can
  half-fail and leave an exempt document in the public one;
* staff scopes are not two-valued: a Pelaksana sees public documents plus their own
  organisations' drafts and exempt documents, which no fixed set of indexes covers;
* the filter is a plain term lookup (``public``, ``organisation_id``), cheap next to
  the text query, and it applies inside the collector, before any count.

"Did you mean" reads a spelling dictionary, and Whoosh correctors read a whole
field regardless of filters. So suggestions come from ``public_terms``, a field
filled only for public documents (empty otherwise), and each suggested word is
checked against live (non-deleted) postings, since a deleted document's terms stay
in the term list until its segment is merged.

Bodies can be megabytes and ``text_fields()`` does not store them. Highlighting the
body needs the text, so a capped excerpt (``BODY_EXCERPT_CHARS``) is stored for
snippets only: it bounds both the index size and the per-hit re-tokenising cost, and
needs no storage round trip at search time. A match beyond the excerpt still finds
the document; its snippet then comes from the title or summary.

On disk, ``path`` holds generations and a ``current`` symlink to the live one.
``rebuild`` fills a new generation next to it, commits per chunk (bounded memory),
then swaps the symlink with one atomic rename; a searcher opened before the swap
keeps reading its own generation, which is kept until the next rebuild. Each
generation records ``SCHEMA_VERSION`` in ``dms-index.json``; ``ensure`` reports an
older one as ``needs_rebuild``. Writes that arrive while a rebuild runs land in the
old generation: the caller re-sends documents changed since ``rebuild`` started.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from whoosh import collectors, index, sorting
from whoosh.fields import BOOLEAN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.query import And, NullQuery, Or, Query, Term
from whoosh.searching import Searcher

from dms.categories import LABELS as CATEGORY_LABELS
from dms.indexing.analysis import Analysed, build_query, exact_analyzer, text_fields
from dms.indexing.generations import GenerationFolders
from dms.indexing.query import (  # noqa: F401
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    CitizenQuery,
    QueryRefused,
    clause_text,
    parse,
)
from dms.indexing.snippets import Wanted, marked, snippet, wanted_terms

# 2: the ``lead`` and ``meta`` text fields (issue 17).
# 3: official numbers with their issuer's code also indexed as N/YYYY, without
# leading zeros too; "pematangan" stems to "matang" (issue 17).
SCHEMA_VERSION = 3
# The heading of a document's text, indexed as ``lead`` (see FIELD_BOOSTS).
LEAD_CHARS = 400
BODY_EXCERPT_CHARS = 20_000
MAX_PER_PAGE = 100
LOCK_TIMEOUT_SECONDS = 30.0
SUBWRITER_MB = 48
SORTS = ("relevance", "newest", "title")
FACET_FIELDS = ("category", "org", "year")
EXEMPT_CATEGORY = "dikecualikan"

_OPERATORS = frozenset({"AND", "OR", "NOT"})
# How many matches are collected between two looks at the clock.
_DEADLINE_EVERY = 64


class SearchIndexError(Exception):
    """Base class of the index's own errors."""


class IndexBusy(SearchIndexError):
    """The writer lock stayed taken longer than the configured timeout."""


class SearchTimedOut(SearchIndexError):
    """A search ran past the index's time limit and was stopped."""

    def __init__(self, seconds: float):
        super().__init__(f"the search ran longer than {seconds:g} s and was stopped")
        self.seconds = seconds


@dataclass(frozen=True)
class IndexedDocument:
    """What the index knows about one document, built by the caller from the DB."""

    id: int
    title: str
    summary: str
    body: str
    category: str
    org: str
    year: int | None
    info_type: str
    status: str
    organisation_id: int
    updated_at: datetime
    created_at: datetime | None = None
    # The database row's index revision this entry was built from: an older
    # revision never overwrites a newer one (see SearchIndex.index).
    revision: int = 0
    # Metadata searchable with the text beyond the fields above: the OPD's name
    # and the DIP fields (see dms.indexing.indexer).
    metadata: str = ""

    @property
    def lead(self) -> str:
        """The heading of the text: where a regulation names its own number."""
        return self.body[:LEAD_CHARS]

    @property
    def meta(self) -> str:
        """Information type, OPD short form, category label, year and ``metadata``."""
        label = CATEGORY_LABELS.get(self.category, self.category)
        parts = [
            self.info_type,
            self.org,
            f"Informasi {label}",
            "" if self.year is None else str(self.year),
            self.metadata,
        ]
        return "\n".join(part for part in parts if part)

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def public(self) -> bool:
        return self.published and self.category != EXEMPT_CATEGORY


@dataclass(frozen=True)
class Scope:
    """Which documents a caller may see, decided before the search runs."""

    org_ids: frozenset[int] | None
    public_only: bool

    @classmethod
    def public(cls) -> Scope:
        """Anonymous callers: published, non-exempt documents only."""
        return cls(org_ids=frozenset(), public_only=True)

    @classmethod
    def staff(cls, org_ids: Iterable[int] | None) -> Scope:
        """Staff: everything (None), or public documents plus these organisations'."""
        return cls(
            org_ids=None if org_ids is None else frozenset(org_ids), public_only=False
        )

    def filter_query(self) -> Query | None:
        """The Whoosh filter for this scope; None means no restriction."""
        if not self.public_only and self.org_ids is None:
            return None
        allowed: list[Query] = [Term("public", True)]
        allowed += [
            Term("organisation_id", str(org)) for org in sorted(self.org_ids or ())
        ]
        return allowed[0] if len(allowed) == 1 else Or(allowed)


@dataclass(frozen=True)
class SearchQuery:
    """A user's search: words plus filters, a page and an order."""

    text: str = ""
    category: str | None = None
    org: str | None = None
    year: int | None = None
    status: str | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"

    def __post_init__(self):
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")


@dataclass(frozen=True)
class Hit:
    """One result: the document id, its score and HTML-safe highlighted snippets."""

    id: int
    score: float | None
    highlights: dict[str, str]


@dataclass(frozen=True)
class SearchResult:
    """One page of results, with totals and facets over the whole scoped set."""

    total: int
    items: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    # No document matched every word: these are the documents matching most of
    # them (``partial``), and ``unmatched`` the words that matched nothing.
    partial: bool = False
    unmatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexState:
    """What ``ensure`` found: a new index, or one built by an older schema."""

    created: bool
    needs_rebuild: bool
    schema_version: int | None


def schema() -> Schema:
    """The document schema; bump SCHEMA_VERSION whenever it changes."""
    return Schema(
        id=ID(stored=True, unique=True),
        **text_fields(),
        body_excerpt=STORED(),
        public_terms=TEXT(analyzer=exact_analyzer(), phrase=False),
        title_sort=ID(sortable=True),
        category=ID(stored=True, sortable=True),
        org=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        info_type=ID(stored=True),
        status=ID(stored=True),
        published=BOOLEAN(stored=True),
        public=BOOLEAN(stored=True),
        organisation_id=ID(stored=True),
        updated_at=DATETIME(stored=True, sortable=True),
        created_at=DATETIME(sortable=True),
        revision=STORED(),
    )


class SearchIndex(GenerationFolders):
    """The archive's full-text index in one folder (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
        time_limit: float | None = None,
    ):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        # Seconds one search may run before SearchTimedOut; None: no limit.
        self.time_limit = time_limit
        self._local = threading.local()
        # Every thread's searcher, so that all of them are closed with this object
        # (they hold plain file handles: see _searcher).
        self._searchers: list[Searcher] = []
        self._searchers_lock = threading.Lock()
        self._finalizer = weakref.finalize(
            self, _close_searchers, self._searchers, self._searchers_lock
        )

    def close(self) -> None:
        """Close every searcher this object keeps open."""
        self._finalizer()

    # -- lifecycle -------------------------------------------------------------

    def ensure(self) -> IndexState:
        """Creates the index if absent; reports one built by an older schema."""
        self.path.mkdir(parents=True, exist_ok=True)
        if not self._current.exists():
            generation = self._create_generation()
            try:
                os.symlink(generation.name, self._current)
            except FileExistsError:  # another process created it first
                shutil.rmtree(generation, ignore_errors=True)
            else:
                return IndexState(True, False, SCHEMA_VERSION)
        version = self._stored_version(self._live_dir())
        return IndexState(False, version != SCHEMA_VERSION, version)

    @property
    def needs_rebuild(self) -> bool:
        """True when the live index was built by another SCHEMA_VERSION."""
        return self._stored_version(self._live_dir()) != SCHEMA_VERSION

    def doc_count(self) -> int:
        """The number of live (non-deleted) documents."""
        return self._open().doc_count()

    def rebuild(
        self,
        docs: Iterable[IndexedDocument],
        chunk_size: int = 500,
        progress: Callable[[int], None] | None = None,
        procs: int = 1,
    ) -> int:
        """Builds a fresh generation from ``docs`` and swaps it in; returns the count.

        Each document must appear once. Searchers keep using the old generation
        until the swap; on error the new one is removed and the old one stays live.
        ``procs`` > 1 analyses in that many forked processes (Whoosh's MpWriter):
        only for single-threaded callers such as ``dms reindex``, since forking a
        process that runs threads can deadlock.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        generation = self._create_generation()
        ix = index.open_dir(str(generation))
        try:
            if procs > 1:
                count = self._fill_parallel(ix, docs, chunk_size, progress, procs)
            else:
                count = self._fill(ix, docs, chunk_size, progress)
            previous = self._live_dir() if self._current.exists() else None
            self._point_current_to(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self._remove_generations(keep={generation, previous})
        return count

    # -- writing ---------------------------------------------------------------

    def index(self, docs: Iterable[IndexedDocument]) -> int:
        """Adds or replaces documents by id, in one commit; returns how many.

        A document whose entry already holds a newer ``revision`` is left alone:
        two jobs racing for one document cannot leave the older text in place,
        since both compare under the writer lock.
        """
        writer = self._writer(self._open())
        count = 0
        try:
            with writer.searcher() as current:
                for doc in docs:
                    if _holds_newer(current, doc):
                        continue
                    writer.update_document(**_fields(doc))
                    count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def remove(self, ids: Iterable[int]) -> None:
        """Deletes documents by id; unknown ids are ignored."""
        writer = self._writer(self._open())
        try:
            for doc_id in ids:
                writer.delete_by_term("id", str(doc_id))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # -- searching -------------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        scope: Scope,
        exclude_ids: Iterable[int] = (),
    ) -> SearchResult:
        """One page of ``query``'s results among the documents ``scope`` allows.

        ``exclude_ids`` are documents the index may not know yet to be hidden (the
        caller's database says so while their new entry is on its way): they are
        masked before counting, like the scope.
        """
        deadline = _Deadline(self.time_limit)
        searcher = self._searcher()
        parsed = parse(query.text)
        text_query = build_query(parsed, searcher.schema)
        allowed = _combine(scope.filter_query(), _user_filters(query))
        excluded = frozenset(str(doc_id) for doc_id in exclude_ids)
        mask = Or([Term("id", key) for key in sorted(excluded)]) if excluded else None
        results = self._collect(searcher, text_query, query, allowed, mask, deadline)
        partial, unmatched = False, ()
        if not len(results) and len(parsed.required) > 1:
            found = _partial(searcher, parsed, allowed, mask, deadline)
            if found is not None:
                text_query, unmatched = found
                partial = True
                results = self._collect(
                    searcher, text_query, query, allowed, mask, deadline
                )
        start = (query.page - 1) * query.per_page
        hits = results[start : start + query.per_page]
        wanted = wanted_terms(text_query)
        deadline.check()
        items = [_hit(hit, query.sort, wanted) for hit in hits]
        deadline.check()
        return SearchResult(
            total=len(results),
            items=items,
            facets=_facets(results),
            suggestion=_suggest(searcher, query.text, excluded),
            partial=partial,
            unmatched=unmatched,
        )

    @staticmethod
    def _collect(searcher, text_query, query, allowed, mask, deadline):
        # Built without filter and mask, then wrapped: the FilterCollector must be
        # outermost so that it sees every match first, the deadline under it.
        collector = collectors.FilterCollector(
            _DeadlineCollector(
                searcher.collector(
                    limit=query.page * query.per_page,
                    groupedby={name: sorting.FieldFacet(name) for name in FACET_FIELDS},
                    maptype=sorting.Count,
                    **_ordering(query.sort),
                ),
                deadline,
            ),
            allow=allowed,
            restrict=mask,
        )
        searcher.search_with_collector(text_query, collector)
        return collector.results()

    def revisions(self, ids: Iterable[int]) -> dict[int, int]:
        """The revision this index holds of each document it has among ``ids``."""
        searcher = self._searcher()
        held = {}
        for doc_id in ids:
            stored = searcher.document(id=str(doc_id))
            if stored is not None:
                held[int(doc_id)] = stored.get("revision", 0)
        return held

    def suggest(self, text: str, exclude_ids: Iterable[int] = ()) -> str | None:
        """Did you mean: unknown words replaced by close public terms, or None."""
        excluded = frozenset(str(doc_id) for doc_id in exclude_ids)
        return _suggest(self._searcher(), text, excluded)

    # -- internals -------------------------------------------------------------

    def _live_dir(self) -> Path:
        # Resolved once per open: Whoosh opens segment files lazily by folder path,
        # and the symlink may point elsewhere by then.
        try:
            return self._current.resolve(strict=True)
        except FileNotFoundError:
            raise SearchIndexError(
                f"no search index at {self.path}: call ensure() or rebuild() first"
            ) from None

    def _open(self) -> index.FileIndex:
        return index.open_dir(str(self._live_dir()))

    def _searcher(self) -> Searcher:
        """This thread's searcher, reopened only when the index changed.

        Opening an index reads its table of contents and every segment's files;
        a search-heavy server would pay that on every query. The searcher is kept
        while no commit happened (one small TOC read tells) and no rebuild swapped
        the generation.
        """
        live = self._live_dir()
        cached = getattr(self._local, "entry", None)
        if cached is not None and cached[0] == live and cached[1].up_to_date():
            return cached[1]
        if cached is not None:
            # Not refresh(): it reuses segment readers, and a reused reader was
            # seen to miss deletions committed since (a replaced document's old
            # text kept matching).
            with self._searchers_lock:
                if cached[1] in self._searchers:
                    self._searchers.remove(cached[1])
            cached[1].close()
        # Without mmap: with it, a server's memory grew with every search (89 to
        # 518 MiB after 120 searches over 2,000 documents, 1.6 GiB at 10,000);
        # plain reads keep it near 100 MiB at the price of slower searches.
        storage = FileStorage(str(live), supports_mmap=False)
        searcher = storage.open_index().searcher()
        with self._searchers_lock:
            self._searchers.append(searcher)
        self._local.entry = (live, searcher)
        return searcher

    def _create_index_in(self, folder: Path) -> None:
        index.create_in(str(folder), schema())

    def _generation_meta(self) -> dict:
        return {"schema_version": SCHEMA_VERSION}

    def _fill(self, ix, docs, chunk_size, progress) -> int:
        count = 0
        for chunk in _chunks(docs, chunk_size):
            writer = self._writer(ix)
            try:
                for doc in chunk:
                    writer.add_document(**_fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            count += len(chunk)
            if progress is not None:
                progress(count)
        return count

    def _fill_parallel(self, ix, docs, chunk_size, progress, procs) -> int:
        # One writer for the whole build: documents go to job files on disk in
        # batches, each process's pool spills to disk past SUBWRITER_MB, so memory
        # stays bounded without a commit per chunk; the new generation is private
        # until the swap, so nothing else waits for its lock.
        writer = ix.writer(
            procs=procs, batchsize=100, limitmb=SUBWRITER_MB, multisegment=True
        )
        count = 0
        try:
            for chunk in _chunks(docs, chunk_size):
                for doc in chunk:
                    writer.add_document(**_fields(doc))
                count += len(chunk)
                if progress is not None:
                    progress(count)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def _writer(self, ix):
        """A writer, waiting for the lock with backoff; IndexBusy after the timeout."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return ix.writer(timeout=0)
            except LockError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise IndexBusy(
                        f"the index at {self.path} stayed locked by another writer "
                        f"for {self.lock_timeout:g} s"
                    ) from None
                time.sleep(min(remaining, delay * random.uniform(0.5, 1.5)))
                delay = min(delay * 2, 0.5)


def _close_searchers(searchers: list[Searcher], lock: threading.Lock) -> None:
    with lock:
        while searchers:
            searchers.pop().close()


# -- documents ----------------------------------------------------------------


def _fields(doc: IndexedDocument) -> dict:
    public = doc.public
    # Each text analysed once, replayed into its exact and stemmed fields and
    # public_terms (see analysis.Analysed); the stored values stay plain text.
    title, summary, body, lead, meta = (
        Analysed.of(t) for t in (doc.title, doc.summary, doc.body, doc.lead, doc.meta)
    )
    return {
        "id": str(doc.id),
        "title": title,
        "_stored_title": doc.title,
        "title_exact": title,
        "summary": summary,
        "_stored_summary": doc.summary,
        "summary_exact": summary,
        "body": body,
        "body_exact": body,
        "lead": lead,
        "lead_exact": lead,
        "meta": meta,
        "meta_exact": meta,
        "body_excerpt": doc.body[:BODY_EXCERPT_CHARS],
        "public_terms": Analysed.joined([title, summary, body]) if public else "",
        "title_sort": doc.title.casefold(),
        "category": doc.category,
        "org": doc.org,
        "year": "" if doc.year is None else str(doc.year),
        "info_type": doc.info_type,
        "status": doc.status,
        "published": doc.published,
        "public": public,
        "organisation_id": str(doc.organisation_id),
        "updated_at": _naive_utc(doc.updated_at),
        "created_at": _naive_utc(doc.created_at or doc.updated_at),
        "revision": doc.revision,
    }


def _holds_newer(searcher: Searcher, doc: IndexedDocument) -> bool:
    stored = searcher.document(id=str(doc.id))
    return stored is not None and stored.get("revision", 0) > doc.revision


def _naive_utc(moment: datetime) -> datetime:
    # Whoosh drops tzinfo without converting; sort on one clock.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# -- queries ------------------------------------------------------------------


def _partial(
    searcher, parsed, allowed, mask, deadline
) -> tuple[Query, tuple[str, ...]] | None:
    """When no document matches every word: the query for documents matching
    any of the words that match something in scope, and the words that match
    nothing; None when no word matches anything (nonsense words stay empty).
    Words that are only stopwords are neither: they search for nothing."""
    matched, unmatched = [], []
    for clause in parsed.required:
        deadline.check()
        if build_query(CitizenQuery((clause,)), searcher.schema) is NullQuery:
            continue
        alone = build_query(CitizenQuery((clause,), parsed.excluded), searcher.schema)
        # Unscored: only whether any allowed document matches (half the time).
        found = searcher.search(alone, limit=1, filter=allowed, mask=mask, scored=False)
        (unmatched if found.is_empty() else matched).append(clause)
    if not matched:
        return None
    query = CitizenQuery(tuple(matched), parsed.excluded)
    built = build_query(query, searcher.schema, match_any=True)
    return built, tuple(clause_text(clause) for clause in unmatched)


def parse_text(text: str, schema: Schema) -> Query:
    """The user's words as a Whoosh query; QueryRefused if too long or too costly."""
    return build_query(parse(text), schema)


class _Deadline:
    """The moment a search must have finished by; ``check`` raises past it."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise SearchTimedOut(self.seconds)


class _DeadlineCollector(collectors.WrappingCollector):
    """Stops collecting at the deadline, like Whoosh's TimeLimitCollector but
    without its timer thread per search and its SIGALRM, which only the main
    thread may install (a server's searches run in worker threads).

    It must sit under the FilterCollector (TimeLimitCollector's own loop calls
    its child's ``matches`` and ``collect`` directly, so above a FilterCollector
    it would skip the scope filter). The clock is read before and after each
    segment's matcher is built (where a costly query expands its terms) and
    every few matches, whether the filter keeps them or not.
    """

    def __init__(self, child, deadline: _Deadline):
        self.child = child
        self.deadline = deadline

    def set_subsearcher(self, subsearcher, offset):
        self.deadline.check()
        super().set_subsearcher(subsearcher, offset)
        self.deadline.check()

    def matches(self):
        check = self.deadline.check
        for count, sub_docnum in enumerate(self.child.matches(), start=1):
            if count % _DEADLINE_EVERY == 0:
                check()
            yield sub_docnum

    def collect_matches(self):
        collect = self.child.collect
        for sub_docnum in self.matches():
            collect(sub_docnum)


def _user_filters(query: SearchQuery) -> list[Query]:
    filters: list[Query] = []
    if query.category:
        filters.append(Term("category", query.category))
    if query.org:
        filters.append(Term("org", query.org))
    if query.year is not None:
        filters.append(Term("year", str(query.year)))
    if query.status:
        filters.append(Term("status", query.status))
    return filters


def _combine(scope_filter: Query | None, filters: list[Query]) -> Query | None:
    parts = ([scope_filter] if scope_filter is not None else []) + filters
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def _ordering(sort: str) -> dict:
    if sort == "newest":
        return {"sortedby": sorting.FieldFacet("created_at", reverse=True)}
    if sort == "title":
        return {"sortedby": ["title_sort", "id"]}
    return {}


# -- results ------------------------------------------------------------------


def _hit(hit, sort: str, wanted: Wanted) -> Hit:
    snippets = {
        "title": marked(hit.get("title", ""), wanted),
        "summary": snippet(hit.get("summary", ""), wanted),
        "body": snippet(hit.get("body_excerpt", ""), wanted),
    }
    score = hit.score if sort == "relevance" else None
    return Hit(id=int(hit["id"]), score=score, highlights=snippets)


def _facets(results) -> dict[str, dict[str, int]]:
    facets = {}
    for name in FACET_FIELDS:
        counts = results.groups(name)
        facets[name] = {key: n for key, n in sorted(counts.items()) if key}
    return facets


def _suggest(searcher: Searcher, text: str, excluded: frozenset[str]) -> str | None:
    """The query with unknown words replaced by close public terms, or None."""
    if not text.strip():
        return None
    corrector = searcher.corrector("public_terms")
    replacements = []
    for token in exact_analyzer()(text, mode="query", chars=True):
        word = token.text
        if text[token.startchar : token.endchar] in _OPERATORS:
            continue
        if any(ch.isdigit() for ch in word) or _is_public_term(
            searcher, word, excluded
        ):
            continue
        for candidate in corrector.suggest(word, limit=5, maxdist=2, prefix=1):
            if _is_public_term(searcher, candidate, excluded):
                replacements.append((token.startchar, token.endchar, candidate))
                break
    if not replacements:
        return None
    corrected = text
    for start, end, candidate in reversed(replacements):
        corrected = corrected[:start] + candidate + corrected[end:]
    return corrected


def _is_public_term(searcher: Searcher, word: str, excluded: frozenset[str]) -> bool:
    # docs_for_query skips deleted documents, whose terms linger until a merge.
    return any(
        not excluded or searcher.stored_fields(docnum)["id"] not in excluded
        for docnum in searcher.docs_for_query(Term("public_terms", word))
    )
