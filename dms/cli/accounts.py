"""`dms org`, `dms user` and `dms token`: organisations, users and API tokens."""

from __future__ import annotations

import json
import sys

import click

from dms.accounts.roles import ROLES
from dms.cli.context import Instance, pass_instance


@click.group("org")
def org() -> None:
    """Organisations (PPID Utama and Pelaksana)."""


@org.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--parent", "parent_slug", default=None, help="Slug of the parent")
@click.option("--utama", is_flag=True, help="This is the PPID Utama")
@pass_instance
def org_add(
    instance: Instance, slug: str, name: str, parent_slug: str | None, utama: bool
) -> None:
    """Add an organisation."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    with instance.archive.transaction() as session:
        accounts.add_organisation(
            session,
            actor=SYSTEM,
            slug=slug,
            name=name,
            parent_slug=parent_slug,
            is_utama=utama,
        )
    click.echo(f"dms: organisation {slug} added")


@click.group("user")
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "org_slug", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin")
@click.option("--name", "display_name", default="")
@click.option("--email", default="")
@click.option("--nip", default="", help="The official's NIP (18 digits)")
@click.option("--position", default="", help="The official's position (jabatan)")
@pass_instance
def user_add(
    instance: Instance,
    username,
    role,
    org_slug,
    password_stdin,
    display_name,
    email,
    nip,
    position,
) -> None:
    """Add a user (without --password-stdin the user signs in with API tokens only)."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with instance.archive.transaction() as session:
        accounts.add_user(
            session,
            actor=SYSTEM,
            username=username,
            role=role,
            org_slug=org_slug,
            password=password,
            hash_method=instance.archive.settings.password_hash,
            display_name=display_name,
            email=email,
            nip=nip,
            position=position,
        )
    click.echo(f"dms: user {username} added as {role}")


@user.command("official")
@click.argument("username")
@click.option("--nip", default="", help="18 digits; empty clears it")
@click.option("--position", default="", help="The position (jabatan)")
@pass_instance
def user_official(instance: Instance, username: str, nip: str, position: str) -> None:
    """Set the NIP and position an official signs a penetapan with."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    with instance.archive.transaction() as session:
        accounts.set_official(
            session, actor=SYSTEM, username=username, nip=nip, position=position
        )
    click.echo(f"dms: user {username} signs as {position or '-'} (NIP {nip or '-'})")


@click.group("token")
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--label", default="cli")
@pass_instance
def token_create(instance: Instance, username: str, label: str) -> None:
    """Print a new API token for that user (shown once; only its hash is kept).
    It works for DMS_TOKEN_DAYS days (90 unless configured)."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    archive = instance.archive
    with archive.transaction() as session:
        value = accounts.create_token(
            session,
            actor=SYSTEM,
            username=username,
            days=archive.settings.token_days,
            label=label,
        )
    click.echo(value)


@token.command("list")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per token")
@pass_instance
def token_list(instance: Instance, username: str, as_json: bool) -> None:
    """A user's tokens, newest first: id, state, dates and label (never the
    token itself)."""
    from dms.accounts import service as accounts
    from dms.db import utcnow

    now = utcnow()
    with instance.archive.reading() as session:
        records = accounts.list_tokens(session, username)
        rows = [
            {
                "id": r.id,
                "state": accounts.token_state(r, now),
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "expires_at": r.expires_at.isoformat(timespec="seconds"),
                "last_used_at": _iso(r.last_used_at),
                "revoked_at": _iso(r.revoked_at),
                "label": r.label,
            }
            for r in records
        ]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"dms: {username} has no API tokens")
        return
    click.echo("ID\tSTATE\tCREATED\tEXPIRES\tLAST USED\tLABEL")
    for row in rows:
        click.echo(
            f"{row['id']}\t{row['state']}\t{row['created_at']}\t{row['expires_at']}"
            f"\t{row['last_used_at'] or '-'}\t{row['label']}"
        )


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1, max=2**31 - 1))
@pass_instance
def token_revoke(instance: Instance, token_id: int) -> None:
    """Revoke one API token by its id (from dms token list); it stops working at
    once. Revoking a revoked token changes nothing."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    with instance.archive.transaction() as session:
        record = accounts.revoke_token(session, actor=SYSTEM, token_id=token_id)
        owner = record.user.username
    click.echo(f"dms: token {token_id} of {owner} revoked")


COMMANDS: list[click.Command] = [org, user, token]
