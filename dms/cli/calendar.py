"""`dms calendar`: the working-day calendar (registered on the dms group by dms.cli)."""

from __future__ import annotations

import click

from dms.cli.context import Instance, pass_instance
from dms.workdays import DAY_KINDS, OTHER

YEAR = click.IntRange(1970, 2100)


@click.group("calendar")
def calendar_group() -> None:
    """The working-day calendar: national holidays and cuti bersama."""


@calendar_group.command("seed")
@click.option(
    "--year",
    "years",
    type=YEAR,
    multiple=True,
    help="Year to seed from the holidays package (repeatable; default: this year)",
)
@click.option(
    "--merge",
    is_flag=True,
    help="For a year already seeded: add the package's new days (a newer holidays "
    "release, a new SKB); recorded days and the admin's edits are not changed",
)
@pass_instance
def seed(instance: Instance, years: tuple[int, ...], merge: bool) -> None:
    """Write the years' holidays from the holidays package (admin edits are kept)."""
    from dms import workdays as calendar
    from dms.accounts.roles import SYSTEM

    archive = instance.archive
    with archive.transaction() as session:
        for year in years or (_this_year(archive.settings),):
            if merge:
                click.echo(_merged(calendar.merge_year(session, year, actor=SYSTEM)))
                continue
            if calendar.is_seeded(session, year):
                hint = (
                    "; paket holidays punya hari baru: tambahkan dengan --merge"
                    if calendar.missing_package_days(session, year)
                    else ""
                )
                click.echo(
                    f"{year}: sudah diisi sebelumnya; tidak ada yang diubah{hint}"
                )
                continue
            written = calendar.seed_year(session, year, actor=SYSTEM)
            click.echo(f"{year}: {written} hari libur dicatat")


def _merged(result) -> str:
    from dms.workdays import format_dates

    added = f" ({format_dates(result.added)})" if result.added else ""
    line = f"{result.year}: {len(result.added)} hari libur baru dari paket{added}"
    if result.admin_kept:
        line += f"; {len(result.admin_kept)} suntingan admin tidak diubah"
    if result.not_in_package:
        line += (
            f"; {len(result.not_in_package)} hari isian lama tidak ada lagi di paket "
            f"({format_dates(result.not_in_package)}), dibiarkan: periksa dan "
            "hapus dengan 'dms calendar remove' bila perlu"
        )
    return line


# How `dms calendar list` names where a day came from.
ORIGIN_LABELS = {
    "package": "paket",
    "admin": "admin",
    "admin_override": "admin>paket",
}


@calendar_group.command("list")
@click.option("--year", type=YEAR, default=None, help="Default: this year")
@pass_instance
def list_days(instance: Instance, year: int | None) -> None:
    """Print the year's recorded weekdays, whether each is a working day and where
    it came from (paket: the holidays package; admin: the admin's own day;
    admin>paket: the admin's change of a package day)."""
    from dms import workdays as calendar

    archive = instance.archive
    with archive.reading() as session:
        settings = archive.settings
        year = year or _this_year(settings)
        entries = calendar.list_days(
            session, year, cuti_bersama_day_off=settings.cuti_bersama_day_off
        )
        seeded = calendar.is_seeded(session, year)
        warnings = calendar.stale_warnings(session, [year])
    click.echo(
        f"{'tanggal':<10} {'hari':<6} {'status':<10} {'jenis':<12} {'sumber':<11} nama"
    )
    for entry in entries:
        status = "hari kerja" if entry.working_day else "libur"
        click.echo(
            f"{entry.day.isoformat()} {calendar.WEEKDAY_NAMES[entry.day.weekday()]:<6} "
            f"{status:<10} {entry.kind:<12} {ORIGIN_LABELS[entry.origin]:<11} "
            f"{entry.name}"
        )
    origin = "database" if seeded else "paket holidays (belum diisi ke database)"
    cuti = "libur" if settings.cuti_bersama_day_off else "hari kerja"
    click.echo(
        f"dms: {year}: {len(entries)} tanggal dari {origin}; cuti bersama {cuti}"
    )
    for warning in warnings:
        click.echo(f"dms: peringatan: {warning}", err=True)


@calendar_group.command("set")
@click.argument("day")
@click.option("--name", required=True, help="Name of the day off")
@click.option("--kind", type=click.Choice(DAY_KINDS), default=OTHER, show_default=True)
@click.option(
    "--working",
    is_flag=True,
    help="Record the date as a working day (e.g. a cancelled cuti bersama)",
)
@pass_instance
def set_day(instance: Instance, day: str, name: str, kind: str, working: bool) -> None:
    """Record DAY (YYYY-MM-DD, a weekday) as a day off, or as a working day."""
    from dms import workdays as calendar
    from dms.accounts.roles import SYSTEM

    when = calendar.parse_day(day)
    with instance.archive.transaction() as session:
        calendar.set_day(
            session, actor=SYSTEM, day=when, name=name, kind=kind, day_off=not working
        )
    status = "hari kerja" if working else "libur"
    click.echo(f"dms: {when.isoformat()} dicatat sebagai {status} ({kind}): {name}")


@calendar_group.command("remove")
@click.argument("day")
@pass_instance
def remove_day(instance: Instance, day: str) -> None:
    """Make DAY a working day again (a seeded holiday stays as a correction)."""
    from dms import workdays as calendar
    from dms.accounts.roles import SYSTEM

    when = calendar.parse_day(day)
    with instance.archive.transaction() as session:
        calendar.remove_day(session, actor=SYSTEM, day=when)
    click.echo(f"dms: {when.isoformat()} kini hari kerja")


@calendar_group.command("due")
@click.argument("received")
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=10,
    show_default=True,
    help="Working days",
)
@pass_instance
def due(instance: Instance, received: str, days: int) -> None:
    """Print the due date DAYS working days after RECEIVED (a date or ISO time)."""
    from dms import workdays as calendar

    archive = instance.archive
    with archive.reading() as session:
        settings = archive.settings
        when = calendar.parse_received(received, settings.timezone)
        click.echo(
            calendar.working_calendar(session, settings)
            .due_date(when, days)
            .isoformat()
        )


def _this_year(settings) -> int:
    return settings.local_today().year


COMMANDS: list[click.Command] = [calendar_group]
