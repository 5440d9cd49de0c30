"""The JSON API under /api/v1, one room for token clients.

One parent blueprint (`api`, dms.web.api.base) owns what every area shares:
token authentication and then the NUL check (a before_request hook; views
marked token_free skip it), the JSON body limit (dms.web applies it),
the note of a token's use (after_request), the CSRF exemption (by being the
parent: dms.web.security), and /openapi.json. The
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
from dms.web.api.base import IdConverter, bp, token_free
from dms.web.api.openapi import Reply, describe, openapi_document

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
__all__ = ["AREAS", "bp", "documents", "init_app", "tokens"]

for _area in AREAS:
    bp.register_blueprint(_area.bp)


@bp.get("/openapi.json")
@token_free
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
    # /api/v1, for the parent and any child (dms.web.security.check_csrf).
