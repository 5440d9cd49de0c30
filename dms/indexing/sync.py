"""Several web servers, one index folder each, one database as the source of truth.

Each host's worker brings its own index up to date every ``index_sync_seconds``:
it reads the documents changed since its last sync (``index_changed_at``, with a
margin for transactions that committed late and clocks that differ a little) and
every document still pending, compares their database revision with the one its
index holds, and writes the newer ones. The time the sweep started is then
recorded next to the index (``dms-sync.json``): the next sweep starts from there,
and searches on this host mask every hidden document changed since (the database
mask), so a document withdrawn through another host disappears here at once,
before this host's sweep re-indexes it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select

from dms.db import utcnow
from dms.documents.models import Document
from dms.indexing import tracking

log = logging.getLogger(__name__)

SYNC_FILE = "dms-sync.json"
# Changes committed up to this long after their time are still seen.
MARGIN = timedelta(minutes=5)
BATCH = 200


def read_mark(index_path: Path) -> datetime | None:
    """When this host's index was last brought up to date, or None."""
    try:
        data = json.loads((Path(index_path) / SYNC_FILE).read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["synced_from"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_mark(index_path: Path, moment: datetime) -> None:
    path = Path(index_path)
    path.mkdir(parents=True, exist_ok=True)
    temporary = path / f".{SYNC_FILE}-{uuid.uuid4().hex}"
    temporary.write_text(
        json.dumps({"synced_from": moment.isoformat()}), encoding="utf-8"
    )
    os.replace(temporary, path / SYNC_FILE)


def mask_since(index_path: Path) -> datetime | None:
    """Hidden documents changed after this are masked in this host's searches
    (None: no host sync in use, the pending flag alone decides)."""
    mark = read_mark(index_path)
    return None if mark is None else mark - MARGIN


def sync_host(indexer) -> int:
    """Brings this host's index up to date from the database; how many written."""
    started = utcnow()
    mark = read_mark(indexer.index.path)
    since = None if mark is None else mark - MARGIN
    written, after_id = 0, 0
    while True:
        with indexer.archive.reading() as session:
            query = select(Document.id, Document.index_revision).where(
                Document.id > after_id
            )
            if since is not None:
                query = query.where(
                    or_(tracking.PENDING, Document.index_changed_at >= since)
                )
            rows = session.execute(query.order_by(Document.id).limit(BATCH)).all()
        if not rows:
            break
        held = indexer.index.revisions([row[0] for row in rows])
        stale = [doc_id for doc_id, revision in rows if held.get(doc_id, -1) < revision]
        if stale:
            written += indexer.write(stale)
        after_id = rows[-1][0]
    write_mark(indexer.index.path, started)
    return written


class HostSync:
    """A thread in the worker that runs ``sync_host`` every ``seconds``."""

    def __init__(self, indexer, seconds: float):
        self.indexer = indexer
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dms-index-sync")
        self._thread.daemon = True

    def start(self) -> HostSync:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        # The first round one period after start: the worker's start-up sweep
        # catches this host up first, without two writers racing for the index.
        while not self._stop.wait(self.seconds):
            try:
                count = sync_host(self.indexer)
                if count:
                    log.info("index sync wrote %d document(s)", count)
            except Exception:  # noqa: BLE001 - logged; the next round retries
                log.exception("index sync failed; retrying in %g s", self.seconds)
