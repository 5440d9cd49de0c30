"""Blobs in a dict: the fake backend for unit tests, with the real semantics."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from dms.storage.base import (
    CHUNK_SIZE,
    BlobInfo,
    HashingReader,
    ObjectNotFound,
    PutResult,
    check_range,
    validate_key,
)


def _slices(data: bytes, start: int, end: int) -> Iterator[bytes]:
    """Yield data[start:end] in CHUNK_SIZE pieces."""
    for offset in range(start, end, CHUNK_SIZE):
        yield data[offset : min(offset + CHUNK_SIZE, end)]


class MemoryStorage:
    """A content-addressed blob store held in memory; safe across threads."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._written: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryStorage({len(self._blobs)} blobs)"

    def put(
        self,
        stream: BinaryIO,
        *,
        max_size: int | None = None,
        overwrite: Callable[[str], bool] | None = None,
    ) -> PutResult:
        """Read the whole stream while hashing, then keep it unless already held
        (or held but damaged, when `overwrite` says so)."""
        reader = HashingReader(stream, max_size)
        data = b"".join(reader.chunks())
        key = reader.hexdigest
        with self._lock:
            created = key not in self._blobs
            rewritten = not created and overwrite is not None and overwrite(key)
            if created or rewritten:
                self._blobs[key] = data
                self._written[key] = datetime.now(UTC)
        return PutResult(key=key, size=len(data), created=created, rewritten=rewritten)

    def open_range(
        self, key: str, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Look the blob up now (so a missing one fails here), yield it lazily."""
        data = self._get(key)
        check_range(start, length)
        start = min(start, len(data))
        end = len(data) if length is None else min(start + length, len(data))
        return _slices(data, start, end)

    def _get(self, key: str) -> bytes:
        validate_key(key)
        with self._lock:
            try:
                return self._blobs[key]
            except KeyError:
                raise ObjectNotFound(key) from None

    def stat(self, key: str) -> BlobInfo:
        """The blob's size; ObjectNotFound when absent."""
        data = self._get(key)
        with self._lock:
            modified = self._written.get(key, datetime.now(UTC))
        return BlobInfo(key=key, size=len(data), modified=modified)

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under that key."""
        validate_key(key)
        with self._lock:
            return key in self._blobs

    def delete(self, key: str) -> None:
        """Remove the blob; removing an absent blob is not an error."""
        validate_key(key)
        with self._lock:
            self._blobs.pop(key, None)
            self._written.pop(key, None)

    def keys(self) -> Iterator[str]:
        """Every stored key (a snapshot, so puts during iteration are safe)."""
        with self._lock:
            snapshot = list(self._blobs)
        return iter(snapshot)

    def check(self) -> None:
        """Memory is always reachable."""

    def ensure_ready(self) -> None:
        """Nothing to create."""
