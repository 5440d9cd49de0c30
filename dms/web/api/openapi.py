"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Assembled, not written: the paths come from the routes the API blueprints
record (dms.web.api.base.ApiBlueprint) and the `describe` metadata on their
views; the schemas are the JSON Schema of the input models (dms.web.api.schemas)
and the response models (dms.web.api.responses), so the document says what the
code accepts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from dms import __version__
from dms.web.api import responses
from dms.web.api.schemas import SECTIONS, Input

REF = "#/components/schemas/{model}"
JSON = "application/json"
ERROR_STATUSES = {
    "400": "Bad input",
    "401": "No or invalid bearer token",
    "403": "Not allowed for your role or organisation",
    "404": "Absent, or not visible to you",
    "409": "Invalid transition or conflict",
    "413": "File larger than DMS_MAX_UPLOAD_MB",
    "415": "File type not accepted (sniffed from the bytes)",
    "416": "Range not satisfiable",
    "422": "Validation error",
    "429": "Too many attempts from this address; wait a minute (Retry-After)",
    "503": "Search index not ready (try again later, Retry-After), or the "
    "version's stored bytes are damaged (version_damaged)",
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer"},
}
INTEGER = {"type": "integer"}
# The path parameters, by the name of the view's argument: the name the
# document gives it and its schema (an area may say more, see `describe`).
PATH_PARAMETERS: dict[str, tuple[str, dict[str, Any]]] = {
    "document_id": ("id", INTEGER),
    "test_id": ("id", INTEGER),
    "dispute_id": ("id", INTEGER),
    "number": ("n", INTEGER),
    "attachment_id": ("attachment", INTEGER),
    "year": ("year", INTEGER),
    "slug": ("slug", {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"}),
    "section": ("section", {"enum": list(SECTIONS)}),
    "day": (
        "date",
        {
            "type": "string",
            "format": "date",
            "description": "YYYY-MM-DD, Monday to Friday",
        },
    ),
    "registration": (
        "number",
        {
            "type": "string",
            "pattern": "^PPID-[0-9]{4}-[0-9]{6}$",
            "description": "Registration number, e.g. PPID-2026-000123",
        },
    ),
}
OBJECTION_NUMBER = {"type": "string", "pattern": "^KEB-[0-9]{4}-[0-9]{6}$"}
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head")
# Operations limited per client address (Flask-Limiter; tests compare this set
# with the views the limiter marks, so a new limit cannot go undocumented).
RATE_LIMITED = {
    ("post", "/auth/token"),
    ("post", "/requests"),
    ("get", "/requests/{number}"),
    ("get", "/requests/{number}/notice.pdf"),
    ("get", "/requests/{number}/attachments/{attachment}"),
    ("post", "/objections"),
    ("get", "/objections/{number}"),
    ("get", "/objections/{number}/response.pdf"),
}


@dataclass(frozen=True)
class Reply:
    """One documented answer: a model (or raw schema) in `media`, or no body."""

    description: str
    schema: type[BaseModel] | dict[str, Any] | None = None
    media: tuple[str, ...] = (JSON,)
    headers: dict[str, Any] | None = None


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str | None = None
    body: type[Input] | None = None
    form: type[Input] | None = None
    body_required: bool = False
    query: type[Input] | None = None
    path: dict[str, dict[str, Any]] = field(default_factory=dict)
    headers: tuple[str, ...] = ()  # request headers it reads, as strings
    replies: dict[str, Reply] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    bearer: bool = False


def describe(summary: str, **details) -> Callable:
    """The view's entry in /openapi.json; put it right under the route decorator.
    `replies` maps a status to a Reply or to a response model (JSON)."""
    replies = {
        status: reply if isinstance(reply, Reply) else Reply(_title(reply), reply)
        for status, reply in details.pop("replies", {}).items()
    }
    operation = Operation(summary, replies=replies, **details)

    def mark(view):
        view.dms_openapi = operation
        return view

    return mark


def _title(model: type[BaseModel]) -> str:
    return (model.__doc__ or model.__name__).split("\n")[0]


def error(status: str, description: str | None = None, **headers) -> Reply:
    """An error answer; `headers` such as Retry-After=RETRY_AFTER."""
    return Reply(
        description or ERROR_STATUSES[status],
        responses.Error,
        headers=headers or None,
    )


# --- assembly ---------------------------------------------------------------------


class _Schemas:
    """The components, filled as operations refer to models."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, model: type[BaseModel]) -> dict[str, str]:
        if model.__name__ not in self.components:
            self.add(model)
        return {"$ref": REF.format(model=model.__name__)}

    def add(self, model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF)
        for name, nested in schema.pop("$defs", {}).items():
            self.components.setdefault(name, nested)
        self.components[model.__name__] = schema
        return schema

    def fields(self, model: type[BaseModel]) -> tuple[dict[str, Any], list[str]]:
        """A query model's fields: parameters, not a component."""
        schema = model.model_json_schema(ref_template=REF)
        for name, nested in schema.pop("$defs", {}).items():
            self.components.setdefault(name, nested)
        return schema.get("properties", {}), schema.get("required", [])


def _operation(op: Operation, parameters: list, schemas: _Schemas) -> dict[str, Any]:
    result: dict[str, Any] = {"summary": op.summary}
    if op.description:
        result["description"] = op.description
    if op.bearer:
        result["security"] = [{"bearer": []}]
    if op.query is not None:
        parameters = [*parameters, *_query_parameters(op.query, schemas)]
    parameters += [
        {"name": name, "in": "header", "schema": {"type": "string"}}
        for name in op.headers
    ]
    if parameters:
        result["parameters"] = parameters
    content = {}
    if op.body is not None:
        content[JSON] = {"schema": schemas.ref(op.body)}
    if op.form is not None:
        content["multipart/form-data"] = {"schema": schemas.ref(op.form)}
    if content:
        result["requestBody"] = {"content": content}
        if op.body_required:
            result["requestBody"]["required"] = True
    replies = {code: error(code) for code in op.errors} | op.replies
    result["responses"] = {
        status: _reply(replies[status], schemas) for status in sorted(replies)
    }
    return result


def _reply(reply: Reply, schemas: _Schemas) -> dict[str, Any]:
    result: dict[str, Any] = {"description": reply.description}
    if reply.headers:
        result["headers"] = reply.headers
    if reply.media and (reply.schema is not None or reply.media != (JSON,)):
        schema = reply.schema
        if isinstance(schema, type):
            schema = schemas.ref(schema)
        result["content"] = {
            media: ({"schema": schema} if schema is not None and media == JSON else {})
            for media in reply.media
        }
    return result


def _query_parameters(model: type[Input], schemas: _Schemas) -> list[dict[str, Any]]:
    properties, required = schemas.fields(model)
    found = []
    for name, schema in properties.items():
        schema = _not_null(schema)
        description = schema.pop("description", None)
        schema.pop("title", None)
        parameter = {"name": name, "in": "query", "schema": schema}
        if description:
            parameter["description"] = description
        if name in required:
            parameter["required"] = True
        found.append(parameter)
    return found


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is never JSON null: drop the null branch of an optional."""
    schema = dict(schema)
    options = schema.pop("anyOf", None)
    if options is None:
        return schema
    kept = [option for option in options if option != {"type": "null"}]
    if schema.get("default", "") is None:
        schema.pop("default")
    return {**kept[0], **schema} if len(kept) == 1 else {"anyOf": kept, **schema}


PARAMETER = re.compile(r"<(?:[^:>]*:)?([^>]+)>")


def _path(rule: str, op: Operation) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path of a Flask rule and its path parameters."""
    parameters = []

    def replace(match: re.Match) -> str:
        name, schema = PATH_PARAMETERS[match.group(1)]
        schema = dict(op.path.get(match.group(1), schema))
        parameter = {"name": name, "in": "path", "required": True}
        if "description" in schema:
            parameter["description"] = schema.pop("description")
        parameters.append({**parameter, "schema": schema})
        return "{" + name + "}"

    return PARAMETER.sub(replace, rule), parameters


def paths_of(*blueprints, schemas: _Schemas | None = None) -> dict[str, Any]:
    """The described paths of these blueprints' routes (relative to /api/v1)."""
    schemas = schemas or _Schemas()
    paths: dict[str, Any] = {}
    for blueprint in blueprints:
        for rule, _endpoint, methods, view in blueprint.routes:
            op: Operation = view.dms_openapi
            path, parameters = _path(rule, op)
            item = paths.setdefault(path, {})
            for method in methods:
                if method.lower() in HTTP_METHODS and method != "HEAD":
                    item[method.lower()] = _operation(op, parameters, schemas)
    return paths


def error_responses(*codes: str) -> dict[str, Any]:
    return {code: _reply(error(code), _Schemas()) for code in codes}


def _completed(paths: dict[str, Any]) -> dict[str, Any]:
    """Add the statuses any operation of its shape can answer: 401 for a bearer
    token that is invalid, expired or revoked (anonymous callers send none), 404
    with a path parameter (absent, hidden, or not a valid id or year), 400 with a
    body or a query (malformed JSON, NUL bytes, lone surrogates, bad values), 429
    where the address is rate-limited."""
    for path, item in paths.items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            codes = [] if path == "/openapi.json" else ["401"]
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation or any(
                p.get("in") == "query" for p in parameters
            ):
                codes.append("400")
            if (method, path) in RATE_LIMITED:
                codes.append("429")
            answers = operation.setdefault("responses", {})
            for code in codes:
                answers.setdefault(code, error_responses(code)[code])
    return paths


def openapi_document() -> dict[str, Any]:
    """The whole description, built fresh (it is small)."""
    from dms.web.api import AREAS
    from dms.web.api.base import bp

    schemas = _Schemas()
    schemas.add(responses.Error)
    paths = paths_of(bp, *(area.bp for area in AREAS), schemas=schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dms — arsip informasi publik",
            "version": __version__,
            "description": "Documents and versions of a PPID archive (UU 14/2008). "
            "No Authorization header means an anonymous citizen.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _completed(paths),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
