"""DIP and DIK pages and exports (helper B fills this)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

bp = Blueprint("registers", __name__)


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return {}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
