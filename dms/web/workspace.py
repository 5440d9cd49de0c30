"""The officers' workspace: dashboards, uploads, versions, approvals, tests."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("workspace", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
