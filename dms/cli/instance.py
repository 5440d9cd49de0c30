"""`dms init`, `serve`, `worker` and `demo`: setting up and running an instance."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from dms.cli.context import Fail, Instance, pass_instance
from dms.cli.index import ensure_index, indexer, job_queue
from dms.settings import load_settings


@click.command("init")
@pass_instance
def init(instance: Instance) -> None:
    """Create or upgrade the schema, storage and index; idempotent."""
    from dms.db import upgrade_schema
    from dms.settings import ensure_secret_key

    settings = load_settings()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    ensure_secret_key(settings)
    archive = instance.archive
    upgrade_schema(archive.engine)
    archive.storage.ensure_ready()
    ensure_index(archive)
    _warn_of_a_stale_calendar(archive)
    click.echo(
        f"dms: ready (database {_safe_url(settings.database_url)}, "
        f"storage {_safe_url(settings.storage_url)})"
    )


def _warn_of_a_stale_calendar(archive) -> None:
    """Warn (on stderr; init still succeeds) when this or next year's working-day
    calendar has no cuti bersama or lacks days the holidays package has."""
    from dms.workdays import stale_warnings

    year = archive.settings.local_today().year
    with archive.reading() as session:
        for warning in stale_warnings(session, [year, year + 1]):
            click.echo(f"dms: peringatan: {warning}", err=True)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    if url.startswith("s3://") and "@" in url:
        return "s3://***@" + url.split("@", 1)[1]
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a database URL: show it as it is
        return url


@click.command("serve")
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


@click.command("worker")
@click.option(
    "--workers",
    type=int,
    default=lambda: os.cpu_count() or 1,
    show_default="CPU count",
    help="Jobs run at once (extraction runs in child processes)",
)
@pass_instance
def worker(instance: Instance, workers: int) -> None:
    """Run background jobs: extraction and indexing, email delivery, and the
    periodic sweeps (index lag, exemption expiry, email retries)."""
    import logging

    from dms.indexing.sync import HostSync
    from dms.jobs import IMMEDIATE

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    if settings.queue_url == IMMEDIATE:
        raise Fail("queue_url is 'immediate': jobs run inline, there is no queue")
    archive = instance.archive
    ensure_index(archive)
    jobs = job_queue(archive)
    jobs.start_worker()
    # This host's own index folder, caught up from the database (several hosts).
    HostSync(indexer(archive), settings.index_sync_seconds).start()
    click.echo(f"dms: worker running {workers} job(s) at once", err=True)
    jobs.consumer(workers=max(1, workers)).run()


@click.command("demo")
@pass_instance
def demo(instance: Instance) -> None:
    """Load demonstration organisations, users and documents (idempotent)."""
    from dms.demo import load_demo

    load_demo(instance.archive, echo=click.echo)


COMMANDS: list[click.Command] = [init, serve, worker, demo]
