"""Document services: upload, versions, metadata, transitions, downloads, listings.

Plain functions over a session and a storage; the caller owns the transaction
(dms.archive.Archive.transaction) so a failure leaves no row and no blob behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation, User
from dms.accounts.roles import PPID_UTAMA
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.blobs import release_blob
from dms.categories import (
    BERKALA,
    CATEGORIES,
    DEFAULT_REFRESH_MONTHS,
    MAX_REFRESH_MONTHS,
    SERTA_MERTA,
    is_exempt,
    publishes_at_once,
)
from dms.db import utcnow
from dms.documents import notify
from dms.documents.access import (
    get_changeable,
    get_visible,
    may_upload_to,
    sees_unpublished,
    visible_clause,
)
from dms.documents.consequence_tests import OPEN_TEST_STATES, ConsequenceTest
from dms.documents.models import (
    DIP_FORMS,
    DRAFT,
    PENDING,
    PUBLISHED,
    STATUSES,
    WITHDRAWN,
    Document,
    DocumentVersion,
    VersionText,
)
from dms.documents.uploads import store_file
from dms.errors import (
    Conflict,
    DamagedVersion,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from dms.storage import Storage

EDITABLE_FIELDS = (
    "title",
    "summary",
    "category",
    "year",
    "info_type",
    "refresh_months",
    "event_at",
    "pinned",
    "dip_unit",
    "dip_responsible",
    "dip_production_time",
    "dip_production_place",
    "dip_form",
    "dip_retention",
)
MAX_FILENAME = 255
# DOMAIN.md §3: only an approved consequence test makes a document exempt.
EXEMPT_AT_UPLOAD = (
    "Dokumen tidak dapat diunggah langsung sebagai dikecualikan: unggah dengan "
    "kategori lain sebagai draf (tidak terbit) dan usulkan pengecualian; hanya uji "
    "konsekuensi yang disetujui atasan PPID yang menjadikannya dikecualikan."
)
# DOMAIN.md §3: a proposal keeps the document closed until its test is decided.
AWAITING_TEST = (
    "Dokumen ini diusulkan untuk dikecualikan dan uji konsekuensinya belum "
    "diputuskan atasan PPID: dokumen tidak dapat diajukan, diterbitkan, diberi "
    "versi publik baru, atau diubah kategorinya sampai uji itu diputuskan "
    "(bila ditolak, dokumen kembali ke alur biasa)."
)


@dataclass
class NewDocument:
    """What an officer fills in when uploading a document."""

    title: str
    category: str
    org_slug: str | None = None
    year: int | None = None
    summary: str = ""
    info_type: str = ""
    dip: dict[str, str] = field(default_factory=dict)
    publish: bool | None = None
    # Berkala: months within which a new version is due (default 6).
    refresh_months: int | str | None = None
    # Serta merta: when the event happened (ISO 8601 with its time zone).
    event_at: datetime | str | None = None


def create_document(
    session: Session,
    storage: Storage,
    *,
    actor: User,
    fileobj: BinaryIO,
    filename: str,
    fields: NewDocument,
    max_size: int,
) -> Document:
    """Create a document with its first version; publish it if asked and allowed."""
    organisation = _upload_target(session, actor, fields.org_slug)
    values = _validated(
        {
            "title": fields.title,
            "category": fields.category,
            "year": fields.year,
            "summary": fields.summary,
            "info_type": fields.info_type,
            "refresh_months": fields.refresh_months,
            "event_at": fields.event_at,
            **fields.dip,
        }
    )
    if is_exempt(values["category"]):
        raise ValidationError(EXEMPT_AT_UPLOAD, "category")
    stored = store_file(session, storage, fileobj, max_size=max_size)
    document = Document(
        organisation=organisation,
        created_by_id=actor.id,
        status=DRAFT,
        current_version=0,
        **values,
    )
    _apply_category_rules(document, set(values))
    session.add(document)
    _append_version(session, document, stored, actor, filename, note="")
    audit.record(session, actor, "document.create", document, after=snapshot(document))
    if _wants_publication(fields):
        _publish_or_submit(session, actor, document)
    return document


def _wants_publication(fields: NewDocument) -> bool:
    if fields.publish is None:
        return publishes_at_once(fields.category)
    return fields.publish


def _publish_or_submit(session: Session, actor: User, document: Document) -> None:
    if _may_publish(actor, document):
        _transition(session, actor, document, PUBLISHED)
    else:
        _transition(session, actor, document, PENDING)


def _upload_target(session: Session, actor: User, org_slug: str | None) -> Organisation:
    if org_slug and not SLUG_PATTERN.match(org_slug):
        raise ValidationError(f"Organisasi '{org_slug[:64]}' tidak dikenal.", "org")
    if org_slug:
        organisation = find_organisation(session, org_slug)
        if organisation is None:
            raise ValidationError(f"Organisasi '{org_slug}' tidak dikenal.", "org")
    else:
        organisation = actor.organisation
        if organisation is None:
            raise ValidationError("Sebutkan organisasi pemilik dokumen (org).", "org")
    if not may_upload_to(actor, organisation.id):
        raise Forbidden("Anda hanya dapat mengunggah untuk organisasi Anda sendiri.")
    return organisation


def add_version(
    session: Session,
    storage: Storage,
    *,
    actor: User,
    document_id: int,
    fileobj: BinaryIO,
    filename: str,
    note: str = "",
    max_size: int,
) -> DocumentVersion:
    """Add a new version; it becomes the document's current version. On a published
    document it reaches the public at once only if the actor may publish it;
    otherwise it waits for the PPID Utama while the approved one stays public."""
    document = get_changeable(session, actor, document_id)
    _check_not_awaiting_test(document)
    return append_version(
        session,
        storage,
        actor=actor,
        document=document,
        fileobj=fileobj,
        filename=filename,
        note=note,
        max_size=max_size,
    )


def append_version(
    session: Session,
    storage: Storage,
    *,
    actor: User,
    document: Document,
    fileobj: BinaryIO,
    filename: str,
    note: str,
    max_size: int,
) -> DocumentVersion:
    """Add a version to a document the caller has already checked and locked."""
    stored = store_file(session, storage, fileobj, max_size=max_size)
    version = _append_version(session, document, stored, actor, filename, note)
    document.updated_at = utcnow()
    if (
        document.status == PUBLISHED
        and _may_publish(actor, document)
        and not awaiting_exemption_test(session, document.id)
    ):
        document.published_version = version.number
    audit.record(
        session,
        actor,
        "version.create",
        document,
        after={"version": version.number, "sha256": version.blob_sha256},
    )
    return version


def _append_version(
    session, document, stored, actor, filename, note
) -> DocumentVersion:
    number = document.current_version + 1
    version = DocumentVersion(
        document=document,
        number=number,
        blob_sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        filename=clean_filename(filename),
        note=(note or "").strip(),
        uploaded_by_id=actor.id,
        upload_warning=stored.warning,
    )
    session.add(version)
    document.current_version = number
    return version


def clean_filename(filename: str) -> str:
    """The base name of a client's file name, without path or control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_FILENAME - len(ext) - 1 if dot and len(ext) < 16 else MAX_FILENAME
        name = name[:keep] + (f".{ext}" if dot and len(ext) < 16 else "")
    return name or "dokumen"


def update_metadata(
    session: Session, *, actor: User, document_id: int, changes: dict[str, Any]
) -> Document:
    """Change a document's metadata; an exemption cannot be set or lifted here.

    On a published document, an officer who may not publish it (a Pelaksana,
    except for serta merta) only proposes the change: it waits for the PPID
    Utama like a new version does, and the public keeps the approved text."""
    document = get_changeable(session, actor, document_id)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"Kolom tidak dapat diubah: {', '.join(unknown)}.")
    values = _validated(changes, partial=True)
    if "category" in values and values["category"] != document.category:
        _check_not_awaiting_test(document)
        _check_no_undecided_exemption(session, document)
        _check_category_change(actor, document, values["category"])
    if document.status == PUBLISHED and not _may_publish(actor, document):
        _propose_changes(session, actor, document, values)
        return document
    before = snapshot(document)
    for name, value in values.items():
        setattr(document, name, value)
    _drop_pending(document, set(values))
    if "category" in values:
        _apply_category_rules(document, set(values))
    document.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "document.update",
        document,
        before=before,
        after=snapshot(document),
    )
    return document


def _propose_changes(
    session: Session, actor: User, document: Document, values: dict[str, Any]
) -> None:
    """Keep the changes beside the approved text, merged with those already
    waiting; a change back to the approved value withdraws that change."""
    waiting = dict(document.pending_changes or {})
    for name, value in values.items():
        if value == getattr(document, name):
            waiting.pop(name, None)
        else:
            waiting[name] = value.isoformat() if isinstance(value, datetime) else value
    before = dict(document.pending_changes or {})
    document.pending_changes = waiting or None
    document.pending_changes_by_id = actor.id if waiting else None
    document.pending_changes_at = utcnow() if waiting else None
    if waiting != before:
        audit.record(
            session,
            actor,
            "document.propose_update",
            document,
            before=before,
            after=waiting,
        )


def _drop_pending(document: Document, names: set[str]) -> None:
    """Fields set by someone who may publish no longer wait for approval."""
    if not document.pending_changes:
        return
    waiting = {k: v for k, v in document.pending_changes.items() if k not in names}
    if waiting:
        document.pending_changes = waiting
    else:
        _clear_pending(document)


def _clear_pending(document: Document) -> None:
    """Nothing waits for approval any more: the changes, who asked and when."""
    document.pending_changes = None
    document.pending_changes_by_id = document.pending_changes_at = None


def _apply_pending_changes(session: Session, actor: User, document: Document) -> None:
    """The PPID Utama approves the waiting changes: they become public now."""
    values = _validated(dict(document.pending_changes or {}), partial=True)
    before = snapshot(document)
    for name, value in values.items():
        setattr(document, name, value)
    _clear_pending(document)
    document.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "document.approve_update",
        document,
        before=before,
        after=snapshot(document),
    )


def discard_pending_changes(
    session: Session, *, actor: User, document_id: int
) -> Document:
    """Drop the changes waiting for approval: the PPID Utama declines them, or
    their organisation's officer takes them back."""
    document = get_changeable(session, actor, document_id)
    if not document.pending_changes:
        raise InvalidTransition("Tidak ada perubahan yang menunggu persetujuan.")
    before = dict(document.pending_changes)
    _clear_pending(document)
    audit.record(
        session, actor, "document.discard_update", document, before=before, after={}
    )
    return document


def _check_not_awaiting_test(document: Document) -> None:
    """A redacted public version not approved yet moves only with its consequence
    test: the atasan PPID approves exactly what the PPID Utama uploaded."""
    if document.redacted_from_id is not None and document.published_version == 0:
        raise InvalidTransition(
            "Versi publik ini hanya dapat diubah atau diterbitkan melalui uji "
            "konsekuensinya."
        )


def awaiting_exemption_test(session: Session, document_id: int) -> bool:
    """Whether an exemption of the document is proposed or recorded and not yet
    decided by the atasan PPID."""
    return bool(awaiting_exemption_tests(session, [document_id]))


def awaiting_exemption_tests(session: Session, document_ids) -> set[int]:
    """Which of these documents await the decision of an exemption test, in one
    query (a list page asks for all its rows at once)."""
    ids = list(document_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ConsequenceTest.document_id).where(
                ConsequenceTest.document_id.in_(ids),
                ConsequenceTest.state.in_(OPEN_TEST_STATES),
            )
        )
    )


def _check_no_undecided_exemption(session: Session, document: Document) -> None:
    if awaiting_exemption_test(session, document.id):
        raise InvalidTransition(AWAITING_TEST)


def _apply_category_rules(document: Document, given: set[str]) -> None:
    """What a category brings with it (DOMAIN.md §2): a berkala document gets the
    default refresh period, a serta merta announcement is pinned on the portal
    (unless the officer said otherwise in the same change)."""
    if document.category == BERKALA and document.refresh_months is None:
        document.refresh_months = DEFAULT_REFRESH_MONTHS
    if document.category == SERTA_MERTA and "pinned" not in given:
        document.pinned = True


def _check_category_change(actor, document: Document, new: str) -> None:
    if document.status != DRAFT and actor.role != PPID_UTAMA:
        # Otherwise a Pelaksana could turn an approved document into serta merta
        # (which publishes without approval) or back, and skip the queue.
        raise Forbidden(
            "Kategori dokumen yang sudah diajukan atau terbit hanya dapat diubah "
            "oleh PPID Utama."
        )
    if is_exempt(document.category) or is_exempt(new):
        raise InvalidTransition(
            "Kategori dikecualikan hanya dapat ditetapkan atau dicabut melalui "
            "uji konsekuensi."
        )


def submit(session: Session, *, actor: User, document_id: int) -> Document:
    """Send a draft to the PPID Utama's approval queue."""
    document = get_changeable(session, actor, document_id)
    _check_not_awaiting_test(document)
    _transition(session, actor, document, PENDING)
    return document


def publish(
    session: Session, *, actor: User, document_id: int, version: int | None = None
) -> Document:
    """Publish the newest version: the PPID Utama any category; serta merta, anyone
    who may change it. `version` names the version the approver reviewed: if a
    newer one arrived meanwhile, nothing is published (Conflict)."""
    document = get_changeable(session, actor, document_id)
    _check_not_awaiting_test(document)
    _check_no_undecided_exemption(session, document)
    if not _may_publish(actor, document):
        raise Forbidden(
            "Hanya PPID Utama yang dapat menerbitkan dokumen ini; ajukan persetujuan."
        )
    if version is not None and version != document.current_version:
        raise Conflict(
            f"Versi {version} bukan lagi versi terbaru (versi terbaru: "
            f"{document.current_version}); periksa ulang sebelum menerbitkan."
        )
    newer = document.published_version < document.current_version
    if document.status != PUBLISHED:
        _transition(session, actor, document, PUBLISHED)
    elif newer:
        _publish_newest_version(session, actor, document)
    elif not document.pending_changes:
        # Nothing waits: refused as every other move to the state it is in.
        _transition(session, actor, document, PUBLISHED)
    if document.pending_changes:
        _apply_pending_changes(session, actor, document)
    return document


def _publish_newest_version(session: Session, actor, document: Document) -> None:
    before = document.published_version
    document.published_version = document.current_version
    document.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "version.publish",
        document,
        before={"published_version": before},
        after={"published_version": document.current_version},
    )


MAX_REASON = 1000


def return_to_draft(
    session: Session, *, actor: User, document_id: int, reason: str = ""
) -> Document:
    """Send a pending document back to draft: the approver declines, or the
    uploader takes it back to fix it; the reason given is kept in the audit."""
    reason = _clean_reason(reason)
    document = get_changeable(session, actor, document_id)
    _transition(session, actor, document, DRAFT, reason=reason)
    return document


def _clean_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Alasan paling banyak {MAX_REASON} karakter.", "reason")
    return reason


def decline_new_version(
    session: Session, *, actor: User, document_id: int, reason: str = ""
) -> Document:
    """The PPID Utama declines the versions waiting on a published document: they
    are removed (their files too, once the decline commits, if nothing else uses
    them), the public keeps the published version, the audit keeps what was
    declined and why, and the organisation's Pelaksana is emailed."""
    reason = _clean_reason(reason)
    document = get_changeable(session, actor, document_id)
    # Only the Utama: a Pelaksana may publish a serta-merta document itself, but
    # declining removes versions, which is the approver's decision.
    if actor.role != PPID_UTAMA:
        raise Forbidden("Hanya PPID Utama yang dapat menolak versi baru dokumen ini.")
    if document.status != PUBLISHED or (
        document.published_version >= document.current_version
    ):
        raise InvalidTransition("Tidak ada versi baru yang menunggu persetujuan.")
    waiting = [v for v in document.versions if v.number > document.published_version]
    before = {
        "current_version": document.current_version,
        "versions": [
            {"number": v.number, "sha256": v.blob_sha256, "filename": v.filename}
            for v in waiting
        ],
    }
    session.execute(
        delete(VersionText).where(VersionText.version_id.in_([v.id for v in waiting]))
    )
    for version in waiting:
        session.delete(version)
        release_blob(session, version.blob_sha256)
    session.flush()
    session.expire(document, ["versions"])
    document.current_version = document.published_version
    document.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "version.decline",
        document,
        before=before,
        after={
            "current_version": document.current_version,
            **({"reason": reason} if reason else {}),
        },
    )
    notify.version_declined(
        session, document, actor, [v.number for v in waiting], reason
    )
    return document


def withdraw(session: Session, *, actor: User, document_id: int) -> Document:
    """Take a published document off public view."""
    document = get_changeable(session, actor, document_id)
    _transition(session, actor, document, WITHDRAWN)
    return document


def publish_by_decision(session: Session, *, actor, document: Document) -> None:
    """Publish the newest version because a decision requires it (a consequence
    test, an expired exemption, a Komisi Informasi ruling): no approval queue."""
    if document.status == PUBLISHED:
        if document.published_version < document.current_version:
            _publish_newest_version(session, actor, document)
        return
    _transition(session, actor, document, PUBLISHED, by_decision=True)


def take_off_public_view(session: Session, *, actor, document: Document) -> None:
    """Withdraw a document that a decision closes (made exempt); a draft stays a
    draft, and one waiting for approval leaves the queue."""
    if document.status == PUBLISHED:
        _transition(session, actor, document, WITHDRAWN)
    elif document.status == PENDING:
        _transition(session, actor, document, DRAFT)


def _may_publish(actor: User, document: Document) -> bool:
    if actor.role == PPID_UTAMA:
        return True
    # A redacted version stands in for exempt information: never without review.
    return publishes_at_once(document.category) and document.redacted_from_id is None


ALLOWED_TRANSITIONS = {
    DRAFT: {PENDING},
    PENDING: {DRAFT, WITHDRAWN},
    PUBLISHED: {DRAFT, PENDING, WITHDRAWN},
    WITHDRAWN: {PUBLISHED},
}


def _transition(
    session: Session,
    actor: User,
    document: Document,
    target: str,
    *,
    by_decision: bool = False,
    reason: str = "",
) -> None:
    """Move the document; only a decision (a test, an expiry, a ruling) may open
    a document whose exemption is still being tested."""
    if document.status not in ALLOWED_TRANSITIONS[target]:
        raise InvalidTransition(
            f"Dokumen berstatus '{document.status}' tidak dapat menjadi '{target}'."
        )
    if target in (PENDING, PUBLISHED) and is_exempt(document.category):
        raise InvalidTransition("Dokumen yang dikecualikan tidak dapat diterbitkan.")
    if target in (PENDING, PUBLISHED) and not by_decision:
        _check_no_undecided_exemption(session, document)
    before = document.status
    document.status = target
    document.updated_at = utcnow()
    if target == PUBLISHED:
        document.published_at = document.updated_at
        document.published_version = document.current_version
    audit.record(
        session,
        actor,
        f"document.{_verb(target)}",
        document,
        before={"status": before},
        after={"status": target, **({"reason": reason} if reason else {})},
    )
    if target in (DRAFT, PUBLISHED) and before == PENDING:
        notify.decided(session, document, actor, target, reason)


def _verb(target: str) -> str:
    return {
        DRAFT: "return",
        PENDING: "submit",
        PUBLISHED: "publish",
        WITHDRAWN: "withdraw",
    }[target]


@dataclass(frozen=True)
class Download:
    """A version the actor may download, and how to read its bytes."""

    document: Document
    version: DocumentVersion
    storage: Storage

    def open_range(self, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        return self.storage.open_range(self.version.blob_sha256, start, length)


def open_version(
    session: Session,
    storage: Storage,
    *,
    actor: User | None,
    document_id: int,
    number: int | None = None,
) -> Download:
    """The version (the current one when number is None) if the actor may see it."""
    document = get_visible(session, actor, document_id)
    newest = newest_visible_version(actor, document)
    wanted = newest if number is None else number
    if wanted > newest:
        raise NotFound(f"Versi {wanted} dokumen {document_id} tidak ditemukan.")
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == wanted
        )
    )
    if version is None:
        raise NotFound(f"Versi {wanted} dokumen {document_id} tidak ditemukan.")
    if version.damaged:
        raise DamagedVersion(damaged_message(version))
    return Download(document, version, storage)


def damaged_message(version: DocumentVersion) -> str:
    """What a reader of a damaged version is told."""
    return (
        f"Berkas versi {version.number} dokumen ini rusak di penyimpanan arsip "
        "(isinya tidak cocok dengan sidik SHA-256 yang tercatat) sehingga tidak "
        "dapat diunduh. Petugas PPID dapat memperbaikinya dengan mengunggah ulang "
        "berkas yang sama atau versi baru."
    )


def newest_visible_version(actor: User | None, document: Document) -> int:
    """The newest version number the actor may see (the approved one for the public)."""
    if sees_unpublished(actor, document):
        return document.current_version
    return document.published_version


def visible_versions(actor: User | None, document: Document) -> list[DocumentVersion]:
    """The document's versions the actor may see, oldest first."""
    newest = newest_visible_version(actor, document)
    return [version for version in document.versions if version.number <= newest]


def record_exempt_access(session: Session, *, actor: User, download: Download) -> None:
    """Audit a read of exempt bytes (DOMAIN.md §6); public reads are not events."""
    if is_exempt(download.document.category):
        audit.record(
            session,
            actor,
            "document.access_exempt",
            download.document,
            after={"version": download.version.number},
        )


def get_document(session: Session, *, actor: User | None, document_id: int) -> Document:
    """The document if the actor may see it; NotFound otherwise."""
    return get_visible(session, actor, document_id)


# --- listing -------------------------------------------------------------------

SORTS = {
    "newest": (Document.created_at.desc(), Document.id.desc()),
    "title": (Document.title.asc(), Document.id.asc()),
}


@dataclass(frozen=True)
class ListQuery:
    category: str | None = None
    org: str | None = None
    year: int | None = None
    status: str | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "newest"


@dataclass(frozen=True)
class DocumentPage:
    items: list[Document]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]


def list_documents(
    session: Session, *, actor: User | None, query: ListQuery
) -> DocumentPage:
    """The documents the actor may see, filtered, sorted, paginated, with facets."""
    _check_list_query(query)
    where = [visible_clause(actor), *_filters(session, query)]
    total = session.scalar(select(func.count(Document.id)).where(*where)) or 0
    items = session.scalars(
        select(Document)
        .where(*where)
        .order_by(*SORTS[query.sort])
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return DocumentPage(
        list(items), total, query.page, query.per_page, _facets(session, where)
    )


def _check_list_query(query: ListQuery) -> None:
    if query.category is not None and query.category not in CATEGORIES:
        raise ValidationError(f"Kategori tidak dikenal: {query.category}.", "category")
    if query.status is not None and query.status not in STATUSES:
        raise ValidationError(f"Status tidak dikenal: {query.status}.", "status")
    if query.sort not in SORTS:
        raise ValidationError(f"Urutan tidak dikenal: {query.sort}.", "sort")


def _filters(session: Session, query: ListQuery) -> list:
    filters = []
    if query.category:
        filters.append(Document.category == query.category)
    if query.year is not None:
        filters.append(Document.year == query.year)
    if query.status:
        filters.append(Document.status == query.status)
    if query.org:
        filters.append(Document.organisation.has(Organisation.slug == query.org))
    return filters


def _facets(session: Session, where: list) -> dict[str, dict[str, int]]:
    def count_by(column, *joins):
        statement = select(column, func.count(Document.id)).where(*where)
        for join in joins:
            statement = statement.join(join)
        rows = session.execute(statement.group_by(column).order_by(column)).all()
        return {str(key): count for key, count in rows if key is not None}

    return {
        "category": count_by(Document.category),
        "org": count_by(Organisation.slug, Document.organisation),
        "year": count_by(Document.year),
    }


# --- validation ----------------------------------------------------------------

MAX_LENGTHS = {
    "title": 500,
    "summary": 20_000,
    "info_type": 128,
    "dip_unit": 255,
    "dip_responsible": 255,
    "dip_production_time": 128,
    "dip_production_place": 255,
    "dip_form": 64,
    "dip_retention": 128,
}
DIP_FIELDS = tuple(name for name in EDITABLE_FIELDS if name.startswith("dip_"))


def _validated(values: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """Checked, trimmed values; ValidationError names the first bad field."""
    cleaned = {}
    for name, value in values.items():
        if name == "year":
            cleaned[name] = _valid_year(value)
        elif name == "refresh_months":
            cleaned[name] = _valid_refresh_months(value)
        elif name == "event_at":
            cleaned[name] = _valid_event_time(value)
        elif name == "pinned":
            cleaned[name] = _valid_flag(name, value)
        elif name == "category":
            cleaned[name] = _valid_category(value)
        else:
            cleaned[name] = _valid_text(name, value)
    if not partial and not cleaned.get("title"):
        raise ValidationError("Judul dokumen wajib diisi.", "title")
    if partial and "title" in cleaned and not cleaned["title"]:
        raise ValidationError("Judul dokumen tidak boleh kosong.", "title")
    if cleaned.get("dip_form"):
        _check_dip_form(cleaned["dip_form"])
    return cleaned


def _valid_text(name: str, value: Any) -> str:
    if name not in EDITABLE_FIELDS:
        raise ValidationError(f"Kolom tidak dikenal: {name}.", name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"Kolom {name} harus berupa teks.", name)
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(f"Kolom {name} berisi karakter NUL.", name)
    limit = MAX_LENGTHS.get(name)
    if limit and len(text) > limit:
        raise ValidationError(f"Kolom {name} melebihi {limit} karakter.", name)
    return text


def _valid_year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"Tahun tidak valid: {value!r}.", "year")
    try:
        year = int(value)
    except ValueError:
        raise ValidationError(f"Tahun tidak valid: {value!r}.", "year") from None
    if not 1945 <= year <= 2100:
        raise ValidationError(f"Tahun di luar rentang 1945-2100: {year}.", "year")
    return year


def _valid_refresh_months(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError
        months = int(value)
    except ValueError:
        raise ValidationError(
            "Periode pembaruan harus berupa jumlah bulan.", "refresh_months"
        ) from None
    if not 1 <= months <= MAX_REFRESH_MONTHS:
        raise ValidationError(
            f"Periode pembaruan informasi berkala 1-{MAX_REFRESH_MONTHS} bulan "
            "(UU KIP Pasal 9 ayat 3).",
            "refresh_months",
        )
    return months


# A clock running a little fast must not refuse an event that just happened.
EVENT_CLOCK_SLACK = timedelta(minutes=10)


def _valid_event_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(
            "Waktu kejadian harus berupa tanggal dan jam ISO 8601 dengan zona "
            "waktu, misalnya 2026-03-24T08:30:00+07:00.",
            "event_at",
        )
    if value > utcnow() + EVENT_CLOCK_SLACK:
        raise ValidationError("Waktu kejadian tidak boleh di masa depan.", "event_at")
    return value


def _valid_flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "ya", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "tidak", "no"):
        return False
    raise ValidationError(f"Kolom {name} harus true atau false.", name)


def _valid_category(value: Any) -> str:
    if value not in CATEGORIES:
        raise ValidationError(
            f"Kategori wajib salah satu dari: {', '.join(CATEGORIES)}.", "category"
        )
    return value


def _check_dip_form(value: str) -> None:
    forms = [part.strip() for part in value.split(",") if part.strip()]
    bad = [form for form in forms if form not in DIP_FORMS]
    if bad:
        raise ValidationError(
            f"Bentuk informasi wajib dari: {', '.join(DIP_FORMS)}.", "dip_form"
        )


def snapshot(document: Document) -> dict[str, Any]:
    """The document's metadata as it stands, for the audit trail (JSON values)."""
    data = {name: getattr(document, name) for name in EDITABLE_FIELDS}
    if data["event_at"] is not None:
        data["event_at"] = data["event_at"].isoformat()
    data["status"] = document.status
    return data
