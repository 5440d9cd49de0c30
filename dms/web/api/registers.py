"""The registers as JSON: /api/v1/dip and /api/v1/dik (DIP and DIK, UU 14/2008
Ps. 9 and 17), the same for every caller."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from dms.classification.registers import DIK, DIP, register_json
from dms.web.api import responses
from dms.web.api.base import ApiBlueprint, parse_query
from dms.web.api.openapi import Reply, describe, error, paths_of
from dms.web.api.schemas import RegisterQuery
from dms.web.public.registers import register_of

bp = ApiBlueprint("registers", __name__)


@bp.get("/dip")
@describe(
    "The DIP (Daftar Informasi Publik): published, non-exempt documents",
    description="Public; the same for every caller. Without org: every "
    "organisation (consolidated). Pages and XLSX/PDF files are at /dip, "
    "/dip/{org}, /dip.xlsx, /dip/{org}.pdf (likewise for dik).",
    query=RegisterQuery,
    replies={
        "200": Reply("The register", responses.Dip),
        "404": error("404", "Unknown organisation"),
    },
)
def dip_json():
    org = parse_query(RegisterQuery).org
    return jsonify(register_json(register_of(DIP, org)))


@bp.get("/dik")
@describe(
    "The DIK (Daftar Informasi yang Dikecualikan): exemptions in force or ended, "
    "without any of the exempt content",
    description="Public; the same for every caller. Without org: every "
    "organisation (consolidated). Pages and XLSX/PDF files are at /dip, "
    "/dip/{org}, /dip.xlsx, /dip/{org}.pdf (likewise for dik).",
    query=RegisterQuery,
    replies={
        "200": Reply("The register", responses.Dik),
        "404": error("404", "Unknown organisation"),
    },
)
def dik_json():
    org = parse_query(RegisterQuery).org
    return jsonify(register_json(register_of(DIK, org)))


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
