"""Where the bytes of every document version live: one protocol, three backends.

`build_storage(url)` turns the configured storage URL into a backend:

- `file:///abs/path` -> FilesystemStorage
- `memory://` -> MemoryStorage (tests)
- `s3://ACCESS:SECRET@host:port/bucket[/prefix]?secure=false&region=xx` -> S3Storage
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from dms.storage.base import (
    CHUNK_SIZE,
    KEY_PATTERN,
    BlobInfo,
    ClosingIterator,
    HashingReader,
    InvalidKey,
    ObjectNotFound,
    PutResult,
    Storage,
    StorageBusy,
    StorageError,
    StreamTooLarge,
    check_range,
    validate_key,
)
from dms.storage.filesystem import FilesystemStorage
from dms.storage.memory import MemoryStorage
from dms.storage.s3 import S3Storage

__all__ = [
    "CHUNK_SIZE",
    "KEY_PATTERN",
    "BlobInfo",
    "ClosingIterator",
    "FilesystemStorage",
    "HashingReader",
    "InvalidKey",
    "MemoryStorage",
    "ObjectNotFound",
    "PutResult",
    "S3Storage",
    "Storage",
    "StorageBusy",
    "StorageError",
    "StreamTooLarge",
    "build_storage",
    "check_range",
    "validate_key",
]

SUPPORTED_URLS = (
    "file:///absolute/path, memory:// or s3://[KEY:SECRET@]host:port/bucket"
)
S3_OPTIONS = {"secure", "region"}
BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "false": False,
    "0": False,
    "no": False,
}


def build_storage(url: str) -> Storage:
    """The storage backend a URL names; StorageError for anything else."""
    parts = urlsplit(url)
    builders = {"file": _filesystem, "memory": _memory, "s3": _s3}
    builder = builders.get(parts.scheme)
    if builder is None:
        raise StorageError(
            f"unsupported storage URL {_redact(url)!r}: use {SUPPORTED_URLS}"
        )
    return builder(parts)


def _filesystem(parts: SplitResult) -> Storage:
    path = unquote(parts.path)
    if parts.netloc not in ("", "localhost") or not path.startswith("/"):
        raise StorageError("file storage URL needs an absolute path: file:///abs/path")
    return FilesystemStorage(Path(path))


def _memory(parts: SplitResult) -> Storage:
    if parts.netloc or parts.path.strip("/") or parts.query:
        raise StorageError("memory storage URL takes no location: use memory://")
    return MemoryStorage()


def _s3(parts: SplitResult) -> Storage:
    credentials, _, endpoint = parts.netloc.rpartition("@")
    access_key, secret_key = _s3_credentials(credentials)
    bucket, _, prefix = parts.path.lstrip("/").partition("/")
    if not endpoint or not bucket:
        raise StorageError(
            "S3 storage URL needs a host and a bucket: " + SUPPORTED_URLS
        )
    secure, region = _s3_options(parts.query)
    return S3Storage(
        endpoint,
        access_key,
        secret_key,
        bucket,
        secure=secure,
        region=region,
        prefix=unquote(prefix),
    )


def _s3_credentials(credentials: str) -> tuple[str | None, str | None]:
    """`ACCESS:SECRET` (URL-quoted) -> both unquoted; empty -> anonymous."""
    if not credentials:
        return None, None
    access_key, colon, secret_key = credentials.partition(":")
    if not colon or not access_key or not secret_key:
        raise StorageError("S3 storage URL credentials must be ACCESS_KEY:SECRET_KEY")
    return unquote(access_key), unquote(secret_key)


def _s3_options(query: str) -> tuple[bool, str | None]:
    """`secure` (default true) and `region` from the query; others are errors."""
    try:
        params = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as exc:
        raise StorageError(f"malformed S3 storage URL options: {exc}") from None
    unknown = set(params) - S3_OPTIONS
    if unknown:
        raise StorageError(
            f"unknown S3 storage URL options: {', '.join(sorted(unknown))}"
        )
    secure = params.get("secure", ["true"])[-1].lower()
    if secure not in BOOLEANS:
        raise StorageError("S3 storage URL option secure must be true or false")
    region = params.get("region", [""])[-1] or None
    return BOOLEANS[secure], region


def _redact(url: str) -> str:
    """The URL without any password, for error messages and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"***@{host}").geturl()
