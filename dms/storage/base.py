"""The storage protocol: where the bytes of every document version live.

Blobs are content-addressed: the key is the SHA-256 (lowercase hex) of the bytes,
computed while the stream is written, so identical content is stored once and a
user's filename never reaches the storage layer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol, Self, runtime_checkable

CHUNK_SIZE = 1024 * 1024
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class StorageError(Exception):
    """The storage backend failed or refused an operation."""


class StorageBusy(StorageError):
    """Writes are in progress: the exclusive write lease cannot be had now."""


class ObjectNotFound(StorageError):
    """No blob exists under that key."""


class InvalidKey(StorageError):
    """A key that is not a lowercase SHA-256 hex digest."""


class StreamTooLarge(StorageError):
    """The stream was longer than the limit the caller set."""

    def __init__(self, limit: int):
        super().__init__(f"stream exceeds {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class PutResult:
    """What a put stored: the key (its SHA-256), its size, and whether it is new."""

    key: str
    size: int
    created: bool
    rewritten: bool = False


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int
    # When the blob was written (UTC): fsck leaves young orphans alone, as they may
    # belong to an upload whose transaction has not committed yet.
    modified: datetime


@runtime_checkable
class Storage(Protocol):
    """A content-addressed blob store."""

    def put(
        self,
        stream: BinaryIO,
        *,
        max_size: int | None = None,
        overwrite: Callable[[str], bool] | None = None,
    ) -> PutResult:
        """Store the stream's bytes under their SHA-256; dedupe identical content.

        Raises StreamTooLarge (and stores nothing) when more than max_size bytes
        arrive. `created` is False when the blob already existed. When the blob
        exists and `overwrite(key)` is true (its stored bytes are known to be
        damaged), the fresh bytes replace it and `rewritten` is True.
        """

    def open_range(
        self, key: str, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Yield the blob's bytes from `start`, `length` of them (None: to the end).

        Raises ObjectNotFound before yielding anything when the blob is absent.
        The iterator releases its resources when exhausted or closed.
        """

    def stat(self, key: str) -> BlobInfo:
        """The blob's size; ObjectNotFound when absent."""

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under that key."""

    def delete(self, key: str) -> None:
        """Remove the blob; removing an absent blob is not an error."""

    def keys(self) -> Iterator[str]:
        """Every stored key (for fsck), in no particular order."""

    def check(self) -> None:
        """Raise StorageError when the backend cannot be reached (health checks)."""

    def ensure_ready(self) -> None:
        """Create the root folder or bucket if missing (idempotent; `dms init`)."""

    # Optional: a backend whose blobs are local files may also offer
    # `open_file(key) -> BinaryIO`, which downloads hand to the WSGI server's
    # file wrapper (sendfile) instead of copying chunks through Python.


def validate_key(key: str) -> str:
    """Return key when it is a SHA-256 hex digest, else raise InvalidKey."""
    # fullmatch, not match: "$" also matches before a trailing newline.
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise InvalidKey(f"not a blob key: {key!r}")
    return key


class HashingReader:
    """Reads a stream in chunks while computing its SHA-256 and enforcing a limit."""

    def __init__(self, stream: BinaryIO, max_size: int | None = None):
        self._stream = stream
        self._max_size = max_size
        self._hash = hashlib.sha256()
        self.size = 0

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the stream's chunks, hashing and counting them."""
        while chunk := self._stream.read(chunk_size):
            self.size += len(chunk)
            if self._max_size is not None and self.size > self._max_size:
                raise StreamTooLarge(self._max_size)
            self._hash.update(chunk)
            yield chunk

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class ClosingIterator:
    """Yields a blob's chunks and runs `cleanup` exactly once.

    Cleanup runs when the chunks are exhausted, when iteration fails, when the
    consumer calls close() (as WSGI servers do) or, failing all that, when the
    iterator is collected: an open_range whose result is never iterated must
    not leak its file or HTTP connection.
    """

    def __init__(self, chunks: Iterator[bytes], cleanup: Callable[[], None]):
        self._chunks = chunks
        self._cleanup: Callable[[], None] | None = cleanup

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the underlying resource; safe to call more than once."""
        cleanup, self._cleanup = self._cleanup, None
        if cleanup is not None:
            cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def check_range(start: int, length: int | None) -> None:
    """Refuse a negative start or length (a caller's bug, not a storage error)."""
    if start < 0 or (length is not None and length < 0):
        raise ValueError(f"invalid range: start={start}, length={length}")
