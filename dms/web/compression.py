"""gzip for pages, JSON, CSV and feeds when the client accepts it.

Done in the app, not left to a proxy, so the embedded server (waitress) sends
compressed pages too. File downloads are never touched: they stream through the
file wrapper (direct passthrough), support ranges, and PDFs, images and office
files are compressed already."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

# Below this a gzip header and a round trip cost more than they save.
MIN_SIZE = 500
# Level 6: zlib's default; 9 is slower for a percent or two.
LEVEL = 6
COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/atom+xml",
        "application/xml",
        "application/javascript",
        "image/svg+xml",
    }
)
# Status codes whose body is empty or a part of something else.
UNTOUCHED_STATUSES = frozenset({204, 206, 304})


def install_compression(app: Flask) -> None:
    """Compress eligible responses with gzip for clients that accept it."""
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    """The response gzip-compressed when it is worth it and the client accepts it."""
    if not _compressible(response):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings.quality("gzip") or request.method == "HEAD":
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    _weaken_etag(response)
    return response


def _compressible(response: Response) -> bool:
    mimetype = response.mimetype or ""
    return (
        (mimetype.startswith("text/") or mimetype in COMPRESSIBLE)
        and response.is_sequence
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        and response.status_code not in UNTOUCHED_STATUSES
        and response.status_code >= 200
    )


def _weaken_etag(response: Response) -> None:
    """Compressed bytes differ from the plain ones: a strong ETag may not claim
    they are identical (RFC 9110 §8.8.3); a weak one still answers 304."""
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
