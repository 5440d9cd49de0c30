"""The citizens' portal pages: browsing, documents, organisations."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("portal", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
