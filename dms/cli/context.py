"""What every `dms` command shares: its one-line failures and the Archive it works
on, handed over through click's context (ctx.obj) by `pass_instance`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError

from dms.errors import DomainError
from dms.settings import SettingsError, load_settings
from dms.storage import StorageError

if TYPE_CHECKING:
    from dms.archive import Archive


class Fail(click.ClickException):
    """A one-line failure on stderr, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"dms: {self.message}", err=True)


class Instance:
    """The configured dms instance a command works on (click's ctx.obj).

    Its Archive is opened once, when the command first asks for it (so that a
    command checks its own input first), and closed when the command ends."""

    def __init__(self) -> None:
        self._archive: Archive | None = None

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            from dms.archive import Archive

            self._archive = Archive.open(load_settings())
            click.get_current_context().call_on_close(self.close)
        return self._archive

    def close(self) -> None:
        archive, self._archive = self._archive, None
        if archive is not None:
            archive.close()


pass_instance = click.make_pass_decorator(Instance, ensure=True)
"""Hands the command the Instance of its context as its first argument."""


class DmsGroup(click.Group):
    """Turns usage, domain, configuration and database errors into one-line failures."""

    def make_context(self, *args, **kwargs):
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        try:
            with _one_line_usage_errors():
                return super().invoke(ctx)
        except DomainError as exc:
            raise Fail(exc.message) from exc
        except (SettingsError, StorageError) as exc:
            raise Fail(str(exc)) from exc
        except SQLAlchemyError as exc:
            raise Fail(_database_failure(exc)) from exc


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """A bad option or argument as one `dms: ...` line (exit 2), not click's usage."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        message = " ".join(line.strip() for line in exc.format_message().splitlines())
        failure = Fail(message + hint)
        failure.exit_code = exc.exit_code
        raise failure from exc


def _database_failure(exc: SQLAlchemyError) -> str:
    """The first line of the driver's message, and what to check."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    return (
        f"database error: {detail} "
        "(check DMS_DATABASE_URL; a new database needs 'dms init')"
    )
