"""Security of the pages: session cookies, CSRF on every form, login rate
limiting, and the response headers (CSP without inline script)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from dms.errors import TooManyRequests

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


class ConcurrencyLimit:
    """At most ``limit`` requests of one kind running at once per client address.

    Flask-Limiter counts requests per period; it cannot tell that eight slow
    searches from one address are holding all eight server threads right now.
    This counter can: a request over the limit is answered at once (429 with
    Retry-After) instead of queueing. One process only: each web server counts
    its own threads, which is what is being protected. An address's entry goes
    when its last request ends, so the table holds only running requests.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, address: str, message: str) -> Iterator[None]:
        with self._lock:
            running = self._running.get(address, 0)
            if running >= self.limit:
                raise TooManyRequests(message)
            self._running[address] = running + 1
        try:
            yield
        finally:
            with self._lock:
                running = self._running.pop(address) - 1
                if running:
                    self._running[address] = running

    def running(self, address: str) -> int:
        with self._lock:
            return self._running.get(address, 0)


SEARCH_BUSY_MESSAGE = (
    "Terlalu banyak pencarian dari alamat Anda yang sedang berjalan. "
    "Silakan tunggu sebentar lalu coba lagi."
)


def search_slot():
    """A place for one search by this request's client address (429 when full)."""
    limit: ConcurrencyLimit = current_app.extensions["dms.search_slots"]
    return limit.slot(get_remote_address(), SEARCH_BUSY_MESSAGE)


def same_site_path(target: str | None) -> str:
    """`target` if it is a path on this site (a safe place to send someone back
    to after a form), else "": never another host, never a scheme."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return ""
    return target or ""


def init_app(
    app: Flask,
    *,
    cookie_secure: bool,
    ratelimit_storage_url: str,
    searches_per_address: int,
    csrf_exempt_parent: str,
) -> None:
    """`csrf_exempt_parent`: the blueprint (the API's) whose views, and its
    children's, take no CSRF token: their callers use bearer tokens, never the
    session cookie. A new child is exempt without being listed anywhere."""
    app.config.update(
        SESSION_COOKIE_NAME="dms_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=cookie_secure,
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session, not one hour
        WTF_CSRF_CHECK_DEFAULT=False,  # check_csrf below decides
        RATELIMIT_STORAGE_URI=ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.extensions["dms.search_slots"] = ConcurrencyLimit(searches_per_address)
    csrf.init_app(app)
    limiter.init_app(app)

    @app.before_request
    def check_csrf():
        """Every form post carries the session's CSRF token, except under the
        API parent (request.blueprints names it for its children too)."""
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if not request.endpoint or csrf_exempt_parent in request.blueprints:
            return
        csrf.protect()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if "frame-ancestors *" not in headers.get("Content-Security-Policy", ""):
            # A page meant to be framed elsewhere (an OPD fragment) says so in
            # its own policy; browsers that only know X-Frame-Options would
            # otherwise refuse to show it in the OPD's site.
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
