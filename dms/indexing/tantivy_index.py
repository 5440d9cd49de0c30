"""The search index over tantivy: the same interface and rules as the Whoosh one.

tantivy's own tokenizers split "UU 14/2008" and know no Indonesian stemmer, so the
index is fed the product's own analysis (dms.indexing.analysis): each text field
is analysed ONCE per document (``analyse``), giving the exact tokens and, through
the cached stemmer, their stems; both are joined with spaces into fields that
tantivy splits on whitespace only. The parts of a compound ("14" and "2008" of
"14/2008") follow the main tokens at the end of the field, so the main tokens keep
consecutive positions and a phrase lines up as it does in Whoosh (where the parts
share the compound's position); a compound's parts still find the document.

Visibility is decided inside the query, before counting (STYLE habit 8): the
scope, the user's filters and the mask of just-hidden documents are clauses of
one boolean query that totals, facets (a terms aggregation over that query), the
page and highlights all run on. "Did you mean" reads ``public_terms``, filled only
for public documents, with the mask applied to the term counts.

The folder layout is the Whoosh one: generations next to a ``current`` symlink
swapped atomically by ``rebuild``; ``dms-index.json`` records SCHEMA_VERSION.
``rebuild`` analyses in a process pool (``procs`` workers) with a bounded number
of chunks in flight, and tantivy writes the segments with a fixed memory budget.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import tantivy
from whoosh.support.charset import accent_map

from dms.indexing.analysis import (
    COORDINATION_SCORE,
    FIELD_BOOSTS,
    Analysed,
    exact_analyzer,
    field_boost,
    stem_word,
)
from dms.indexing.generations import GenerationFolders
from dms.indexing.index import (
    BODY_EXCERPT_CHARS,
    EXEMPT_CATEGORY,  # noqa: F401
    FACET_FIELDS,
    LOCK_TIMEOUT_SECONDS,
    Hit,
    IndexBusy,
    IndexedDocument,
    IndexState,
    Scope,
    SearchIndexError,
    SearchQuery,
    SearchResult,
    SearchTimedOut,
)
from dms.indexing.index import schema as whoosh_schema
from dms.indexing.query import (
    AnyOf,
    CitizenQuery,
    Clause,
    Phrase,
    Word,
    clause_text,
    parse,
)
from dms.indexing.snippets import Wanted, marked, snippet, wanted_terms

# 2: the ``lead`` and ``meta`` text fields (issue 17).
# 3: official numbers with their issuer's code also indexed as N/YYYY, without
# leading zeros too; "pematangan" stems to "matang" (issue 17).
SCHEMA_VERSION = 3
# tantivy's writer budget: small writes, and the rebuild (one indexing thread).
WRITER_HEAP_BYTES = 50_000_000
REBUILD_HEAP_BYTES = 128_000_000
# Chunks being analysed at once per worker of the rebuild's pool.
CHUNKS_IN_FLIGHT_PER_PROC = 2
FACET_LIMIT = 1000
# How many hits past a page are read to order equal scores by id.
TIE_WINDOW = 1000

_OPERATORS = frozenset({"AND", "OR", "NOT"})
_TEXT_FIELDS = ("title", "summary", "body", "lead", "meta")
_PUBLIC_TEXT_FIELDS = ("title", "summary", "body")
_KEYWORD_FIELDS = (
    "category",
    "org",
    "year",
    "info_type",
    "status",
    "organisation_id",
    "public",
)


@lru_cache(maxsize=1)
def tantivy_schema() -> tantivy.Schema:
    """The document schema; bump SCHEMA_VERSION whenever it changes."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in _TEXT_FIELDS:
        for field in (name, f"{name}_exact"):
            builder.add_text_field(
                field, tokenizer_name="whitespace", index_option="position"
            )
    builder.add_text_field(
        "public_terms", tokenizer_name="whitespace", index_option="basic"
    )
    # Shown in results and highlights, never searched.
    for name in ("title_text", "summary_text", "body_excerpt"):
        builder.add_bytes_field(name, stored=True)
    builder.add_text_field("title_sort", tokenizer_name="raw", fast=True)
    for name in _KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    builder.add_integer_field("created_at", indexed=True, fast=True)
    builder.add_integer_field("revision", stored=True)
    return builder.build()


# -- analysis -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _exact():
    return exact_analyzer()


def analyse(text: str) -> tuple[str, str]:
    """One text's exact and stemmed token streams, each joined with spaces.

    One run of the exact analyzer (``Analysed.of``, shared with Whoosh); the
    stems come from its tokens through the cached stemmer. A compound's parts
    (same position as the compound) go after the main tokens.
    """
    main: list[str] = []
    extras: list[str] = []
    last = None
    for word, pos in Analysed.of(text).tokens:
        if pos == last:
            extras.append(word)
        else:
            main.append(word)
            last = pos
    exact = main + extras
    return " ".join(exact), " ".join(stem_word(word) for word in exact)


def document_fields(doc: IndexedDocument) -> dict:
    """Everything tantivy stores and indexes for one document (picklable)."""
    public = doc.public
    values: dict = {"id": doc.id}
    for name in _TEXT_FIELDS:
        exact, stemmed = analyse(getattr(doc, name))
        values[f"{name}_exact"] = exact
        values[name] = stemmed
    values["public_terms"] = (
        " ".join(values[f"{name}_exact"] for name in _PUBLIC_TEXT_FIELDS)
        if public
        else ""
    )
    values["title_text"] = doc.title.encode()
    values["summary_text"] = doc.summary.encode()
    values["body_excerpt"] = doc.body[:BODY_EXCERPT_CHARS].encode()
    values["title_sort"] = doc.title.casefold()
    values["category"] = doc.category
    values["org"] = doc.org
    values["year"] = "" if doc.year is None else str(doc.year)
    values["info_type"] = doc.info_type
    values["status"] = doc.status
    values["organisation_id"] = str(doc.organisation_id)
    values["public"] = "true" if public else "false"
    values["created_at"] = _micros(doc.created_at or doc.updated_at)
    values["revision"] = doc.revision
    return values


def _analysed_chunk(docs: list[IndexedDocument]) -> list[dict]:
    return [document_fields(doc) for doc in docs]


def _document(values: dict) -> tantivy.Document:
    document = tantivy.Document()
    for name, value in values.items():
        if isinstance(value, bytes):
            document.add_bytes(name, value)
        elif isinstance(value, int):
            document.add_integer(name, value)
        else:
            document.add_text(name, value)
    return document


def _micros(moment: datetime) -> int:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return int(moment.replace(tzinfo=UTC).timestamp() * 1_000_000)


# -- the index ----------------------------------------------------------------


class TantivyIndex(GenerationFolders):
    """The archive's full-text index on tantivy (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
        time_limit: float | None = None,
    ):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.time_limit = time_limit
        self._opened: tuple[Path, tantivy.Index] | None = None
        self._open_lock = threading.Lock()

    def close(self) -> None:
        self._opened = None

    # -- lifecycle -------------------------------------------------------------

    def ensure(self) -> IndexState:
        self.path.mkdir(parents=True, exist_ok=True)
        if not self._current.exists():
            generation = self._create_generation()
            try:
                os.symlink(generation.name, self._current)
            except FileExistsError:
                shutil.rmtree(generation, ignore_errors=True)
            else:
                return IndexState(True, False, SCHEMA_VERSION)
        version = self._stored_version(self._live_dir())
        return IndexState(False, version != SCHEMA_VERSION, version)

    @property
    def needs_rebuild(self) -> bool:
        return self._stored_version(self._live_dir()) != SCHEMA_VERSION

    def doc_count(self) -> int:
        return self._index().searcher().num_docs

    def rebuild(
        self,
        docs: Iterable[IndexedDocument],
        chunk_size: int = 500,
        progress: Callable[[int], None] | None = None,
        procs: int = 1,
    ) -> int:
        """Builds a fresh generation from ``docs`` and swaps it in; the count.

        ``procs`` > 1 analyses chunks in that many worker processes (spawned, so
        safe from a threaded caller), at most a few chunks in flight per worker:
        memory stays bounded whatever the archive's size.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        generation = self._create_generation()
        try:
            ix = tantivy.Index(tantivy_schema(), path=str(generation), reuse=True)
            writer = ix.writer(heap_size=REBUILD_HEAP_BYTES, num_threads=1)
            count = 0
            try:
                for analysed in _analysed_chunks(docs, chunk_size, procs):
                    for values in analysed:
                        writer.add_document(_document(values))
                    count += len(analysed)
                    if progress is not None:
                        progress(count)
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
            writer.wait_merging_threads()
            previous = self._live_dir() if self._current.exists() else None
            self._point_current_to(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self._remove_generations(keep={generation, previous})
        return count

    # -- writing ---------------------------------------------------------------

    def index(self, docs: Iterable[IndexedDocument]) -> int:
        """Adds or replaces documents by id in one commit; an older revision
        never replaces a newer one (compared under the writer lock)."""
        ix = self._index()
        writer = self._writer(ix)
        count = 0
        try:
            ix.reload()
            searcher = ix.searcher()
            for doc in docs:
                if _holds_newer(searcher, doc):
                    continue
                values = document_fields(doc)
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(_document(values))
                count += 1
        except BaseException:
            writer.rollback()
            writer.wait_merging_threads()
            raise
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        return count

    def remove(self, ids: Iterable[int]) -> None:
        ix = self._index()
        writer = self._writer(ix)
        try:
            for doc_id in ids:
                writer.delete_documents_by_term("id", int(doc_id))
        except BaseException:
            writer.rollback()
            writer.wait_merging_threads()
            raise
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()

    # -- searching -------------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        scope: Scope,
        exclude_ids: Iterable[int] = (),
    ) -> SearchResult:
        started = time.monotonic()
        parsed = parse(query.text)
        ix = self._index()
        ix.reload()
        searcher = ix.searcher()
        excluded = sorted({int(doc_id) for doc_id in exclude_ids})
        text_query = build_tantivy_query(parsed)
        allowed = _allowed(scope, query, excluded)
        full = tantivy.Query.boolean_query([(tantivy.Occur.Must, text_query)] + allowed)
        total, hits = _page(searcher, full, query, browse=parsed.empty)
        partial, unmatched = False, ()
        if not total and len(parsed.required) > 1:
            self._check(started)
            found = _partial(searcher, parsed, allowed, lambda: self._check(started))
            if found is not None:
                text_query, unmatched = found
                partial = True
                full = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, text_query)] + allowed
                )
                total, hits = _page(searcher, full, query, browse=False)
        self._check(started)
        facets = _facets(searcher, full)
        wanted = wanted_terms(_whoosh_query(query.text))
        items = [
            _hit(searcher, key, address, query.sort, wanted) for key, address in hits
        ]
        self._check(started)
        return SearchResult(
            total=total,
            items=items,
            facets=facets,
            suggestion=_suggest(searcher, query.text, excluded),
            partial=partial,
            unmatched=unmatched,
        )

    def revisions(self, ids: Iterable[int]) -> dict[int, int]:
        """The revision this index holds of each document it has among ``ids``."""
        wanted = sorted({int(doc_id) for doc_id in ids})
        if not wanted:
            return {}
        ix = self._index()
        ix.reload()
        searcher = ix.searcher()
        found = searcher.search(
            tantivy.Query.term_set_query(tantivy_schema(), "id", wanted),
            limit=len(wanted),
            count=False,
        )
        held = {}
        for _score, address in found.hits:
            document = searcher.doc(address)
            held[document.get_first("id")] = document.get_first("revision") or 0
        return held

    def suggest(self, text: str, exclude_ids: Iterable[int] = ()) -> str | None:
        ix = self._index()
        ix.reload()
        excluded = sorted({int(doc_id) for doc_id in exclude_ids})
        return _suggest(ix.searcher(), text, excluded)

    # -- internals -------------------------------------------------------------

    def _check(self, started: float) -> None:
        if self.time_limit is not None and time.monotonic() - started > self.time_limit:
            raise SearchTimedOut(self.time_limit)

    def _live_dir(self) -> Path:
        try:
            return self._current.resolve(strict=True)
        except FileNotFoundError:
            raise SearchIndexError(
                f"no search index at {self.path}: call ensure() or rebuild() first"
            ) from None

    def _index(self) -> tantivy.Index:
        """The live generation's index, reopened when a rebuild swapped it."""
        live = self._live_dir()
        with self._open_lock:
            opened = self._opened
            if opened is None or opened[0] != live:
                try:
                    ix = tantivy.Index.open(str(live))
                except ValueError as exc:
                    raise SearchIndexError(
                        f"cannot open the index at {live}: {exc}"
                    ) from exc
                opened = self._opened = (live, ix)
            return opened[1]

    def _create_index_in(self, folder: Path) -> None:
        tantivy.Index(tantivy_schema(), path=str(folder), reuse=False)

    def _generation_meta(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "engine": "tantivy"}

    def _writer(self, ix: tantivy.Index):
        """A writer, waiting for the lock with backoff; IndexBusy after the timeout."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return ix.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as exc:
                if "lock" not in str(exc).lower():
                    raise SearchIndexError(str(exc)) from exc
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise IndexBusy(
                        f"the index at {self.path} stayed locked by another writer "
                        f"for {self.lock_timeout:g} s"
                    ) from None
                time.sleep(min(remaining, delay * random.uniform(0.5, 1.5)))
                delay = min(delay * 2, 0.5)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _analysed_chunks(
    docs: Iterable[IndexedDocument], chunk_size: int, procs: int
) -> Iterator[list[dict]]:
    """The documents' fields chunk by chunk, in order; analysed in ``procs``
    processes when more than one, never more than a few chunks ahead."""
    if procs <= 1:
        for chunk in _chunks(docs, chunk_size):
            yield _analysed_chunk(chunk)
        return
    window = procs * CHUNKS_IN_FLIGHT_PER_PROC
    with ProcessPoolExecutor(
        max_workers=procs, mp_context=get_context("spawn")
    ) as pool:
        pending: deque = deque()
        for chunk in _chunks(docs, chunk_size):
            pending.append(pool.submit(_analysed_chunk, chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _holds_newer(searcher: tantivy.Searcher, doc: IndexedDocument) -> bool:
    found = searcher.search(
        tantivy.Query.term_query(tantivy_schema(), "id", doc.id), limit=1, count=False
    )
    for _score, address in found.hits:
        stored = searcher.doc(address).get_first("revision") or 0
        if stored > doc.revision:
            return True
    return False


# -- queries ------------------------------------------------------------------


def _term(field: str, value) -> tantivy.Query:
    return tantivy.Query.term_query(tantivy_schema(), field, value)


def _filter(query: tantivy.Query) -> tantivy.Query:
    # Scope and filters decide what may match; they add nothing to the score.
    return tantivy.Query.const_score_query(query, 0.0)


def _allowed(scope: Scope, query: SearchQuery, excluded: list[int]) -> list:
    clauses = []
    if scope.public_only or scope.org_ids is not None:
        options = [_term("public", "true")] + [
            _term("organisation_id", str(org)) for org in sorted(scope.org_ids or ())
        ]
        either = (
            options[0]
            if len(options) == 1
            else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, option) for option in options]
            )
        )
        clauses.append((tantivy.Occur.Must, _filter(either)))
    for name in ("category", "org", "status"):
        value = getattr(query, name)
        if value:
            clauses.append((tantivy.Occur.Must, _filter(_term(name, value))))
    if query.year is not None:
        clauses.append((tantivy.Occur.Must, _filter(_term("year", str(query.year)))))
    if excluded:
        clauses.append(
            (
                tantivy.Occur.MustNot,
                tantivy.Query.term_set_query(tantivy_schema(), "id", excluded),
            )
        )
    return clauses


@lru_cache(maxsize=1)
def _whoosh_schema():
    return whoosh_schema()


@lru_cache(maxsize=256)
def _whoosh_query(text: str):
    """The Whoosh form of the text: only to know which words to highlight."""
    from dms.indexing.analysis import build_query

    return build_query(parse(text), _whoosh_schema())


def build_tantivy_query(
    query: CitizenQuery | str, *, match_any: bool = False
) -> tantivy.Query:
    """The tantivy form of a citizen's query, clause for clause the Whoosh one
    (dms.indexing.analysis.build_query): the same fields, boosts and analysis.
    ``match_any``: any required clause suffices (the partial answer), documents
    matching more of them first."""
    if isinstance(query, str):
        query = parse(query)
    if query.empty:
        return tantivy.Query.all_query()
    required = _built(query.required)
    excluded = _built(query.excluded)
    if not required and not excluded:
        return tantivy.Query.empty_query()
    if match_any and required:
        required = [_any([_counted(q) for q in required])]
    clauses = [(tantivy.Occur.Must, q) for q in required] or [
        (tantivy.Occur.Must, tantivy.Query.all_query())
    ]
    clauses += [(tantivy.Occur.MustNot, q) for q in excluded]
    if len(clauses) == 1:
        return clauses[0][1]
    return tantivy.Query.boolean_query(clauses)


def _partial(searcher, parsed: CitizenQuery, allowed: list, check):
    """As the Whoosh engine's ``_partial``: any of the words that match something
    in scope, and the words that match nothing; None when none matches. Words
    that are only stopwords are neither. ``check`` raises past the time limit."""
    matched, unmatched = [], []
    for clause in parsed.required:
        check()
        if not _built([clause]):
            continue
        alone = build_tantivy_query(CitizenQuery((clause,), parsed.excluded))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, alone)] + allowed)
        found = searcher.search(query, limit=1, count=True).count
        (matched if found else unmatched).append(clause)
    if not matched:
        return None
    built = build_tantivy_query(
        CitizenQuery(tuple(matched), parsed.excluded), match_any=True
    )
    return built, tuple(clause_text(clause) for clause in unmatched)


def _counted(query: tantivy.Query) -> tantivy.Query:
    """A partial answer's clause: its relevance plus COORDINATION_SCORE when it
    matches, so documents matching more clauses come first (as with Whoosh)."""
    return _any([tantivy.Query.const_score_query(query, COORDINATION_SCORE), query])


def _built(clauses) -> list:
    built = (_clause(clause) for clause in clauses)
    return [query for query in built if query is not None]


def _any(queries: list) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _clause(clause: Clause):
    if isinstance(clause, AnyOf):
        options = _built(clause.options)
        return _any(options) if options else None
    per_field = [
        query for name in FIELD_BOOSTS if (query := _in_field(clause, name)) is not None
    ]
    return _any(per_field) if per_field else None


def _in_field(clause: Word | Phrase, name: str):
    boost = field_boost(clause, name)
    schema = tantivy_schema()
    if isinstance(clause, Word) and clause.prefix:
        prefix = clause.text.lower().translate(accent_map)
        query = tantivy.Query.regex_query(schema, name, re.escape(prefix) + ".*")
        return tantivy.Query.boost_query(query, boost)
    texts = list(_whoosh_schema()[name].process_text(clause.text, mode="query"))
    if not texts:
        return None
    if len(texts) == 1:
        query = tantivy.Query.term_query(schema, name, texts[0])
    elif isinstance(clause, Phrase):
        query = tantivy.Query.phrase_query(schema, name, texts)
    else:
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(schema, name, t))
                for t in texts
            ]
        )
    return tantivy.Query.boost_query(query, boost)


def _page(searcher, full, query: SearchQuery, browse: bool) -> tuple[int, list]:
    """The total and this page's (key, address) pairs, in a stable order.

    Equal scores are ordered by document id, as the segments' order changes with
    every commit and rebuild: the hits are read on past the page while the score
    stays that of the page's last hit (at most TIE_WINDOW more). Browsing
    without words scores every document alike, so it is simply in id order.
    """
    start = (query.page - 1) * query.per_page
    if query.sort != "relevance" or browse:
        ordering = _ordering("id" if query.sort == "relevance" else query.sort)
        result = searcher.search(
            full, limit=query.per_page, offset=start, count=True, **ordering
        )
        return result.count, list(result.hits)
    wanted = start + query.per_page
    limit = wanted
    while True:
        result = searcher.search(full, limit=limit + 1, count=True)
        hits = list(result.hits)
        if (
            len(hits) <= limit
            or len(hits) <= wanted
            or hits[-1][0] != hits[wanted - 1][0]
            or limit >= wanted + TIE_WINDOW
        ):
            break
        limit = min(limit * 2, wanted + TIE_WINDOW)
    ids = searcher.fast_field_values("id", [address for _score, address in hits])
    order = sorted(range(len(hits)), key=lambda i: (-hits[i][0], ids[i]))
    return result.count, [hits[i] for i in order[start:wanted]]


def _ordering(sort: str) -> dict:
    if sort == "id":
        return {"order_by_field": "id", "order": tantivy.Order.Asc}
    if sort == "newest":
        return {"order_by_field": "created_at", "order": tantivy.Order.Desc}
    if sort == "title":
        return {"order_by_field": "title_sort", "order": tantivy.Order.Asc}
    return {}


# -- results ------------------------------------------------------------------


def _facets(searcher: tantivy.Searcher, query: tantivy.Query) -> dict:
    spec = {
        name: {"terms": {"field": name, "size": FACET_LIMIT}} for name in FACET_FIELDS
    }
    found = searcher.aggregate(query, spec)
    facets = {}
    for name in FACET_FIELDS:
        buckets = found.get(name, {}).get("buckets", [])
        facets[name] = {
            str(b["key"]): int(b["doc_count"])
            for b in sorted(buckets, key=lambda b: str(b["key"]))
            if b["key"] != "" and b["doc_count"]
        }
    return facets


def _text(document, name: str) -> str:
    value = document.get_first(name)
    return bytes(value).decode() if value is not None else ""


def _hit(searcher, key, address, sort: str, wanted: Wanted) -> Hit:
    document = searcher.doc(address)
    snippets = {
        "title": marked(_text(document, "title_text"), wanted),
        "summary": snippet(_text(document, "summary_text"), wanted),
        "body": snippet(_text(document, "body_excerpt"), wanted),
    }
    score = float(key) if sort == "relevance" else None
    return Hit(id=int(document.get_first("id")), score=score, highlights=snippets)


def _suggest(searcher, text: str, excluded: list[int]) -> str | None:
    """The query with unknown words replaced by close public terms, or None.

    Like Whoosh's corrector (prefix 1, distance 2), but over the terms of live,
    unmasked public documents only: the filter query counts nothing else.
    """
    if not text.strip():
        return None
    live = _live_public(excluded)
    replacements = []
    for token in _exact()(text, mode="query", chars=True):
        word = token.text
        if text[token.startchar : token.endchar] in _OPERATORS:
            continue
        if any(ch.isdigit() for ch in word) or _is_public_term(searcher, word, live):
            continue
        candidates = [
            (distance, -count, term)
            for term, count in searcher.terms_with_prefix(
                "public_terms", word[:1], filter_query=live
            )
            if count > 0
            and abs(len(term) - len(word)) <= 2
            and (distance := _distance(word, term, 2)) <= 2
        ]
        if candidates:
            replacements.append((token.startchar, token.endchar, min(candidates)[2]))
    if not replacements:
        return None
    corrected = text
    for start, end, candidate in reversed(replacements):
        corrected = corrected[:start] + candidate + corrected[end:]
    return corrected


def _live_public(excluded: list[int]) -> tantivy.Query:
    clauses = [(tantivy.Occur.Must, _term("public", "true"))]
    if excluded:
        clauses.append(
            (
                tantivy.Occur.MustNot,
                tantivy.Query.term_set_query(tantivy_schema(), "id", excluded),
            )
        )
    return tantivy.Query.boolean_query(clauses)


def _is_public_term(searcher, word: str, live: tantivy.Query) -> bool:
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, _term("public_terms", word)), (tantivy.Occur.Must, live)]
    )
    return searcher.search(query, limit=1, count=True).count > 0


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, cut off past ``limit``."""
    previous2 = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = ca != cb
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and ca == b[j - 2]
                and a[i - 2] == cb
            ):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
