"""`dms import` and `dms fsck`: bringing files in and checking what is stored."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dms.categories import CATEGORIES
from dms.cli.context import Instance, pass_instance
from dms.cli.index import indexer, job_queue, search_index


@click.command("import")
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
@pass_instance
def import_(
    instance: Instance, paths, org_slug, category, year, publish, jobs, index_now
) -> None:
    """Import files and folders, extracting and indexing them as it goes; the same
    file twice adds nothing."""
    from tqdm import tqdm

    from dms.documents.importer import collect_files, import_files
    from dms.indexing.indexer import IndexingPool

    files = collect_files(paths)
    archive = instance.archive
    search_index(archive).ensure()
    pool = IndexingPool(indexer(archive), workers=jobs)
    if index_now:
        archive.on_documents_changed = pool.submit
    else:
        job_queue(archive).attach()
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


@click.command("fsck")
@click.option(
    "--repair",
    is_flag=True,
    help="Delete orphan blobs and stale temp files (damage stays reported)",
)
@pass_instance
def fsck(instance: Instance, repair: bool) -> None:
    """Check every version's blob (exists, size, SHA-256) and look for orphans."""
    from tqdm import tqdm

    from dms.documents import fsck as checks

    archive = instance.archive
    with (
        archive.reading() as session,
        tqdm(
            unit="B", unit_scale=True, desc="fsck", file=sys.stderr, disable=None
        ) as bar,
    ):
        report = checks.check_archive(session, archive.storage, progress=bar.update)
    with archive.transaction() as session:
        checks.record_findings(session, report)
    if repair and report.leftovers:
        _repair(archive, report)
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


def _repair(archive, report) -> None:
    """Remove the leftovers while no upload can be writing (the storage's write
    lease held alone); while uploads run, nothing is removed."""
    from dms.documents import fsck as checks
    from dms.storage import StorageBusy

    exclusive = hasattr(archive.storage, "write_lease")
    try:
        with archive.exclusive_storage(), archive.transaction() as session:
            checks.repair(session, archive.storage, report, exclusive=exclusive)
    except StorageBusy:
        report.repaired.append("nothing removed: uploads are in progress; run it again")


COMMANDS: list[click.Command] = [import_, fsck]
