"""`dms dip import`, `dms requests import`, `dms objections import` and their
`template`s: a body's existing DIP and past registers into dms."""

from __future__ import annotations

from pathlib import Path

import click

from dms.cli.context import Fail, Instance, pass_instance
from dms.cli.registers import dip
from dms.cli.requests import objections_group, requests_group

template_output = click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The .xlsx file to write ('-' for standard output).",
)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option(
    "--files",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The folder holding the files the 'berkas' column names.",
)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@pass_instance
def import_dip(
    instance: Instance, file: Path, org_slug: str, files: Path | None, dry_run: bool
) -> None:
    """Import a DIP spreadsheet (.xlsx or .csv): all rows, or none."""
    from dms.onboarding.dip import import_dip as run

    result = run(
        instance.archive, file, org_slug=org_slug, files=files, dry_run=dry_run
    )
    _refuse_on_problems(result)
    with_files = sum(1 for row in result.rows if row.file is not None)
    if dry_run:
        click.echo(
            f"dms: uji coba: {len(result.rows)} baris siap diimpor "
            f"({with_files} dengan berkas); tidak ada yang ditulis"
        )
        for row in result.rows:
            click.echo(f"  baris {row.number}: {row.values['judul']}")
        return
    click.echo(
        f"dms: {len(result.created)} informasi diimpor ke {org_slug} "
        f"({with_files} dengan berkas; tanpa berkas sebagai draf)"
    )


@click.command("template")
@template_output
def template(output: Path) -> None:
    """Write the DIP import template (XLSX: the columns and one example row)."""
    from dms.onboarding.dip import template_xlsx

    _write_bytes(output, template_xlsx())


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@pass_instance
def import_requests(instance: Instance, file: Path, dry_run: bool) -> None:
    """Import a past request register (.xlsx or .csv): all rows, or none."""
    from dms.onboarding.requests import import_requests as run

    result = run(instance.archive, file, dry_run=dry_run)
    _report_register(result, dry_run, "permohonan")


@click.command("template")
@template_output
def requests_template(output: Path) -> None:
    """Write the request register import template (XLSX)."""
    from dms.onboarding.requests import template_xlsx

    _write_bytes(output, template_xlsx())


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@pass_instance
def import_objections(instance: Instance, file: Path, dry_run: bool) -> None:
    """Import a past objection register (.xlsx or .csv): all rows, or none."""
    from dms.onboarding.objections import import_objections as run

    result = run(instance.archive, file, dry_run=dry_run)
    _report_register(result, dry_run, "keberatan")


@click.command("template")
@template_output
def objections_template(output: Path) -> None:
    """Write the objection register import template (XLSX)."""
    from dms.onboarding.objections import template_xlsx

    _write_bytes(output, template_xlsx())


def _report_register(result, dry_run: bool, noun: str) -> None:
    """A register import's outcome: exit 1 with every problem, or what it did."""
    _refuse_on_problems(result)
    if dry_run:
        click.echo(
            f"dms: uji coba: {len(result.rows)} {noun} siap diimpor; "
            "tidak ada yang ditulis"
        )
        return
    click.echo(
        f"dms: {len(result.numbers)} {noun} diimpor "
        f"({result.numbers[0]} .. {result.numbers[-1]})"
    )


def _refuse_on_problems(result) -> None:
    """Every row's problem by number on stderr; with any, nothing was imported."""
    for number, message in result.problems:
        click.echo(f"baris {number}: {message}", err=True)
    if not result.ok:
        raise Fail(
            f"{len(result.problems)} masalah; tidak ada yang diimpor "
            "(perbaiki lalu ulangi)"
        )


def _write_bytes(output: Path, data: bytes) -> None:
    try:
        with click.open_file(str(output), "wb", atomic=True) as out:
            out.write(data)
    except OSError as exc:
        raise Fail(f"tidak dapat menulis {output}: {exc.strerror or exc}") from exc


dip.add_command(import_dip)
dip.add_command(template)
requests_group.add_command(import_requests)
requests_group.add_command(requests_template)
objections_group.add_command(import_objections)
objections_group.add_command(objections_template)
COMMANDS: list[click.Command] = []
