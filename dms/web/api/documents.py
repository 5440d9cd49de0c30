"""The documents API: list, search, upload, read, change and publish
documents and their versions (thin views over the document services)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for

from dms.accounts.models import User
from dms.categories import BERKALA, is_exempt
from dms.classification import exemptions, rules
from dms.classification.suggest import suggest_category
from dms.documents import services
from dms.documents.access import can_see, sees_unpublished
from dms.documents.models import Document, DocumentVersion
from dms.documents.services import ListQuery, NewDocument
from dms.errors import ValidationError
from dms.indexing.index import SORTS as SEARCH_SORTS
from dms.indexing.index import SearchQuery
from dms.indexing.search import search_documents
from dms.web.api import responses
from dms.web.api.base import (
    authenticated_user_id,
    body_limit,
    bp,
    current_actor,
    current_archive,
    given,
    iso_time,
    json_body,
    parse_form,
    parse_json,
    parse_query,
    upload_limit,
    validated,
)
from dms.web.api.openapi import RETRY_AFTER, Reply, describe, error
from dms.web.api.schemas import (
    DocumentChanges,
    DocumentQuery,
    NewVersion,
    Publish,
    Reason,
    Upload,
)
from dms.web.downloads import count_public_download, send_version
from dms.web.security import search_slot

DOWNLOAD_HEADERS = {
    name: {"schema": {"type": "string"}}
    for name in ("ETag", "Content-Disposition", "Accept-Ranges", "Content-Range")
}
# A state change of one document, answered with the document.
TRANSITION = {
    "replies": {"200": Reply("The document", responses.Document)},
    "errors": ("401", "403", "404", "409"),
    "bearer": True,
}

# --- documents -----------------------------------------------------------------


@bp.get("/documents")
@describe(
    "List the documents visible to you",
    query=DocumentQuery,
    replies={
        "200": Reply("A page", responses.DocumentList),
        "429": error(
            "429",
            "Too many searches running at once from your address "
            "(search_concurrency_per_address); retry after Retry-After seconds",
            **{"Retry-After": RETRY_AFTER},
        ),
        "503": error(
            "503",
            "Search index not ready, or the search ran past "
            "search_time_limit_seconds and was stopped (code search_timeout); retry "
            "after Retry-After seconds",
            **{"Retry-After": RETRY_AFTER},
        ),
    },
    errors=("400", "422"),
)
def list_documents():
    if request.args.get("q", "").strip():
        return _search_documents()
    query = _list_query(request.args)
    with current_archive().reading() as session:
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
    query = search_query(request.args, current_archive().settings.max_per_page)
    with search_slot(), current_archive().reading() as session:
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
            partial=page.partial,
            unmatched=list(page.unmatched),
        )


def search_query(args, max_per_page: int) -> SearchQuery:
    """The search in a request's arguments (the API and the search page share it)."""
    query = parse_query(DocumentQuery, args)
    sort = query.sort or "relevance"
    if sort not in SEARCH_SORTS:
        raise ValidationError(f"Urutan tidak dikenal: {sort[:32]}.", "sort")
    return SearchQuery(
        text=args.get("q", ""),
        category=query.category,
        org=query.org,
        year=query.year,
        status=query.status,
        page=query.page or 1,
        per_page=min(query.per_page or 20, max_per_page),
        sort=sort,
    )


def _list_query(args) -> ListQuery:
    max_per_page = current_archive().settings.max_per_page
    query = parse_query(DocumentQuery, args)
    sort = query.sort or "newest"
    return ListQuery(
        category=query.category,
        org=query.org,
        year=query.year,
        status=query.status,
        page=query.page or 1,
        per_page=min(query.per_page or 20, max_per_page),
        sort="newest" if sort == "relevance" else sort,
    )


@bp.post("/documents")
@describe(
    "Upload a document with its first version",
    form=Upload,
    body_required=True,
    replies={"201": Reply("Created", responses.Document)},
    errors=("400", "401", "403", "413", "415", "422"),
    bearer=True,
)
@body_limit(upload_limit)
def create_document():
    actor_id = authenticated_user_id()
    form = parse_form(Upload)
    upload = form.file
    fields = NewDocument(
        title=form.title,
        category=form.category,
        org_slug=form.org or None,
        year=form.year or None,
        summary=form.summary,
        info_type=form.info_type,
        dip={
            name: getattr(form, name)
            for name in services.DIP_FIELDS
            if name in form.model_fields_set
        },
        publish=form.publish,
        refresh_months=form.refresh_months or None,
        event_at=form.event_at or None,
    )
    reason = form.propose_exemption.strip()
    archive = current_archive()
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
                "api.consequence_tests.get_test", test_id=test.id
            )
    return jsonify(body), 201, {"Location": body["url"]}


def _suggestion(document: Document) -> dict[str, Any]:
    """The suggested category from the title and information type (the text is
    extracted later: GET /documents/{id}/suggestion uses it)."""
    from dms.web.api.suggestions import suggestion_json

    return suggestion_json(suggest_category(document.title, document.info_type))


@bp.get("/documents/<id:document_id>")
@describe(
    "A document and its versions",
    replies={"200": Reply("The document", responses.Document)},
    errors=("404",),
)
def get_document(document_id: int):
    with current_archive().reading() as session:
        actor = current_actor(session)
        document = services.get_document(session, actor=actor, document_id=document_id)
        return jsonify(document_json(document, actor))


@bp.patch("/documents/<id:document_id>")
@describe(
    "Change metadata (not an exemption)",
    body=DocumentChanges,
    replies={"200": Reply("The document", responses.Document)},
    errors=("400", "401", "403", "404", "409", "422"),
    bearer=True,
)
def update_document(document_id: int):
    actor_id = authenticated_user_id()
    changes = given(parse_json(DocumentChanges))
    with current_archive().transaction() as session:
        actor = session.get(User, actor_id)
        document = services.update_metadata(
            session, actor=actor, document_id=document_id, changes=changes
        )
        return jsonify(document_json(document, actor))


@bp.post("/documents/<id:document_id>/versions")
@describe(
    "Add a version",
    form=NewVersion,
    body_required=True,
    replies={"201": Reply("The version", responses.Version)},
    errors=("400", "401", "403", "404", "413", "415"),
    bearer=True,
)
@body_limit(upload_limit)
def add_version(document_id: int):
    actor_id = authenticated_user_id()
    form = parse_form(NewVersion)
    upload = form.file
    archive = current_archive()
    with archive.transaction() as session:
        version = services.add_version(
            session,
            archive.storage,
            actor=session.get(User, actor_id),
            document_id=document_id,
            fileobj=upload.stream,
            filename=upload.filename or "",
            note=form.note,
            max_size=archive.settings.max_upload_bytes,
        )
        body = version_json(version)
    return jsonify(body), 201


@bp.get("/documents/<id:document_id>/versions")
@describe(
    "The versions of a document",
    replies={"200": Reply("Versions", responses.VersionList)},
    errors=("404",),
)
def list_versions(document_id: int):
    with current_archive().reading() as session:
        actor = current_actor(session)
        document = services.get_document(session, actor=actor, document_id=document_id)
        versions = services.visible_versions(actor, document)
        return jsonify(items=[version_json(v) for v in versions])


@bp.route("/documents/<id:document_id>/download", methods=["GET", "HEAD"])
@bp.route(
    "/documents/<id:document_id>/versions/<id:number>/download",
    methods=["GET", "HEAD"],
)
@describe(
    "The bytes of the current version, or of version n",
    description="Streams the bytes. ETag is the quoted SHA-256; honours Range "
    "(single range, 206/416), If-None-Match (304), If-Range and HEAD.",
    replies={
        "200": Reply(
            "The bytes", media=("application/octet-stream",), headers=DOWNLOAD_HEADERS
        ),
        "206": Reply("The requested range", media=(), headers=DOWNLOAD_HEADERS),
        "304": Reply("Not modified", media=()),
    },
    errors=("404", "416", "503"),
    headers=("Range",),
)
def download(document_id: int, number: int | None = None):
    archive = current_archive()
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
@describe(
    "Publish the newest version (or approve a newer one and the text changes waiting)",
    description='Optional JSON {"version": n}: the version the approver reviewed; '
    "409 when a newer one has arrived since.",
    body=Publish,
    replies={"200": Reply("The document", responses.Document)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def publish(document_id: int):
    """Optional JSON {"version": n}: the version the approver reviewed."""
    actor_id = authenticated_user_id()
    body = json_body() if request.content_length else None
    # Anything but a JSON object is no version, as it always was.
    version = validated(Publish, body if isinstance(body, dict) else {}).version
    return _transition(
        document_id,
        actor_id,
        lambda session, actor: services.publish(
            session, actor=actor, document_id=document_id, version=version
        ),
    )


def _transition(document_id: int, actor_id: int, apply):
    with current_archive().transaction() as session:
        actor = session.get(User, actor_id)
        return jsonify(document_json(apply(session, actor), actor))


def _simple_transition(name: str, summary: str, service):
    @describe(summary, **TRANSITION)
    def view(document_id: int):
        actor_id = authenticated_user_id()
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
@describe(
    "Drop the changes to a published document's text that wait for approval",
    **TRANSITION,
)
def discard_pending_changes(document_id: int):
    """Decline (PPID Utama) or take back (the OPD) the changes waiting."""
    actor_id = authenticated_user_id()
    with current_archive().transaction() as session:
        actor = session.get(User, actor_id)
        document = services.discard_pending_changes(
            session, actor=actor, document_id=document_id
        )
        return jsonify(document_json(document, actor))


_simple_transition("submit", "Send a draft for approval", services.submit)
_simple_transition("withdraw", "Withdraw from public view", services.withdraw)


def _reason() -> str:
    """The optional JSON {"reason": "..."}; no body (as always) is no reason."""
    body = json_body() if request.content_length else None
    return validated(Reason, body if isinstance(body, dict) else {}).reason


@bp.post("/documents/<id:document_id>/return", endpoint="return")
@describe(
    "Send a pending document back to draft",
    description='Optional JSON {"reason": "..."}: kept in the audit and emailed to '
    "the organisation's PPID Pelaksana.",
    body=Reason,
    replies={"200": Reply("The document", responses.Document)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def return_(document_id: int):
    actor_id = authenticated_user_id()
    reason = _reason()
    return _transition(
        document_id,
        actor_id,
        lambda session, actor: services.return_to_draft(
            session, actor=actor, document_id=document_id, reason=reason
        ),
    )


@bp.post("/documents/<id:document_id>/decline-version")
@describe(
    "Decline the new version(s) waiting on a published document",
    description='PPID Utama. Optional JSON {"reason": "..."}. The waiting versions '
    "are removed, the public keeps the published version, the organisation's "
    "PPID Pelaksana is emailed; 409 when no new version waits.",
    body=Reason,
    replies={"200": Reply("The document", responses.Document)},
    errors=("401", "403", "404", "409", "422"),
    bearer=True,
)
def decline_version(document_id: int):
    actor_id = authenticated_user_id()
    reason = _reason()
    return _transition(
        document_id,
        actor_id,
        lambda session, actor: services.decline_new_version(
            session, actor=actor, document_id=document_id, reason=reason
        ),
    )


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
        "event_at": iso_time(document.event_at),
        "pinned": document.pinned,
        # A redacted public version; which exempt original it stands for is
        # shown only to those who may see that original.
        "redacted": document.redacted_from_id is not None,
        "created_at": iso_time(document.created_at),
        "updated_at": iso_time(document.updated_at),
        "published_at": iso_time(document.published_at),
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
        "at": iso_time(document.pending_changes_at),
    }


def _refresh(document: Document) -> dict[str, Any]:
    """Berkala: the day the published version falls due, and whether it is past."""
    if document.category != BERKALA:
        return {}
    settings = current_archive().settings
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
        "created_at": iso_time(version.created_at),
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
