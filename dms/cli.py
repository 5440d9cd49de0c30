"""The `dms` command (API.md): exit 0 on success; otherwise one line on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from dms.classification.categories import CATEGORIES
from dms.documents.models import ROLES
from dms.errors import DomainError
from dms.settings import SettingsError, load_settings
from dms.storage import StorageError


class Fail(click.ClickException):
    """A one-line failure on stderr, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"dms: {self.message}", err=True)


@contextmanager
def _archive():
    """The configured archive; its database connections close when the command ends."""
    from dms.archive import Archive

    archive = Archive.open(load_settings())
    try:
        yield archive
    finally:
        archive.close()


class DmsGroup(click.Group):
    """Turns usage, domain, configuration and database errors into one-line failures."""

    def make_context(self, *args, **kwargs):
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        try:
            with _one_line_usage_errors():
                return super().invoke(ctx)
        except DomainError as exc:
            raise Fail(exc.message) from exc
        except (SettingsError, StorageError) as exc:
            raise Fail(str(exc)) from exc
        except SQLAlchemyError as exc:
            raise Fail(_database_failure(exc)) from exc


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """A bad option or argument as one `dms: ...` line (exit 2), not click's usage."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        message = " ".join(line.strip() for line in exc.format_message().splitlines())
        failure = Fail(message + hint)
        failure.exit_code = exc.exit_code
        raise failure from exc


def _database_failure(exc: SQLAlchemyError) -> str:
    """The first line of the driver's message, and what to check."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    return (
        f"database error: {detail} "
        "(check DMS_DATABASE_URL; a new database needs 'dms init')"
    )


@click.group(cls=DmsGroup)
@click.version_option(package_name="dms")
def main() -> None:
    """dms: the archive of public information (UU 14/2008)."""


@main.command()
def init() -> None:
    """Create or upgrade the schema, storage and index; idempotent."""
    from dms.db import upgrade_schema
    from dms.settings import ensure_secret_key

    settings = load_settings()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    ensure_secret_key(settings)
    with _archive() as archive:
        upgrade_schema(archive.engine)
        archive.storage.ensure_ready()
        _ensure_index(archive)
        _warn_of_a_stale_calendar(archive)
    click.echo(
        f"dms: ready (database {_safe_url(settings.database_url)}, "
        f"storage {_safe_url(settings.storage_url)})"
    )


def _ensure_index(archive) -> None:
    """Create the index; rebuild it when its schema is older or it is new while the
    database already holds documents (a lost or deleted index folder)."""
    from sqlalchemy import func, select

    from dms.documents.models import Document

    state = _search_index(archive).ensure()
    with archive.reading() as session:
        documents = session.scalar(select(func.count(Document.id))) or 0
    if state.needs_rebuild or (state.created and documents):
        reason = "built by an older schema" if state.needs_rebuild else "missing"
        click.echo(f"dms: search index {reason}; rebuilding", err=True)
        _rebuild(archive)


def _warn_of_a_stale_calendar(archive) -> None:
    """Warn (on stderr; init still succeeds) when this or next year's working-day
    calendar has no cuti bersama or lacks days the holidays package has."""
    from dms.requests.calendar import stale_warnings

    year = archive.settings.local_today().year
    with archive.reading() as session:
        for warning in stale_warnings(session, [year, year + 1]):
            click.echo(f"dms: peringatan: {warning}", err=True)


def _search_index(archive):
    from dms.indexing.index import SearchIndex

    settings = archive.settings
    return SearchIndex(
        settings.index_dir, time_limit=settings.search_time_limit_seconds
    )


def _rebuild(archive, procs: int = 1) -> int:
    from sqlalchemy import func, select
    from tqdm import tqdm

    from dms.documents.models import Document

    with archive.reading() as session:
        total = session.scalar(select(func.count(Document.id))) or 0
    with tqdm(
        total=total, unit="doc", desc="reindex", file=sys.stderr, disable=None
    ) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        return _indexer(archive).rebuild(progress=progress, procs=procs)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    if url.startswith("s3://") and "@" in url:
        return "s3://***@" + url.split("@", 1)[1]
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a database URL: show it as it is
        return url


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", 5000)),
    show_default="PORT or 5000",
)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option(
    "--worker/--no-worker",
    default=None,
    help="Run a background worker beside the server "
    "(default: yes with the embedded queue, no with Redis)",
)
def serve(host: str, port: int, threads: int, worker: bool | None) -> None:
    """Serve the web app with a production WSGI server (waitress)."""
    from dms.jobs import is_embedded
    from dms.web import create_app
    from dms.web.server import make_server

    app = create_app()
    settings = app.extensions["dms"].settings
    if worker is None:
        worker = is_embedded(settings)
    server = make_server(app, host=host, port=port, threads=threads)
    with _worker_beside(worker):
        click.echo(f"dms: serving on http://{host}:{port}/")
        server.run()


@contextmanager
def _worker_beside(wanted: bool) -> Iterator[None]:
    """`dms worker` as a child process for as long as the server runs."""
    if not wanted:
        yield
        return
    import signal
    import subprocess

    child = subprocess.Popen([sys.executable, "-m", "dms", "worker"])
    # SIGTERM (a service manager stopping us) must unwind to the finally below,
    # or the worker would outlive its server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@main.command()
@click.option(
    "--workers",
    type=int,
    default=lambda: os.cpu_count() or 1,
    show_default="CPU count",
    help="Jobs run at once (extraction runs in child processes)",
)
def worker(workers: int) -> None:
    """Run background jobs: extraction and indexing, email delivery, and the
    periodic sweeps (index lag, exemption expiry, email retries)."""
    import logging

    from dms.jobs import IMMEDIATE

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    if settings.queue_url == IMMEDIATE:
        raise Fail("queue_url is 'immediate': jobs run inline, there is no queue")
    with _archive() as archive:
        _ensure_index(archive)
        jobs = _queue_for(archive)
        jobs.sweep()  # catch up at once with whatever was missed while stopped
        click.echo(f"dms: worker running {workers} job(s) at once", err=True)
        jobs.consumer(workers=max(1, workers)).run()


@main.group()
def org() -> None:
    """Organisations (PPID Utama and Pelaksana)."""


@org.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--parent", "parent_slug", default=None, help="Slug of the parent")
@click.option("--utama", is_flag=True, help="This is the PPID Utama")
def org_add(slug: str, name: str, parent_slug: str | None, utama: bool) -> None:
    """Add an organisation."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    with _archive() as archive, archive.transaction() as session:
        accounts.add_organisation(
            session,
            actor=SYSTEM,
            slug=slug,
            name=name,
            parent_slug=parent_slug,
            is_utama=utama,
        )
    click.echo(f"dms: organisation {slug} added")


@main.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "org_slug", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin")
@click.option("--name", "display_name", default="")
@click.option("--email", default="")
@click.option("--nip", default="", help="The official's NIP (18 digits)")
@click.option("--position", default="", help="The official's position (jabatan)")
def user_add(
    username, role, org_slug, password_stdin, display_name, email, nip, position
) -> None:
    """Add a user (without --password-stdin the user signs in with API tokens only)."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with _archive() as archive, archive.transaction() as session:
        accounts.add_user(
            session,
            actor=SYSTEM,
            username=username,
            role=role,
            org_slug=org_slug,
            password=password,
            display_name=display_name,
            email=email,
            nip=nip,
            position=position,
        )
    click.echo(f"dms: user {username} added as {role}")


@user.command("official")
@click.argument("username")
@click.option("--nip", default="", help="18 digits; empty clears it")
@click.option("--position", default="", help="The position (jabatan)")
def user_official(username: str, nip: str, position: str) -> None:
    """Set the NIP and position an official signs a penetapan with."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    with _archive() as archive, archive.transaction() as session:
        accounts.set_official(
            session, actor=SYSTEM, username=username, nip=nip, position=position
        )
    click.echo(f"dms: user {username} signs as {position or '-'} (NIP {nip or '-'})")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--label", default="cli")
def token_create(username: str, label: str) -> None:
    """Print a new API token for that user (shown once; only its hash is kept).
    It works for DMS_TOKEN_DAYS days (90 unless configured)."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    with _archive() as archive, archive.transaction() as session:
        value = accounts.create_token(
            session,
            actor=SYSTEM,
            username=username,
            days=archive.settings.token_days,
            label=label,
        )
    click.echo(value)


@token.command("list")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per token")
def token_list(username: str, as_json: bool) -> None:
    """A user's tokens, newest first: id, state, dates and label (never the
    token itself)."""
    from dms.db import utcnow
    from dms.documents import accounts

    now = utcnow()
    with _archive() as archive, archive.reading() as session:
        records = accounts.list_tokens(session, username)
        rows = [
            {
                "id": r.id,
                "state": accounts.token_state(r, now),
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "expires_at": r.expires_at.isoformat(timespec="seconds"),
                "last_used_at": _iso(r.last_used_at),
                "revoked_at": _iso(r.revoked_at),
                "label": r.label,
            }
            for r in records
        ]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"dms: {username} has no API tokens")
        return
    click.echo("ID\tSTATE\tCREATED\tEXPIRES\tLAST USED\tLABEL")
    for row in rows:
        click.echo(
            f"{row['id']}\t{row['state']}\t{row['created_at']}\t{row['expires_at']}"
            f"\t{row['last_used_at'] or '-'}\t{row['label']}"
        )


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1, max=2**31 - 1))
def token_revoke(token_id: int) -> None:
    """Revoke one API token by its id (from dms token list); it stops working at
    once. Revoking a revoked token changes nothing."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    with _archive() as archive, archive.transaction() as session:
        record = accounts.revoke_token(session, actor=SYSTEM, token_id=token_id)
        owner = record.user.username
    click.echo(f"dms: token {token_id} of {owner} revoked")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--org", "org_slug", required=True)
@click.option("--category", required=True, type=click.Choice(CATEGORIES))
@click.option("--year", type=int, default=None)
@click.option(
    "--publish/--no-publish",
    default=None,
    help="Publish at once (default: serta merta only)",
)
@click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="CPU count",
    help="Files extracted and indexed at once, as the import goes",
)
@click.option(
    "--index/--no-index",
    "index_now",
    default=True,
    show_default=True,
    help="Extract and index as the import goes, or leave it to `dms worker`",
)
def import_(paths, org_slug, category, year, publish, jobs, index_now) -> None:
    """Import files and folders, extracting and indexing them as it goes; the same
    file twice adds nothing."""
    from tqdm import tqdm

    from dms.documents.importer import collect_files, import_files
    from dms.indexing.indexer import IndexingPool

    files = collect_files(paths)
    with _archive() as archive:
        _search_index(archive).ensure()
        pool = IndexingPool(_indexer(archive), workers=jobs)
        if index_now:
            archive.on_documents_changed = pool.submit
        else:
            _queue_for(archive).attach()
        with tqdm(
            total=len(files), unit="file", desc="import", file=sys.stderr, disable=None
        ) as bar:
            summary = import_files(
                archive,
                files,
                org_slug=org_slug,
                category=category,
                year=year,
                publish=publish,
                progress=lambda _path: bar.update(1),
            )
        with tqdm(
            total=pool.submitted,
            unit="doc",
            desc="index",
            file=sys.stderr,
            disable=None,
        ) as bar:
            failures = pool.wait(progress=lambda: bar.update(1))
    for path, reason in summary.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    for message in failures:
        # The document is imported; its row records the lag, so `dms worker`
        # (or the next `dms reindex`) indexes it later.
        click.echo(f"not indexed yet: {message}", err=True)
    click.echo(
        f"dms: {len(summary.added)} added, {len(summary.skipped)} skipped "
        f"(already present), {len(summary.failed)} failed"
    )
    if summary.failed:
        sys.exit(1)


def _queue_for(archive):
    from dms.jobs import Jobs

    return Jobs(archive, _search_index(archive))


def _indexer(archive):
    from dms.indexing.indexer import Indexer, extraction_limits

    return Indexer(archive, _search_index(archive), extraction_limits(archive.settings))


@main.command()
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes analysing text at once (each may use about 100 MB)",
)
def reindex(procs: int) -> None:
    """Rebuild the search index from the database in bounded memory; searches keep
    answering from the old index until the new one is swapped in."""
    import time

    started = time.monotonic()
    with _archive() as archive:
        _search_index(archive).ensure()
        count = _rebuild(archive, procs=procs)
    click.echo(
        f"dms: {count} document(s) indexed in {time.monotonic() - started:.1f} s"
    )


@main.command()
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
def search(
    query, category, org_slug, year, status, sort, page, per_page, username, as_json
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
    with _archive() as archive, archive.reading() as session:
        actor = _user_named(session, username) if username else None
        found = search_documents(
            session, _search_index(archive), actor=actor, query=wanted
        )
        if as_json:
            click.echo(_search_json(found))
        else:
            _print_results(found)


def _user_named(session, username: str):
    from sqlalchemy import select

    from dms.documents.models import User

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
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def _print_results(found) -> None:
    import re

    first = (found.page - 1) * found.per_page
    click.echo(f"{found.total} dokumen ditemukan")
    if found.suggestion:
        click.echo(f"Mungkin maksud Anda: {found.suggestion}")
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


@main.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Delete orphan blobs and stale temp files (damage stays reported)",
)
def fsck(repair: bool) -> None:
    """Check every version's blob (exists, size, SHA-256) and look for orphans."""
    from tqdm import tqdm

    from dms.documents import fsck as checks

    with (
        _archive() as archive,
        archive.reading() as session,
        tqdm(
            unit="B", unit_scale=True, desc="fsck", file=sys.stderr, disable=None
        ) as bar,
    ):
        report = checks.check_archive(session, archive.storage, progress=bar.update)
    with _archive() as archive, archive.transaction() as session:
        checks.record_findings(session, report)
    if repair and report.leftovers:
        _repair(report)
    for damage in report.damaged:
        click.echo(f"damaged: {damage.describe()}", err=True)
    for item in report.leftovers:
        click.echo(f"{item.kind}: {item.describe()}", err=True)
    if report.busy:
        click.echo(
            "note: uploads were in progress; only leftovers over an hour old are "
            "listed",
            err=True,
        )
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    temp = sum(1 for item in report.leftovers if item.kind == "temp")
    click.echo(
        f"dms: {report.versions_checked} version(s), {report.blobs_checked} "
        f"blob(s) checked; {len(report.damaged)} damaged, "
        f"{len(report.orphans)} orphan(s), {temp} temp file(s)"
    )
    if not report.healthy:
        sys.exit(1)


def _repair(report) -> None:
    """Remove the leftovers while no upload can be writing (the storage's write
    lease held alone); while uploads run, nothing is removed."""
    from dms.documents import fsck as checks
    from dms.storage import StorageBusy

    with _archive() as archive:
        exclusive = hasattr(archive.storage, "write_lease")
        try:
            with archive.exclusive_storage(), archive.transaction() as session:
                checks.repair(session, archive.storage, report, exclusive=exclusive)
        except StorageBusy:
            report.repaired.append(
                "nothing removed: uploads are in progress; run it again"
            )


@main.command()
def demo() -> None:
    """Load demonstration organisations, users and documents (idempotent)."""
    from dms.demo import load_demo

    with _archive() as archive:
        load_demo(archive, echo=click.echo)


def _register_commands() -> None:
    from dms import (
        cli_calendar,
        cli_exemptions,
        cli_mail,
        cli_registers,
        cli_reports,
        cli_requests,
    )

    for module in (
        cli_calendar,
        cli_exemptions,
        cli_mail,
        cli_registers,
        cli_reports,
        cli_requests,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register_commands()
