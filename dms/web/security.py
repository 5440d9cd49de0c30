"""Security of the pages: session cookies, CSRF on every form, login rate
limiting, and the response headers (CSP without inline script)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The JSON API authenticates with bearer tokens, never with the session cookie,
# so a forged cross-site request carries no credentials: no CSRF token there.
TOKEN_BLUEPRINTS = (
    "api",
    "exemptions_api",
    "calendar_api",
    "registers_api",
    "requests_api",
    "objections_api",
    "suggestions",
)
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


def same_site_path(target: str | None) -> str:
    """`target` if it is a path on this site (a safe place to send someone back
    to after a form), else "": never another host, never a scheme."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return ""
    return target or ""


def init_app(app: Flask, *, cookie_secure: bool, ratelimit_storage_url: str) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="dms_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=cookie_secure,
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session, not one hour
        RATELIMIT_STORAGE_URI=ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    for name in TOKEN_BLUEPRINTS:
        if name in app.blueprints:
            csrf.exempt(app.blueprints[name])

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
