"""What the page rooms share for their forms: the refusal a form shows next to
its field, the domain errors a form shows instead of an error page, the options
of a select, and the signed-in officer."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from dms import errors
from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.web.errors import STATUS

FORM_ERRORS = (
    errors.Forbidden,
    errors.InvalidTransition,
    errors.Conflict,
    errors.ValidationError,
    errors.BadInput,
    errors.FileTooLarge,
    errors.UnsupportedFileType,
)
# Fields a service names that appear on the form under another name.
FIELD_ALIASES = {"period": "period_kind"}


@dataclass(frozen=True)
class FormError:
    """A refusal to show on the form `form`, next to `field` when it names one."""

    form: str
    message: str
    field: str | None
    status: int

    @classmethod
    def of(cls, form: str, exc: errors.DomainError, field: str | None = None):
        status = next(s for kind, s in STATUS.items() if isinstance(exc, kind))
        named = getattr(exc, "field", None) or field
        return cls(form, exc.message, FIELD_ALIASES.get(named, named), status)


def options(codes, labels) -> list[tuple[str, str]]:
    """(value, label) pairs for a select, radios or checkboxes."""
    return [(code, labels[code]) for code in codes]


def organisation_options(organisations) -> list[tuple[str, str]]:
    """Organisations for a select, indented by their depth in the tree."""
    return [
        (org.slug, "\u2014 " * accounts.organisation_depth(org) + org.name)
        for org in organisations
    ]


def signed_in_user(session) -> User:
    """The officer of the page session, in `session`."""
    return session.get(User, current_user.id)
