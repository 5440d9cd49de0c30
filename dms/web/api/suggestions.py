"""The suggested category under /api/v1: advice for officers, never applied."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from dms.classification.categories import CATEGORIES
from dms.classification.suggest import (
    CATEGORY_NAMES,
    WHERE,
    DocumentSuggestion,
    Suggestion,
    suggest_category,
    suggest_for_document,
)
from dms.documents.models import User
from dms.errors import ValidationError
from dms.web.api.base import authenticated_user_id, body_limit, json_object
from dms.web.api.openapi import DOCUMENT_ID, error_responses, json_content

bp = Blueprint("suggestions", __name__)

# Only the text's first 20,000 characters are read; room for that in any script.
MAX_BODY_BYTES = 256 * 1024
FIELD_LIMITS = {"title": 500, "info_type": 128}


@bp.post("/classification/suggest")
@body_limit(lambda settings: MAX_BODY_BYTES)
def suggest():
    authenticated_user_id()
    body = json_object()
    fields = {name: _text_field(body, name) for name in ("title", "info_type", "text")}
    if not fields["title"].strip():
        raise ValidationError("Isi judul dokumen.", "title")
    return jsonify(suggestion_json(suggest_category(**fields)))


def _text_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(f"'{name}' harus berupa teks.", name)
    limit = FIELD_LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise ValidationError(f"'{name}' paling panjang {limit} karakter.", name)
    return value


@bp.get("/documents/<id:document_id>/suggestion")
def document_suggestion(document_id: int):
    actor_id = authenticated_user_id()
    with current_app.extensions["dms"].reading() as session:
        found = suggest_for_document(
            session, actor=session.get(User, actor_id), document_id=document_id
        )
    return jsonify(document_suggestion_json(found))


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    """The suggestion as the API shows it (also for the upload response)."""
    return {
        "category": s.category,
        "category_label": CATEGORY_NAMES.get(s.category) if s.category else None,
        "rule": s.rule,
        "label": s.label,
        "matched": [{"phrase": m.phrase, "where": m.where} for m in s.matched],
        "explanation": s.explanation,
        "needs_consequence_test": s.needs_consequence_test,
        "alternatives": [
            {"category": a.category, "rule": a.rule, "label": a.label}
            for a in s.alternatives
        ],
    }


def document_suggestion_json(found: DocumentSuggestion) -> dict[str, Any]:
    return {
        "document_id": found.document_id,
        "version": found.version,
        "text_used": found.text_used,
        "text_status": found.text_status,
        **suggestion_json(found.suggestion),
    }


def _schema(document: bool = False) -> dict[str, Any]:
    text = {"type": "string"}
    category = {"type": ["string", "null"], "enum": [*CATEGORIES, None]}
    properties: dict[str, Any] = {
        "category": category,
        "category_label": {"type": ["string", "null"]},
        "rule": {
            **text,
            "description": "Stable code of the rule; 'tidak_ada' when none",
        },
        "label": text,
        "matched": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"phrase": text, "where": {**text, "enum": list(WHERE)}},
            },
        },
        "explanation": {**text, "description": "One Indonesian sentence"},
        "needs_consequence_test": {
            "type": "boolean",
            "description": "Dikecualikan: propose an exemption (consequence test); "
            "never set the category directly",
        },
        "alternatives": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"category": text, "rule": text, "label": text},
            },
        },
    }
    if document:
        properties |= {
            "document_id": {"type": "integer"},
            "version": {"type": "integer"},
            "text_used": {
                "type": "boolean",
                "description": "False while text extraction is pending or found none",
            },
            "text_status": {"type": ["string", "null"]},
        }
    return {"type": "object", "properties": properties}


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    request_body = {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": 500},
            "info_type": {"type": "string", "maxLength": 128},
            "text": {
                "type": "string",
                "description": "Only the first 20,000 characters are read",
            },
        },
    }
    return {
        "/classification/suggest": {
            "post": {
                "summary": "Suggest a category from a title, type and text",
                "description": "Advice only: nothing is stored or applied. Any "
                "logged-in user.",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": request_body}},
                },
                "responses": {
                    "200": json_content("The suggestion", _schema()),
                    **error_responses("400", "401", "413", "422"),
                },
            }
        },
        "/documents/{id}/suggestion": {
            "get": {
                "summary": "Suggest a category for a stored document",
                "description": "From its title, information type and the extracted "
                "text of its current version. Only for users who may change it.",
                "security": [{"bearer": []}],
                "parameters": [DOCUMENT_ID],
                "responses": {
                    "200": json_content("The suggestion", _schema(document=True)),
                    **error_responses("401", "403", "404"),
                },
            }
        },
    }
