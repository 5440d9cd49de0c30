"""`dms mail`: the outbox and its delivery (registered on the dms group by dms.cli)."""

from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

import click

from dms.cli.context import Fail, Instance, pass_instance


@click.group("mail")
def mail_group() -> None:
    """Email notifications: the outbox and its delivery (smtp_url)."""


@mail_group.command("list")
@click.option("--unsent", is_flag=True, help="Only messages not sent (yet)")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@pass_instance
def list_mail(instance: Instance, unsent: bool, limit: int, as_json: bool) -> None:
    """Print the outbox, newest first: recipient, subject, created, sent or not."""
    from dms import mail

    archive = instance.archive
    with archive.reading() as session:
        messages = mail.list_messages(session, unsent_only=unsent, limit=limit)
        zone = ZoneInfo(archive.settings.timezone)
    if as_json:
        click.echo(_as_json(messages))
        return
    for message in messages:
        _print_message(message, zone)
    click.echo(f"dms: {len(messages)} message(s) listed")


def _as_json(messages) -> str:
    import json

    from dms import mail

    def when(value):
        return value.isoformat() if value is not None else None

    items = [
        {
            "id": m.id,
            "recipient": m.recipient,
            "subject": m.subject,
            "topic": m.topic,
            "status": mail.status_of(m),
            "created_at": when(m.created_at),
            "sent_at": when(m.sent_at),
            "attempts": m.attempts,
            "last_error": m.last_error,
            "next_attempt_at": when(m.next_attempt_at),
        }
        for m in messages
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)


def _print_message(message, zone: ZoneInfo) -> None:
    from dms import mail

    click.echo(
        f"{message.id:>6}  {_local(message.created_at, zone)}  "
        f"{message.recipient}  {message.subject}"
    )
    click.echo(f"        {_state(message, zone)}")
    if message.last_error and mail.status_of(message) != mail.SENT:
        click.echo(f"        error: {message.last_error}")


def _state(message, zone: ZoneInfo) -> str:
    from dms import mail

    status = mail.status_of(message)
    if status == mail.SENT:
        return f"sent {_local(message.sent_at, zone)}"
    if status == mail.GAVE_UP:
        return f"gave up after {message.attempts} attempts"
    if message.attempts:
        following = _local(message.next_attempt_at, zone)
        return f"{message.attempts} failed attempt(s), next try {following}"
    return "waiting to be sent"


def _local(value, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


@mail_group.command("send")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Messages sent at most in this run",
)
@pass_instance
def send_mail(instance: Instance, limit: int) -> None:
    """Deliver the due messages now (the worker does this every minute)."""
    from dms import mail

    archive = instance.archive
    if not archive.settings.smtp_url:
        raise Fail("smtp_url is not set (DMS_SMTP_URL): messages stay in the outbox")
    report = mail.deliver_pending(archive, limit=limit)
    for message_id, recipient, error in report.failures:
        click.echo(f"failed: {message_id} to {recipient}: {error}", err=True)
    click.echo(f"dms: {report.sent} sent, {report.failed} failed")
    if report.failed:
        sys.exit(1)


COMMANDS = [mail_group]
