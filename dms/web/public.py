"""Public pages (a placeholder home until the portal arrives) and the health check."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, current_app, jsonify, render_template
from sqlalchemy import text

from dms.storage import StorageError

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """200 when the database, storage and index folder answer; 503 with what failed."""
    archive = current_app.extensions["dms"]
    failures = {}
    try:
        with archive.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        failures["database"] = type(exc).__name__
    try:
        archive.storage.check()
    except StorageError as exc:
        failures["storage"] = str(exc)
    index_dir = archive.settings.index_dir
    if not (index_dir.is_dir() and os.access(index_dir, os.W_OK)):
        failures["index"] = "index folder missing or not writable (run 'dms init')"
    if failures:
        return jsonify(status="unavailable", failures=failures), 503
    return jsonify(status="ok")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
        return response
