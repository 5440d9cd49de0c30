"""dms calendar commands (registered on the dms group by dms.cli)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
