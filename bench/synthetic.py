"""One synthetic size: load, rebuild with `dms reindex`, then time searches.

A fresh instance (`dms init`, the PPID Utama `bench` with a staff user and token)
gets `size` generated documents straight into its database (bench/bulk_load.py),
plus a PPID Pelaksana user of one organisation and their token. `dms reindex`
then rebuilds the index from the database as a child process whose RSS is
sampled. Last, `dms serve` answers the fixed query list over HTTP, and the same
queries run through SearchIndex.search() and raw Whoosh (bench/latency.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bench import bulk_load, latency
from bench.payload import MIB
from bench.procstat import RssSampler, rss_bytes
from bench.progress import log
from bench.server import (
    ORG,
    DmsServer,
    dms_command,
    dms_env,
    prepare_instance,
    run_dms,
)
from bench.watched import run_watched
from dms.documents.models import Document
from dms.indexing.engine import engine_dir, open_search_index
from dms.settings import load_settings

MAX_UPLOAD_MB = 64
PELAKSANA_USER = "pelaksana"
_REINDEXED = re.compile(r"(\d+) document\(s\) indexed")


def supports(env: dict, command: str, option: str) -> bool:
    """Whether `dms COMMAND --help` lists the option (or the command exists)."""
    try:
        text = run_dms(env, *command.split(), "--help")
    except RuntimeError:
        return False
    return option in text


def measure_size(
    folder: Path,
    size: int,
    seed: int,
    rounds: int,
    budget: float,
    engines: tuple[str, ...] = ("whoosh",),
) -> list[dict]:
    """Every figure of one size, one dict per engine (one load, one database)."""
    instance = folder / f"synthetic-{size}"
    env = dms_env(instance, MAX_UPLOAD_MB, {})
    log(f"{size:,} documents: dms init, organisation, user, token")
    utama_token = prepare_instance(env)
    settings = load_settings(env=env)
    log(f"{size:,} documents: generating and loading (seed {seed})")
    loaded = bulk_load.load(settings.database_url, size, seed, ORG)
    log(
        f"{size:,} documents: loaded in {loaded.seconds:.1f} s "
        f"({loaded.words / size:.0f} words each on average)"
    )
    run_dms(
        env,
        *("user", "add", PELAKSANA_USER, "--role", "ppid_pelaksana"),
        *("--org", latency.PELAKSANA_ORG),
    )
    pelaksana_token = run_dms(env, "token", "create", PELAKSANA_USER).splitlines()[-1]
    tokens = {latency.UTAMA: utama_token, latency.PELAKSANA: pelaksana_token.strip()}
    measured = []
    for engine in engines:
        engine_env = {**env, "DMS_SEARCH_ENGINE": engine}
        engine_settings = load_settings(env=engine_env)
        rebuild = rebuild_index(engine_env, instance, engine_settings, size)
        searches = measure_latency(
            engine_env,
            instance,
            engine_settings,
            loaded,
            tokens,
            (seed, rounds, budget),
        )
        index_dir = engine_dir(engine_settings.index_dir, engine)
        measured.append(
            {
                "engine": engine,
                "documents": size,
                "load": loaded.as_dict(),
                "rebuild": rebuild,
                "search": searches,
                "disk_mib": {
                    "database": _mib(
                        _size_of(Path(settings.database_url.split(":///", 1)[1]))
                    ),
                    "index": _mib(_size_of((index_dir / "current").resolve())),
                },
            }
        )
    return measured


def rebuild_index(env: dict, instance: Path, settings, size: int) -> dict:
    """`dms reindex` as a child process: wall time, docs/s, peak RSS."""
    if not supports(env, "", "reindex"):
        raise RuntimeError("this dms has no 'reindex' command")
    engine = settings.search_engine
    # tantivy's rebuild analyses in a pool of two processes (both cores).
    procs = ["--procs", "2"] if engine == "tantivy" else []
    log(f"{size:,} documents: dms reindex ({engine})")
    finished = run_watched(
        "reindex", [dms_command(), "reindex", *procs], env, instance, "reindex"
    )
    if finished.returncode != 0:
        raise RuntimeError(f"dms reindex failed: {finished.stderr_tail()}")
    reported = _REINDEXED.search(finished.stdout)
    lagging = _lagging(settings.database_url)
    indexed = open_search_index(settings).doc_count()
    log(
        f"{size:,} documents: reindexed in {finished.seconds:.1f} s, "
        f"peak RSS {finished.peak_rss / MIB:.1f} MiB"
    )
    if indexed != size or lagging:
        log(f"  warning: the index holds {indexed:,} documents, {lagging:,} lag behind")
    return {
        "seconds": round(finished.seconds, 1),
        "docs_per_s": round(size / finished.seconds, 1),
        "reported_documents": int(reported.group(1)) if reported else None,
        "index_documents": indexed,
        "lagging_after": lagging,
        "rss_mib": finished.rss_mib(),
        "output": finished.stdout.strip(),
    }


def measure_latency(env, instance, settings, loaded, tokens, plan) -> dict:
    """HTTP against `dms serve`, SearchIndex.search() and raw Whoosh in this
    process, taking turns query by query (the server is idle during the other two).
    Server RSS is sampled throughout."""
    seed, rounds, budget = plan
    order = latency.schedule(latency.QUERIES, rounds, seed)
    scope_of = latency.scopes(loaded.organisations)
    serve_args = ("--no-worker",) if supports(env, "serve", "--no-worker") else ()
    engine = settings.search_engine
    index_dir = engine_dir(settings.index_dir, engine)
    raw = latency.raw_search(engine, index_dir, scope_of)
    try:
        with DmsServer(env, instance / "server.log", serve_args) as server:
            baseline = rss_bytes(server.pid)
            http = latency.HttpSearch(server.url, tokens)
            ways = {
                "HTTP": http,
                "library": latency.LibrarySearch(open_search_index(settings), scope_of),
                "raw": raw,
            }
            with RssSampler(server.pid) as rss:
                timed, rounds_run = latency.run(ways, order, budget)
            partial = latency.partial_cost(ways["library"].index, max(rounds, 3))
            server_rss = {
                "baseline": _mib(baseline),
                "peak": _mib(max(rss.peak, rss.kernel_peak or 0)),
            }
    finally:
        raw.close()
    http_timed, library_timed, raw_timed = (
        timed[n] for n in ("HTTP", "library", "raw")
    )
    return {
        "serve_args": list(serve_args),
        "rounds": rounds_run,
        "rounds_planned": rounds,
        "budget_seconds": budget,
        "requests": len(http_timed.every),
        "http_ms": latency.summary_ms(http_timed.every),
        "library_ms": latency.summary_ms(library_timed.every),
        "raw_ms": latency.summary_ms(raw_timed.every),
        "http_by_actor_ms": _by_actor(http_timed),
        "server_rss_mib": server_rss,
        "errors": {
            "http": http_timed.errors,
            "library": library_timed.errors,
            "raw": raw_timed.errors,
        },
        "queries": _per_query(http, raw, http_timed, library_timed, raw_timed),
        "partial": partial,
    }


def _by_actor(timed: latency.Timed) -> dict:
    actors: dict[str, list[float]] = {}
    for query in latency.QUERIES:
        actors.setdefault(query.actor, []).extend(timed.seconds.get(query.label, []))
    return {actor: latency.summary_ms(values) for actor, values in actors.items()}


def _per_query(http, raw, http_timed, library_timed, raw_timed) -> list[dict]:
    rows = []
    for query in latency.QUERIES:
        label = query.label
        rows.append(
            {
                "query": label,
                "kind": query.kind,
                "hits": http.totals.get(label),
                "raw_hits": raw.totals.get(label),
                "http_p50_ms": _p50(http_timed, label),
                "library_p50_ms": _p50(library_timed, label),
                "raw_p50_ms": _p50(raw_timed, label),
            }
        )
    return rows


def _p50(timed: latency.Timed, label: str) -> float | None:
    values = timed.seconds.get(label)
    return round(latency.percentile(values, 0.5) * 1000, 1) if values else None


def _lagging(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count(Document.id)).where(
                    Document.index_revision != Document.indexed_revision
                )
            )
    finally:
        engine.dispose()


def _size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _mib(count: int) -> float:
    return round(count / MIB, 1)
