"""The test file, written to disk in chunks, and a multipart body read from it."""

from __future__ import annotations

import io
import random
import string
import uuid
from pathlib import Path

from bench.progress import Progress

MIB = 1024 * 1024
POOL_BLOCKS = 8
ALPHABET = (string.ascii_letters + string.digits + " .,;-").encode()
# Printable text with a newline about every 64 bytes: libmagic says text/plain,
# which dms accepts (random binary would be refused as application/octet-stream).
TEXT_TABLE = bytes(
    10 if i % 64 == 0 else ALPHABET[i % len(ALPHABET)] for i in range(256)
)


def write_payload(path: Path, size: int, seed: int = 2008) -> None:
    """Write `size` bytes of random-ish text to path, one MiB at a time."""
    rng = random.Random(seed)
    pool = [rng.randbytes(MIB).translate(TEXT_TABLE) for _ in range(POOL_BLOCKS)]
    progress = Progress("generate", size)
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = _rotated(pool, written // MIB)[: size - written]
            out.write(chunk)
            written += len(chunk)
            progress.update(len(chunk))
    progress.done()


def _rotated(pool: list[bytes], index: int) -> bytes:
    """A pool block rotated by an index-dependent offset, so no two MiB repeat."""
    block = pool[index % len(pool)]
    offset = (index * 7919) % len(block)
    return block[offset:] + block[:offset]


class MultipartBody:
    """A multipart/form-data body read lazily: the fields, then the file from disk.

    It has a length and a read() but no __iter__, so requests sends it with a
    Content-Length and streams it in small blocks instead of building it in memory.
    """

    def __init__(
        self,
        fields: dict[str, str],
        path: Path,
        filename: str,
        progress: Progress | None = None,
    ):
        self.progress = progress
        self.boundary = uuid.uuid4().hex
        head = self._fields(fields) + self._file_header(filename)
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._length = len(head) + path.stat().st_size + len(tail)
        self._parts = [io.BytesIO(head), path.open("rb"), io.BytesIO(tail)]

    @property
    def content_type(self) -> str:
        """The Content-Type header naming the boundary."""
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        """The next bytes of the body; b"" at its end."""
        while self._parts:
            data = self._parts[0].read(size)
            if data:
                if self.progress is not None:
                    self.progress.update(len(data))
                return data
            self._parts.pop(0).close()
        return b""

    def close(self) -> None:
        """Close the file (and the in-memory parts) still open."""
        for part in self._parts:
            part.close()
        self._parts = []

    def _fields(self, fields: dict[str, str]) -> bytes:
        """The text fields, each as one part."""
        return b"".join(
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        )

    def _file_header(self, filename: str) -> bytes:
        """The header of the file part."""
        return (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
