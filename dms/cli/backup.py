"""`dms backup` and `dms restore`: a whole instance in one file, and back."""

from __future__ import annotations

from pathlib import Path

import click

from dms.cli.context import Fail, Instance, pass_instance


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a new backup to this file (e.g. /var/backups/dms/2026-12-04.tar)",
)
@click.option(
    "--verify",
    "verify",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check an existing backup (database copy, blobs' SHA-256) without "
    "restoring it",
)
@pass_instance
def backup(instance: Instance, output: Path | None, verify: Path | None) -> None:
    """Back up the database, blobs (or an S3 manifest), secret key and settings."""
    from dms.backup import BackupError, create_backup, verify_backup

    if bool(output) == bool(verify):
        raise Fail("give either --output FILE (make a backup) or --verify FILE")
    try:
        if verify:
            _report_verification(verify, *verify_backup(verify))
            return
        summary = create_backup(instance.archive, output)
    except BackupError as exc:
        raise Fail(str(exc)) from exc
    where = "in the backup" if summary.blobs_included else "listed (S3 bucket)"
    click.echo(
        f"dms: backup written to {summary.path} ({summary.database} database, "
        f"{summary.blobs} blob(s) of {summary.blob_bytes} bytes {where})"
    )


def _report_verification(path: Path, manifest: dict, problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise Fail(f"{path}: {len(problems)} problem(s); this backup cannot be trusted")
    click.echo(
        f"dms: {path} is sound: {manifest['database']['kind']} database, "
        f"{len(manifest['blobs'])} blob(s), made {manifest['created_at']} "
        f"by dms {manifest['dms_version']}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_instance
def restore(instance: Instance, file: Path) -> None:
    """Restore a backup into an empty instance, then rebuild the search index."""
    from dms.backup import (
        BackupError,
        check_restorable,
        restore_database,
        restore_files,
    )
    from dms.cli.index import rebuild
    from dms.db import upgrade_schema
    from dms.settings import load_settings

    settings = load_settings()
    try:
        # Verified whole first; the database, last, is the step that commits.
        manifest = check_restorable(settings, file)
        archive = instance.archive
        summary = restore_files(archive, file, manifest)
        restore_database(settings, file)
        archive.engine.dispose()  # no pooled connection to the database replaced
        upgrade_schema(archive.engine)  # a backup made by an older dms
    except BackupError as exc:
        raise Fail(str(exc)) from exc
    for warning in summary.warnings:
        click.echo(f"dms: warning: {warning}", err=True)
    indexed = rebuild(archive)
    click.echo(
        f"dms: restored {file} (made {manifest['created_at']}): "
        f"{summary.blobs_restored} blob(s), {indexed} document(s) indexed"
    )


COMMANDS = (backup, restore)
