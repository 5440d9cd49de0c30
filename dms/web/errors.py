"""One place where errors become HTTP answers: JSON under /api, HTML elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, RequestedRangeNotSatisfiable

from dms import errors
from dms.storage import StorageError

log = logging.getLogger(__name__)

STATUS = {
    errors.NotFound: 404,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.InvalidTransition: 409,
    errors.Conflict: 409,
    errors.ValidationError: 422,
    errors.BadInput: 400,
    errors.FileTooLarge: 413,
    errors.TooManyRequests: 429,
    errors.UnsupportedFileType: 415,
    errors.Unavailable: 503,
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "file_too_large",
    415: "unsupported_file_type",
    416: "range_not_satisfiable",
    422: "validation_error",
    429: "too_many_requests",
}
MESSAGES_ID = {
    400: "Permintaan tidak valid.",
    404: "Halaman atau dokumen tidak ditemukan.",
    405: "Metode tidak diizinkan untuk alamat ini.",
    413: "Berkas atau permintaan terlalu besar.",
    416: "Rentang byte yang diminta berada di luar ukuran berkas.",
    429: "Terlalu banyak permintaan; coba lagi sebentar lagi.",
    500: "Terjadi kesalahan pada server. Silakan coba lagi nanti.",
    503: "Layanan penyimpanan sedang tidak tersedia. Silakan coba lagi nanti.",
}


def error_response(status: int, code: str, message: str, **extra):
    """A JSON error for API callers, an Indonesian error page for people."""
    if _wants_json():
        body = {"error": {"code": code, "message": message, **extra}}
        response = jsonify(body)
    else:
        response = render_template("error.html", status=status, message=message)
    response = make_response(response)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="dms"'
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == (
        "application/json"
    )


BUSY_MESSAGE = "Server sedang sibuk menyimpan perubahan lain; coba lagi sebentar lagi."


def _domain_error(exc: errors.DomainError):
    status = next(s for cls, s in STATUS.items() if isinstance(exc, cls))
    extra = {"field": exc.field} if getattr(exc, "field", None) else {}
    response = error_response(status, exc.code, exc.message, **extra)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _http_error(exc: HTTPException):
    status = exc.code or 500
    code = HTTP_CODES.get(status, "error")
    response = error_response(status, code, MESSAGES_ID.get(status, exc.description))
    if isinstance(exc, RequestedRangeNotSatisfiable) and exc.length is not None:
        response.headers["Content-Range"] = f"bytes */{exc.length}"
    return response


def _integrity_error(exc: IntegrityError):
    # A concurrent change won a race the locks could not prevent (e.g. SQLite).
    log.warning("integrity conflict: %s", exc.orig)
    return error_response(
        409, "conflict", "Data diubah bersamaan oleh permintaan lain; silakan ulangi."
    )


def _operational_error(exc: OperationalError):
    if "locked" in str(exc.orig).lower():
        # SQLite's single writer was busy past the timeout: a retry will do.
        log.warning("database busy: %s", exc.orig)
        response = error_response(503, "busy", BUSY_MESSAGE)
        response.headers["Retry-After"] = "5"
        return response
    return _unexpected(exc)


def _storage_error(exc: StorageError):
    log.error("storage error: %s", exc)
    return error_response(503, "storage_unavailable", MESSAGES_ID[503])


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", MESSAGES_ID[500])


def init_app(app: Flask) -> None:
    for cls in STATUS:
        app.register_error_handler(cls, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StorageError, _storage_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(Exception, _unexpected)
