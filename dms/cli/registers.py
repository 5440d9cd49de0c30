"""`dms dip` and `dms dik` (registered on the dms group by dms.cli)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from dms.cli.context import Fail, Instance, pass_instance

# dms.classification.exports.FORMATS and JSON; that module loads slowly (reportlab),
# so it is imported only when a register is written.
JSON = "json"
CHOICES = ("xlsx", "pdf", JSON)


def _options(command, output_required: bool = True):
    command = click.option(
        "--output",
        "-o",
        required=output_required,
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help="The file to write ('-' for standard output).",
    )(command)
    command = click.option(
        "--format",
        "fmt",
        type=click.Choice(CHOICES),
        help="xlsx, pdf or json (default: from the output file's extension).",
    )(command)
    return click.option(
        "--org", "org_slug", help="One organisation's register (default: all)."
    )(command)


@click.group("dip", invoke_without_command=True)
@functools.partial(_options, output_required=False)
@click.pass_context
def dip(
    ctx: click.Context, org_slug: str | None, fmt: str | None, output: Path | None
) -> None:
    """Write the DIP (Daftar Informasi Publik) as XLSX, PDF or JSON; or import
    one (dms dip import, dms dip template)."""
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        raise click.UsageError("Missing option '--output' / '-o'.")
    _write(ctx.ensure_object(Instance), "dip", org_slug, fmt, output)


@click.command("dik")
@_options
@pass_instance
def dik(
    instance: Instance, org_slug: str | None, fmt: str | None, output: Path
) -> None:
    """Write the DIK (Daftar Informasi yang Dikecualikan) as XLSX, PDF or JSON."""
    _write(instance, "dik", org_slug, fmt, output)


def _write(
    instance: Instance,
    kind: str,
    org_slug: str | None,
    fmt: str | None,
    output: Path,
) -> None:
    from dms.classification import exports, registers

    fmt = fmt or _format_of(output)
    builder = registers.dip_register if kind == "dip" else registers.dik_register
    archive = instance.archive
    with archive.reading() as session:
        register = builder(
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )
    if fmt == JSON:
        body = json.dumps(registers.register_json(register), ensure_ascii=False)
        data = (body + "\n").encode()
    else:
        data = exports.export(register, fmt)
    try:
        # Atomic: a failure leaves no half-written file; "-" is standard output.
        with click.open_file(str(output), "wb", atomic=True) as out:
            out.write(data)
    except OSError as exc:
        raise Fail(f"tidak dapat menulis {output}: {exc.strerror or exc}") from exc
    if str(output) != "-":
        click.echo(f"dms: {register.title}: {len(register.rows)} entri -> {output}")


def _format_of(output: Path) -> str:
    extension = output.suffix.lower().lstrip(".")
    if extension not in CHOICES:
        choices = "|".join(CHOICES)
        raise Fail(f"sebutkan --format {choices}: '{output.name}' tidak dikenali")
    return extension


COMMANDS: list[click.Command] = [dip, dik]
