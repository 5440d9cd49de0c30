"""The `dms` command (API.md): exit 0 on success; otherwise one line on stderr.

One module per area registers its commands here; each command gets the Archive
through click's context (dms.cli.context.pass_instance)."""

from __future__ import annotations

import click

from dms.cli import (
    accounts,
    backup,
    calendar,
    check,
    documents,
    exemptions,
    instance,
    mail,
    onboarding,
    registers,
    reports,
    requests,
    search,
)
from dms.cli.context import DmsGroup, Fail, Instance

__all__ = ["Fail", "main"]


@click.group(cls=DmsGroup)
@click.version_option(package_name="dms")
@click.pass_context
def main(ctx: click.Context) -> None:
    """dms: the archive of public information (UU 14/2008)."""
    ctx.ensure_object(Instance)


def _register(*areas) -> None:
    for area in areas:
        for command in area.COMMANDS:
            main.add_command(command)


_register(
    instance,
    accounts,
    documents,
    search,
    calendar,
    exemptions,
    mail,
    onboarding,
    registers,
    reports,
    requests,
    backup,
    check,
)
