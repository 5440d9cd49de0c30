"""Ingest of the real corpus: `dms import` end to end against pdfminer.six alone.

`dms import CORPUS --org bench --category setiap_saat --jobs N` runs on a fresh
instance (file storage, SQLite) and is timed from start to exit: it stores each
file, extracts its text in a child process (pdfminer, Tesseract for scanned
pages) and indexes it as it goes. Pages are then read from the instance database
(the sum of `document_versions.text_pages`). The baseline reads the same PDF
files with pdfminer.six alone, one after another in one child process
(`bench/pdfminer_baseline.py`).

OCR is much slower than pdfminer, so the import is also run a second time, on a
fresh instance, with only the PDFs that needed none (no "tesseract" among their
extractors in the first run), against the baseline's own time for those files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bench.progress import log
from bench.server import ORG, dms_command, dms_env, prepare_instance
from bench.watched import Finished, run_watched
from dms.documents.importer import collect_files
from dms.documents.models import Document, DocumentVersion
from dms.documents.uploads import sniff_content_type
from dms.indexing.index import SearchIndex, SearchIndexError
from dms.settings import load_settings

CATEGORY = "setiap_saat"
PDF = "application/pdf"
MAX_UPLOAD_MB = 512
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    sha256: str
    content_type: str


def default_corpus() -> Path:
    """../shared/corpus/real beside the repository."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"


def measure(folder: Path, corpus: Path, limit: int | None, jobs: int, no_ocr: bool):
    """The ingest results dict (with `skipped` when there is no corpus)."""
    if not corpus.is_dir():
        log(f"ingest skipped: no corpus at {corpus}")
        return {"skipped": f"no corpus folder at {corpus}"}
    files = survey(corpus, limit)
    pdfs = [f for f in files if f.content_type == PDF]
    log(f"ingest: {len(files)} files ({len(pdfs)} PDF) from {corpus}")
    targets = [str(corpus)] if limit is None else [str(f.path) for f in files]
    full = import_run(folder / "ingest", targets, jobs, "import")
    baseline = pdfminer_baseline(folder, [f.path for f in pdfs])
    results = {
        "corpus": str(corpus),
        "files": len(files),
        "pdf_files": len(pdfs),
        "limit": limit,
        "jobs": jobs,
        "import": full.figures(),
        "baseline": baseline.figures(),
        "ratio": _ratio(full.pages, full.seconds, baseline.pages, baseline.seconds),
    }
    results["no_ocr"] = (
        no_ocr_run(folder, pdfs, full, baseline, jobs) if no_ocr else None
    )
    return results


def survey(corpus: Path, limit: int | None) -> list[CorpusFile]:
    """The files `dms import` will take, in its order, hashed and sniffed (which
    also brings them into the page cache before anything is timed)."""
    paths = collect_files([corpus])
    if limit is not None:
        paths = paths[:limit]
    return [_survey_one(path) for path in paths]


def _survey_one(path: Path) -> CorpusFile:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
        digest.update(head)
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return CorpusFile(path, digest.hexdigest(), sniff_content_type(head))


# -- dms import -----------------------------------------------------------------


@dataclass
class ImportRun:
    """One timed `dms import` and what the database says it extracted."""

    finished: Finished
    versions: list[dict]
    pending_text: int
    index_lag: int
    indexed: int | None
    failed_lines: list[str]

    @property
    def seconds(self) -> float:
        return self.finished.seconds

    @property
    def pages(self) -> int:
        return sum(v["text_pages"] or 0 for v in self.versions)

    def by_sha(self) -> dict[str, dict]:
        return {v["blob_sha256"]: v for v in self.versions}

    def figures(self) -> dict:
        versions = self.versions
        pdf = [v for v in versions if v["content_type"] == PDF]
        ocr = [v for v in versions if "tesseract" in v["text_extractors"].split(",")]
        statuses = Counter(v["text_status"] for v in versions)
        return {
            "seconds": round(self.seconds, 1),
            "exit_status": self.finished.returncode,
            "documents": len(versions),
            "pages": self.pages,
            "pdf_pages": sum(v["text_pages"] or 0 for v in pdf),
            "pages_per_s": _rate(self.pages, self.seconds),
            "characters": sum(v["text_characters"] or 0 for v in versions),
            "text_status": dict(statuses),
            "extraction_failures": [
                f"{v['filename']}: {v['text_reason']}"
                for v in versions
                if v["text_status"] == "extraction_failed"
            ],
            "ocr_documents": len(ocr),
            "ocr_document_pages": sum(v["text_pages"] or 0 for v in ocr),
            "extraction_seconds_sum": round(
                sum(v["text_seconds"] or 0 for v in versions), 1
            ),
            "pending_text": self.pending_text,
            "index_lagging": self.index_lag,
            "index_documents": self.indexed,
            "failed": self.failed_lines[:20],
            "rss_mib": self.finished.rss_mib(),
        }


def import_run(instance: Path, targets: list[str], jobs: int, slug: str) -> ImportRun:
    """A fresh instance, then `dms import TARGETS --org bench ...`, timed."""
    env = dms_env(instance, MAX_UPLOAD_MB, {})
    prepare_instance(env)
    command = [dms_command(), "import", *targets, "--org", ORG, "--category", CATEGORY]
    command += ["--jobs", str(jobs)]
    log(f"{slug}: dms import of {len(targets)} path(s), --jobs {jobs}")
    finished = run_watched(slug, command, env, instance, slug)
    if finished.returncode not in (0, 1):  # 1: some files failed, reported
        raise RuntimeError(f"dms import failed: {finished.stderr_tail()}")
    log(f"{slug}: done in {finished.seconds:.1f} s: {finished.stdout.strip()}")
    settings = load_settings(env=env)
    versions, pending, lag = _read_database(settings.database_url)
    failed = [
        line
        for line in finished.stderr_path.read_text(errors="replace").splitlines()
        if line.startswith(("failed:", "not indexed yet:"))
    ]
    return ImportRun(finished, versions, pending, lag, _indexed(settings), failed)


def _read_database(url: str) -> tuple[list[dict], int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    DocumentVersion.blob_sha256,
                    DocumentVersion.filename,
                    DocumentVersion.content_type,
                    DocumentVersion.text_status,
                    DocumentVersion.text_pages,
                    DocumentVersion.text_characters,
                    DocumentVersion.text_extractors,
                    DocumentVersion.text_seconds,
                    DocumentVersion.text_reason,
                )
            ).all()
            pending = sum(1 for row in rows if row.text_status == "pending")
            lag = connection.scalar(
                select(func.count(Document.id)).where(
                    Document.index_revision != Document.indexed_revision
                )
            )
    finally:
        engine.dispose()
    return [row._asdict() for row in rows], pending, lag or 0


def _indexed(settings) -> int | None:
    try:
        return SearchIndex(settings.index_dir).doc_count()
    except (SearchIndexError, OSError):
        return None


# -- the pdfminer baseline ---------------------------------------------------------


@dataclass
class Baseline:
    """pdfminer.six alone over the PDFs: its own JSON answer."""

    answer: dict
    rss_mib: dict

    @property
    def pages(self) -> int:
        return self.answer["pages"]

    @property
    def seconds(self) -> float:
        return self.answer["seconds"]

    def per_file(self) -> dict[str, dict]:
        return {entry["path"]: entry for entry in self.answer["files"]}

    def figures(self) -> dict:
        errors = [f for f in self.answer["files"] if f["error"]]
        return {
            "seconds": round(self.seconds, 1),
            "pages": self.pages,
            "pages_per_s": _rate(self.pages, self.seconds),
            "files": len(self.answer["files"]),
            "errors": [f"{Path(f['path']).name}: {f['error']}" for f in errors],
            "rss_mib": self.rss_mib,
        }


def pdfminer_baseline(folder: Path, pdfs: list[Path]) -> Baseline:
    """`python -m bench.pdfminer_baseline PDF...` in a child process."""
    log(f"baseline: pdfminer.six alone over {len(pdfs)} PDFs, sequentially")
    command = [sys.executable, "-m", "bench.pdfminer_baseline", *map(str, pdfs)]
    finished = run_watched("baseline", command, None, folder, "baseline")
    if finished.returncode != 0:
        raise RuntimeError(f"the pdfminer baseline failed: {finished.stderr_tail()}")
    answer = json.loads(finished.stdout)
    log(f"baseline: {answer['pages']} pages in {answer['seconds']:.1f} s")
    return Baseline(answer, finished.rss_mib())


# -- the files that needed no OCR ---------------------------------------------------


def no_ocr_run(
    folder: Path,
    pdfs: list[CorpusFile],
    full: ImportRun,
    baseline: Baseline,
    jobs: int,
) -> dict:
    """A second import of only the PDFs read without OCR, against the baseline's
    time for the same files (per file, from the same baseline run)."""
    known = full.by_sha()
    chosen = [
        f
        for f in pdfs
        if f.sha256 in known
        and known[f.sha256]["text_status"] == "ok"
        and "tesseract" not in known[f.sha256]["text_extractors"].split(",")
    ]
    if not chosen or len(chosen) == len(pdfs):
        reason = "no PDF read without OCR" if not chosen else "no PDF needed OCR"
        log(f"no-OCR import skipped: {reason}")
        return {"skipped": reason}
    paths = [str(f.path) for f in chosen]
    run = import_run(folder / "ingest-no-ocr", paths, jobs, "no-OCR import")
    per_file = baseline.per_file()
    entries = [per_file[str(f.path)] for f in chosen]
    pages = sum(e["pages"] for e in entries)
    seconds = sum(e["seconds"] for e in entries)
    return {
        "files": len(chosen),
        "import": run.figures(),
        "baseline": {
            "seconds": round(seconds, 1),
            "pages": pages,
            "pages_per_s": _rate(pages, seconds),
            "from": "the per-file times of the full baseline run",
        },
        "ratio": _ratio(run.pages, run.seconds, pages, seconds),
    }


def _rate(pages: int, seconds: float) -> float | None:
    return round(pages / seconds, 2) if seconds else None


def _ratio(pages: int, seconds: float, base_pages: int, base_seconds: float):
    if not (pages and seconds and base_pages and base_seconds):
        return None
    return round((pages / seconds) / (base_pages / base_seconds), 2)
