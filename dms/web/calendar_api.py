"""The working-day calendar under /api/v1/calendar (helper A fills this)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

bp = Blueprint("calendar_api", __name__)


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return {}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
