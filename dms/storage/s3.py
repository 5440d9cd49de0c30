"""Blobs as objects in an S3 bucket (MinIO in production), via the `minio` client.

Object names are `<prefix>blobs/<sha256>`. Every call passes keyword arguments,
and every get_object response is closed and released, however the caller stops.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO

import certifi
import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from minio.helpers import check_bucket_name
from urllib3.exceptions import HTTPError
from urllib3.response import BaseHTTPResponse

from dms.storage.base import (
    CHUNK_SIZE,
    KEY_PATTERN,
    BlobInfo,
    ClosingIterator,
    HashingReader,
    ObjectNotFound,
    PutResult,
    StorageError,
    check_range,
    validate_key,
)

SPOOL_MEMORY_LIMIT = 8 * 1024 * 1024
# One 8 MiB part in flight at a time keeps a server's memory flat during large
# uploads (minio's default, 3 parallel 16 MiB parts, took it past 150 MB) and
# measured no slower (bench/README.md).
PART_SIZE = 8 * 1024 * 1024
BLOB_FOLDER = "blobs/"
NOT_FOUND_CODES = {"NoSuchKey", "NoSuchObject"}


def make_http_client() -> urllib3.PoolManager:
    """A connection pool that gives up quickly on a dead endpoint.

    minio's default waits five minutes to connect and retries five times, which
    would hang a health check; reads still get a generous timeout for big parts.
    """
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
        retries=urllib3.Retry(
            total=3,
            connect=1,
            backoff_factor=0.2,
            status_forcelist=[500, 502, 503, 504],
        ),
    )


def normalise_prefix(prefix: str) -> str:
    """`some/prefix` or `/some/prefix/` -> `some/prefix/`; empty stays empty."""
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


@contextlib.contextmanager
def _s3_errors(action: str, key: str | None = None) -> Iterator[None]:
    """Map the client's errors to ours: a missing object is ObjectNotFound."""
    try:
        yield
    except S3Error as exc:
        if key is not None and exc.code in NOT_FOUND_CODES:
            raise ObjectNotFound(key) from None
        raise StorageError(f"S3 could not {action}: {exc.code}: {exc.message}") from exc
    except (MinioException, HTTPError, ValueError) as exc:
        # minio raises ValueError for arguments it refuses (bad bucket name...).
        raise StorageError(f"S3 could not {action}: {exc}") from exc


def _response_chunks(response: BaseHTTPResponse) -> Iterator[bytes]:
    """Stream the body, turning a dropped connection into StorageError."""
    with _s3_errors("read a blob"):
        yield from response.stream(CHUNK_SIZE)


def _release(response: BaseHTTPResponse) -> None:
    """Close the response and hand its connection back to the pool."""
    response.close()
    response.release_conn()


class S3Storage:
    """A content-addressed blob store in an S3 bucket."""

    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        *,
        secure: bool,
        region: str | None = None,
        prefix: str = "",
    ):
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret_key = secret_key
        self.bucket = bucket
        self.secure = secure
        self.region = region
        self.prefix = normalise_prefix(prefix)
        # Refuse a bad bucket name or endpoint now, not at the first request.
        with _s3_errors(f"use bucket {bucket!r} at {endpoint!r}"):
            check_bucket_name(bucket)
            self.client = Minio(
                endpoint=endpoint,
                access_key=access_key,
                secret_key=secret_key,
                secure=secure,
                region=region,
                http_client=make_http_client(),
            )

    def __repr__(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"S3Storage({scheme}://{self.endpoint}/{self.bucket}/{self.prefix})"

    def object_name(self, key: str) -> str:
        """The object that holds the blob (validated, so it stays in our prefix)."""
        return f"{self.prefix}{BLOB_FOLDER}{validate_key(key)}"

    def put(
        self,
        stream: BinaryIO,
        *,
        max_size: int | None = None,
        overwrite: Callable[[str], bool] | None = None,
    ) -> PutResult:
        """Spool the stream while hashing, then upload it unless already stored
        (or stored but damaged, when `overwrite` says so)."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_LIMIT) as spool:
            reader = HashingReader(stream, max_size)
            for chunk in reader.chunks():
                spool.write(chunk)
            key, size = reader.hexdigest, reader.size
            existed = self.exists(key)
            if existed and (overwrite is None or not overwrite(key)):
                return PutResult(key=key, size=size, created=False)
            spool.seek(0)
            self._upload(key, spool, size)
        return PutResult(key=key, size=size, created=not existed, rewritten=existed)

    def _upload(self, key: str, data: BinaryIO, size: int) -> None:
        """Upload in PART_SIZE parts, so memory stays bounded for any blob size."""
        with _s3_errors(f"upload blob {key}"):
            self.client.put_object(
                bucket_name=self.bucket,
                object_name=self.object_name(key),
                data=data,
                length=size,
                part_size=PART_SIZE,
                num_parallel_uploads=1,
            )

    def open_range(
        self, key: str, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Send the GET now (so a missing blob fails here), stream the body lazily."""
        name = self.object_name(key)
        check_range(start, length)
        if length == 0:
            # minio reads length=0 as "to the end"; stat keeps the not-found rule.
            self.stat(key)
            return iter(())
        response = self._get(key, name, start, length or 0)
        if response is None:
            return iter(())
        return ClosingIterator(_response_chunks(response), lambda: _release(response))

    def _get(
        self, key: str, name: str, start: int, length: int
    ) -> BaseHTTPResponse | None:
        """The GET response, or None when `start` is at or past the end."""
        with _s3_errors(f"read blob {key}", key):
            try:
                return self.client.get_object(
                    bucket_name=self.bucket,
                    object_name=name,
                    offset=start,
                    length=length,
                )
            except S3Error as exc:
                if exc.code != "InvalidRange":
                    raise
        return None

    def stat(self, key: str) -> BlobInfo:
        """The blob's size; ObjectNotFound when absent."""
        name = self.object_name(key)
        with _s3_errors(f"stat blob {key}", key):
            info = self.client.stat_object(bucket_name=self.bucket, object_name=name)
        modified = info.last_modified or datetime.now(UTC)
        return BlobInfo(key=key, size=info.size or 0, modified=modified)

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under that key."""
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove the blob; S3 treats removing an absent object as success."""
        name = self.object_name(key)
        with _s3_errors(f"delete blob {key}"):
            self.client.remove_object(bucket_name=self.bucket, object_name=name)

    def keys(self) -> Iterator[str]:
        """Every stored key under our prefix; foreign objects are skipped."""
        folder = self.prefix + BLOB_FOLDER
        with _s3_errors("list blobs"):
            for obj in self.client.list_objects(
                bucket_name=self.bucket, prefix=folder, recursive=True
            ):
                key = (obj.object_name or "")[len(folder) :]
                if KEY_PATTERN.fullmatch(key):
                    yield key

    def check(self) -> None:
        """Raise StorageError unless the endpoint answers and the bucket exists."""
        with _s3_errors(f"reach bucket {self.bucket}"):
            found = self.client.bucket_exists(bucket_name=self.bucket)
        if not found:
            raise StorageError(f"S3 bucket {self.bucket} does not exist")

    def ensure_ready(self) -> None:
        """Create the bucket (in `region`, when given) unless it exists."""
        with _s3_errors(f"create bucket {self.bucket}"):
            if self.client.bucket_exists(bucket_name=self.bucket):
                return
            try:
                self.client.make_bucket(bucket_name=self.bucket, location=self.region)
            except S3Error as exc:
                # Another process created it between our two calls.
                if exc.code != "BucketAlreadyOwnedByYou":
                    raise
