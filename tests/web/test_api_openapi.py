"""/api/v1/openapi.json is assembled from the routes and the pydantic models
the views parse their input with: a valid OpenAPI 3.1 document that describes
every route, and no operation that is not one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dms.web.api import schemas
from dms.web.api.openapi import REF

openapi_spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason="openapi-spec-validator is in the test extras"
)
API_PACKAGE = Path(schemas.__file__).parent


def _shape(path: str) -> str:
    """The path with every parameter (Flask's <x:y> or OpenAPI's {y}) as {}."""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)


def test_the_served_document_is_valid_openapi_3_1(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert spec["openapi"] == "3.1.0"
    openapi_spec_validator.validate(spec)


def test_every_api_route_is_described_and_every_operation_is_a_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    described = {
        (method.upper(), _shape(path))
        for path, operations in spec["paths"].items()
        for method in operations
    }

    routes = {
        (method, _shape(rule.rule.removeprefix("/api/v1")))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes == described


def test_every_path_parameter_of_an_operation_is_declared(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    for path, operations in spec["paths"].items():
        named = set(re.findall(r"\{([^}]*)\}", path))
        for method, operation in operations.items():
            declared = {
                p["name"] for p in operation.get("parameters", []) if p["in"] == "path"
            }
            assert declared == named, (method, path)


# What a schema of ours may say (a pydantic constraint in the wrong place, such
# as "ge" beside an anyOf, would be passed over by every validator).
SCHEMA_KEYWORDS = {
    "$ref", "additionalProperties", "anyOf", "default", "description", "enum",
    "format", "items", "maxLength", "maximum", "minItems", "minimum", "pattern",
    "properties", "required", "title", "type",
}  # fmt: skip


def _schemas(spec):
    yield from spec["components"]["schemas"].values()
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                yield parameter["schema"]


def _keywords(schema):
    found = set(schema)
    for name, value in schema.items():
        nested = value.values() if name == "properties" else [value]
        for item in nested:
            for part in item if isinstance(item, list) else [item]:
                if isinstance(part, dict) and name not in ("default", "enum"):
                    found |= _keywords(part)
    return found


def test_every_schema_speaks_json_schema(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    for schema in _schemas(spec):
        assert _keywords(schema) <= SCHEMA_KEYWORDS, schema


def test_the_components_are_the_models_json_schema(client):
    components = client.get("/api/v1/openapi.json").get_json()["components"]

    upload = schemas.Upload.model_json_schema(ref_template=REF)
    assert components["schemas"]["Upload"] == upload
    assert set(upload["required"]) == {"file", "title", "category"}
    extension = components["schemas"]["Extension"]["properties"]["days"]
    assert (extension["minimum"], extension["maximum"]) == (1, 7)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("per_page=0", "'per_page' harus antara 1 dan 2147483647."),
        ("year=abc", "'year' harus berupa bilangan bulat."),
    ],
)
def test_a_bad_query_value_is_refused_in_indonesian_naming_its_field(
    client, query, message
):
    response = client.get(f"/api/v1/documents?{query}")

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error == {
        "code": "validation_error",
        "message": message,
        "field": query.split("=")[0],
    }


def test_a_refusal_the_api_always_answered_with_400_keeps_its_status(client, cast):
    response = client.post(
        "/api/v1/requests/PPID-2026-000001/dispose",
        json={"organisations": "dinkes"},
        headers=cast.auth("utama"),
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "Kirim 'organisations' sebagai daftar slug OPD."
    )


def test_no_api_module_imports_another_modules_private_name():
    for module in API_PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module.startswith("dms"):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
                assert not private, (module.name, node.module, private)
