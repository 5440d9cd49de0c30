"""Entry point: `python -m bench.search [--sizes N,N] [--skip-ingest] [--keep]`.

Measures ingest of the real corpus (`dms import` against pdfminer.six alone),
then, for each synthetic size, the index rebuild (`dms reindex`: time, peak RSS)
and search latency (HTTP against `dms serve`, SearchIndex.search(), raw Whoosh).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import corpus_gen, ingest, latency, report, search_report
from bench.child import PACKAGE_PARENT
from bench.progress import log
from bench.run import _interrupt, workspace
from bench.synthetic import measure_size

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "search-latest.json"
DEFAULT_SIZES = "10000,100000"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"synthetic document counts, comma-separated (default {DEFAULT_SIZES}; "
        "empty for none)",
    )
    parser.add_argument(
        "--engines",
        default="whoosh,tantivy",
        help="search engines to measure, comma-separated (default whoosh,tantivy)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator and query order")
    parser.add_argument(
        "--rounds", type=int, default=10, help="timed passes over the query list"
    )
    parser.add_argument(
        "--latency-budget",
        type=float,
        default=600,
        help="seconds of timed searches per size; the round under way finishes "
        "(default 600; 0: no limit)",
    )
    parser.add_argument("--corpus", type=Path, default=ingest.default_corpus())
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument(
        "--ingest-limit", type=int, default=None, help="import only the first N files"
    )
    parser.add_argument(
        "--ingest-jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="dms import --jobs (default: CPU count)",
    )
    parser.add_argument(
        "--skip-no-ocr",
        action="store_true",
        help="skip the second import of the PDFs that needed no OCR",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    args.engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    if not args.engines or not set(args.engines) <= {"whoosh", "tantivy"}:
        parser.error("--engines takes whoosh and/or tantivy, separated by commas")
    if args.latency_budget < 0:
        parser.error("--latency-budget cannot be negative")
    if any(s < 1 for s in args.sizes) or args.rounds < 1 or args.ingest_jobs < 1:
        parser.error("--sizes, --rounds and --ingest-jobs must be at least 1")
    if args.ingest_limit is not None and args.ingest_limit < 1:
        parser.error("--ingest-limit must be at least 1")
    return args


def benchmark(args: argparse.Namespace, folder: Path, results: dict) -> None:
    """Ingest, then every size, into `results`; the JSON is rewritten after each
    part, so an interrupted run (it takes an hour or more) keeps what it measured."""
    results["ingest"] = None
    if not args.skip_ingest:
        results["ingest"] = ingest.measure(
            folder,
            args.corpus.resolve(),
            args.ingest_limit,
            args.ingest_jobs,
            not args.skip_no_ocr,
        )
        _save(results, args.output)
    for size in args.sizes:
        results["sizes"].extend(
            measure_size(
                folder, size, args.seed, args.rounds, args.latency_budget, args.engines
            )
        )
        _save(results, args.output)
        if not args.keep:
            shutil.rmtree(folder / f"synthetic-{size}", ignore_errors=True)
    results["complete"] = True


def _save(results: dict, path: Path) -> None:
    """Write the results so far, with their verdicts."""
    results["passed"] = search_report.verdicts(results)
    report.write_json(results, path)


def config(args: argparse.Namespace) -> dict:
    """What was run, where."""
    return {
        "sizes": args.sizes,
        "engines": list(args.engines),
        "seed": args.seed,
        "rounds": args.rounds,
        "latency_budget_seconds": args.latency_budget,
        "queries": len(latency.QUERIES),
        "per_page": latency.PER_PAGE,
        "words_median": corpus_gen.WORDS_MEDIAN,
        "corpus": None if args.skip_ingest else str(args.corpus),
        "ingest_limit": args.ingest_limit,
        "ingest_jobs": args.ingest_jobs,
        "aggregate": "percentiles over every timed search (linear interpolation)",
        "commit": _commit(),
        "dms_sources_sha256": _sources_digest(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def _commit() -> str | None:
    """The repository's commit, with "+dirty" when the tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PACKAGE_PARENT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PACKAGE_PARENT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def _sources_digest() -> str:
    """A digest of dms/**/*.py as they are now: the code under test, even when
    the working tree has uncommitted changes."""
    digest = hashlib.sha256()
    for path in sorted((PACKAGE_PARENT / "dms").rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_PARENT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table, write the JSON. Exit 130 on Ctrl-C.

    When interrupted or failed after some parts, the table and the JSON still give
    the parts that finished (the JSON says "complete": false).
    """
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the folder removed.
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.perf_counter()
    results = {"config": config(args), "goals": search_report.GOALS}
    results.update(complete=False, ingest=None, sizes=[])
    status = 0
    try:
        with workspace(args.keep) as folder:
            benchmark(args, folder, results)
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except RuntimeError as exc:
        log(f"failed: {exc}")
        status = 1
    results["config"]["total_seconds"] = round(time.perf_counter() - started, 1)
    if status and not (results["ingest"] or results["sizes"]):
        return status
    _save(results, args.output)
    print(search_report.table(results))
    done = "" if results["complete"] else "; INCOMPLETE, the parts that finished"
    print(
        f"\nJSON: {args.output} (whole run "
        f"{results['config']['total_seconds']:,.0f} s{done})"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
