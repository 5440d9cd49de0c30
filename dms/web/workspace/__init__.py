"""The officers' room under /ruang-kerja: documents and consequence tests,
requests and objections, monitoring and the annual report (login required)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the rooms' modules import each other's public helpers.
    from dms.web.workspace import (
        audit_trail,
        documents,
        imports,
        monitoring,
        profile,
        reports,
        requests,
    )

    for pages in (
        documents,
        requests,
        monitoring,
        reports,
        profile,
        imports,
        audit_trail,
    ):
        pages.init_app(app)
