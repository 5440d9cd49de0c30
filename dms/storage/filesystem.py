"""Blobs as files under one root folder: the embedded default backend.

Layout: `root/ab/cd/<sha256>`, fanned out by the first two pairs of hex digits so
no folder grows past a few thousand entries. Writes go to `root/.tmp/` first and
are renamed into place, so a crash never leaves a half-written blob under a key.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from dms.storage.base import (
    CHUNK_SIZE,
    KEY_PATTERN,
    BlobInfo,
    ClosingIterator,
    HashingReader,
    ObjectNotFound,
    PutResult,
    StorageBusy,
    StorageError,
    check_range,
    validate_key,
)

TEMP_DIR_NAME = ".tmp"
# In the root folder: every write transaction holds it shared, fsck's clean-up
# exclusively (see FilesystemStorage.write_lease).
LEASE_NAME = ".lease"
DELETION_LEASE_NAME = ".deletions"


@contextlib.contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """Turn our own OSErrors (disk full, permissions) into StorageError."""
    try:
        yield
    except OSError as exc:
        raise StorageError(f"filesystem storage could not {action}: {exc}") from exc


def _fsync_dir(path: Path) -> None:
    """Persist a folder's entries, so a rename survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_chunks(file: BinaryIO, length: int | None) -> Iterator[bytes]:
    """Yield up to `length` bytes (None: all) from the file's position."""
    remaining = length
    while remaining is None or remaining > 0:
        size = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
        chunk = file.read(size)
        if not chunk:
            return
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk


def _entry_names(directory: Path, *, dirs: bool = False) -> list[str]:
    """Names of the folder's files (or sub-folders), read in one go.

    Reading eagerly closes the scandir handle even when a caller abandons a
    keys() walk halfway.
    """
    with os.scandir(directory) as entries:
        return [e.name for e in entries if (e.is_dir() if dirs else e.is_file())]


def _hex_pair_dirs(directory: Path) -> Iterator[Path]:
    """Sub-folders named by two lowercase hex digits (skips `.tmp` and strays)."""
    for name in sorted(_entry_names(directory, dirs=True)):
        if len(name) == 2 and all(c in "0123456789abcdef" for c in name):
            yield directory / name


def _modified_before(path: Path, cutoff: float) -> bool:
    """Whether the file was last written before `cutoff` (False once it is gone)."""
    try:
        return path.stat().st_mtime <= cutoff
    except FileNotFoundError:
        # A put in progress renamed it into place meanwhile.
        return False


class FilesystemStorage:
    """A content-addressed blob store in a local folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.temp_dir = self.root / TEMP_DIR_NAME

    def __repr__(self) -> str:
        return f"FilesystemStorage({str(self.root)!r})"

    def path_for(self, key: str) -> Path:
        """The file that holds the blob; the key is validated, so it stays in root."""
        validate_key(key)
        return self.root / key[:2] / key[2:4] / key

    def put(
        self,
        stream: BinaryIO,
        *,
        max_size: int | None = None,
        overwrite: Callable[[str], bool] | None = None,
    ) -> PutResult:
        """Stream into a temp file while hashing, then rename it under its hash."""
        with _os_errors("create a temporary file"):
            self.temp_dir.mkdir(exist_ok=True)
            fd, temp_name = tempfile.mkstemp(dir=self.temp_dir, prefix="put-")
        temp_path = Path(temp_name)
        try:
            reader = self._write_temp(fd, stream, max_size)
            created, rewritten = self._move_into_place(
                temp_path, reader.hexdigest, overwrite
            )
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return PutResult(
            key=reader.hexdigest,
            size=reader.size,
            created=created,
            rewritten=rewritten,
        )

    def _write_temp(
        self, fd: int, stream: BinaryIO, max_size: int | None
    ) -> HashingReader:
        """Copy the stream into the open temp file and fsync it."""
        reader = HashingReader(stream, max_size)
        with os.fdopen(fd, "wb") as temp:
            # Errors from the source stream propagate unchanged; only our writes
            # are storage errors.
            for chunk in reader.chunks():
                with _os_errors("write a blob"):
                    temp.write(chunk)
            with _os_errors("write a blob"):
                temp.flush()
                os.fsync(temp.fileno())
        return reader

    def _move_into_place(
        self, temp_path: Path, key: str, overwrite: Callable[[str], bool] | None
    ) -> tuple[bool, bool]:
        """Rename the temp file to the blob's path: (created, rewritten)."""
        final = self.path_for(key)
        existed = final.exists()
        if existed and (overwrite is None or not overwrite(key)):
            temp_path.unlink()
            return False, False
        with _os_errors("store a blob"):
            self._make_fanout_dirs(final.parent)
            os.replace(temp_path, final)
            _fsync_dir(final.parent)
        return not existed, existed

    def _make_fanout_dirs(self, directory: Path) -> None:
        """Create `root/ab/cd`, fsyncing the parents of any folder we create."""
        if directory.is_dir():
            return
        directory.mkdir(parents=True, exist_ok=True)
        _fsync_dir(directory.parent)
        _fsync_dir(self.root)

    def open_range(
        self, key: str, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Open the blob now (so a missing one fails here) and stream it lazily."""
        check_range(start, length)
        file = self.open_file(key)
        file.seek(start)
        return ClosingIterator(_read_chunks(file, length), file.close)

    def open_file(self, key: str) -> BinaryIO:
        """The blob as an open local file, so a WSGI server can send it zero-copy."""
        try:
            return self.path_for(key).open("rb")
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        except OSError as exc:
            raise StorageError(f"cannot open blob {key}: {exc}") from exc

    def stat(self, key: str) -> BlobInfo:
        """The blob's size; ObjectNotFound when absent."""
        path = self.path_for(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        return BlobInfo(
            key=key,
            size=stat.st_size,
            modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under that key."""
        return self.path_for(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the blob; fan-out folders stay, a concurrent put may need them."""
        path = self.path_for(key)
        with _os_errors(f"delete blob {key}"):
            path.unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        """Every stored key, found by walking the fan-out folders."""
        if not self.root.is_dir():
            raise StorageError(f"storage folder {self.root} does not exist")
        for first in _hex_pair_dirs(self.root):
            for second in _hex_pair_dirs(first):
                prefix = first.name + second.name
                for name in _entry_names(second):
                    if KEY_PATTERN.fullmatch(name) and name.startswith(prefix):
                        yield name

    @contextlib.contextmanager
    def write_lease(self, *, exclusive: bool = False) -> Iterator[None]:
        """A lock on the store's writes, held by every process's write transaction
        (shared, waited for) and by fsck's clean-up (exclusive, not waited for:
        StorageBusy). While fsck holds it, no upload is between writing a blob and
        committing its row, so every unreferenced blob and every temp file is a
        leftover. The OS releases it when a process dies, killed or not."""
        with self._lease(LEASE_NAME, exclusive, "uploads are in progress"):
            yield

    @contextlib.contextmanager
    def deletion_lease(self, *, exclusive: bool = False) -> Iterator[None]:
        """A lock on deleting blobs that rows referred to: held by a backup for
        its whole run (shared, waited for) and by whoever deletes such a blob
        (exclusive, not waited for: StorageBusy), so a backup's database copy
        never names a blob deleted before the backup copied it."""
        busy = "a backup or another clean-up is running"
        with self._lease(DELETION_LEASE_NAME, exclusive, busy):
            yield

    @contextlib.contextmanager
    def _lease(self, name: str, exclusive: bool, busy: str) -> Iterator[None]:
        if not self.root.is_dir():
            yield  # nothing stored yet, nothing to protect
            return
        with _os_errors("lock the storage folder"):
            fd = os.open(self.root / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(
                    fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH
                )
            except BlockingIOError:
                raise StorageBusy(f"{busy}; try again") from None
            yield
        finally:
            os.close(fd)

    def temp_files(self, older_than_seconds: float) -> list[Path]:
        """Leftovers of crashed writes: temp files untouched for that long."""
        if not self.temp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [
            self.temp_dir / name
            for name in _entry_names(self.temp_dir)
            if _modified_before(self.temp_dir / name, cutoff)
        ]

    def remove_temp_files(self, older_than_seconds: float) -> list[Path]:
        """Delete the temp files older than that (fsck --repair); return them."""
        removed = self.temp_files(older_than_seconds)
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def check(self) -> None:
        """Raise StorageError unless root is a folder we can write to."""
        if not self.root.is_dir():
            raise StorageError(f"storage folder {self.root} does not exist")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageError(f"storage folder {self.root} is not writable")

    def ensure_ready(self) -> None:
        """Create root and its temp folder if missing."""
        with _os_errors(f"create {self.root}"):
            self.temp_dir.mkdir(parents=True, exist_ok=True)
