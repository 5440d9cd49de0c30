"""The parent of the JSON API: the `api` blueprint under /api/v1 and what every
area's views share (the bearer-token check before any input, token_free for the
views that skip it, the JSON body limit, the NUL check, JSON input helpers).
The areas hang their views on it, or on child blueprints registered under it
(dms.web.api.__init__)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, get_origin

from flask import Blueprint, current_app, g, request
from pydantic import ValidationError as PydanticError
from pydantic_core import ErrorDetails
from werkzeug.routing import IntegerConverter

from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.db import utcnow
from dms.errors import BadInput, DomainError, Unauthenticated, ValidationError
from dms.settings import Settings
from dms.web import body_limit, current_archive, refuse_nul
from dms.web.api.schemas import MAX_ID, Input


class ApiBlueprint(Blueprint):
    """A blueprint that remembers its routes (rule, endpoint, methods, view),
    so /openapi.json can describe each from its view's `describe` metadata
    without an app (dms.web.api.openapi)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.routes: list[tuple[str, str, tuple[str, ...], Callable]] = []

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        super().add_url_rule(rule, endpoint, view_func, **options)
        methods = tuple(options.get("methods") or ("GET",))
        self.routes.append((rule, endpoint or view_func.__name__, methods, view_func))


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")

# Bodies of everything but the upload endpoints are small JSON objects.
MAX_JSON_BYTES = 64 * 1024
# No request body of ours nests deeper than a few levels; 64 KiB of "[" would
# otherwise exhaust Python's recursion limit in the parser or in later code.
MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """A positive 32-bit id. A larger one becomes 0, which no row has: the view
    answers 404 like for an absent id. (Refusing the match instead made werkzeug
    answer 405 for every method but GET, from the other rules of the path.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if 0 < number <= MAX_ID else 0


# --- body limits and token authentication, once for every area ------------------------

# Every area's views take a small JSON object unless marked otherwise with
# body_limit (dms.web, which applies the limit to every request).
body_limit(lambda settings: MAX_JSON_BYTES)(bp)
# The parent checks the NUL characters itself, after the token (below).
bp.dms_checks_input = True


def token_free(view):
    """Let a view of the API be called without a valid token, even with a bad
    one (the login that issues tokens, the OpenAPI document). Put it right under
    the route decorator, so it marks the function the route serves."""
    view.dms_token_free = True
    return view


@bp.before_request
def _authenticate():
    """A bearer token, when sent, is checked before anything else: a bad,
    expired or revoked one is 401 on every route that is not token_free, before
    any input is read. No token is an anonymous caller; views that need one
    say 401 themselves (authenticated_user_id)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.headers.get("Authorization") and not getattr(
        view, "dms_token_free", False
    ):
        with current_archive().reading() as session:
            current_actor(session)
    refuse_nul()


_UNCHECKED = object()


def current_actor(session) -> User | None:
    """The user of the bearer token; None for an anonymous citizen."""
    # Checked once per request (by _authenticate); kept on the request, not
    # on g, which a test's app context can carry from one request to the next.
    checked = request.environ.get("dms.actor_id", _UNCHECKED)
    if checked is not _UNCHECKED:
        return session.get(User, checked) if checked is not None else None
    header = request.headers.get("Authorization", "")
    if not header:
        request.environ["dms.actor_id"] = None
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Gunakan header 'Authorization: Bearer <token>'.")
    record = accounts.token_in_use(session, token.strip())
    g.dms_token_id = record.id
    request.environ["dms.actor_id"] = record.user_id
    if accounts.token_use_unnoted(record, utcnow()):
        g.dms_token_unnoted = record.id  # noted once the response is out
    return record.user


@bp.after_request
def _note_token_use(response):
    """Record when the request's token was last used (to the hour), after a
    successful answer, in its own small transaction."""
    token_id = g.pop("dms_token_unnoted", None)
    if token_id is not None and response.status_code < 400:
        with current_archive().transaction() as session:
            accounts.mark_token_used(session, token_id, utcnow())
    return response


def authenticated_user_id() -> int:
    """Check the token before any body is read, in a session that writes nothing."""
    with current_archive().reading() as session:
        actor = current_actor(session)
        if actor is None:
            raise Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
        return actor.id


# --- input: one helper per source, each into a model of dms.web.api.schemas -----------

Model = TypeVar("Model", bound=Input)


def parse_json(model: type[Model], *, optional: bool = False) -> Model:
    """The request's JSON object as `model`. `optional`: no body reads as {}."""
    if optional and not request.content_length:
        return validated(model, {})
    body = json_body()
    if not isinstance(body, dict):
        raise BadInput("Kirim isi permintaan sebagai objek JSON.")
    return validated(model, body)


def parse_query(model: type[Model], args=None) -> Model:
    """The query string (or `args`) as `model`; an empty value is an absent one,
    except in the model's `keeps_empty` fields."""
    args = request.args if args is None else args
    values = {
        name: args.get(name)
        for name in model.model_fields
        if args.get(name) not in (None, "") or name in model.keeps_empty
    }
    return validated(model, {k: v for k, v in values.items() if v is not None})


def parse_form(model: type[Model], form=None, files=None) -> Model:
    """A multipart form (fields and files) as `model`."""
    form = request.form if form is None else form
    files = request.files if files is None else files
    values = {
        name: _form_value(model, form, name)
        for name in model.model_fields
        if name in form and name not in model.file_fields
    }
    values |= {
        name: _form_value(model, files, name)
        for name in model.file_fields
        if name in files
    }
    return validated(model, values)


def _form_value(model: type[Input], source, name: str) -> Any:
    """One value, or every value of a list field (repeated in the form)."""
    if get_origin(model.model_fields[name].annotation) is list:
        return source.getlist(name)
    return source.get(name)


def validated(model: type[Model], values: dict[str, Any]) -> Model:
    """`values` as `model`, or the API's refusal of the first bad field."""
    try:
        return model.model_validate(values)
    except PydanticError as exc:
        raise _refusal(model, exc.errors()[0]) from None


def given(model: Input) -> dict[str, Any]:
    """The fields the client sent (with any extra ones the model allows), as
    sent: what a view hands on to a service that checks them itself."""
    values = {name: getattr(model, name) for name in model.model_fields_set}
    return values | (model.model_extra or {})


def _refusal(model: type[Input], error: ErrorDetails) -> DomainError:
    """The first problem as the API has always said it: the model's message for
    the field, else a generic Indonesian one; its error class."""
    name = ".".join(str(part) for part in error["loc"]) or None
    field = str(error["loc"][0]) if error["loc"] else None
    message = (
        model.messages.get(f"{field}:{error['type']}")
        or model.messages.get(field or "")
        or _message(model, name or "", error)
    )
    kind = model.field_errors.get(field or "", model.error)
    if issubclass(kind, ValidationError):
        return kind(message, field)
    return kind(message)


MESSAGES = {
    "missing": "'{name}' wajib diisi.",
    "int_parsing": "'{name}' harus berupa bilangan bulat.",
    "int_type": "'{name}' harus berupa bilangan bulat.",
    "string_type": "'{name}' harus berupa teks.",
    "bool_parsing": "'{name}' harus true atau false.",
    "bool_type": "'{name}' harus true atau false.",
    "list_type": "'{name}' harus berupa daftar.",
    "string_too_long": "'{name}' paling panjang {max_length} karakter.",
    "literal_error": "'{name}' harus salah satu dari: {expected}.",
    "string_pattern_mismatch": "'{name}' tidak sesuai format.",
}


def _message(model: type[Input], name: str, error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _bounds(model, name)
        return f"'{name}' harus antara {low} dan {high}."
    template = MESSAGES.get(kind, "'{name}' tidak valid.")
    return template.format(name=name, **error.get("ctx", {}))


def _bounds(model: type[Input], name: str) -> tuple[Any, Any]:
    """The range of an integer field, for the message of a value outside it."""
    low = high = None
    for rule in model.model_fields[name].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def json_body() -> Any:
    """The request's JSON; None when absent or not JSON. BadInput when it nests
    deeper than MAX_JSON_DEPTH or holds text that is not valid Unicode (a lone
    surrogate such as "\\ud800", which no database or UTF-8 file can store)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadInput(_TOO_DEEP) from None
    _check_json(body)
    return body


_TOO_DEEP = f"Isi JSON bersarang terlalu dalam (lebih dari {MAX_JSON_DEPTH} tingkat)."


def _check_json(body: Any) -> None:
    pending = [(body, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise BadInput(_TOO_DEEP)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                pending.append((item, depth + 1))


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(
            "Teks memuat karakter yang tidak sah (surrogate Unicode tanpa pasangan)."
        ) from None


def iso_time(value) -> str | None:
    return value.isoformat() if value is not None else None


def upload_limit(settings: Settings) -> None:
    """The body limit of the document uploads: the app's (DMS_MAX_UPLOAD_MB)."""
    return None


__all__ = ["body_limit", "current_archive", "token_free", "upload_limit"]
