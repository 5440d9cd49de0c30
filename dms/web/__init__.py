"""The web app: create_app() builds it; nothing is built at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request

from dms.archive import Archive
from dms.indexing.engine import open_search_index
from dms.jobs import Jobs
from dms.settings import ensure_secret_key, load_settings

# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from Settings (test_config overrides them)."""
    settings = load_settings(test_config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=ensure_secret_key(settings),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + FORM_OVERHEAD_BYTES,
        MAX_FORM_MEMORY_SIZE=FORM_OVERHEAD_BYTES,
        PUBLIC_REQUEST_LOG=settings.public_request_log,
    )
    app.json.sort_keys = False
    archive = Archive.open(settings)
    archive.request_url = _request_url
    app.extensions["dms"] = archive
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
    )

    @app.context_processor
    def endpoints():
        return {"url_endpoints": app.view_functions}

    return app


def _request_url() -> str:
    """The address of the web request being served, for links in email when
    DMS_PUBLIC_URL is not set ("" outside a request)."""
    return request.url_root.rstrip("/") if has_request_context() else ""
