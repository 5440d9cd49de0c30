"""Blob bookkeeping: which stored blobs a transaction created, the claim that holds
a blob against clean-up, and whether anything still refers to a blob.

A table refers to a blob through a column named `blob_sha256` (document versions,
requests' identity and proxy files, answers' attachments); every such column of the
schema counts, so a new table holding blobs is covered without a change here.
"""

from __future__ import annotations

from sqlalchemy import Column, func, select
from sqlalchemy.orm import Session

from dms.db import Base
from dms.storage import Storage

NEW_BLOBS = "dms.new_blobs"
RELEASED_BLOBS = "dms.released_blobs"
BLOB_COLUMN = "blob_sha256"


def blob_columns() -> list[Column]:
    """Every column of the schema that holds a blob key, in table order."""
    columns = [
        table.c[BLOB_COLUMN]
        for table in Base.metadata.sorted_tables
        if BLOB_COLUMN in table.c
    ]
    if not columns:
        raise RuntimeError("no table refers to blobs: import dms.schema first")
    return columns


def referenced_blobs(session: Session) -> set[str]:
    """Every blob something refers to; the read transaction ends here."""
    keys: set[str] = set()
    for column in blob_columns():
        keys |= set(session.scalars(select(column).distinct()))
    session.rollback()
    return keys


def record_new_blob(session: Session, key: str) -> None:
    """Note a blob this transaction created, to be deleted if it rolls back."""
    session.info.setdefault(NEW_BLOBS, []).append(key)


def claim_blob(session: Session, key: str) -> None:
    """Hold the blob against clean-up until this transaction ends.

    A failed upload deletes the blob it created unless a version refers to it; an
    upload reusing that blob has not committed its version yet, so both take this
    claim: the clean-up waits for the reusing upload to commit, or goes first and
    the reusing upload sees the blob gone. On PostgreSQL the claim is an advisory
    transaction lock; SQLite writers already hold the database's write lock for
    their whole transaction (BEGIN IMMEDIATE), which serialises them the same way.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(lock_id(key))))


def lock_id(key: str) -> int:
    return int(key[:15], 16)  # 60 bits: fits PostgreSQL's signed bigint


def release_blob(session: Session, key: str) -> None:
    """This transaction deletes a row referring to the blob: once it commits, the
    blob is deleted unless something else still refers to it (dms.archive)."""
    session.info.setdefault(RELEASED_BLOBS, []).append(key)


def take_released_blobs(session: Session) -> list[str]:
    """The blobs this session released, forgotten by the session."""
    return list(dict.fromkeys(session.info.pop(RELEASED_BLOBS, [])))


def take_new_blobs(session: Session) -> list[str]:
    """The blobs this session's uploads created, forgotten by the session."""
    return session.info.pop(NEW_BLOBS, [])


def discard_unused_blobs(session: Session, storage: Storage, keys: list[str]) -> None:
    """In a fresh write transaction after a rollback: delete the blobs nothing uses."""
    for key in keys:
        if claim_unused_blob(session, key):
            storage.delete(key)


def claim_unused_blob(session: Session, key: str) -> bool:
    """Claim the blob (see claim_blob) and tell whether no version (nor a
    request's identity or proxy file, nor an answer's attachment) refers to it.

    Every deletion of a blob goes through here, inside a write transaction, so
    none can race an upload that is reusing the blob.
    """
    claim_blob(session, key)
    return not any(
        session.scalar(select(column).where(column == key).limit(1))
        for column in blob_columns()
    )
