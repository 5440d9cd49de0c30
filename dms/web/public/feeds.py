"""The serta merta Atom feed (RFC 4287) and the Indonesian time format of pages."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, request, url_for

from dms.classification.rules import FEED_LIMIT, published_serta_merta
from dms.documents.models import Document
from dms.output.dates import MONTHS
from dms.web import current_archive

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
DMS = "urn:dms:1"
ET.register_namespace("", ATOM)
ET.register_namespace("dms", DMS)
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_TITLE = "Informasi Serta Merta"
# An empty feed still needs an <updated>; a fixed one keeps its ETag stable.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@bp.get("/feeds/serta-merta.atom")
def serta_merta_atom():
    with current_archive().reading() as session:
        documents = published_serta_merta(session, limit=FEED_LIMIT)
    etag = _etag(documents)
    # Revalidated on every read (cheap with the ETag): an announcement made exempt
    # must not linger in a shared cache.
    headers = {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    body = ET.tostring(_feed(documents), encoding="utf-8", xml_declaration=True)
    return Response(body, headers={**headers, "Content-Type": ATOM_TYPE})


def _etag(documents: list[Document]) -> str:
    """A digest of everything the feed shows, so any change gives a new ETag."""
    digest = hashlib.sha256(request.host_url.encode())
    for document in documents:
        digest.update(repr(_shown(document)).encode())
    return digest.hexdigest()[:32]


def _shown(document: Document) -> tuple:
    return (
        document.id,
        document.title,
        document.summary,
        document.organisation.name,
        document.published_at,
        document.updated_at,
        document.event_at,
        document.created_at.year,
    )


def _feed(documents: list[Document]) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    self_url = url_for("feeds.serta_merta_atom", _external=True)
    _text(feed, "id", self_url)
    _text(feed, "title", FEED_TITLE)
    newest = _published(documents[0]) if documents else NEVER
    _text(feed, "updated", rfc3339(newest))
    _link(feed, "self", self_url, "application/atom+xml")
    _link(feed, "alternate", url_for("public.home", _external=True), "text/html")
    for document in documents:
        feed.append(_entry(document))
    return feed


def _entry(document: Document) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", _tag_uri(document))
    _text(entry, "title", document.title)
    published = _published(document)
    _text(entry, "published", rfc3339(published))
    _text(entry, "updated", rfc3339(max(published, document.updated_at)))
    author = ET.SubElement(entry, f"{{{ATOM}}}author")
    _text(author, "name", document.organisation.name)
    api_url = url_for("api.get_document", document_id=document.id, _external=True)
    _link(entry, "alternate", api_url, "application/json")
    download_url = url_for("api.download", document_id=document.id, _external=True)
    _link(entry, "enclosure", download_url, None)
    if document.summary:
        _text(entry, "summary", document.summary)
    _text(entry, "content", _content(document)).set("type", "text")
    if document.event_at is not None:
        ET.SubElement(entry, f"{{{DMS}}}event").text = rfc3339(document.event_at)
    ET.SubElement(entry, f"{{{DMS}}}published").text = rfc3339(published)
    return entry


def _published(document: Document) -> datetime:
    # Rows published before publication times were recorded have only updated_at.
    return document.published_at or document.updated_at


def _content(document: Document) -> str:
    zone = local_zone()
    lines = [
        f"Waktu kejadian: {indonesian_time(document.event_at, zone)}.",
        f"Diumumkan: {indonesian_time(_published(document), zone)}.",
    ]
    if document.summary:
        lines.append(document.summary)
    return "\n".join(lines)


def _tag_uri(document: Document) -> str:
    """tag: URI (RFC 4151): stable while the host name stays the same."""
    host = urlsplit(request.host_url).hostname or "localhost"
    return f"tag:{host},{document.created_at.year}:document-{document.id}"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = value
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str | None) -> None:
    link = ET.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href)
    if media_type:
        link.set("type", media_type)


def rfc3339(value: datetime) -> str:
    """A UTC time as Atom writes it: 2026-03-12T01:30:00Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def indonesian_time(value: datetime | None, zone: tzinfo) -> str:
    """'12 Maret 2026 pukul 08.30 WIB'; 'tidak dicatat' when there is no time."""
    if value is None:
        return "tidak dicatat"
    local = value.astimezone(zone)
    month = MONTHS[local.month - 1]
    return f"{local.day} {month} {local.year} pukul {local:%H.%M %Z}"


def local_zone() -> tzinfo:
    """The deployment's time zone (setting `timezone`): people read local times;
    the feed's machine-readable times stay in UTC."""
    return ZoneInfo(current_archive().settings.timezone)


def _local_time(value: datetime | None) -> str:
    return indonesian_time(value, local_zone())


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (the feed is not under it)."""
    return {}


def init_app(app: Flask) -> None:
    app.add_template_filter(_local_time, "waktu")
    app.register_blueprint(bp)
