"""A moto S3 server for `--storage s3`, with fake credentials."""

from __future__ import annotations

from pathlib import Path

from bench.child import PortPrinter

BUCKET = "bench-bucket"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def moto_server(log_path: Path) -> PortPrinter:
    """`python -m bench.moto_host`: moto's ThreadedMotoServer in its own process."""
    return PortPrinter(
        "moto S3 server", "bench.moto_host", log_path=log_path, env=FAKE_CREDENTIALS
    )


def storage_url(port: int) -> str:
    """The DMS_STORAGE_URL of the benchmark's bucket on that moto server."""
    return (
        f"s3://testing:testing@127.0.0.1:{port}/{BUCKET}?secure=false&region=us-east-1"
    )
