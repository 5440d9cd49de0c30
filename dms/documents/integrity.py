"""Whether a blob's bytes are what their key promises, and the damage marks.

A blob found missing or failing its SHA-256 (by `dms fsck`, or while a download
streamed it) is marked damaged; a damaged version is never served as if intact.
The mark belongs to the blob, since several versions may share one; an upload of
the same bytes rewrites the blob and clears the mark (dms.documents.uploads).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dms.db import utcnow
from dms.documents.models import DamagedBlob
from dms.storage import ObjectNotFound, Storage

# Blobs up to this size in a local store are hashed before a download sends them:
# reading them twice costs little, and a mismatch then gets a clean error.
VERIFY_BEFORE_SENDING_BYTES = 16 * 1024 * 1024


def blob_problem(
    storage: Storage,
    sha256: str,
    size: int,
    progress: Callable[[int], None] = lambda _bytes: None,
) -> str | None:
    """ "missing", "size" or "checksum" when the blob is not what its key says."""
    try:
        if storage.stat(sha256).size != size:
            return "size"
        digest = hashlib.sha256()
        for chunk in storage.open_range(sha256):
            digest.update(chunk)
            progress(len(chunk))
    except ObjectNotFound:
        return "missing"
    return None if digest.hexdigest() == sha256 else "checksum"


def is_damaged(session: Session, sha256: str) -> bool:
    """Whether the blob carries a damage mark."""
    return session.get(DamagedBlob, sha256) is not None


def mark_damaged(session: Session, sha256: str, problem: str) -> None:
    """Mark the blob damaged (again: the newest problem and time win)."""
    found = session.get(DamagedBlob, sha256)
    if found is None:
        session.add(DamagedBlob(sha256=sha256, problem=problem, found_at=utcnow()))
    else:
        found.problem, found.found_at = problem, utcnow()
    session.flush()


def clear_damage(session: Session, keys: Iterable[str]) -> None:
    """Forget the marks of blobs known to be intact again."""
    keys = list(keys)
    for start in range(0, len(keys), 500):
        session.execute(
            delete(DamagedBlob)
            .where(DamagedBlob.sha256.in_(keys[start : start + 500]))
            .execution_options(synchronize_session=False)
        )


def damaged_keys(session: Session) -> set[str]:
    """Every blob marked damaged."""
    return set(session.scalars(select(DamagedBlob.sha256)))


class BlobMismatch(Exception):
    """The bytes streamed so far did not hash to the blob's key."""


def verified_chunks(
    chunks: Iterator[bytes], sha256: str, on_mismatch: Callable[[], None]
) -> Iterator[bytes]:
    """The chunks of a whole blob, hashed on the way; at the end a mismatch calls
    `on_mismatch` and raises, so the server aborts the connection instead of
    ending the response cleanly."""
    digest = hashlib.sha256()
    try:
        for chunk in chunks:
            digest.update(chunk)
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if digest.hexdigest() != sha256:
        on_mismatch()
        raise BlobMismatch(f"blob {sha256} failed its SHA-256 while streaming")
