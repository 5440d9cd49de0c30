"""The citizens' room: the portal pages (home, search, documents, registers,
open data, the feed) and the request and objection forms. No login here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the rooms' modules import each other's public helpers.
    from dms.web.public import (
        feeds,
        home,
        objections,
        opd,
        opendata,
        portal,
        registers,
        requests,
    )

    for pages in (home, feeds, opendata, registers, portal, opd, requests, objections):
        pages.init_app(app)
