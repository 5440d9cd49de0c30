"""The JSON API under /api/v1: thin views over the document services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, request, url_for
from werkzeug.routing import IntegerConverter

from dms.classification import exemptions, rules
from dms.classification.categories import BERKALA, is_exempt
from dms.classification.suggest import suggest_category
from dms.db import utcnow
from dms.documents import accounts, services
from dms.documents.access import can_see, sees_unpublished
from dms.documents.models import Document, DocumentVersion, User
from dms.documents.services import ListQuery, NewDocument
from dms.errors import BadInput, Unauthenticated, ValidationError
from dms.indexing.index import SORTS as SEARCH_SORTS
from dms.indexing.index import SearchQuery
from dms.indexing.search import search_documents
from dms.web.auth import login_limit
from dms.web.downloads import count_public_download, send_version
from dms.web.openapi import openapi_document
from dms.web.security import search_slot

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Ids and numbers are 32-bit integers in the database.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
# Bodies of everything but the two upload endpoints are small JSON objects.
MAX_JSON_BYTES = 64 * 1024
# No request body of ours nests deeper than a few levels; 64 KiB of "[" would
# otherwise exhaust Python's recursion limit in the parser or in later code.
MAX_JSON_DEPTH = 32
UPLOAD_ENDPOINTS = {"api.create_document", "api.add_version"}


class IdConverter(IntegerConverter):
    """A positive 32-bit id. A larger one becomes 0, which no row has: the view
    answers 404 like for an absent id. (Refusing the match instead made werkzeug
    answer 405 for every method but GET, from the other rules of the path.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if 0 < number <= MAX_ID else 0


def _archive():
    return current_app.extensions["dms"]


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


def _note_token_use(response):
    """Record when the request's token was last used (to the hour), after a
    successful answer, in its own small transaction."""
    token_id = g.pop("dms_token_unnoted", None)
    if token_id is not None and response.status_code < 400:
        with _archive().transaction() as session:
            accounts.mark_token_used(session, token_id, utcnow())
    return response


def _authenticated_user_id() -> int:
    """Check the token before any body is read, in a session that writes nothing."""
    with _archive().reading() as session:
        actor = current_actor(session)
        if actor is None:
            raise Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
        return actor.id


@bp.before_request
def _limit_body_size():
    if request.endpoint not in UPLOAD_ENDPOINTS:
        request.max_content_length = MAX_JSON_BYTES
    if any("\x00" in value for value in request.args.values()):
        raise BadInput("Parameter tidak boleh berisi karakter NUL.")


# --- documents -----------------------------------------------------------------


@bp.get("/documents")
def list_documents():
    if request.args.get("q", "").strip():
        return _search_documents()
    query = _list_query(request.args)
    with _archive().reading() as session:
        actor = current_actor(session)
        page = services.list_documents(session, actor=actor, query=query)
        return jsonify(
            items=[document_json(d, actor, with_versions=False) for d in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            facets=page.facets,
        )


def _search_documents():
    query = search_query(request.args, _archive().settings.max_per_page)
    with search_slot(), _archive().reading() as session:
        actor = current_actor(session)
        page = search_documents(
            session, current_app.extensions["dms.search"], actor=actor, query=query
        )
        return jsonify(
            items=[
                {
                    **document_json(found.document, actor, with_versions=False),
                    "score": found.hit.score,
                    "highlights": found.hit.highlights,
                }
                for found in page.items
            ],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            facets=page.facets,
            suggestion=page.suggestion,
        )


def search_query(args, max_per_page: int) -> SearchQuery:
    """The search in a request's arguments (the API and the search page share it)."""
    sort = args.get("sort") or "relevance"
    if sort not in SEARCH_SORTS:
        raise ValidationError(f"Urutan tidak dikenal: {sort[:32]}.", "sort")
    return SearchQuery(
        text=args.get("q", ""),
        category=args.get("category") or None,
        org=args.get("org") or None,
        year=_int_arg(args, "year", 1, 9999),
        status=args.get("status") or None,
        page=_int_arg(args, "page", 1, MAX_PAGE) or 1,
        per_page=min(_int_arg(args, "per_page", 1, MAX_ID) or 20, max_per_page),
        sort=sort,
    )


def _list_query(args) -> ListQuery:
    max_per_page = _archive().settings.max_per_page
    sort = args.get("sort") or "newest"
    return ListQuery(
        category=args.get("category") or None,
        org=args.get("org") or None,
        year=_int_arg(args, "year", 1, 9999),
        status=args.get("status") or None,
        page=_int_arg(args, "page", 1, MAX_PAGE) or 1,
        per_page=min(_int_arg(args, "per_page", 1, MAX_ID) or 20, max_per_page),
        sort="newest" if sort == "relevance" else sort,
    )


def _int_arg(args, name: str, minimum: int, maximum: int) -> int | None:
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


@bp.post("/documents")
def create_document():
    actor_id = _authenticated_user_id()
    upload = _required_file()
    form = request.form
    fields = NewDocument(
        title=form.get("title", ""),
        category=form.get("category", ""),
        org_slug=form.get("org") or None,
        year=form.get("year") or None,
        summary=form.get("summary", ""),
        info_type=form.get("info_type", ""),
        dip={name: form[name] for name in services.DIP_FIELDS if name in form},
        publish=_bool_field(form, "publish"),
        refresh_months=form.get("refresh_months") or None,
        event_at=form.get("event_at") or None,
    )
    reason = form.get("propose_exemption", "").strip()
    archive = _archive()
    with archive.transaction() as session:
        actor = session.get(User, actor_id)
        document, test = exemptions.upload_document(
            session,
            archive.storage,
            actor=actor,
            fileobj=upload.stream,
            filename=upload.filename or "",
            fields=fields,
            max_size=archive.settings.max_upload_bytes,
            propose_exemption=reason,
        )
        body = document_json(document, actor)
        # What the uploader should know (an encrypted PDF); "" when nothing.
        body["warning"] = document.versions[-1].upload_warning
        body["suggestion"] = _suggestion(document)
        if test is not None:
            body["consequence_test"] = url_for(
                "exemptions_api.get_test", test_id=test.id
            )
    return jsonify(body), 201, {"Location": body["url"]}


def _suggestion(document: Document) -> dict[str, Any]:
    """The suggested category from the title and information type (the text is
    extracted later: GET /documents/{id}/suggestion uses it)."""
    from dms.web.suggestions import suggestion_json

    return suggestion_json(suggest_category(document.title, document.info_type))


def _required_file():
    upload = request.files.get("file")
    if upload is None:
        raise BadInput("Lampirkan berkas pada kolom 'file' (multipart/form-data).")
    return upload


def _bool_field(form, name: str) -> bool | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes", "ya"):
        return True
    if raw.lower() in ("false", "0", "no", "tidak"):
        return False
    raise ValidationError(f"'{name}' harus true atau false.", name)


def _json_object() -> dict[str, Any]:
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


@bp.get("/documents/<id:document_id>")
def get_document(document_id: int):
    with _archive().reading() as session:
        actor = current_actor(session)
        document = services.get_document(session, actor=actor, document_id=document_id)
        return jsonify(document_json(document, actor))


@bp.patch("/documents/<id:document_id>")
def update_document(document_id: int):
    actor_id = _authenticated_user_id()
    changes = _json_object()
    with _archive().transaction() as session:
        actor = session.get(User, actor_id)
        document = services.update_metadata(
            session, actor=actor, document_id=document_id, changes=changes
        )
        return jsonify(document_json(document, actor))


@bp.post("/documents/<id:document_id>/versions")
def add_version(document_id: int):
    actor_id = _authenticated_user_id()
    upload = _required_file()
    archive = _archive()
    with archive.transaction() as session:
        version = services.add_version(
            session,
            archive.storage,
            actor=session.get(User, actor_id),
            document_id=document_id,
            fileobj=upload.stream,
            filename=upload.filename or "",
            note=request.form.get("note", ""),
            max_size=archive.settings.max_upload_bytes,
        )
        body = version_json(version)
    return jsonify(body), 201


@bp.get("/documents/<id:document_id>/versions")
def list_versions(document_id: int):
    with _archive().reading() as session:
        actor = current_actor(session)
        document = services.get_document(session, actor=actor, document_id=document_id)
        versions = services.visible_versions(actor, document)
        return jsonify(items=[version_json(v) for v in versions])


@bp.route("/documents/<id:document_id>/download", methods=["GET", "HEAD"])
@bp.route(
    "/documents/<id:document_id>/versions/<id:number>/download",
    methods=["GET", "HEAD"],
)
def download(document_id: int, number: int | None = None):
    archive = _archive()
    with archive.reading() as session:
        actor = current_actor(session)
        found = services.open_version(
            session,
            archive.storage,
            actor=actor,
            document_id=document_id,
            number=number,
        )
    if is_exempt(found.document.category) and request.method == "GET":
        # Exempt reads are audited; public ones are only counted (below).
        with archive.transaction() as session:
            services.record_exempt_access(session, actor=actor, download=found)
    response = send_version(found)
    count_public_download(archive, found, response)
    return response


@bp.post("/documents/<id:document_id>/publish")
def publish(document_id: int):
    """Optional JSON {"version": n}: the version the approver reviewed."""
    actor_id = _authenticated_user_id()
    body = json_body() if request.content_length else None
    version = (body or {}).get("version") if isinstance(body, dict) else None
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, int)
    ):
        raise ValidationError("'version' harus berupa nomor versi.", "version")
    return _transition(
        document_id,
        actor_id,
        lambda session, actor: services.publish(
            session, actor=actor, document_id=document_id, version=version
        ),
    )


def _transition(document_id: int, actor_id: int, apply):
    with _archive().transaction() as session:
        actor = session.get(User, actor_id)
        return jsonify(document_json(apply(session, actor), actor))


def _simple_transition(name: str, service):
    def view(document_id: int):
        actor_id = _authenticated_user_id()
        return _transition(
            document_id,
            actor_id,
            lambda session, actor: service(
                session, actor=actor, document_id=document_id
            ),
        )

    view.__name__ = name.replace("-", "_")
    bp.post(f"/documents/<id:document_id>/{name}")(view)


@bp.delete("/documents/<id:document_id>/pending-changes")
def discard_pending_changes(document_id: int):
    """Decline (PPID Utama) or take back (the OPD) the changes waiting."""
    actor_id = _authenticated_user_id()
    with _archive().transaction() as session:
        actor = session.get(User, actor_id)
        document = services.discard_pending_changes(
            session, actor=actor, document_id=document_id
        )
        return jsonify(document_json(document, actor))


_simple_transition("submit", services.submit)
_simple_transition("withdraw", services.withdraw)
_simple_transition("return", services.return_to_draft)


# --- authentication and description --------------------------------------------


@bp.post("/auth/token")
@login_limit()
def issue_token():
    credentials = _json_object()
    username, password = credentials.get("username"), credentials.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BadInput("Kirim 'username' dan 'password' sebagai teks.")
    archive = _archive()
    user_id = accounts.log_in(archive, username, password)
    with archive.transaction() as session:
        user = session.get(User, user_id)
        token = accounts.create_token(
            session,
            actor=user,
            username=user.username,
            days=archive.settings.token_days,
            label="api login",
        )
        record = accounts.token_in_use(session, token)
        return jsonify(
            token=token,
            username=user.username,
            role=user.role,
            expires_at=_time(record.expires_at),
        ), 201


@bp.delete("/auth/token")
def revoke_token():
    """Revoke the token this request carries (log out of the API)."""
    actor_id, token_id = _authenticated_token()
    with _archive().transaction() as session:
        actor = session.get(User, actor_id)
        accounts.revoke_token(session, actor=actor, token_id=token_id)
    g.pop("dms_token_unnoted", None)
    return "", 204


@bp.get("/auth/tokens")
def list_tokens():
    """The caller's own tokens, newest first (never the tokens themselves)."""
    _actor_id, token_id = _authenticated_token()
    now = utcnow()
    with _archive().reading() as session:
        actor = current_actor(session)
        records = accounts.list_tokens(session, actor.username)
        return jsonify(
            tokens=[token_json(r, now, current=r.id == token_id) for r in records]
        )


def _authenticated_token() -> tuple[int, int]:
    """The ids of the caller and of the token they call with."""
    return _authenticated_user_id(), g.dms_token_id


def token_json(record, now, *, current: bool = False) -> dict[str, Any]:
    return {
        "id": record.id,
        "label": record.label,
        "state": accounts.token_state(record, now),
        "current": current,
        "created_at": _time(record.created_at),
        "expires_at": _time(record.expires_at),
        "last_used_at": _time(record.last_used_at),
        "revoked_at": _time(record.revoked_at),
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# --- serialisation ---------------------------------------------------------------


def document_json(
    document: Document, actor: User | None, with_versions: bool = True
) -> dict[str, Any]:
    """The document as `actor` may see it: unapproved versions only for its staff."""
    body = {
        "id": document.id,
        "title": document.title,
        "summary": document.summary,
        "category": document.category,
        "org": {"slug": document.organisation.slug, "name": document.organisation.name},
        "year": document.year,
        "info_type": document.info_type,
        "status": document.status,
        "dip": {name: getattr(document, name) for name in services.DIP_FIELDS},
        "refresh_months": document.refresh_months,
        **_refresh(document),
        "event_at": _time(document.event_at),
        "pinned": document.pinned,
        # A redacted public version; which exempt original it stands for is
        # shown only to those who may see that original.
        "redacted": document.redacted_from_id is not None,
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "published_at": _time(document.published_at),
        "current_version": services.newest_visible_version(actor, document),
        "published_version": document.published_version,
        "url": url_for("api.get_document", document_id=document.id),
        "download_url": url_for("api.download", document_id=document.id),
    }
    original = document.redacted_from
    if original is not None and can_see(actor, original):
        body["redacted_from"] = original.id
    if sees_unpublished(actor, document):
        indexed = document.indexed_revision == document.index_revision
        body["indexing"] = {"status": "indexed" if indexed else "pending"}
        body["pending_changes"] = _pending_changes(document)
    if with_versions:
        versions = services.visible_versions(actor, document)
        body["versions"] = [version_json(v) for v in versions]
    return body


def _pending_changes(document: Document) -> dict[str, Any] | None:
    """Changes to the public text waiting for the PPID Utama (staff only)."""
    if not document.pending_changes:
        return None
    by = document.pending_changes_by
    return {
        "fields": document.pending_changes,
        "by": by.username if by else None,
        "at": _time(document.pending_changes_at),
    }


def _refresh(document: Document) -> dict[str, Any]:
    """Berkala: the day the published version falls due, and whether it is past."""
    if document.category != BERKALA:
        return {}
    settings = _archive().settings
    due = rules.refresh_due(document, settings.timezone)
    return {
        "refresh_due": due.isoformat() if due else None,
        "stale": rules.is_stale(document, settings.local_today(), settings.timezone),
    }


def version_json(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "filename": version.filename,
        "size": version.size,
        "content_type": version.content_type,
        "sha256": version.blob_sha256,
        "created_at": _time(version.created_at),
        "note": version.note,
        # The stored bytes are missing or fail their SHA-256: the download refuses.
        "damaged": version.damaged,
        # Said to the uploader (an encrypted PDF...); "" when none.
        "warning": version.upload_warning,
        "text": {
            "status": version.text_status,
            "pages": version.text_pages,
            "pages_done": version.text_pages_done,
            "characters": version.text_characters,
            "extractors": [e for e in version.text_extractors.split(",") if e],
            "seconds": version.text_seconds,
            "reason": version.text_reason,
        },
        "download_url": url_for(
            "api.download", document_id=version.document_id, number=version.number
        ),
    }


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(bp)
    app.after_request(_note_token_use)
