"""The standard PPID menu of every organisation (the PPID Utama's too) under
/opd/<slug>: profil (the organisation page), dip, laporan, regulasi,
permohonan; and an embeddable fragment of each (plain HTML without scripts, or
JSON) that an OPD's own website can include."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from dms.errors import BadInput, NotFound
from dms.monitoring.requests_stats import check_year
from dms.organisations import menu, profiles
from dms.web import current_archive
from dms.web.labels import CATEGORY_NAMES
from dms.web.public.portal import page_number
from dms.web.workspace.monitoring import MONTH_NAMES

bp = Blueprint("opd", __name__, url_prefix="/opd/<slug>")
ITEMS = ("profil", "dip", "laporan", "regulasi", "permohonan")
# A fragment lives inside another site: no script may run, anyone may frame
# or fetch it; it loads nothing (its links point back here).
EMBED_POLICY = "default-src 'none'; frame-ancestors *"


@bp.get("/dip")
def dip(slug: str):
    with current_archive().reading() as session:
        organisation = menu.public_organisation(session, slug)
        page = menu.dip_page(session, organisation, page_number())
        return render_template(
            "public/opd/dip.html",
            organisation=organisation,
            page=page,
            labels=CATEGORY_NAMES,
        )


@bp.get("/laporan")
def report(slug: str):
    archive = current_archive()
    year = _year(archive.settings)
    with archive.reading() as session:
        organisation = menu.public_organisation(session, slug)
        figures = menu.service_report(session, organisation, year, archive.settings)
        return render_template(
            "public/opd/report.html",
            organisation=organisation,
            report=figures,
            month_names=MONTH_NAMES,
        )


@bp.get("/regulasi")
def regulations(slug: str):
    with current_archive().reading() as session:
        organisation = menu.public_organisation(session, slug)
        documents = menu.regulations(session, organisation)
        return render_template(
            "public/opd/regulations.html",
            organisation=organisation,
            documents=documents,
        )


@bp.get("/permohonan")
def request_form(slug: str):
    with current_archive().reading() as session:
        view = profiles.get_profile(session, None, _known(session, slug))
        return render_template(
            "public/opd/request.html",
            organisation=view.organisation,
            profile=view.profile,
        )


@bp.get("/sematan/<item>")
def embed(slug: str, item: str):
    name, _dot, fmt = item.partition(".")
    if name not in ITEMS or fmt not in ("", "json", "html"):
        raise NotFound(gettext("Sematan '%(item)s' tidak ada.", item=item[:32]))
    data = _embed_data(slug, name)
    if fmt == "json":
        response = jsonify(data)
    else:
        response = make_response(render_template("public/opd/embed.html", **data))
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _embed_data(slug: str, item: str) -> dict:
    """What a fragment shows, as plain values (the same for HTML and JSON)."""
    archive = current_archive()
    with archive.reading() as session:
        organisation = menu.public_organisation(session, slug)
        data = {
            "item": item,
            "organisation": {"slug": organisation.slug, "name": organisation.name},
            "url": url_for(_ENDPOINTS[item], slug=slug, _external=True),
        }
        if item == "profil":
            view = profiles.get_profile(session, None, slug)
            data["profile"] = profiles.profile_json(view)
        elif item == "dip":
            page = menu.dip_page(session, organisation, 1)
            data["total"] = page.total
            data["rows"] = [_dip_json(row) for row in page.rows[:10]]
        elif item == "laporan":
            year = archive.settings.local_today().year
            report = menu.service_report(session, organisation, year, archive.settings)
            data["report"] = {
                "year": report.year,
                "total": report.total,
                "answered": report.answered,
                "per_month": report.per_month,
                "average_days": report.average_days,
            }
        elif item == "regulasi":
            data["documents"] = [
                _document_json(d) for d in menu.regulations(session, organisation)[:10]
            ]
        else:
            data["form_url"] = url_for("permohonan.form", opd=slug, _external=True)
        return data


_ENDPOINTS = {
    "profil": "portal.organisation",
    "dip": "opd.dip",
    "laporan": "opd.report",
    "regulasi": "opd.regulations",
    "permohonan": "opd.request_form",
}


def _dip_json(row) -> dict:
    return {
        "title": row.title,
        "category": row.category,
        "year": row.year,
        "url": url_for("portal.document", document_id=row.document_id, _external=True),
    }


def _document_json(document) -> dict:
    return {
        "title": document.title,
        "year": document.year,
        "url": url_for("portal.document", document_id=document.id, _external=True),
    }


def _known(session, slug: str) -> str:
    return menu.public_organisation(session, slug).slug


def _year(settings) -> int:
    raw = request.args.get("tahun", "")
    if not raw:
        return settings.local_today().year
    if not raw.isdigit():
        raise BadInput(gettext("Tahun tidak valid: %(year)s.", year=raw[:8]))
    return check_year(int(raw))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
