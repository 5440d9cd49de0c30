"""The registers as JSON: /api/v1/dip and /api/v1/dik (DIP and DIK, UU 14/2008
Ps. 9 and 17), the same for every caller."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from dms.classification.registers import DIK, DIP, REQUIRED_DIP_FIELDS, register_json
from dms.web.public.registers import register_of

bp = Blueprint("registers", __name__)


@bp.get("/dip")
def dip_json():
    return jsonify(register_json(register_of(DIP, request.args.get("org") or None)))


@bp.get("/dik")
def dik_json():
    return jsonify(register_json(register_of(DIK, request.args.get("org") or None)))


# --- OpenAPI -----------------------------------------------------------------------

_TEXT = {"type": "string"}
_ORG = {"type": "object", "properties": {"slug": _TEXT, "name": _TEXT}}


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return {
        "/dip": _register_path(
            "The DIP (Daftar Informasi Publik): published, non-exempt documents",
            _dip_item(),
        ),
        "/dik": _register_path(
            "The DIK (Daftar Informasi yang Dikecualikan): exemptions in force or "
            "ended, without any of the exempt content",
            _dik_item(),
        ),
    }


def _register_path(summary: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "description": "Public; the same for every caller. Without org: every "
            "organisation (consolidated). Pages and XLSX/PDF files are at /dip, "
            "/dip/{org}, /dip.xlsx, /dip/{org}.pdf (likewise for dik).",
            "parameters": [
                {
                    "name": "org",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Organisation slug; 404 when unknown",
                }
            ],
            "responses": {
                "200": {
                    "description": "The register",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": item},
                                    "total": {"type": "integer"},
                                    "generated_at": {
                                        "type": "string",
                                        "format": "date-time",
                                    },
                                    "org": {"oneOf": [_ORG, {"type": "null"}]},
                                },
                            }
                        }
                    },
                },
                "404": {
                    "description": "Unknown organisation",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}
                        }
                    },
                },
            },
        }
    }


def _dip_item() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "no": {"type": "integer"},
            "id": {"type": "integer"},
            "title": _TEXT,
            "summary": _TEXT,
            "unit": {"type": "string", "description": "dip_unit, else the org name"},
            "responsible": _TEXT,
            "production_time": _TEXT,
            "production_place": _TEXT,
            "forms": {
                "type": "array",
                "items": {"enum": ["print", "recording", "electronic"]},
            },
            "retention": _TEXT,
            "category": {"enum": ["berkala", "serta_merta", "setiap_saat"]},
            "org": _ORG,
            "year": {"type": ["integer", "null"]},
            "url": {"type": "string", "description": "The document in this API"},
            "complete": {"type": "boolean"},
            "missing": {
                "type": "array",
                "items": {"enum": list(REQUIRED_DIP_FIELDS)},
                "description": "DIP fields still empty",
            },
        },
    }


def _dik_item() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "no": {"type": "integer"},
            "title": _TEXT,
            "legal_basis": {
                "type": "string",
                "description": "UU 14/2008 Pasal 17 letter and sub-item; other statute",
            },
            "consequence": {"type": "string", "description": "Consequence if opened"},
            "period": {
                "type": "object",
                "properties": {
                    "kind": {"enum": ["date", "duration", "event", "indefinite", None]},
                    "expires_on": {"type": ["string", "null"], "format": "date"},
                    "label": _TEXT,
                },
            },
            "decision": {"enum": ["exempt_whole", "exempt_part"]},
            "partial": {"type": "boolean"},
            "status": {"enum": ["active", "expired", "opened"]},
            "status_label": _TEXT,
            "test": {
                "type": "object",
                "properties": {
                    "number": _TEXT,
                    "decided_on": {"type": ["string", "null"], "format": "date"},
                },
            },
            "org": _ORG,
        },
    }
