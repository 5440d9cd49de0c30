"""Streaming a version's bytes: ETag, conditional requests, single ranges, HEAD."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from flask import Response, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import wrap_file

from dms.documents.access import can_see
from dms.documents.integrity import (
    VERIFY_BEFORE_SENDING_BYTES,
    blob_problem,
    mark_damaged,
    verified_chunks,
)
from dms.documents.services import Download, newest_visible_version
from dms.errors import DamagedVersion
from dms.monitoring.downloads import count_download
from dms.storage import ObjectNotFound
from dms.web import current_archive
from dms.web.proxy import accel_redirect

log = logging.getLogger(__name__)

# Ranged reads stream chunks from storage; whole local files go through the WSGI
# server's file wrapper (waitress reads it in blocks of this size, or sendfile).
FILE_BUFFER = 1024 * 1024
# "bytes=-0": the last zero bytes. Valid syntax (RFC 9110 §14.1.1) that werkzeug
# reads as malformed, but no byte can satisfy it: 416, not the whole file.
_ZERO_SUFFIX = re.compile(r"\s*bytes\s*=\s*-0+\s*", re.IGNORECASE)


def send_version(download: Download) -> Response:
    """The response for a download; bytes stream from storage, never all in memory."""
    version = download.version
    etag = version.blob_sha256
    headers = _headers(version, etag)
    if request.if_none_match.contains_weak(etag):  # RFC 9110: weak comparison
        return Response(status=304, headers=_conditional_headers(headers))
    handed_to_nginx = accel_redirect(download.storage, etag, headers)
    if handed_to_nginx is not None:
        if request.method == "GET" and version.size and _cheap_to_verify(download):
            _verify_before_sending(download)  # as below: nginx must not send damage
        return handed_to_nginx
    start, length = 0, version.size
    status = 200
    byte_range = _requested_range(etag, version.size)
    if byte_range is not None:
        start, stop = byte_range
        length = stop - start
        status = 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{version.size}"
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return Response(status=status, headers=headers)
    if length and _cheap_to_verify(download):
        _verify_before_sending(download)
    return Response(
        _body(download, start, length),
        status=status,
        headers=headers,
        direct_passthrough=True,
    )


def count_public_download(archive, download: Download, response: Response) -> None:
    """Count a citizen's download of a public version: a GET answered from byte 0
    (not HEAD, not 304, not a later range chunk). Its own short transaction, and
    a failure is logged, never passed on: the count must not break the download."""
    if not _counts(download, response):
        return
    try:
        with archive.transaction() as session:
            count_download(
                session,
                document_id=download.document.id,
                day=archive.settings.local_today(),
            )
    except Exception:
        log.exception("download of document %s not counted", download.document.id)


def _counts(download: Download, response: Response) -> bool:
    if request.method != "GET" or not _from_first_byte(response):
        return False
    document = download.document
    public = can_see(None, document)
    return public and download.version.number <= newest_visible_version(None, document)


def _from_first_byte(response: Response) -> bool:
    if response.status_code == 200:
        return True
    content_range = response.headers.get("Content-Range", "")
    return response.status_code == 206 and content_range.startswith("bytes 0-")


DAMAGED_FILE = (
    "Berkas ini rusak di penyimpanan arsip (isinya tidak cocok dengan sidik SHA-256 "
    "yang tercatat) sehingga tidak dapat diunduh. Petugas PPID dapat memperbaikinya "
    "dengan mengunggah ulang berkas yang sama."
)


def _cheap_to_verify(download: Download) -> bool:
    local = getattr(download.storage, "open_file", None) is not None
    return local and download.version.size <= VERIFY_BEFORE_SENDING_BYTES


def _verify_before_sending(download: Download) -> None:
    """Hash a small local blob before any header goes out: a damaged one gets a
    clear error instead of its bytes."""
    sha256 = download.version.blob_sha256
    problem = blob_problem(download.storage, sha256, download.version.size)
    if problem is not None:
        _damage_recorder(sha256, problem)()
        raise DamagedVersion(DAMAGED_FILE)


def _damage_recorder(sha256: str, problem: str):
    """A callable marking the blob damaged in its own transaction; it holds the
    archive itself, as a streamed body outlives the request context."""
    archive = current_archive()

    def record() -> None:
        log.error("blob %s is damaged (%s): marked, no longer served", sha256, problem)
        with archive.transaction() as session:
            mark_damaged(session, sha256, problem)

    return record


def _body(download: Download, start: int, length: int):
    """The bytes to send: the server's own file wrapper for a small whole local
    file (verified just before); any other whole blob is hashed as it streams."""
    if not length:
        return iter(())
    open_file = getattr(download.storage, "open_file", None)
    whole = start == 0 and length == download.version.size
    sha256 = download.version.blob_sha256
    if whole and _cheap_to_verify(download) and "wsgi.file_wrapper" in request.environ:
        return wrap_file(request.environ, open_file(sha256), buffer_size=FILE_BUFFER)
    try:
        chunks = download.open_range(start, length)
    except ObjectNotFound:
        _damage_recorder(sha256, "missing")()
        raise DamagedVersion(DAMAGED_FILE) from None
    if whole:
        return verified_chunks(chunks, sha256, _damage_recorder(sha256, "checksum"))
    return chunks


def _requested_range(etag: str, size: int) -> tuple[int, int] | None:
    """(start, stop) of a satisfiable single range; None to send everything."""
    byte_range = request.range
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != f'"{etag}"':
        # Only a strong match of our ETag keeps the range; a date, a weak or an
        # old ETag means the client's copy may differ.
        return None
    if byte_range is None and _ZERO_SUFFIX.fullmatch(request.headers.get("Range", "")):
        raise RequestedRangeNotSatisfiable(length=size)
    if byte_range is None or byte_range.units != "bytes" or len(byte_range.ranges) != 1:
        return None  # absent, malformed, other unit or multi-range: send it all
    found = byte_range.range_for_length(size)
    if found is None:
        raise RequestedRangeNotSatisfiable(length=size)
    return found


def _headers(version, etag: str) -> dict[str, str]:
    return {
        "ETag": f'"{etag}"',
        "Content-Type": version.content_type,
        "Content-Disposition": content_disposition(version.filename),
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        # Uploaded HTML must never run as our origin.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
    }


def _conditional_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k in ("ETag", "Cache-Control")}


def content_disposition(filename: str) -> str:
    """attachment with the original UTF-8 name (RFC 6266) and an ASCII fallback."""
    fallback = filename.encode("ascii", "replace").decode("ascii")
    fallback = fallback.replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
