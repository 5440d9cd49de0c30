"""The measurements: upload, downloads through the API, reads straight from storage."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.payload import MIB, MultipartBody
from bench.progress import Progress, log

DOWNLOAD_CHUNK = MIB
TIMEOUT = (10, 600)


@dataclass(frozen=True)
class Uploaded:
    """The document the benchmark uploaded."""

    document_id: int
    sha256: str
    size: int
    seconds: float


@dataclass(frozen=True)
class Timings:
    """Seconds taken by repeated runs of one way of reading `size` bytes."""

    size: int
    seconds: list[float]

    def rate(self, seconds: float) -> float:
        """MiB/s for a run that took that long."""
        return self.size / MIB / seconds

    @property
    def median_rate(self) -> float:
        """MiB/s of the median run."""
        return self.rate(statistics.median(self.seconds))

    @property
    def best_rate(self) -> float:
        """MiB/s of the fastest run."""
        return self.rate(min(self.seconds))


class ApiClient:
    """The dms HTTP API as the benchmark uses it, with a bearer token."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def download_url(self, document_id: int) -> str:
        """The URL of the current version's bytes."""
        return f"{self.base_url}/api/v1/documents/{document_id}/download"

    def upload(self, path: Path) -> Uploaded:
        """POST the file as a new draft document, streamed from disk."""
        size = path.stat().st_size
        fields = {
            "title": "Benchmark payload",
            "category": "berkala",
            "publish": "false",
        }
        progress = Progress("upload", size)
        body = MultipartBody(fields, path, path.name, progress)
        started = time.perf_counter()
        try:
            response = self.session.post(
                f"{self.base_url}/api/v1/documents",
                data=body,
                headers={"Content-Type": body.content_type},
                timeout=TIMEOUT,
            )
        finally:
            body.close()
        seconds = time.perf_counter() - started
        progress.done()
        _check(response, 201)
        document = response.json()
        version = document["versions"][-1]
        return Uploaded(document["id"], version["sha256"], version["size"], seconds)

    def verified_download(self, uploaded: Uploaded) -> tuple[str, str]:
        """Download once while hashing: (SHA-256 of the bytes, ETag without quotes)."""
        digest = hashlib.sha256()
        progress = Progress("verify download", uploaded.size)
        url = self.download_url(uploaded.document_id)
        with self.session.get(url, stream=True, timeout=TIMEOUT) as response:
            _check(response, 200)
            for chunk in response.iter_content(DOWNLOAD_CHUNK):
                digest.update(chunk)
                progress.update(len(chunk))
        progress.done()
        return digest.hexdigest(), response.headers.get("ETag", "").strip('"')

    def timed_download(self, uploaded: Uploaded) -> float:
        """Seconds to stream the whole document through the API, discarding it."""
        url = self.download_url(uploaded.document_id)
        return timed_get(self.session, url, uploaded.size)


def timed_get(session: requests.Session, url: str, size: int) -> float:
    """Seconds to GET `size` bytes in 1 MiB chunks, discarding them."""
    started = time.perf_counter()
    with session.get(url, stream=True, timeout=TIMEOUT) as response:
        _check(response, 200)
        received = sum(len(chunk) for chunk in response.iter_content(DOWNLOAD_CHUNK))
    seconds = time.perf_counter() - started
    _check_size(f"GET {url}", received, size)
    return seconds


def timed_storage_read(storage, uploaded: Uploaded) -> float:
    """Seconds to read the blob straight from the storage backend, discarding it."""
    started = time.perf_counter()
    chunks = storage.open_range(uploaded.sha256)
    try:
        received = sum(len(chunk) for chunk in chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    seconds = time.perf_counter() - started
    _check_size("storage read", received, uploaded.size)
    return seconds


def alternate(runs: dict[str, Callable[[], float]], repeat: int, size: int) -> dict:
    """Time each way of reading `repeat` times, taking turns; name -> Timings."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for run in range(1, repeat + 1):
        for name, timed in runs.items():
            seconds[name].append(timed())
        rates = ", ".join(f"{n} {size / MIB / s[-1]:,.0f}" for n, s in seconds.items())
        log(f"  run {run}/{repeat} (MiB/s): {rates}")
    return {name: Timings(size, values) for name, values in seconds.items()}


def _check(response: requests.Response, status: int) -> None:
    """RuntimeError with the body when the status is not the expected one."""
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.url} answered "
            f"{response.status_code}: {response.text[:500]}"
        )


def _check_size(what: str, received: int, expected: int) -> None:
    """RuntimeError when a read did not return every byte."""
    if received != expected:
        raise RuntimeError(f"{what} returned {received} bytes, not {expected}")
