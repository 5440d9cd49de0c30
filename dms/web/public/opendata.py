"""Open data (data terbuka): the DIP and DIK as CSV and JSON and a DCAT-AP style
catalogue of the public documents, for anyone, without logging in.

Every file reads as an anonymous citizen would: what the portal shows, nothing
more. Each answer carries an ETag, so a harvester that asks again with
If-None-Match gets 304 while nothing changed.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Flask, Response, render_template, request

from dms.classification import opendata
from dms.classification.registers import (
    dik_register,
    dip_register,
    register_json,
)
from dms.web import current_archive

bp = Blueprint("opendata", __name__, url_prefix="/data")

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
JSON_LD = "application/ld+json"


def _base_url() -> str:
    return request.url_root


@bp.get("")
def index():
    """The list of datasets, what each holds, and its formats."""
    return render_template("public/opendata.html")


def _timezone() -> str:
    return current_archive().settings.timezone


@bp.get("/dip.csv")
def dip_csv():
    with current_archive().reading() as session:
        rows = dip_register(session, timezone=_timezone()).rows
    return _file(opendata.dip_csv(rows, base_url=_base_url()), CSV, "dip.csv")


@bp.get("/dik.csv")
def dik_csv():
    with current_archive().reading() as session:
        rows = dik_register(session, timezone=_timezone()).rows
    return _file(opendata.dik_csv(rows), CSV, "dik.csv")


@bp.get("/dip.json")
def dip_json():
    with current_archive().reading() as session:
        register = dip_register(session, timezone=_timezone())
    return _register_file(register_json(register), "dip.json")


@bp.get("/dik.json")
def dik_json():
    with current_archive().reading() as session:
        register = dik_register(session, timezone=_timezone())
    return _register_file(register_json(register), "dik.json")


@bp.get("/katalog.json")
def catalogue():
    with current_archive().reading() as session:
        found = opendata.catalogue(
            session,
            base_url=_base_url(),
            title="Katalog Data Terbuka Informasi Publik",
        )
    return _file(_json(found), JSON_LD, "katalog.json")


def _register_file(value: dict, filename: str) -> Response:
    # The time of generation changes on every call; the ETag follows the rows.
    stable = {key: item for key, item in value.items() if key != "generated_at"}
    etag = hashlib.sha256(_json(stable).encode()).hexdigest()
    return _file(_json(value), JSON, filename, etag)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def _file(body: str, mimetype: str, filename: str, etag: str | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, no-cache"
    # Open data: any site may read it from a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
