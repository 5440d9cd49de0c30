"""The web app: create_app() builds it; nothing is built at import time.

Also what every view shares, under public names: current_archive() (opened once
by create_app), local_today() in DMS_TIMEZONE, and the guards every request
passes before its view (init_guards: the body-size limit, body_limit marks on a
view or blueprint, and the NUL check), once for the pages and the API alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request

from dms.archive import Archive
from dms.errors import BadInput
from dms.indexing.engine import open_search_index
from dms.jobs import Jobs
from dms.settings import Settings, ensure_secret_key, load_settings
from dms.web.compression import install_compression
from dms.web.proxy import install_proxy_fix


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from Settings (test_config overrides them)."""
    settings = load_settings(test_config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=ensure_secret_key(settings),
        MAX_CONTENT_LENGTH=upload_limit(settings),
        MAX_FORM_MEMORY_SIZE=FORM_OVERHEAD_BYTES,
        PUBLIC_REQUEST_LOG=settings.public_request_log,
    )
    app.json.sort_keys = False
    archive = open_archive(app, settings)
    archive.request_url = _request_url
    search_index = open_search_index(settings)
    search_index.ensure()  # an older schema's index is rebuilt by the worker
    app.extensions["dms.search"] = search_index
    app.extensions["dms.jobs"] = Jobs(archive, search_index).attach()

    from dms.web import (
        admin,
        api,
        auth,
        errors,
        i18n,
        labels,
        public,
        security,
        workspace,
    )

    # The body limit and the NUL check first: the CSRF check reads the form.
    init_guards(app)
    i18n.init_app(app, settings.timezone)
    errors.init_app(app)
    labels.init_app(app)
    api.init_app(app)
    auth.init_app(app)
    # One room per audience: citizens, officers, administrators.
    public.init_app(app)
    workspace.init_app(app)
    admin.init_app(app)
    security.init_app(
        app,
        cookie_secure=settings.cookie_secure,
        ratelimit_storage_url=settings.ratelimit_storage_url,
        searches_per_address=settings.search_concurrency_per_address,
        csrf_exempt_parent=api.bp.name,
    )
    install_proxy_fix(app, settings)
    install_compression(app)

    @app.context_processor
    def endpoints():
        return {"url_endpoints": app.view_functions}

    return app


def _request_url() -> str:
    """The address of the web request being served, for links in email when
    DMS_PUBLIC_URL is not set ("" outside a request)."""
    return request.url_root.rstrip("/") if has_request_context() else ""


# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024

NUL_MESSAGE = "Parameter tidak boleh berisi karakter NUL."

Limit = Callable[[Settings], int | None]
Marked = TypeVar("Marked")


def open_archive(app: Flask, settings: Settings) -> Archive:
    """Open the archive of `settings` once, for every view of `app`."""
    archive = Archive.open(settings)
    app.extensions["dms"] = archive
    return archive


def current_archive() -> Archive:
    """The archive the app serves (opened by create_app)."""
    return current_app.extensions["dms"]


def local_today() -> date:
    """Today in the archive's time zone (DMS_TIMEZONE), never the host's."""
    return current_archive().settings.local_today()


# --- the body-size limit --------------------------------------------------------------


def body_limit(limit: Limit) -> Callable[[Marked], Marked]:
    """Mark a view, or a whole blueprint, to take at most `limit(settings)` bytes
    of body (the app's upload limit when it gives None). On a view, put it right
    under the route decorator, so it marks the function the route serves. A
    view's mark beats its blueprint's, an inner blueprint's its parent's."""

    def mark(target: Marked) -> Marked:
        target.dms_body_limit = limit  # type: ignore[attr-defined]
        return target

    return mark


def upload_limit(settings: Settings) -> int:
    """The app's limit: one upload (DMS_MAX_UPLOAD_MB) and the form around it."""
    return settings.max_upload_bytes + FORM_OVERHEAD_BYTES


def request_body_limit(settings: Settings) -> int:
    """The body limit of the request being served: its view's mark, else its
    innermost marked blueprint's, else the app's upload limit."""
    view = current_app.view_functions.get(request.endpoint or "")
    marks = [getattr(view, "dms_body_limit", None)]
    marks += [
        getattr(current_app.blueprints.get(name), "dms_body_limit", None)
        for name in request.blueprints
    ]
    for limit in marks:
        if limit is not None:
            return limit(settings) or upload_limit(settings)
    return upload_limit(settings)


# --- the NUL check ----------------------------------------------------------------


def refuse_nul() -> None:
    """BadInput (400) when the query string holds a NUL character, which no
    database column can store. (Form and JSON fields are the services' to
    check: a NUL there is a 422 naming the field.)"""
    if any("\x00" in value for value in request.args.values()):
        raise BadInput(NUL_MESSAGE)


def checks_own_input() -> bool:
    """Whether a blueprint of this request runs refuse_nul() itself, later (the
    API checks the bearer token first: 401 comes before any input check)."""
    return any(
        getattr(current_app.blueprints.get(name), "dms_checks_input", False)
        for name in request.blueprints
    )


def init_guards(app: Flask) -> None:
    """Register the guards; call before any extension that reads the body (the
    CSRF check reads the form), so the limit is in place when it does."""

    @app.before_request
    def guard_request():
        request.max_content_length = request_body_limit(current_archive().settings)
        if not checks_own_input():
            refuse_nul()
