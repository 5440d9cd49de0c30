"""The search index, indexer and job queue as the commands build them from an
Archive (init, worker, import, reindex and search share them)."""

from __future__ import annotations

import sys

import click


def search_index(archive):
    from dms.indexing.engine import open_search_index

    return open_search_index(archive.settings)


def indexer(archive):
    from dms.indexing.indexer import Indexer, extraction_limits

    return Indexer(archive, search_index(archive), extraction_limits(archive.settings))


def job_queue(archive):
    from dms.jobs import Jobs

    return Jobs(archive, search_index(archive))


def ensure_index(archive) -> None:
    """Create the index; rebuild it when its schema is older or it is new while the
    database already holds documents (a lost or deleted index folder)."""
    from sqlalchemy import func, select

    from dms.documents.models import Document

    state = search_index(archive).ensure()
    with archive.reading() as session:
        documents = session.scalar(select(func.count(Document.id))) or 0
    if state.needs_rebuild or (state.created and documents):
        reason = "built by an older schema" if state.needs_rebuild else "missing"
        click.echo(f"dms: search index {reason}; rebuilding", err=True)
        rebuild(archive)


def rebuild(archive, procs: int = 1) -> int:
    """Rebuild the whole index, with a progress bar on stderr; the count indexed."""
    from sqlalchemy import func, select
    from tqdm import tqdm

    from dms.documents.models import Document

    with archive.reading() as session:
        total = session.scalar(select(func.count(Document.id))) or 0
    with tqdm(
        total=total, unit="doc", desc="reindex", file=sys.stderr, disable=None
    ) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        return indexer(archive).rebuild(progress=progress, procs=procs)
