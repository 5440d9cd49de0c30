"""build_storage turns a storage URL into a configured backend, without any I/O."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.storage import (
    FilesystemStorage,
    MemoryStorage,
    S3Storage,
    Storage,
    StorageError,
    build_storage,
)


def test_a_file_url_builds_filesystem_storage_at_that_path():
    storage = build_storage("file:///srv/dms/blobs")

    assert isinstance(storage, FilesystemStorage)
    assert storage.root == Path("/srv/dms/blobs")


def test_a_file_url_path_is_unquoted():
    storage = build_storage("file:///srv/my%20blobs")

    assert isinstance(storage, FilesystemStorage)
    assert storage.root == Path("/srv/my blobs")


@pytest.mark.parametrize("url", ["file://relative/blobs", "file:", "file://"])
def test_a_file_url_without_an_absolute_path_is_refused(url: str):
    with pytest.raises(StorageError, match="absolute path"):
        build_storage(url)


def test_a_memory_url_builds_memory_storage():
    assert isinstance(build_storage("memory://"), MemoryStorage)


def test_an_s3_url_sets_endpoint_credentials_bucket_and_options():
    storage = build_storage(
        "s3://AKIA:s3cret@minio.local:9000/documents?secure=false&region=eu-west-1"
    )

    assert isinstance(storage, S3Storage)
    assert storage.endpoint == "minio.local:9000"
    assert (storage.access_key, storage.secret_key) == ("AKIA", "s3cret")
    assert storage.bucket == "documents"
    assert storage.secure is False
    assert storage.region == "eu-west-1"
    assert storage.prefix == ""


def test_s3_credentials_are_url_unquoted():
    storage = build_storage("s3://AK%2B1:se%2Fcr%40et%3A@minio.local:9000/documents")

    assert isinstance(storage, S3Storage)
    assert (storage.access_key, storage.secret_key) == ("AK+1", "se/cr@et:")


def test_an_s3_url_without_credentials_is_anonymous_and_secure_by_default():
    storage = build_storage("s3://minio.local:9000/documents")

    assert isinstance(storage, S3Storage)
    assert (storage.access_key, storage.secret_key) == (None, None)
    assert storage.secure is True
    assert storage.region is None


def test_a_path_after_the_bucket_is_a_key_prefix():
    storage = build_storage("s3://minio.local:9000/documents/some/prefix/")

    assert isinstance(storage, S3Storage)
    assert storage.bucket == "documents"
    assert storage.prefix == "some/prefix/"
    assert storage.object_name("a" * 64) == f"some/prefix/blobs/{'a' * 64}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://minio.local:9000", "bucket"),
        ("s3://minio.local:9000/", "bucket"),
        ("s3:///documents", "host"),
        ("s3://AKIA@minio.local:9000/documents", "ACCESS_KEY:SECRET_KEY"),
        ("s3://minio.local:9000/documents?secure=maybe", "secure"),
        ("s3://minio.local:9000/documents?secrue=false", "unknown"),
        ("s3://minio.local:9000/b", "bucket"),
        ("s3://minio.local:9000/Not_A_Bucket!", "bucket"),
    ],
)
def test_a_malformed_s3_url_is_refused_with_a_clear_message(url: str, message: str):
    with pytest.raises(StorageError, match=message):
        build_storage(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "/srv/dms/blobs",
        "ftp://host/blobs",
        "http://minio.local:9000/bucket",
        "gs://b",
    ],
)
def test_an_unsupported_url_names_the_supported_schemes(url: str):
    with pytest.raises(StorageError, match=r"file://.*memory://.*s3://"):
        build_storage(url)


def test_an_unsupported_url_never_echoes_its_password():
    with pytest.raises(StorageError) as error:
        build_storage("gs://key:hunter2@storage.example/bucket")

    assert "hunter2" not in str(error.value)


@pytest.mark.parametrize(
    "url", ["memory://", "file:///srv/dms/blobs", "s3://minio.local:9000/documents"]
)
def test_every_backend_implements_the_storage_protocol(url: str):
    assert isinstance(build_storage(url), Storage)
