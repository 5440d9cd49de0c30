"""`dms requests ...` (registered on the dms group by dms.cli): the operator's view
of requests for information — list with flags, masked export, reminders now."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dms.cli.context import Fail, Instance, pass_instance

FLAGS = ("overdue", "due_soon")


@click.group("requests")
def requests_group() -> None:
    """Requests for information (permohonan): list, export, remind."""


@requests_group.command("list")
@click.option("--flag", type=click.Choice(FLAGS), help="Only overdue or due soon.")
@click.option("--year", type=int, help="Registration year.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@pass_instance
def list_requests(
    instance: Instance, flag: str | None, year: int | None, as_json: bool
) -> None:
    """Every request with its state, deadline and flags (no personal data)."""
    from dms.accounts.roles import SYSTEM
    from dms.requests import workflow
    from dms.workdays import working_calendar

    archive = instance.archive
    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        today = archive.settings.local_today()
        found = workflow.list_requests(
            session,
            actor=SYSTEM,
            calendar=days,
            today=today,
            filters=workflow.RequestFilter(flag=flag, year=year),
            limit=100_000,
        )
        for request in found:
            flags = sorted(workflow.flags(request, days, today))
            row = {
                "number": request.number,
                "state": request.state,
                "received_on": days.received_on(request.received_at).isoformat(),
                "due_on": request.effective_due_on.isoformat(),
                "outcome": request.outcome,
                "flags": flags,
                "subject": request.subject,
            }
            if as_json:
                click.echo(json.dumps(row, ensure_ascii=False))
            else:
                click.echo(
                    f"{row['number']}  {row['state']:<9}  due {row['due_on']}  "
                    f"{','.join(flags) or '-':<9}  {row['subject']}"
                )
    if not as_json:
        click.echo(f"dms: {len(found)} permohonan")


@requests_group.command("export")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The CSV file to write ('-' for standard output).",
)
@click.option("--year", type=int, help="Registration year.")
@pass_instance
def export(instance: Instance, output: Path, year: int | None) -> None:
    """Write every request as CSV with personal data masked."""
    from dms.accounts.roles import SYSTEM
    from dms.requests import workflow
    from dms.requests.exports import masked_csv
    from dms.workdays import working_calendar

    archive = instance.archive
    with archive.reading() as session:
        found = workflow.list_requests(
            session,
            actor=SYSTEM,
            calendar=working_calendar(session, archive.settings),
            today=archive.settings.local_today(),
            filters=workflow.RequestFilter(year=year),
            limit=1_000_000,
        )
        body = masked_csv(found, archive.settings.timezone)
    try:
        with click.open_file(str(output), "w", atomic=True, encoding="utf-8") as out:
            out.write(body)
    except OSError as exc:
        raise Fail(f"tidak dapat menulis {output}: {exc.strerror or exc}") from exc
    if str(output) != "-":
        click.echo(f"dms: {len(found)} permohonan -> {output}")


@requests_group.command("remind")
@pass_instance
def remind(instance: Instance) -> None:
    """Email the officers of requests due soon or overdue now (once a day)."""
    from dms.requests.workflow import remind_requests

    report = remind_requests(instance.archive)
    click.echo(f"dms: {len(report.reminded)} permohonan diingatkan")
    for number in report.reminded:
        click.echo(f"  {number}")
    click.echo(f"dms: {len(report.objections)} keberatan diingatkan")
    for number in report.objections:
        click.echo(f"  {number}")


@click.group("objections")
def objections_group() -> None:
    """Objections (keberatan): import a past register."""


COMMANDS: list[click.Command] = [requests_group, objections_group]
