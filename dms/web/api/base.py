"""The parent of the JSON API: the `api` blueprint under /api/v1 and what every
area's views share (token authentication, body limits, the NUL check, JSON
input helpers). The areas hang their views on it, or on child blueprints
registered under it (dms.web.api.__init__)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, request
from werkzeug.routing import IntegerConverter

from dms.archive import Archive
from dms.db import utcnow
from dms.documents import accounts
from dms.documents.models import User
from dms.errors import BadInput, Unauthenticated, ValidationError
from dms.settings import Settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Ids and numbers are 32-bit integers in the database.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
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


def current_archive() -> Archive:
    return current_app.extensions["dms"]


# --- body limits and the NUL check, once for every area ---------------------------


def body_limit(limit: Callable[[Settings], int | None]):
    """Let a view take a larger body than a small JSON object: `limit(settings)`
    bytes, or the app's upload limit when it gives None. Put it right under the
    route decorator, so it marks the function the route serves."""

    def mark(view):
        view.dms_body_limit = limit
        return view

    return mark


@bp.before_request
def _guard_request():
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "dms_body_limit", None)
    request.max_content_length = (
        limit(current_archive().settings) if limit else MAX_JSON_BYTES
    )
    if any("\x00" in value for value in request.args.values()):
        raise BadInput("Parameter tidak boleh berisi karakter NUL.")


# --- token authentication -----------------------------------------------------------


def current_actor(session) -> User | None:
    """The user of the bearer token; None for an anonymous citizen."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Gunakan header 'Authorization: Bearer <token>'.")
    record = accounts.token_in_use(session, token.strip())
    g.dms_token_id = record.id
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


# --- input ---------------------------------------------------------------------------


def int_arg(args, name: str, minimum: int, maximum: int) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"'{name}' harus berupa bilangan bulat.", name) from None
    if not minimum <= value <= maximum:
        raise ValidationError(f"'{name}' harus antara {minimum} dan {maximum}.", name)
    return value


def required_file():
    upload = request.files.get("file")
    if upload is None:
        raise BadInput("Lampirkan berkas pada kolom 'file' (multipart/form-data).")
    return upload


def bool_field(form, name: str) -> bool | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes", "ya"):
        return True
    if raw.lower() in ("false", "0", "no", "tidak"):
        return False
    raise ValidationError(f"'{name}' harus true atau false.", name)


def json_object() -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise BadInput("Kirim isi permintaan sebagai objek JSON.")
    return body


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
