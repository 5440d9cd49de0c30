"""The `dms` command (API.md): exit 0 on success; otherwise one line on stderr."""

from __future__ import annotations

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
        settings.index_dir.mkdir(parents=True, exist_ok=True)
    click.echo(
        f"dms: ready (database {_safe_url(settings.database_url)}, "
        f"storage {_safe_url(settings.storage_url)})"
    )


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
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app with a production WSGI server (waitress)."""
    from dms.web import create_app
    from dms.web.server import make_server

    server = make_server(create_app(), host=host, port=port, threads=threads)
    click.echo(f"dms: serving on http://{host}:{port}/")
    server.run()


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
def user_add(username, role, org_slug, password_stdin, display_name, email) -> None:
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
        )
    click.echo(f"dms: user {username} added as {role}")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--label", default="cli")
def token_create(username: str, label: str) -> None:
    """Print a new API token for that user (shown once; only its hash is kept)."""
    from dms.documents import accounts
    from dms.documents.access import SYSTEM

    with _archive() as archive, archive.transaction() as session:
        value = accounts.create_token(
            session, actor=SYSTEM, username=username, label=label
        )
    click.echo(value)


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
def import_(paths, org_slug, category, year, publish) -> None:
    """Import files and folders; the same file twice adds nothing."""
    from tqdm import tqdm

    from dms.documents.importer import collect_files, import_files

    files = collect_files(paths)
    with (
        _archive() as archive,
        tqdm(
            total=len(files), unit="file", desc="import", file=sys.stderr, disable=None
        ) as bar,
    ):
        summary = import_files(
            archive,
            files,
            org_slug=org_slug,
            category=category,
            year=year,
            publish=publish,
            progress=lambda _path: bar.update(1),
        )
    for path, reason in summary.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    click.echo(
        f"dms: {len(summary.added)} added, {len(summary.skipped)} skipped "
        f"(already present), {len(summary.failed)} failed"
    )
    if summary.failed:
        sys.exit(1)


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
    if repair:
        with _archive() as archive, archive.transaction() as session:
            checks.repair(session, archive.storage, report)
    for damage in report.damaged:
        click.echo(f"damaged: {damage.describe()}", err=True)
    for key in report.orphans:
        click.echo(f"orphan: blob {key} is referenced by no version", err=True)
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    click.echo(
        f"dms: {report.versions_checked} version(s), {report.blobs_checked} "
        f"blob(s) checked; {len(report.damaged)} damaged, "
        f"{len(report.orphans)} orphan(s)"
    )
    if not report.healthy:
        sys.exit(1)


@main.command()
def demo() -> None:
    """Load demonstration organisations, users and documents (idempotent)."""
    from dms.demo import load_demo

    with _archive() as archive:
        load_demo(archive, echo=click.echo)
