"""`dms exemption`: the expiry job by hand, listing, opening, penetapan."""

from __future__ import annotations

from pathlib import Path

import click

from dms.classification.exemptions import OPENING_AUTHORITIES
from dms.cli.context import Fail, Instance, pass_instance


@click.group()
def exemption() -> None:
    """Consequence tests and the exemptions they create (DOMAIN.md §3)."""


@exemption.command("expire")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this date (default: today in DMS_TIMEZONE)",
)
@pass_instance
def expire(instance: Instance, today) -> None:
    """Flag exemptions ending within 30 working days; open the ended ones."""
    from dms.classification.exemptions import expire_exemptions

    report = expire_exemptions(instance.archive, today.date() if today else None)
    click.echo(
        f"dms: {len(report.warned)} exemption(s) flagged as ending soon, "
        f"{len(report.opened)} document(s) opened"
        + (f" ({', '.join(map(str, report.opened))})" if report.opened else "")
    )


@exemption.command("list")
@click.option("--state", default=None, help="proposed, recorded, approved, ...")
@click.option("--org", "org_slug", default=None)
@pass_instance
def list_(instance: Instance, state: str | None, org_slug: str | None) -> None:
    """Every consequence test, newest first: id, number, state, exemption, title."""
    from dms.accounts.roles import SYSTEM
    from dms.classification.exemptions import list_tests

    with instance.archive.reading() as session:
        for test in list_tests(session, actor=SYSTEM, state=state, org=org_slug):
            ends = test.expires_on.isoformat() if test.expires_on else "-"
            click.echo(
                f"{test.id}\t{test.number or '-'}\t{test.state}\t"
                f"{test.exemption_status or '-'}\t{ends}\t{test.document.title}"
            )


@exemption.command("open")
@click.argument("test_id", type=int)
@click.option("--authority", required=True, type=click.Choice(OPENING_AUTHORITIES))
@click.option("--reference", required=True, help="The decision's number")
@click.option("--decided-on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--note", default="")
@pass_instance
def open_(
    instance: Instance,
    test_id: int,
    authority: str,
    reference: str,
    decided_on,
    note: str,
):
    """Open an exempt document by a Komisi Informasi or court decision."""
    from dms.accounts.roles import SYSTEM
    from dms.classification.exemptions import open_by_decision

    with instance.archive.transaction() as session:
        test = open_by_decision(
            session,
            actor=SYSTEM,
            test_id=test_id,
            authority=authority,
            reference=reference,
            decided_on=decided_on.date(),
            note=note,
        )
        document_id = test.document_id
    click.echo(f"dms: document {document_id} opened ({reference})")


@exemption.command("penetapan")
@click.argument("test_id", type=int)
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path))
@pass_instance
def penetapan(instance: Instance, test_id: int, output: Path) -> None:
    """Write the penetapan of an approved test as a PDF."""
    from dms.accounts.roles import SYSTEM
    from dms.classification.exemptions import get_test
    from dms.classification.penetapan import penetapan_pdf

    archive = instance.archive
    with archive.reading() as session:
        test = get_test(session, actor=SYSTEM, test_id=test_id)
        pdf = penetapan_pdf(test, timezone=archive.settings.timezone)
    try:
        output.write_bytes(pdf.getvalue())
    except OSError as exc:
        raise Fail(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"dms: wrote {output}")


COMMANDS: list[click.Command] = [exemption]
