"""Synthetic documents straight into an instance's database, with SQLAlchemy core.

Going through the API would take hours for 100k documents and would measure
uploads and extraction, which the ingest part measures on real files. Here each
document becomes the rows an upload plus a finished extraction would leave: a
`documents` row, one `document_versions` row (text_status 'ok', a well-formed but
fake blob SHA-256: search needs no blob) and its `version_texts` body. Every
document is marked as lagging behind the index (index_revision 1, indexed 0), as
after a restore, so the rebuild that follows is what brings the index up to date.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bench.corpus_gen import ORGANISATIONS, Synthetic, generate
from bench.progress import log
from dms.accounts.models import Organisation
from dms.db import make_engine
from dms.documents.models import Document, DocumentVersion, VersionText

BATCH = 2000
WORDS_PER_PAGE = 350


@dataclass(frozen=True)
class Loaded:
    """What was loaded, and how long generating and inserting took."""

    documents: int
    words: int
    characters: int
    public: int
    seconds: float
    organisations: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "public_documents": self.public,
            "words": self.words,
            "body_characters": self.characters,
            "mean_words": round(self.words / max(self.documents, 1)),
            "seconds": round(self.seconds, 1),
            "docs_per_s": round(self.documents / self.seconds, 1),
        }


def load(database_url: str, count: int, seed: int, parent_slug: str) -> Loaded:
    """Add the organisations under `parent_slug`, then `count` documents."""
    engine = make_engine(database_url)
    started = time.perf_counter()
    try:
        org_ids = add_organisations(engine, parent_slug)
        totals = _insert_documents(engine, generate(count, seed), org_ids)
    finally:
        engine.dispose()
    return Loaded(
        documents=count,
        words=totals["words"],
        characters=totals["characters"],
        public=totals["public"],
        seconds=time.perf_counter() - started,
        organisations=org_ids,
    )


def add_organisations(engine: Engine, parent_slug: str) -> dict[str, int]:
    """The PPID Pelaksana of corpus_gen under the PPID Utama; slug -> id."""
    with engine.begin() as connection:
        parent = connection.scalar(
            select(Organisation.id).where(Organisation.slug == parent_slug)
        )
        if parent is None:
            raise RuntimeError(f"organisation {parent_slug!r} is missing")
        connection.execute(
            insert(Organisation),
            [
                {
                    "slug": slug,
                    "name": name,
                    "parent_id": parent,
                    "is_utama": False,
                    "created_at": datetime.now(UTC),
                }
                for slug, name, _weight in ORGANISATIONS
            ],
        )
        rows = connection.execute(select(Organisation.slug, Organisation.id)).all()
    return {slug: key for slug, key in rows}


def _insert_documents(engine: Engine, docs, org_ids: dict[str, int]) -> dict:
    totals = {"words": 0, "characters": 0, "public": 0, "count": 0}
    with engine.connect() as connection:
        first_doc = 1 + (connection.scalar(select(func.max(Document.id))) or 0)
        first_version = 1 + (
            connection.scalar(select(func.max(DocumentVersion.id))) or 0
        )
    batch: list[Synthetic] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == BATCH:
            _write_batch(engine, batch, first_doc, first_version, org_ids, totals)
            batch = []
    if batch:
        _write_batch(engine, batch, first_doc, first_version, org_ids, totals)
    return totals


def _write_batch(engine, batch, first_doc, first_version, org_ids, totals) -> None:
    documents, versions, texts = [], [], []
    for doc in batch:
        offset = totals["count"]
        doc_id, version_id = first_doc + offset, first_version + offset
        documents.append(_document_row(doc_id, doc, org_ids[doc.org]))
        versions.append(_version_row(version_id, doc_id, doc))
        texts.append({"version_id": version_id, "body": doc.body})
        totals["count"] += 1
        totals["words"] += doc.words
        totals["characters"] += len(doc.body)
        totals["public"] += doc.status == "published" and doc.category != "dikecualikan"
    with engine.begin() as connection:
        connection.execute(insert(Document), documents)
        connection.execute(insert(DocumentVersion), versions)
        connection.execute(insert(VersionText), texts)
    if totals["count"] % (BATCH * 10) == 0:
        log(f"  loaded {totals['count']:,} documents")


def _created(doc: Synthetic) -> datetime:
    return datetime(doc.year, 1, 1, 9, tzinfo=UTC) + timedelta(days=doc.day_of_year)


def _document_row(doc_id: int, doc: Synthetic, organisation_id: int) -> dict:
    created = _created(doc)
    published = doc.status == "published"
    return {
        "id": doc_id,
        "title": doc.title,
        "summary": doc.summary,
        "category": doc.category,
        "organisation_id": organisation_id,
        "year": doc.year,
        "info_type": doc.info_type,
        "status": doc.status,
        "dip_unit": "",
        "dip_responsible": "",
        "dip_production_time": str(doc.year),
        "dip_production_place": "",
        "dip_form": "electronic",
        "dip_retention": "",
        "current_version": 1,
        "published_version": 1 if published else 0,
        "created_by_id": None,
        "created_at": created,
        "updated_at": created + timedelta(days=1),
        "published_at": created + timedelta(days=2) if published else None,
        "index_revision": 1,
        "indexed_revision": 0,
    }


def _version_row(version_id: int, doc_id: int, doc: Synthetic) -> dict:
    created = _created(doc)
    size = len(doc.body.encode("utf-8"))
    return {
        "id": version_id,
        "document_id": doc_id,
        "number": 1,
        "blob_sha256": hashlib.sha256(f"bench-synthetic-{doc_id}".encode()).hexdigest(),
        "size": size,
        "content_type": "text/plain",
        "filename": f"dokumen-{doc_id}.txt",
        "note": "",
        "uploaded_by_id": None,
        "created_at": created,
        "text_status": "ok",
        "text_reason": "",
        "text_pages": doc.words // WORDS_PER_PAGE + 1,
        "text_characters": len(doc.body),
        "text_extractors": "text",
        "text_seconds": 0.0,
        "text_extracted_at": created,
    }
