"""The suggested category under /api/v1: advice for officers, never applied."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from dms.accounts.models import User
from dms.classification.suggest import (
    CATEGORY_NAMES,
    DocumentSuggestion,
    Suggestion,
    suggest_category,
    suggest_for_document,
)
from dms.errors import ValidationError
from dms.web import current_archive
from dms.web.api import responses
from dms.web.api.base import ApiBlueprint, authenticated_user_id, body_limit, parse_json
from dms.web.api.openapi import Reply, describe, paths_of
from dms.web.api.schemas import SuggestionInput

bp = ApiBlueprint("suggestions", __name__)

# Only the text's first 20,000 characters are read; room for that in any script.
MAX_BODY_BYTES = 256 * 1024


@bp.post("/classification/suggest")
@describe(
    "Suggest a category from a title, type and text",
    description="Advice only: nothing is stored or applied. Any logged-in user.",
    body=SuggestionInput,
    body_required=True,
    replies={"200": Reply("The suggestion", responses.Suggestion)},
    errors=("400", "401", "413", "422"),
    bearer=True,
)
@body_limit(lambda settings: MAX_BODY_BYTES)
def suggest():
    authenticated_user_id()
    body = parse_json(SuggestionInput)
    if not body.title.strip():
        raise ValidationError("Isi judul dokumen.", "title")
    return jsonify(
        suggestion_json(suggest_category(body.title, body.info_type, body.text))
    )


@bp.get("/documents/<id:document_id>/suggestion")
@describe(
    "Suggest a category for a stored document",
    description="From its title, information type and the extracted text of its "
    "current version. Only for users who may change it.",
    replies={"200": Reply("The suggestion", responses.DocumentSuggestion)},
    errors=("401", "403", "404"),
    bearer=True,
)
def document_suggestion(document_id: int):
    actor_id = authenticated_user_id()
    with current_archive().reading() as session:
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


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
