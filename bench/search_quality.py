"""Entry point: `python -m bench.search_quality [--judgements FILE] [--engines ...]`.

Search quality on a held-out judgement set over the whole real corpus (issue 17):
every file of ../shared/corpus/real that has text without OCR is indexed under a
neutral title ("Dokumen 042", numbered by a hash of the file name), with no
metadata beyond what every document shares, so only content counts. Each
answerable query succeeds when one of its answer files is in the top 3 of a
public search; each no-answer query must come back empty. The figure is
reported per engine and per kind of query.

The default judgement set, bench/search_heldout.toml, was written by someone who
saw the documents but neither the search code nor its results (see the file's
header); tests/integration/test_search_quality.py holds the set the analysis was
tuned on. Texts are extracted once (in the product's confined child process,
without OCR) and cached by file digest under bench/results/quality-texts/.

The exit status is 0 when the run finishes, whatever the figures; the table goes
to stdout and the JSON to bench/results/search-quality-latest.json.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import tomllib
from datetime import datetime
from pathlib import Path

from bench import ingest, report
from bench.progress import log
from dms.indexing.extract import DOCX, XLSX, Limits, extract_text
from dms.indexing.index import IndexedDocument, Scope, SearchIndex, SearchQuery
from dms.indexing.tantivy_index import TantivyIndex

HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "search_heldout.toml"
RESULTS_PATH = HERE / "results" / "search-quality-latest.json"
CACHE = HERE / "results" / "quality-texts"
ENGINES = {"whoosh": SearchIndex, "tantivy": TantivyIndex}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".json": "application/json",
}
GOAL = 0.9
TOP = 3
# Too little text to be found by its content (a scan's watermark, cid codes).
MIN_CHARACTERS = 200


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_quality", description=__doc__
    )
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--corpus", type=Path, default=ingest.default_corpus())
    parser.add_argument("--engines", default="whoosh,tantivy")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    args.engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    if not args.engines or not set(args.engines) <= set(ENGINES):
        parser.error("--engines takes whoosh and/or tantivy, separated by commas")
    return args


def load_judgements(path: Path) -> list[dict]:
    """The queries: text, kind, answers (file names; empty for no answer)."""
    with path.open("rb") as handle:
        queries = tomllib.load(handle)["query"]
    for query in queries:
        if not isinstance(query.get("text"), str) or not isinstance(
            query.get("answers"), list
        ):
            raise SystemExit(f"{path}: every query needs text and answers: {query}")
        query.setdefault("kind", "noanswer" if not query["answers"] else "other")
    return queries


def corpus_texts(corpus: Path, cache: Path) -> dict[str, str]:
    """File name -> text, for every file with enough text without OCR."""
    cache.mkdir(parents=True, exist_ok=True)
    limits = Limits(ocr=False, max_characters=200_000, timeout_seconds=120)
    texts = {}
    files = sorted(p for p in corpus.iterdir() if p.suffix.lower() in CONTENT_TYPES)
    for number, path in enumerate(files, start=1):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        cached = cache / f"{digest}.txt"
        if cached.is_file():
            text = cached.read_text(encoding="utf-8")
        else:
            log(f"extracting {number}/{len(files)}: {path.name}")
            extraction = extract_text(
                path, CONTENT_TYPES[path.suffix.lower()], limits=limits
            )
            text = extraction.text if extraction.status in ("ok", "partial") else ""
            cached.write_text(text, encoding="utf-8")
        if len(text.strip()) >= MIN_CHARACTERS:
            texts[path.name] = text
    return texts


def neutral_documents(texts: dict[str, str]) -> dict[str, IndexedDocument]:
    """Each text under a title that says nothing, in an order that says nothing."""
    order = sorted(texts, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    return {
        name: IndexedDocument(
            id=number,
            title=f"Dokumen {number:03d}",
            summary="",
            body=texts[name],
            category="setiap_saat",
            org="arsip",
            year=None,
            info_type="",
            status="published",
            organisation_id=1,
            updated_at=datetime(2025, 1, 1),
        )
        for number, name in enumerate(order, start=1)
    }


def evaluate(index, queries: list[dict], documents: dict) -> dict:
    """Top-3 success per kind, the no-answer verdicts and every miss."""
    names = {doc.id: name for name, doc in documents.items()}
    kinds: dict[str, list[int]] = {}
    misses, unanswerable, latencies = [], [], []
    for query in queries:
        started = time.perf_counter()
        result = index.search(SearchQuery(text=query["text"], per_page=TOP), PUBLIC)
        latencies.append(time.perf_counter() - started)
        top = [names[hit.id] for hit in result.items]
        answers = [a for a in query["answers"] if a in documents]
        if not query["answers"]:
            empty = result.total == 0
            kinds.setdefault("noanswer", [0, 0])
            kinds["noanswer"][0] += empty
            kinds["noanswer"][1] += 1
            if not empty:
                misses.append({"query": query["text"], "kind": "noanswer", "top": top})
            continue
        if not answers:
            unanswerable.append(query["text"])
            continue
        found = bool(set(answers) & set(top))
        kinds.setdefault(query["kind"], [0, 0])
        kinds[query["kind"]][0] += found
        kinds[query["kind"]][1] += 1
        if not found:
            misses.append(
                {
                    "query": query["text"],
                    "kind": query["kind"],
                    "answers": answers,
                    "top": top,
                    "partial": result.partial,
                }
            )
    answerable = [v for k, v in kinds.items() if k != "noanswer"]
    hits, total = sum(v[0] for v in answerable), sum(v[1] for v in answerable)
    return {
        "top3_success": round(hits / total, 3) if total else None,
        "answerable": total,
        "found": hits,
        "no_answer_empty": kinds.get("noanswer", [0, 0]),
        "by_kind": {k: {"found": v[0], "queries": v[1]} for k, v in kinds.items()},
        "misses": misses,
        "answers_not_indexed": unanswerable,
        "mean_ms": round(1000 * sum(latencies) / max(len(latencies), 1), 1),
    }


PUBLIC = Scope.public()


def table(results: dict) -> str:
    lines = [
        f"Search quality, held-out set {results['judgements']} "
        f"({results['documents']} documents indexed, goal top-3 >= {GOAL:.0%})"
    ]
    for engine, figures in results["engines"].items():
        empty, asked = figures["no_answer_empty"]
        passed = figures["top3_success"] >= GOAL and empty == asked
        lines.append(
            f"  {engine:<8} top-3 {figures['found']}/{figures['answerable']} = "
            f"{figures['top3_success']:.1%}   no-answer empty {empty}/{asked}   "
            f"{'PASS' if passed else 'FAIL'}"
        )
        for kind, counts in sorted(figures["by_kind"].items()):
            lines.append(f"      {kind:<12} {counts['found']}/{counts['queries']}")
        for miss in figures["misses"]:
            lines.append(
                f"      miss [{miss['kind']}] {miss['query']!r} -> {miss['top']}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.corpus.is_dir():
        print(f"the real corpus is absent ({args.corpus}): nothing measured")
        return 1
    queries = load_judgements(args.judgements)
    texts = corpus_texts(args.corpus, args.cache)
    documents = neutral_documents(texts)
    unknown = sorted(
        {a for q in queries for a in q["answers"]}
        - {p.name for p in args.corpus.iterdir()}
    )
    if unknown:
        raise SystemExit(f"answers name files not in the corpus: {unknown}")
    results = {
        "judgements": str(args.judgements.relative_to(HERE.parent))
        if args.judgements.is_relative_to(HERE.parent)
        else str(args.judgements),
        "queries": len(queries),
        "documents": len(documents),
        "engines": {},
    }
    with tempfile.TemporaryDirectory(prefix="dms-quality-") as folder:
        for engine in args.engines:
            log(f"{engine}: indexing {len(documents)} documents")
            index = ENGINES[engine](Path(folder) / engine / "index")
            index.ensure()
            index.index(documents.values())
            results["engines"][engine] = evaluate(index, queries, documents)
            index.close()
    report.write_json(results, args.output)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
