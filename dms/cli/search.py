"""`dms search` and `dms reindex`: searching the archive and rebuilding its index."""

from __future__ import annotations

import click

from dms.categories import CATEGORIES
from dms.cli.context import Fail, Instance, pass_instance
from dms.cli.index import rebuild, search_index


@click.command("reindex")
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes analysing text at once (each may use about 100 MB)",
)
@pass_instance
def reindex(instance: Instance, procs: int) -> None:
    """Rebuild the search index from the database in bounded memory; searches keep
    answering from the old index until the new one is swapped in."""
    import time

    started = time.monotonic()
    archive = instance.archive
    search_index(archive).ensure()
    count = rebuild(archive, procs=procs)
    click.echo(
        f"dms: {count} document(s) indexed in {time.monotonic() - started:.1f} s"
    )


@click.command("search")
@click.argument("query")
@click.option("--category", type=click.Choice(CATEGORIES), default=None)
@click.option("--org", "org_slug", default=None)
@click.option("--year", type=int, default=None)
@click.option("--status", default=None)
@click.option(
    "--sort",
    type=click.Choice(("relevance", "newest", "title")),
    default="relevance",
    show_default=True,
)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option(
    "--as",
    "username",
    default=None,
    help="Search as this user (default: as an anonymous citizen)",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON as the API does")
@pass_instance
def search(
    instance: Instance,
    query,
    category,
    org_slug,
    year,
    status,
    sort,
    page,
    per_page,
    username,
    as_json,
):
    """Search the archive as a citizen would (or as --as USERNAME)."""
    from dms.indexing.index import SearchQuery
    from dms.indexing.search import search_documents

    wanted = SearchQuery(
        text=query,
        category=category,
        org=org_slug,
        year=year,
        status=status,
        page=page,
        per_page=per_page,
        sort=sort,
    )
    archive = instance.archive
    with archive.reading() as session:
        actor = _user_named(session, username) if username else None
        found = search_documents(
            session, search_index(archive), actor=actor, query=wanted
        )
        if as_json:
            click.echo(_search_json(found))
        else:
            _print_results(found)


def _user_named(session, username: str):
    from sqlalchemy import select

    from dms.accounts.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise Fail(f"no user named {username!r}")
    return user


def _search_json(found) -> str:
    import json

    items = [
        {
            "id": item.document.id,
            "title": item.document.title,
            "category": item.document.category,
            "org": item.document.organisation.slug,
            "year": item.document.year,
            "status": item.document.status,
            "score": item.hit.score,
            "highlights": item.hit.highlights,
            "url": f"/api/v1/documents/{item.document.id}",
        }
        for item in found.items
    ]
    body = {
        "items": items,
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "facets": found.facets,
        "suggestion": found.suggestion,
        "partial": found.partial,
        "unmatched": list(found.unmatched),
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def _print_results(found) -> None:
    import re

    first = (found.page - 1) * found.per_page
    click.echo(f"{found.total} dokumen ditemukan")
    if found.suggestion:
        click.echo(f"Mungkin maksud Anda: {found.suggestion}")
    if found.partial:
        click.echo(
            "Tidak ada dokumen yang memuat semua kata; ini yang memuat sebagian."
        )
        if found.unmatched:
            click.echo(f"Tidak ditemukan: {', '.join(found.unmatched)}")
    for number, item in enumerate(found.items, start=first + 1):
        document = item.document
        year = f", {document.year}" if document.year else ""
        click.echo(
            f"{number:>4}. [{document.id}] {document.title} "
            f"({document.category}, {document.organisation.slug}{year})"
        )
        snippet = item.hit.highlights.get("body") or item.hit.highlights.get("summary")
        if snippet:
            plain = re.sub(r"</?mark>", "*", snippet)
            click.echo(f"      {_unescape(plain)}")


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


COMMANDS: list[click.Command] = [search, reindex]
