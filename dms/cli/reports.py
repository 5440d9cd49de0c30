"""`dms report`: the annual report, the request statistics and the semester
summary (registered on the dms group by dms.cli)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dms.cli.context import Fail, Instance, pass_instance

OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
YEAR = click.option("--year", type=int, required=True, help="The report's year.")


@click.group("report")
def report() -> None:
    """Annual report, request statistics and the semester summary."""


@report.command("annual")
@YEAR
@click.option(
    "--format", "fmt", type=click.Choice(("pdf", "xlsx", "json")), default="json"
)
@OUTPUT
@pass_instance
def annual(instance: Instance, year: int, fmt: str, output: Path | None) -> None:
    """Write the annual report (laporan layanan informasi publik) of a year."""
    from dms.accounts.roles import SYSTEM
    from dms.monitoring import report_files
    from dms.monitoring.annual import annual_report
    from dms.workdays import working_calendar

    archive = instance.archive
    with archive.reading() as session:
        built = annual_report(
            session,
            working_calendar(session, archive.settings),
            actor=SYSTEM,
            year=year,
            today=archive.settings.local_today(),
        )
    if fmt == "json":
        data = _json_bytes(built.as_json())
    else:
        data = (
            report_files.annual_pdf(built)
            if fmt == "pdf"
            else report_files.annual_xlsx(built)
        )
    _write(data, output, fmt, built.title)


@report.command("requests")
@YEAR
@click.option("--semester", type=click.IntRange(1, 2), default=None)
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "json", "xlsx")), default="csv"
)
@OUTPUT
@pass_instance
def requests(
    instance: Instance, year: int, semester: int | None, fmt: str, output: Path | None
) -> None:
    """Write the monthly request statistics of a year or semester."""
    from dms.monitoring import report_files
    from dms.monitoring.requests_stats import request_statistics
    from dms.workdays import working_calendar

    archive = instance.archive
    with archive.reading() as session:
        stats = request_statistics(
            session,
            working_calendar(session, archive.settings),
            year=year,
            semester=semester,
            today=archive.settings.local_today(),
        )
    if fmt == "json":
        data = _json_bytes(stats.as_json())
    elif fmt == "csv":
        data = report_files.statistics_csv(stats)
    else:
        data = report_files.statistics_xlsx(stats)
    _write(data, output, fmt, stats.title)


@report.command("summary")
@YEAR
@click.option("--semester", type=click.IntRange(1, 2), required=True)
@pass_instance
def summary(instance: Instance, year: int, semester: int) -> None:
    """Publish the semester's ringkasan akses informasi now (once only)."""
    from dms.monitoring.summary import publish_summary

    result = publish_summary(instance.archive, year=year, semester=semester)
    verb = "diterbitkan" if result.created else "sudah ada"
    click.echo(f"dms: {result.title}: {verb} (dokumen {result.document_id})")


def _json_bytes(body: dict) -> bytes:
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode()


def _write(data: bytes, output: Path | None, fmt: str, title: str) -> None:
    if output is None and fmt in ("pdf", "xlsx"):
        raise Fail(f"sebutkan --output FILE untuk format {fmt}")
    target = str(output) if output is not None else "-"
    try:
        # Atomic: a failure leaves no half-written file; "-" is standard output.
        with click.open_file(target, "wb", atomic=target != "-") as out:
            out.write(data)
    except OSError as exc:
        raise Fail(f"tidak dapat menulis {output}: {exc.strerror or exc}") from exc
    if target != "-":
        click.echo(f"dms: {title} -> {output}")


COMMANDS: list[click.Command] = [report]
