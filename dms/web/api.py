"""The JSON API under /api/v1: thin views over the document services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request, url_for

from dms.classification.categories import is_exempt
from dms.documents import accounts, services
from dms.documents.models import Document, DocumentVersion, User
from dms.documents.services import ListQuery, NewDocument
from dms.errors import BadInput, Unauthenticated, ValidationError
from dms.web.downloads import send_version
from dms.web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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
    return accounts.user_for_token(session, token.strip())


# --- documents -----------------------------------------------------------------


@bp.get("/documents")
def list_documents():
    if request.args.get("q"):
        raise BadInput("Pencarian teks (q) belum tersedia; gunakan filter.")
    query = _list_query(request.args)
    with _archive().reading() as session:
        page = services.list_documents(
            session, actor=current_actor(session), query=query
        )
        return jsonify(
            items=[document_json(d, with_versions=False) for d in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            facets=page.facets,
        )


def _list_query(args) -> ListQuery:
    max_per_page = _archive().settings.max_per_page
    sort = args.get("sort") or "newest"
    return ListQuery(
        category=args.get("category") or None,
        org=args.get("org") or None,
        year=_int_arg(args, "year"),
        status=args.get("status") or None,
        page=_int_arg(args, "page", minimum=1) or 1,
        per_page=min(_int_arg(args, "per_page", minimum=1) or 20, max_per_page),
        sort="newest" if sort == "relevance" else sort,
    )


def _int_arg(args, name: str, minimum: int | None = None) -> int | None:
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"'{name}' harus berupa bilangan bulat.", name) from None
    if minimum is not None and value < minimum:
        raise ValidationError(f"'{name}' minimal {minimum}.", name)
    return value


@bp.post("/documents")
def create_document():
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
    )
    archive = _archive()
    with archive.transaction() as session:
        document = services.create_document(
            session,
            archive.storage,
            actor=_required_actor(session),
            fileobj=upload.stream,
            filename=upload.filename or "",
            fields=fields,
            max_size=archive.settings.max_upload_bytes,
        )
        body = document_json(document)
    return jsonify(body), 201, {"Location": body["url"]}


def _required_file():
    upload = request.files.get("file")
    if upload is None:
        raise BadInput("Lampirkan berkas pada kolom 'file' (multipart/form-data).")
    return upload


def _required_actor(session) -> User:
    actor = current_actor(session)
    if actor is None:
        raise Unauthenticated("Masuk terlebih dahulu (token API diperlukan).")
    return actor


def _bool_field(form, name: str) -> bool | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes", "ya"):
        return True
    if raw.lower() in ("false", "0", "no", "tidak"):
        return False
    raise ValidationError(f"'{name}' harus true atau false.", name)


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int):
    with _archive().reading() as session:
        document = services.get_document(
            session, actor=current_actor(session), document_id=document_id
        )
        return jsonify(document_json(document))


@bp.patch("/documents/<int:document_id>")
def update_document(document_id: int):
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        raise BadInput("Kirim perubahan sebagai objek JSON.")
    with _archive().transaction() as session:
        document = services.update_metadata(
            session,
            actor=_required_actor(session),
            document_id=document_id,
            changes=changes,
        )
        return jsonify(document_json(document))


@bp.post("/documents/<int:document_id>/versions")
def add_version(document_id: int):
    upload = _required_file()
    archive = _archive()
    with archive.transaction() as session:
        version = services.add_version(
            session,
            archive.storage,
            actor=_required_actor(session),
            document_id=document_id,
            fileobj=upload.stream,
            filename=upload.filename or "",
            note=request.form.get("note", ""),
            max_size=archive.settings.max_upload_bytes,
        )
        body = version_json(version)
    return jsonify(body), 201


@bp.get("/documents/<int:document_id>/versions")
def list_versions(document_id: int):
    with _archive().reading() as session:
        document = services.get_document(
            session, actor=current_actor(session), document_id=document_id
        )
        return jsonify(items=[version_json(v) for v in document.versions])


@bp.route("/documents/<int:document_id>/download", methods=["GET", "HEAD"])
@bp.route(
    "/documents/<int:document_id>/versions/<int:number>/download",
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
        # Only exempt reads pay for a write; public downloads stay read-only.
        with archive.transaction() as session:
            services.record_exempt_access(session, actor=actor, download=found)
    return send_version(found)


def _transition(name: str):
    def view(document_id: int):
        with _archive().transaction() as session:
            document = getattr(services, name)(
                session, actor=_required_actor(session), document_id=document_id
            )
            return jsonify(document_json(document))

    view.__name__ = name
    bp.post(f"/documents/<int:document_id>/{name}")(view)


for _name in ("submit", "publish", "withdraw"):
    _transition(_name)


# --- authentication and description --------------------------------------------


@bp.post("/auth/token")
def issue_token():
    credentials = request.get_json(silent=True) or {}
    with _archive().transaction() as session:
        user = accounts.authenticate(
            session, credentials.get("username", ""), credentials.get("password", "")
        )
        token = accounts.create_token(
            session, actor=user, username=user.username, label="api login"
        )
    return jsonify(token=token, username=user.username, role=user.role), 201


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# --- serialisation ---------------------------------------------------------------


def document_json(document: Document, with_versions: bool = True) -> dict[str, Any]:
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
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "published_at": _time(document.published_at),
        "current_version": document.current_version,
        "url": url_for("api.get_document", document_id=document.id),
        "download_url": url_for("api.download", document_id=document.id),
    }
    if with_versions:
        body["versions"] = [version_json(v) for v in document.versions]
    return body


def version_json(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "filename": version.filename,
        "size": version.size,
        "content_type": version.content_type,
        "sha256": version.blob_sha256,
        "created_at": _time(version.created_at),
        "note": version.note,
        "download_url": url_for(
            "api.download", document_id=version.document_id, number=version.number
        ),
    }


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
