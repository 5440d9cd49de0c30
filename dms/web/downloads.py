"""Streaming a version's bytes: ETag, conditional requests, single ranges, HEAD."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from dms.documents.services import Download


def send_version(download: Download) -> Response:
    """The response for a download; bytes stream from storage, never all in memory."""
    version = download.version
    etag = version.blob_sha256
    headers = _headers(version, etag)
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=_conditional_headers(headers))
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
    body = download.open_range(start, length) if length else iter(())
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def _requested_range(etag: str, size: int) -> tuple[int, int] | None:
    """(start, stop) of a satisfiable single range; None to send everything."""
    byte_range = request.range
    if byte_range is None or len(byte_range.ranges) != 1:
        return None  # absent, malformed or multi-range: RFC 9110 lets us send all
    if_range = request.if_range
    if if_range.etag is not None and if_range.etag != etag:
        return None
    if if_range.date is not None:
        return None  # versions have no Last-Modified; a date can never match
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
