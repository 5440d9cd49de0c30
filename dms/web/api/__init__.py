"""The JSON API under /api/v1, one room for token clients.

One parent blueprint (`api`, dms.web.api.base) owns what every area shares:
the body limits and the NUL check (a before_request hook), the note of a
token's use (after_request), the CSRF exemption, and /openapi.json. The
documents and token views hang on the parent itself (endpoints "api.<view>");
every other area is a child blueprint under it (endpoints
"api.<area>.<view>")."""

from __future__ import annotations

from flask import Flask, jsonify

from dms.web.api import (
    calendar,
    consequence_tests,
    documents,
    objections,
    organisations,
    registers,
    reports,
    requests,
    suggestions,
    tokens,
)
from dms.web.api.base import IdConverter, bp
from dms.web.api.openapi import Reply, describe, openapi_document
from dms.web.security import csrf

# The areas with a child blueprint and an openapi_paths() each.
AREAS = (
    calendar,
    consequence_tests,
    objections,
    organisations,
    registers,
    reports,
    requests,
    suggestions,
)
__all__ = ["AREAS", "documents", "init_app", "tokens"]

for _area in AREAS:
    bp.register_blueprint(_area.bp)


@bp.get("/openapi.json")
@describe(
    "This description (OpenAPI 3.1)",
    replies={"200": Reply("The OpenAPI document", {"type": "object"})},
)
def openapi():
    return jsonify(openapi_document())


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(bp)
    # Bearer tokens, never the session cookie: no CSRF token anywhere under
    # /api/v1. Flask-WTF looks a request's own blueprint up, so the parent and
    # each child registered under it are exempted, here and only here.
    for name, blueprint in app.blueprints.items():
        if name == bp.name or name.startswith(bp.name + "."):
            csrf.exempt(blueprint)
