"""One contract for every storage backend: memory, filesystem, S3 (moto), MinIO.

The S3 backends go through build_storage and the real minio client over HTTP, the
same code path as production. MinIO runs only when DMS_TEST_S3_URL is set.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dms.storage import (
    CHUNK_SIZE,
    FilesystemStorage,
    InvalidKey,
    ObjectNotFound,
    S3Storage,
    Storage,
    StorageError,
    StreamTooLarge,
    build_storage,
    s3,
)
from tests.fixtures_s3 import unique_name

BACKENDS = ["memory", "filesystem", "s3", "minio"]
CONTENT = b"The quick brown fox jumps over the lazy dog"
CONTENT_KEY = hashlib.sha256(CONTENT).hexdigest()
MISSING_KEY = hashlib.sha256(b"never stored").hexdigest()
LARGE_SIZE = 40 * 1024 * 1024
INVALID_KEYS = [
    "../etc/passwd",
    CONTENT_KEY.upper(),
    CONTENT_KEY[:63],
    CONTENT_KEY + "\n",
    f"{CONTENT_KEY[:2]}/../{CONTENT_KEY[5:]}",
    "",
]


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """A ready, empty backend of each kind."""
    if request.param == "memory":
        url = "memory://"
    elif request.param == "filesystem":
        url = (tmp_path / "blobs").as_uri()
    else:
        url = request.getfixturevalue(f"{request.param}_storage_url")
    backend = build_storage(url)
    backend.ensure_ready()
    return backend


class GeneratedStream:
    """A file-like source of `size` pseudo-random bytes, made as they are read."""

    def __init__(self, size: int, seed: int = 7):
        self._random = random.Random(seed)
        self._remaining = size
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self._remaining:
            size = self._remaining
        chunk = self._random.randbytes(size)
        self._remaining -= size
        self.sha256.update(chunk)
        return chunk


class FailingStream:
    """A source that sends a few chunks and then loses its connection."""

    def __init__(self, good_reads: int = 3):
        self._good_reads = good_reads

    def read(self, size: int = -1) -> bytes:
        if self._good_reads == 0:
            raise ConnectionResetError("client went away")
        self._good_reads -= 1
        return b"x" * 1000


def read_all(storage: Storage, key: str, start: int = 0, length: int | None = None):
    return b"".join(storage.open_range(key, start, length))


def assert_nothing_stored(storage: Storage) -> None:
    assert list(storage.keys()) == []
    if isinstance(storage, FilesystemStorage):
        assert storage.temp_files(older_than_seconds=0) == []


# put


def test_put_returns_the_sha256_and_size_of_the_bytes(storage: Storage):
    result = storage.put(io.BytesIO(CONTENT))

    assert result.key == CONTENT_KEY
    assert result.size == len(CONTENT)
    assert result.created is True


def test_identical_content_is_stored_once(storage: Storage):
    first = storage.put(io.BytesIO(CONTENT))
    second = storage.put(io.BytesIO(CONTENT))

    assert (first.created, second.created) == (True, False)
    assert second.key == first.key
    assert list(storage.keys()) == [CONTENT_KEY]


def test_empty_content_is_a_valid_blob(storage: Storage):
    result = storage.put(io.BytesIO(b""))

    assert result.key == hashlib.sha256(b"").hexdigest()
    assert storage.stat(result.key).size == 0
    assert read_all(storage, result.key) == b""


def test_a_stream_over_the_limit_raises_and_stores_nothing(storage: Storage):
    with pytest.raises(StreamTooLarge):
        storage.put(io.BytesIO(CONTENT), max_size=len(CONTENT) - 1)

    assert_nothing_stored(storage)


def test_a_stream_of_exactly_the_limit_is_stored(storage: Storage):
    result = storage.put(io.BytesIO(CONTENT), max_size=len(CONTENT))

    assert result.size == len(CONTENT)


def test_a_source_stream_that_fails_midway_propagates_and_stores_nothing(
    storage: Storage,
):
    with pytest.raises(ConnectionResetError, match="client went away"):
        storage.put(FailingStream())

    assert_nothing_stored(storage)


def test_a_large_stream_round_trips_byte_exact(storage: Storage):
    source = GeneratedStream(LARGE_SIZE)

    result = storage.put(source)

    assert result.key == source.sha256.hexdigest()
    assert result.size == LARGE_SIZE
    read_back = hashlib.sha256()
    chunk_sizes = []
    for chunk in storage.open_range(result.key):
        read_back.update(chunk)
        chunk_sizes.append(len(chunk))
    assert read_back.hexdigest() == result.key
    assert sum(chunk_sizes) == LARGE_SIZE
    assert max(chunk_sizes) <= CHUNK_SIZE
    if isinstance(storage, S3Storage):
        # A multipart upload's ETag is "<md5 of part md5s>-<part count>".
        parts = math.ceil(LARGE_SIZE / s3.PART_SIZE)
        assert parts > 1
        assert s3_etag(storage, result.key).endswith(f"-{parts}")


def s3_etag(storage: S3Storage, key: str) -> str:
    info = storage.client.stat_object(
        bucket_name=storage.bucket, object_name=storage.object_name(key)
    )
    return info.etag or ""


def test_concurrent_puts_of_the_same_content_leave_one_blob(storage: Storage):
    content = GeneratedStream(256 * 1024).read()
    start_together = threading.Barrier(8)

    def put_once(_: int):
        start_together.wait()
        return storage.put(io.BytesIO(content))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(put_once, range(8)))

    assert {result.key for result in results} == {hashlib.sha256(content).hexdigest()}
    assert any(result.created for result in results)
    assert list(storage.keys()) == [results[0].key]
    assert read_all(storage, results[0].key) == content
    assert_no_temp_files(storage)


def assert_no_temp_files(storage: Storage) -> None:
    if isinstance(storage, FilesystemStorage):
        assert storage.temp_files(older_than_seconds=0) == []


# open_range


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (0, None, CONTENT),
        (4, 5, CONTENT[4:9]),
        (10, None, CONTENT[10:]),
        (len(CONTENT) - 3, 100, CONTENT[-3:]),
        (len(CONTENT), 0, b""),
        (len(CONTENT), None, b""),
        (0, 0, b""),
    ],
    ids=[
        "full",
        "middle",
        "offset-to-end",
        "past-end",
        "zero-at-end",
        "at-end",
        "none",
    ],
)
def test_open_range_yields_the_requested_slice(
    storage: Storage, start: int, length: int | None, expected: bytes
):
    storage.put(io.BytesIO(CONTENT))

    assert read_all(storage, CONTENT_KEY, start, length) == expected


def test_open_range_of_a_missing_key_raises_before_iteration(storage: Storage):
    with pytest.raises(ObjectNotFound):
        storage.open_range(MISSING_KEY)
    with pytest.raises(ObjectNotFound):
        storage.open_range(MISSING_KEY, 0, 0)


def test_open_range_can_be_abandoned_after_the_first_chunk(storage: Storage):
    key = storage.put(GeneratedStream(3 * CHUNK_SIZE)).key
    chunks = storage.open_range(key)

    first = next(chunks)
    chunks.close()  # type: ignore[attr-defined]

    assert len(first) == CHUNK_SIZE
    # The backend is still usable: no connection or file handle was leaked.
    assert storage.stat(key).size == 3 * CHUNK_SIZE
    assert (
        read_all(storage, key, CHUNK_SIZE, 10)
        == read_all(storage, key)[CHUNK_SIZE : CHUNK_SIZE + 10]
    )


def test_a_negative_range_is_refused(storage: Storage):
    storage.put(io.BytesIO(CONTENT))

    with pytest.raises(ValueError):
        storage.open_range(CONTENT_KEY, -1)
    with pytest.raises(ValueError):
        storage.open_range(CONTENT_KEY, 0, -1)


# stat, exists, delete, keys


def test_stat_reports_the_size(storage: Storage):
    storage.put(io.BytesIO(CONTENT))

    info = storage.stat(CONTENT_KEY)

    assert (info.key, info.size) == (CONTENT_KEY, len(CONTENT))


def test_stat_reports_when_the_blob_was_written_in_utc(storage: Storage):
    before = datetime.now(UTC) - timedelta(seconds=5)
    storage.put(io.BytesIO(CONTENT))

    modified = storage.stat(CONTENT_KEY).modified

    # S3 keeps whole seconds; allow for that and for clock skew with the server.
    assert before <= modified <= datetime.now(UTC) + timedelta(seconds=5)


def test_stat_of_a_missing_key_raises_object_not_found(storage: Storage):
    with pytest.raises(ObjectNotFound):
        storage.stat(MISSING_KEY)


def test_exists_is_true_only_for_stored_blobs(storage: Storage):
    storage.put(io.BytesIO(CONTENT))

    assert storage.exists(CONTENT_KEY) is True
    assert storage.exists(MISSING_KEY) is False


def test_delete_removes_the_blob(storage: Storage):
    storage.put(io.BytesIO(CONTENT))

    storage.delete(CONTENT_KEY)

    assert storage.exists(CONTENT_KEY) is False
    assert list(storage.keys()) == []
    with pytest.raises(ObjectNotFound):
        storage.open_range(CONTENT_KEY)


def test_deleting_an_absent_blob_is_not_an_error(storage: Storage):
    storage.delete(MISSING_KEY)


def test_a_deleted_blob_can_be_stored_again(storage: Storage):
    storage.put(io.BytesIO(CONTENT))
    storage.delete(CONTENT_KEY)

    assert storage.put(io.BytesIO(CONTENT)).created is True
    assert read_all(storage, CONTENT_KEY) == CONTENT


def test_keys_lists_every_stored_blob(storage: Storage):
    contents = [b"one", b"two", b"three", CONTENT]
    expected = {storage.put(io.BytesIO(content)).key for content in contents}

    assert sorted(storage.keys()) == sorted(expected)


# keys are validated


VERBS: dict[str, Callable[[Storage, str], object]] = {
    "open_range": lambda storage, key: storage.open_range(key),
    "stat": lambda storage, key: storage.stat(key),
    "exists": lambda storage, key: storage.exists(key),
    "delete": lambda storage, key: storage.delete(key),
}


@pytest.mark.parametrize("verb", list(VERBS))
@pytest.mark.parametrize("key", INVALID_KEYS)
def test_invalid_keys_raise_invalid_key_on_every_verb(
    storage: Storage, verb: str, key: str
):
    storage.put(io.BytesIO(CONTENT))

    with pytest.raises(InvalidKey):
        VERBS[verb](storage, key)

    assert list(storage.keys()) == [CONTENT_KEY]


# readiness


def test_check_passes_on_a_ready_backend(storage: Storage):
    storage.check()


def test_ensure_ready_is_idempotent(storage: Storage):
    storage.put(io.BytesIO(CONTENT))

    storage.ensure_ready()
    storage.ensure_ready()

    storage.check()
    assert read_all(storage, CONTENT_KEY) == CONTENT


def dead_s3_url(tmp_path: Path) -> str:
    return "s3://x:y@127.0.0.1:1/bucket?secure=false"


def missing_folder_url(tmp_path: Path) -> str:
    return (tmp_path / "missing").as_uri()


@pytest.mark.parametrize("make_url", [dead_s3_url, missing_folder_url])
def test_check_raises_storage_error_for_an_unreachable_backend(
    tmp_path: Path, make_url: Callable[[Path], str]
):
    storage = build_storage(make_url(tmp_path))
    started = time.monotonic()

    with pytest.raises(StorageError):
        storage.check()

    assert time.monotonic() - started < 5


def test_check_raises_storage_error_for_a_missing_bucket(s3_server: str):
    storage = build_storage(
        f"s3://testing:testing@{s3_server}/no-such-bucket?secure=false"
    )

    with pytest.raises(StorageError, match="does not exist"):
        storage.check()


def test_ensure_ready_creates_a_missing_filesystem_root(tmp_path: Path):
    storage = build_storage((tmp_path / "new" / "blobs").as_uri())

    storage.ensure_ready()

    storage.check()


def test_ensure_ready_creates_a_missing_bucket(s3_server: str):
    bucket = unique_name()
    storage = build_storage(
        f"s3://testing:testing@{s3_server}/{bucket}?secure=false&region=eu-west-1"
    )
    assert isinstance(storage, S3Storage)

    storage.ensure_ready()

    storage.check()
    storage.client.remove_bucket(bucket_name=bucket)


# filesystem specifics


@pytest.fixture
def filesystem(tmp_path: Path) -> FilesystemStorage:
    storage = FilesystemStorage(tmp_path / "blobs")
    storage.ensure_ready()
    return storage


def test_filesystem_blobs_are_fanned_out_by_their_first_hex_digits(
    filesystem: FilesystemStorage,
):
    filesystem.put(io.BytesIO(CONTENT))

    expected = filesystem.root / CONTENT_KEY[:2] / CONTENT_KEY[2:4] / CONTENT_KEY
    assert expected.read_bytes() == CONTENT


def test_filesystem_keys_ignore_temp_files_and_strays(filesystem: FilesystemStorage):
    filesystem.put(io.BytesIO(CONTENT))
    (filesystem.temp_dir / "put-crashed").write_bytes(b"partial")
    (filesystem.root / "README").write_text("not a blob")
    (filesystem.root / CONTENT_KEY[:2] / CONTENT_KEY[2:4] / "stray").write_text("x")

    assert list(filesystem.keys()) == [CONTENT_KEY]


def test_filesystem_repair_removes_only_old_temp_files(filesystem: FilesystemStorage):
    old = filesystem.temp_dir / "put-crashed-long-ago"
    fresh = filesystem.temp_dir / "put-in-progress"
    for path in (old, fresh):
        path.write_bytes(b"partial")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))

    assert filesystem.temp_files(older_than_seconds=600) == [old]
    assert filesystem.remove_temp_files(older_than_seconds=600) == [old]
    assert not old.exists()
    assert fresh.exists()


def test_filesystem_put_without_a_root_raises_storage_error(tmp_path: Path):
    storage = FilesystemStorage(tmp_path / "missing")

    with pytest.raises(StorageError):
        storage.put(io.BytesIO(CONTENT))


# S3 specifics


def test_s3_blobs_live_under_the_url_prefix(s3_storage_url: str):
    base, _, query = s3_storage_url.partition("?")
    storage = build_storage(f"{base}/tenant/one?{query}")
    other = build_storage(s3_storage_url)
    assert isinstance(storage, S3Storage)

    storage.put(io.BytesIO(CONTENT))

    names = [
        obj.object_name
        for obj in storage.client.list_objects(
            bucket_name=storage.bucket, recursive=True
        )
    ]
    assert names == [f"tenant/one/blobs/{CONTENT_KEY}"]
    assert list(other.keys()) == []


def test_s3_range_responses_are_released_when_abandoned(
    s3_storage_url: str, monkeypatch: pytest.MonkeyPatch
):
    storage = build_storage(s3_storage_url)
    assert isinstance(storage, S3Storage)
    key = storage.put(GeneratedStream(3 * CHUNK_SIZE)).key
    responses = spy_on_get_object(storage, monkeypatch)

    chunks = storage.open_range(key)
    next(chunks)
    chunks.close()  # type: ignore[attr-defined]
    unused = storage.open_range(key)
    del unused

    assert len(responses) == 2
    assert all(response.closed for response in responses)


def spy_on_get_object(storage: S3Storage, monkeypatch: pytest.MonkeyPatch) -> list:
    """Record every response the client's get_object hands out."""
    responses = []
    real_get_object = storage.client.get_object

    def get_object(**kwargs):
        response = real_get_object(**kwargs)
        responses.append(response)
        return response

    monkeypatch.setattr(storage.client, "get_object", get_object)
    return responses
