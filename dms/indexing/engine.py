"""One search interface, two engines: Whoosh (the embedded default) and tantivy.

``SearchEngine`` is what the rest of the product may ask of a full-text index;
``open_search_index(settings)`` builds the one ``DMS_SEARCH_ENGINE`` names. Both
engines are fed by the same Indonesian analysis (dms.indexing.analysis) and the
same query model (dms.indexing.query), and both decide visibility inside the
query, before anything is counted (STYLE habit 8). One contract test suite
(tests/integration/test_index.py and friends) runs every engine.

Switching an instance over: set ``DMS_SEARCH_ENGINE=tantivy`` and run
``dms reindex`` (or ``dms init``); each engine keeps its own folder under
``index_dir``'s parent (``index`` for Whoosh, ``index-tantivy`` for tantivy), so
switching back needs no rebuild unless documents changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from dms.indexing.index import (  # noqa: F401  (the engine-neutral vocabulary)
    FACET_FIELDS,
    MAX_PER_PAGE,
    SORTS,
    Hit,
    IndexBusy,
    IndexedDocument,
    IndexState,
    QueryRefused,
    Scope,
    SearchIndexError,
    SearchQuery,
    SearchResult,
    SearchTimedOut,
)

ENGINES = ("whoosh", "tantivy")


@runtime_checkable
class SearchEngine(Protocol):
    """What the product asks of a full-text index (see the module docstring)."""

    path: Path
    time_limit: float | None

    def ensure(self) -> IndexState:
        """Create the index if absent; report one built by an older schema."""

    @property
    def needs_rebuild(self) -> bool: ...

    def doc_count(self) -> int:
        """The number of live documents."""

    def index(self, docs: Iterable[IndexedDocument]) -> int:
        """Add or replace documents by id (an older revision never wins)."""

    def remove(self, ids: Iterable[int]) -> None:
        """Delete documents by id; unknown ids are ignored."""

    def search(
        self, query: SearchQuery, scope: Scope, exclude_ids: Iterable[int] = ()
    ) -> SearchResult:
        """One page among the documents ``scope`` allows, ``exclude_ids`` masked."""

    def revisions(self, ids: Iterable[int]) -> dict[int, int]:
        """The revision held of each document among ``ids`` (absent: not held)."""

    def suggest(self, text: str, exclude_ids: Iterable[int] = ()) -> str | None:
        """ "Did you mean": the text with unknown words replaced from public text."""

    def rebuild(
        self,
        docs: Iterable[IndexedDocument],
        chunk_size: int = 500,
        progress: Callable[[int], None] | None = None,
        procs: int = 1,
    ) -> int:
        """Build a fresh generation from ``docs`` and swap it in atomically."""

    def close(self) -> None:
        """Release open readers."""


def engine_dir(index_dir: Path, engine: str) -> Path:
    """The folder of ``engine``'s index: Whoosh keeps ``index_dir`` itself (as
    before), tantivy a sibling ``<index_dir>-tantivy``."""
    index_dir = Path(index_dir)
    if engine == "whoosh":
        return index_dir
    return index_dir.with_name(f"{index_dir.name}-{engine}")


def open_search_index(settings, engine: str | None = None) -> SearchEngine:
    """The search index ``settings.search_engine`` (or ``engine``) names.

    Nothing is created on disk here: call ``ensure()`` or ``rebuild()``.
    """
    name = engine or settings.search_engine
    time_limit = settings.search_time_limit_seconds
    if name == "whoosh":
        from dms.indexing.index import SearchIndex

        return SearchIndex(settings.index_dir, time_limit=time_limit)
    if name == "tantivy":
        from dms.indexing.tantivy_index import TantivyIndex

        return TantivyIndex(engine_dir(settings.index_dir, name), time_limit=time_limit)
    # load_settings refuses unknown names at start-up; this guards direct callers.
    raise ValueError(f"unknown search engine {name!r}: one of {', '.join(ENGINES)}")
