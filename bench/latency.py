"""Search latency three ways over the same queries: HTTP, the library, raw Whoosh.

* **HTTP**: `GET /api/v1/documents?q=...&per_page=20` against the real `dms serve`,
  one keep-alive `requests.Session`, a bearer token for the staff queries. Timed
  until the whole body has arrived.
* **library**: `SearchIndex(index_dir).search(SearchQuery, Scope)` in the bench
  process: what the API calls, with highlights, facets and the "did you mean"
  suggestion, but without the database work and the HTTP round trip.
* **raw**: the live Whoosh index opened once, one searcher kept open, the same
  text parsed with `parse_text` (not timed), then `searcher.search(query,
  filter=..., limit=20)` and the ids of the hits. The filter is the caller's scope
  (`Scope.public()` for anonymous queries) plus the query's category, org, year
  and status terms, the same filter the library builds. The floor any search
  layer on this index could reach.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query

from bench.progress import log
from dms.indexing.index import Scope, SearchIndex, SearchQuery, parse_text

PER_PAGE = 20
TIMEOUT = (10, 600)
ANONYMOUS, UTAMA, PELAKSANA = "anonymous", "ppid_utama", "ppid_pelaksana"
# The Pelaksana user's organisation (one of corpus_gen.ORGANISATIONS).
PELAKSANA_ORG = "dinkes"


@dataclass(frozen=True)
class Query:
    """One search of the fixed list: the text, its filters, who asks."""

    kind: str
    text: str
    actor: str = ANONYMOUS
    category: str | None = None
    year: int | None = None
    org: str | None = None
    status: str | None = None

    @property
    def label(self) -> str:
        """A short readable name for tables and the JSON."""
        filters = [
            f"{name}={value}"
            for name, value in (
                ("category", self.category),
                ("year", self.year),
                ("org", self.org),
                ("status", self.status),
            )
            if value is not None
        ]
        who = "" if self.actor == ANONYMOUS else f" as {self.actor}"
        where = f" [{', '.join(filters)}]" if filters else ""
        return f"{self.text}{where}{who}"

    def params(self) -> dict:
        """The API's query-string arguments."""
        params = {"q": self.text, "per_page": PER_PAGE}
        for name in ("category", "year", "org", "status"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        return params

    def search_query(self) -> SearchQuery:
        """The library's form."""
        return SearchQuery(
            text=self.text,
            category=self.category,
            org=self.org,
            year=self.year,
            status=self.status,
            per_page=PER_PAGE,
        )

    def filters(self) -> list[whoosh_query.Query]:
        """The query's own filter terms, as SearchIndex builds them."""
        terms = []
        for name in ("category", "org", "status"):
            value = getattr(self, name)
            if value is not None:
                terms.append(whoosh_query.Term(name, value))
        if self.year is not None:
            terms.append(whoosh_query.Term("year", str(self.year)))
        return terms


# The fixed list. The rare words and numbers are planted or generated at known
# rates by corpus_gen, so every query finds something at 10k documents and up.
QUERIES = (
    Query("common word", "anggaran"),
    Query("common word", "laporan"),
    Query("common word", "informasi"),
    Query("medium word", "puskesmas"),
    Query("medium word", "stunting"),
    Query("rare word", "timbangan"),
    Query("rare word", "kalibrasi"),
    Query("rare word", "Sukamaju"),
    Query("two words", "laporan keuangan"),
    Query("two words", "pengadaan barang"),
    Query("two words", "tera ulang"),
    Query("two words", "Teguh Pratama"),
    Query("phrase", '"informasi publik"'),
    Query("phrase", '"tahun anggaran 2021"'),
    Query("OR", "banjir OR longsor"),
    Query("exclusion", "anggaran -pendidikan"),
    Query("inflected", "menganggarkan"),
    Query("inflected", "penyelenggaraan pelayanan"),
    Query("official number", "188.4/705/2013"),
    Query("official number", "PP 61/2010"),
    Query("official number", "Nomor 14 Tahun 2008"),
    Query("official number", "UU 14/2008"),
    Query("prefix", "anggar*"),
    Query("misspelt", "anggran"),
    Query("filtered", "laporan", category="berkala"),
    Query("filtered", "anggaran", year=2020),
    Query("filtered", "bencana", category="serta_merta", year=2021),
    Query("filtered", "kesehatan", org="dinkes"),
    Query("staff", "anggaran", actor=UTAMA),
    Query("staff", '"laporan keuangan"', actor=UTAMA),
    Query("staff", "stunting", actor=UTAMA, category="dikecualikan"),
    Query("staff", "Sukamaju", actor=UTAMA),
    Query("staff", "kesehatan", actor=PELAKSANA),
    Query("staff", "anggaran", actor=PELAKSANA, status="draft"),
    Query("staff", "188.4/705/2013", actor=PELAKSANA),
    Query("staff", "imunisasi posyandu", actor=PELAKSANA),
)


# Partial answers (issue 17): no document holds every word, so the engine asks
# each word alone and then searches for any of them, documents matching more
# words first. Each is timed against its twin without the word that matches
# nothing (the ordinary search the citizen meant).
PARTIAL_PAIRS = (
    ("laporan keuangan", "laporan keuangan qzvxkrumpel"),
    ("anggaran puskesmas", "anggaran puskesmas zzqvormat"),
    ('"informasi publik" stunting', '"informasi publik" stunting qwxzvbnm'),
    ("timbangan kalibrasi", "timbangan kalibrasi imunisasi posyandu zzqvormat"),
)


def partial_cost(index, rounds: int) -> list[dict]:
    """Library p50 of each partial query and of its twin, public scope, taking
    turns; one untimed round first."""
    scope = Scope.public()
    rows = []
    for twin, partial in PARTIAL_PAIRS:
        seconds: dict[str, list[float]] = {twin: [], partial: []}
        answers = {}
        for round_number in range(rounds + 1):
            for text in (twin, partial):
                started = time.perf_counter()
                answers[text] = index.search(
                    SearchQuery(text=text, per_page=PER_PAGE), scope
                )
                if round_number:
                    seconds[text].append(time.perf_counter() - started)
        p50 = {text: percentile(values, 0.5) * 1000 for text, values in seconds.items()}
        rows.append(
            {
                "query": partial,
                "partial": answers[partial].partial,
                "hits": answers[partial].total,
                "p50_ms": round(p50[partial], 1),
                "twin": twin,
                "twin_hits": answers[twin].total,
                "twin_p50_ms": round(p50[twin], 1),
                "ratio": round(p50[partial] / max(p50[twin], 1e-6), 2),
            }
        )
        log(
            f"partial {partial!r}: {p50[partial]:.1f} ms "
            f"({answers[partial].total} hits) vs {p50[twin]:.1f} ms for {twin!r}"
        )
    return rows


def scopes(org_ids: dict[str, int]) -> dict[str, Scope]:
    """Each actor's scope, as dms.indexing.search.scope_for gives it."""
    return {
        ANONYMOUS: Scope.public(),
        UTAMA: Scope.staff(None),
        PELAKSANA: Scope.staff({org_ids[PELAKSANA_ORG]}),
    }


def schedule(queries: Iterable[Query], rounds: int, seed: int) -> list[Query]:
    """Every query once per round, each round in its own seeded order."""
    order = []
    for number in range(rounds):
        batch = list(queries)
        random.Random(seed * 1000 + number).shuffle(batch)
        order += batch
    return order


@dataclass
class Timed:
    """Seconds per query label, in the order they ran."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, query: Query, seconds: float) -> None:
        self.seconds.setdefault(query.label, []).append(seconds)

    @property
    def every(self) -> list[float]:
        return [s for runs in self.seconds.values() for s in runs]


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(values: list[float]) -> dict:
    """p50, p95, p99, mean and max in milliseconds, and the count."""
    return {
        "p50": round(percentile(values, 0.50) * 1000, 1),
        "p95": round(percentile(values, 0.95) * 1000, 1),
        "p99": round(percentile(values, 0.99) * 1000, 1),
        "mean": round(statistics.fmean(values) * 1000, 1) if values else None,
        "max": round(max(values) * 1000, 1) if values else None,
        "count": len(values),
    }


# -- the three ways -------------------------------------------------------------


class HttpSearch:
    """The API over one keep-alive session; tokens by actor."""

    def __init__(self, base_url: str, tokens: dict[str, str]):
        self.url = f"{base_url}/api/v1/documents"
        self.session = requests.Session()
        self.headers = {
            actor: {"Authorization": f"Bearer {token}"}
            for actor, token in tokens.items()
        }
        self.totals: dict[str, int] = {}

    def __call__(self, query: Query) -> float:
        started = time.perf_counter()
        response = self.session.get(
            self.url,
            params=query.params(),
            headers=self.headers.get(query.actor, {}),
            timeout=TIMEOUT,
        )
        _ = response.content
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        self.totals[query.label] = response.json()["total"]
        return seconds


class LibrarySearch:
    """SearchIndex.search() as the API calls it, in this process."""

    def __init__(self, index, scope_of: dict[str, Scope]):
        self.index = SearchIndex(index) if isinstance(index, Path) else index
        self.scope_of = scope_of

    def __call__(self, query: Query) -> float:
        wanted, scope = query.search_query(), self.scope_of[query.actor]
        started = time.perf_counter()
        self.index.search(wanted, scope)
        return time.perf_counter() - started


class RawSearch:
    """Raw Whoosh: one searcher kept open on the live generation."""

    def __init__(self, index_dir: Path, scope_of: dict[str, Scope]):
        self.ix = whoosh_index.open_dir(str((index_dir / "current").resolve()))
        self.searcher = self.ix.searcher()
        self.scope_of = scope_of
        self.totals: dict[str, int] = {}

    def close(self) -> None:
        self.searcher.close()

    def __call__(self, query: Query) -> float:
        parsed = parse_text(query.text, self.ix.schema)
        scope = self.scope_of[query.actor].filter_query()
        parts = ([scope] if scope is not None else []) + query.filters()
        if len(parts) > 1:
            allowed = whoosh_query.And(parts)
        else:
            allowed = parts[0] if parts else None
        started = time.perf_counter()
        results = self.searcher.search(parsed, filter=allowed, limit=PER_PAGE)
        _ids = [hit["id"] for hit in results]
        seconds = time.perf_counter() - started
        self.totals[query.label] = len(results)
        return seconds


def raw_search(engine: str, index_dir: Path, scope_of: dict[str, Scope]):
    """The engine's own search on the live generation, without dms around it."""
    if engine == "tantivy":
        return RawTantivySearch(index_dir, scope_of)
    return RawSearch(index_dir, scope_of)


class RawTantivySearch:
    """Raw tantivy as issue 16 measured it: the same query, scope and filters, top
    PER_PAGE, the count and the three facets, on an index kept open; no
    highlights, suggestion or database."""

    def __init__(self, index_dir: Path, scope_of: dict[str, Scope]):
        import tantivy

        self.tantivy = tantivy
        self.ix = tantivy.Index.open(str((index_dir / "current").resolve()))
        self.searcher = self.ix.searcher()
        self.scope_of = scope_of
        self.totals: dict[str, int] = {}

    def close(self) -> None:
        pass

    def __call__(self, query: Query) -> float:
        from dms.indexing import tantivy_index

        tantivy = self.tantivy
        started = time.perf_counter()
        text = tantivy_index.build_tantivy_query(query.text)
        allowed = tantivy_index._allowed(
            self.scope_of[query.actor], query.search_query(), []
        )
        full = tantivy.Query.boolean_query([(tantivy.Occur.Must, text)] + allowed)
        result = self.searcher.search(full, limit=PER_PAGE, count=True)
        _ids = [self.searcher.doc(address)["id"] for _score, address in result.hits]
        _facets = tantivy_index._facets(self.searcher, full)
        seconds = time.perf_counter() - started
        self.totals[query.label] = result.count
        return seconds


def run(
    ways: dict[str, Callable[[Query], float]], order: list[Query], budget: float
) -> tuple[dict[str, Timed], int]:
    """Warm up (every distinct query once each way), then time the schedule;
    the timings by way, and how many rounds ran.

    The ways take turns query by query, the first one rotating, so a slow spell
    of the machine (2 vCPUs shared with everything else) hits all of them alike.
    A query that fails in the warm-up is reported and left out of that way. Once
    `budget` seconds (0: no limit) have passed, the run stops at the end of the
    round: a big index can take seconds per search.
    """
    timed = {name: Timed() for name in ways}
    for query in dict.fromkeys(order):
        for name, search in ways.items():
            try:
                search(query)
            except Exception as error:  # noqa: BLE001 - reported, then skipped
                timed[name].errors[query.label] = f"{type(error).__name__}: {error}"
    for name, way in timed.items():
        for label, error in way.errors.items():
            log(f"  {name}: {label!r} failed: {error[:300]}")
    names = list(ways)
    per_round = len(dict.fromkeys(order))
    log(f"  warmed up; timing {len(order)} searches each way ({', '.join(names)})")
    started, rounds = time.perf_counter(), 0
    for number, query in enumerate(order):
        first = number % len(names)
        for name in names[first:] + names[:first]:
            if query.label not in timed[name].errors:
                timed[name].add(query, ways[name](query))
        if (number + 1) % per_round == 0:
            rounds, elapsed = rounds + 1, time.perf_counter() - started
            log(f"  round {rounds} done ({elapsed:.0f} s)")
            if budget and elapsed >= budget and number + 1 < len(order):
                log(f"  latency budget ({budget:g} s) used up after {rounds} round(s)")
                break
    return timed, rounds
