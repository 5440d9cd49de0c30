"""The administrators' room under /admin: organisations, users, the calendar."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the rooms' modules import each other's public helpers.
    from dms.web.admin import pages

    pages.init_app(app)
