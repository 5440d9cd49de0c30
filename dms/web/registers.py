"""The DIP and DIK: pages, XLSX and PDF downloads, and JSON under /api/v1.

Both registers are public: every view reads them as an anonymous citizen would.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext

from dms.classification.exports import MEDIA_TYPES, export
from dms.classification.registers import (
    DIK,
    DIP,
    REQUIRED_DIP_FIELDS,
    Register,
    dik_register,
    dip_register,
    indonesian_date,
    organisations,
    register_json,
)

bp = Blueprint("registers", __name__)
api_bp = Blueprint("registers_api", __name__, url_prefix="/api/v1")

BUILDERS = {DIP: dip_register, DIK: dik_register}
FILE_FORMAT = "<any(xlsx, pdf):fmt>"


def _register(kind: str, org_slug: str | None) -> Register:
    archive = current_app.extensions["dms"]
    with archive.reading() as session:
        return BUILDERS[kind](
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )


HEADINGS = {
    DIP: lazy_gettext("Daftar Informasi Publik"),
    DIK: lazy_gettext("Daftar Informasi yang Dikecualikan"),
}


def _page(kind: str, org_slug: str | None = None):
    if org_slug is None and request.args.get("org"):
        # The organisation chooser is a plain GET form; give it the clean URL.
        return redirect(url_for(f"registers.{kind}", org_slug=request.args["org"]))
    archive = current_app.extensions["dms"]
    with archive.reading() as session:
        register = BUILDERS[kind](
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )
        choices = organisations(session)
    return render_template(
        f"{kind}.html",
        register=register,
        organisations=choices,
        heading=HEADINGS[kind],
        tanggal=indonesian_date,
    )


def _download(kind: str, fmt: str, org_slug: str | None = None) -> Response:
    register = _register(kind, org_slug)
    body = export(register, fmt, base_url=request.host_url)
    filename = register.filename(fmt)
    return Response(
        body,
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/dip")
@bp.get("/dip/<org_slug>")
def dip(org_slug: str | None = None):
    return _page(DIP, org_slug)


@bp.get("/dik")
@bp.get("/dik/<org_slug>")
def dik(org_slug: str | None = None):
    return _page(DIK, org_slug)


@bp.get(f"/dip.{FILE_FORMAT}")
@bp.get(f"/dip/<org_slug>.{FILE_FORMAT}")
def dip_file(fmt: str, org_slug: str | None = None):
    return _download(DIP, fmt, org_slug)


@bp.get(f"/dik.{FILE_FORMAT}")
@bp.get(f"/dik/<org_slug>.{FILE_FORMAT}")
def dik_file(fmt: str, org_slug: str | None = None):
    return _download(DIK, fmt, org_slug)


@api_bp.get("/dip")
def dip_json():
    return jsonify(register_json(_register(DIP, request.args.get("org") or None)))


@api_bp.get("/dik")
def dik_json():
    return jsonify(register_json(_register(DIK, request.args.get("org") or None)))


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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
