"""The portal's front page, the search page, and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext
from sqlalchemy import select, text

from dms.accounts.models import Organisation
from dms.errors import BadInput, ValidationError
from dms.indexing.index import SearchQuery
from dms.indexing.search import search_documents
from dms.storage import StorageError
from dms.web import current_archive
from dms.web.labels import CATEGORY_NAMES
from dms.web.public.portal import (
    newest_documents,
    public_facets,
    stale_ids,
)
from dms.web.security import search_slot

bp = Blueprint("public", __name__)

HOME_NEWEST = 10
FACET_NAMES = (
    ("category", lazy_gettext("Kategori")),
    ("org", lazy_gettext("Badan publik")),
    ("year", lazy_gettext("Tahun")),
)
SEARCH_ARGS = ("q", "category", "org", "year", "sort")
PAGE_SIZE = 20


@bp.get("/")
def home():
    """The portal's front page: pinned serta merta announcements, the newest
    public documents, ways to browse, and search."""
    from dms.classification.rules import announcements

    archive = current_archive()
    with archive.reading() as session:
        newest = newest_documents(session, HOME_NEWEST)
        facets = public_facets(session)
        return render_template(
            "public/home.html",
            announcements=announcements(session),
            newest=newest,
            stale_ids=stale_ids(newest, archive.settings),
            category_counts=facets["category"],
            years=sorted(facets["year"].items(), reverse=True),
            labels=CATEGORY_NAMES,
        )


@bp.get("/cari")
def search():
    """The citizens' search page: filters, facets, highlights; no JavaScript."""
    from dms.web.api.documents import search_query

    args = {name: request.args[name] for name in SEARCH_ARGS if request.args.get(name)}
    try:
        query = search_query(request.args, PAGE_SIZE)
        page, org_names = _run(query) if _asks_anything(query) else (None, {})
    except (BadInput, ValidationError) as exc:
        query = SearchQuery(text=request.args.get("q", "")[:500])
        return _search_page(query, None, args, exc.message), 400
    return _search_page(query, page, args, None, org_names)


def _asks_anything(query: SearchQuery) -> bool:
    return bool(query.text.strip() or query.category or query.org or query.year)


def _run(query: SearchQuery):
    """The page of results, and the names of the organisations in its facet."""
    with search_slot(), current_archive().reading() as session:
        page = search_documents(
            session, current_app.extensions["dms.search"], actor=None, query=query
        )
        slugs = list(page.facets.get("org", {}))
        names = dict(
            session.execute(
                select(Organisation.slug, Organisation.name).where(
                    Organisation.slug.in_(slugs)
                )
            ).all()
        )
    return page, names


def _search_page(query, page, args, error, org_names=None) -> str:
    return render_template(
        "public/search.html",
        query=query,
        page=page,
        error=error,
        args=args,
        categories=list(CATEGORY_NAMES.items()),
        labels=CATEGORY_NAMES,
        facet_names=FACET_NAMES,
        facet_labels={"category": CATEGORY_NAMES, "org": org_names or {}},
        args_all_orgs={k: v for k, v in args.items() if k != "org"},
    )


@bp.get("/healthz")
def healthz():
    """200 when the database, storage and index folder answer; 503 with what failed."""
    archive = current_archive()
    failures = {}
    try:
        with archive.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        failures["database"] = type(exc).__name__
    try:
        archive.storage.check()
    except StorageError as exc:
        failures["storage"] = str(exc)
    try:
        current_app.extensions["dms.search"].doc_count()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        failures["index"] = (
            f"search index unreadable ({type(exc).__name__}); run 'dms init'"
        )
    if failures:
        return jsonify(status="unavailable", failures=failures), 503
    return jsonify(status="ok")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
