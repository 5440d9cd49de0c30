"""S3 servers for integration tests: moto over HTTP always, a real MinIO on request.

Register with `pytest_plugins = ["tests.fixtures_s3"]` in the root conftest.

- `s3_server`: a moto server on a free local port for the whole session.
- `s3_storage_url`: an `s3://` URL for a fresh bucket on it, one per test.
- `minio_storage_url`: an `s3://` URL with a fresh prefix on the MinIO named by
  `DMS_TEST_S3_URL` (same syntax as the storage URL); skipped when unset.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from minio import Minio
from minio.deleteobjects import DeleteObject

MINIO_URL_VARIABLE = "DMS_TEST_S3_URL"
MOTO_REGION = "us-east-1"
MOTO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 and a free port; yields `host:port`."""
    server_module = pytest.importorskip(
        "moto.server",
        reason="moto[server] is not installed: no S3 server to test against",
        # moto without its [server] extras fails on werkzeug/flask: skip then too.
        exc_type=ImportError,
    )
    werkzeug_log = logging.getLogger("werkzeug")
    log_level = werkzeug_log.level
    with pytest.MonkeyPatch.context() as patch:
        # Fake credentials only while the server runs, so nothing in this
        # process can reach a real AWS account through it.
        for name, value in MOTO_CREDENTIALS.items():
            patch.setenv(name, value)
        # Werkzeug logs every request; keep failure reports readable.
        werkzeug_log.setLevel(logging.WARNING)
        server = server_module.ThreadedMotoServer(
            ip_address="127.0.0.1", port=0, verbose=False
        )
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"{host}:{port}"
        finally:
            server.stop()
            werkzeug_log.setLevel(log_level)


@pytest.fixture
def s3_storage_url(s3_server: str) -> Iterator[str]:
    """An s3:// URL for a new, empty bucket on the moto server; emptied afterwards."""
    bucket = unique_name()
    client = _client(s3_server, "testing", "testing", secure=False, region=MOTO_REGION)
    client.make_bucket(bucket_name=bucket, location=MOTO_REGION)
    yield f"s3://testing:testing@{s3_server}/{bucket}?secure=false&region={MOTO_REGION}"
    _remove_objects(client, bucket, prefix="")
    client.remove_bucket(bucket_name=bucket)


@pytest.fixture
def minio_storage_url() -> Iterator[str]:
    """DMS_TEST_S3_URL with a fresh key prefix; its objects are removed afterwards."""
    url = os.environ.get(MINIO_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"no real MinIO: set {MINIO_URL_VARIABLE}=s3://KEY:SECRET@host:port/bucket"
        )
    parts = urlsplit(url)
    credentials, _, endpoint = parts.netloc.rpartition("@")
    access_key, _, secret_key = credentials.partition(":")
    bucket, _, base_prefix = parts.path.lstrip("/").partition("/")
    prefix = f"{base_prefix.strip('/')}/{unique_name()}".lstrip("/")
    options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    client = _client(
        endpoint,
        unquote(access_key) or None,
        unquote(secret_key) or None,
        secure=options.get("secure", "true").lower() not in ("false", "0", "no"),
        region=options.get("region"),
    )
    if not client.bucket_exists(bucket_name=bucket):
        client.make_bucket(bucket_name=bucket, location=options.get("region"))
    yield parts._replace(path=f"/{bucket}/{prefix}").geturl()
    _remove_objects(client, bucket, prefix=f"{prefix}/")


def unique_name() -> str:
    """A bucket name or prefix no other test uses."""
    return f"dms-test-{uuid.uuid4().hex[:20]}"


def _client(
    endpoint: str,
    access_key: str | None,
    secret_key: str | None,
    *,
    secure: bool,
    region: str | None,
) -> Minio:
    return Minio(
        endpoint=endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=region,
    )


def _remove_objects(client: Minio, bucket: str, *, prefix: str) -> None:
    """Delete every object under the prefix, so the next test starts clean."""
    names = [
        obj.object_name
        for obj in client.list_objects(
            bucket_name=bucket, prefix=prefix, recursive=True
        )
        if obj.object_name
    ]
    errors = client.remove_objects(
        bucket_name=bucket, delete_object_list=[DeleteObject(name) for name in names]
    )
    # remove_objects is lazy: nothing is deleted until its errors are read.
    failures = list(errors)
    assert not failures, f"could not clean up test objects: {failures}"
