"""Public pages (a placeholder home until the portal arrives) and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from sqlalchemy import text

from dms.classification.categories import PUBLIC_LABELS
from dms.errors import BadInput, ValidationError
from dms.indexing.index import SearchQuery
from dms.indexing.search import search_documents
from dms.storage import StorageError

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """The portal's front page: pinned serta merta announcements, then search."""
    from dms.classification.rules import announcements

    with current_app.extensions["dms"].reading() as session:
        pinned = announcements(session)
        return render_template("home.html", announcements=pinned)


CATEGORY_LABELS = PUBLIC_LABELS
FACET_NAMES = (("category", "Kategori"), ("org", "Badan publik"), ("year", "Tahun"))
SEARCH_ARGS = ("q", "category", "org", "year", "sort")
PAGE_SIZE = 20


@bp.get("/cari")
def search():
    """The citizens' search page (the portal issue polishes it); no JavaScript."""
    from dms.web.api import search_query

    args = {name: request.args[name] for name in SEARCH_ARGS if request.args.get(name)}
    try:
        query = search_query(request.args, PAGE_SIZE)
        page = _run(query) if _asks_anything(query) else None
    except (BadInput, ValidationError) as exc:
        query = SearchQuery(text=request.args.get("q", "")[:500])
        return _search_page(query, None, args, exc.message), 400
    return _search_page(query, page, args, None)


def _asks_anything(query: SearchQuery) -> bool:
    return bool(query.text.strip() or query.category or query.org or query.year)


def _run(query: SearchQuery):
    with current_app.extensions["dms"].reading() as session:
        return search_documents(
            session, current_app.extensions["dms.search"], actor=None, query=query
        )


def _search_page(query, page, args, error) -> str:
    return render_template(
        "search.html",
        query=query,
        page=page,
        error=error,
        args=args,
        categories=list(CATEGORY_LABELS.items()),
        labels=CATEGORY_LABELS,
        facet_names=FACET_NAMES,
    )


@bp.get("/healthz")
def healthz():
    """200 when the database, storage and index folder answer; 503 with what failed."""
    archive = current_app.extensions["dms"]
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
