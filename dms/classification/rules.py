"""What each category requires over time: stale berkala documents, serta merta
announcements (DOMAIN.md §2).

A berkala document must be renewed within its refresh period (UU KIP Ps. 9(3):
at most six months): it is stale once its newest approved version is older than
that many calendar months. Dates are UTC calendar dates.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from dms.accounts.models import Organisation, User
from dms.accounts.roles import PPID_UTAMA
from dms.audit import AuditEvent
from dms.categories import BERKALA, DEFAULT_REFRESH_MONTHS, SERTA_MERTA
from dms.documents.access import PUBLIC_CLAUSE, visible_clause
from dms.documents.models import PUBLISHED, Document, DocumentVersion

FEED_LIMIT = 50

_PUBLISHED_BERKALA = and_(Document.category == BERKALA, Document.status == PUBLISHED)
_PUBLISHED_VERSION = and_(
    DocumentVersion.document_id == Document.id,
    DocumentVersion.number == Document.published_version,
)


def refresh_period(document: Document) -> int:
    """The document's refresh period in months (unset: the legal default of 6)."""
    return _effective_period(document.refresh_months)


def _effective_period(months: int | None) -> int:
    return months if months and months > 0 else DEFAULT_REFRESH_MONTHS


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def refresh_due(document: Document, timezone: str) -> date | None:
    """The last day a berkala document's published version is current, counted
    from the local day (`timezone`, the settings') it was uploaded; None for
    other categories and for a document with no approved version yet."""
    if document.category != BERKALA:
        return None
    version = next(
        (v for v in document.versions if v.number == document.published_version),
        None,
    )
    if version is None:
        return None
    return add_months(
        version.created_at.astimezone(ZoneInfo(timezone)).date(),
        refresh_period(document),
    )


def is_stale(document: Document, today: date, timezone: str) -> bool:
    """Whether a published berkala document is past its refresh period."""
    if document.status != PUBLISHED:
        return False
    due = refresh_due(document, timezone)
    return due is not None and today > due


def stale_documents(
    session: Session,
    *,
    actor: User | None,
    today: date,
    timezone: str,
    org: str | None = None,
) -> list[Document]:
    """The published berkala documents the actor may see that are past their
    refresh period, most overdue first; `org` narrows to one organisation's slug."""
    periods = session.scalars(
        select(Document.refresh_months).distinct().where(_PUBLISHED_BERKALA)
    ).all()
    if not periods:
        return []
    query = (
        select(Document)
        .join(DocumentVersion, _PUBLISHED_VERSION)
        .where(
            _PUBLISHED_BERKALA,
            visible_clause(actor),
            or_(*(_overdue(months, today, timezone) for months in periods)),
        )
        .options(joinedload(Document.organisation))
        .order_by(DocumentVersion.created_at, Document.id)
    )
    if org is not None:
        query = query.join(Organisation, Document.organisation).where(
            Organisation.slug == org
        )
    return list(session.scalars(query))


def _overdue(months: int | None, today: date, timezone: str) -> ColumnElement[bool]:
    """Documents with this stored period whose published version is too old."""
    same_period = (
        Document.refresh_months.is_(None)
        if months is None
        else Document.refresh_months == months
    )
    cutoff = _stale_before(today, _effective_period(months), timezone)
    return and_(same_period, DocumentVersion.created_at < cutoff)


def _stale_before(today: date, months: int, timezone: str) -> datetime:
    """The instant before which a version is stale on `today`: the local midnight
    after the last creation date whose refresh date falls before today."""
    last = add_months(today, -months)
    while add_months(last, months) >= today:
        last -= timedelta(days=1)
    while add_months(last + timedelta(days=1), months) < today:
        last += timedelta(days=1)
    return datetime.combine(
        last + timedelta(days=1), time.min, tzinfo=ZoneInfo(timezone)
    )


def announcements(session: Session, *, limit: int = 10) -> list[Document]:
    """Pinned serta merta documents the public may see, newest publication first."""
    return published_serta_merta(session, limit=limit, pinned_only=True)


def published_serta_merta(
    session: Session, *, limit: int = FEED_LIMIT, pinned_only: bool = False
) -> list[Document]:
    """Serta merta documents the public may see, newest publication first."""
    query = (
        select(Document)
        .where(PUBLIC_CLAUSE, Document.category == SERTA_MERTA)
        .options(joinedload(Document.organisation))
        .order_by(Document.published_at.desc().nulls_last(), Document.id.desc())
        .limit(limit)
    )
    if pinned_only:
        query = query.where(Document.pinned.is_(True))
    return list(session.scalars(query))


# What an OPD officer may do to serta merta without the PPID Utama, to be
# reviewed after the fact (DOMAIN.md §2).
SERTA_MERTA_OWN_ACTIONS = (
    "document.publish",
    "document.update",
    "version.create",
    "version.publish",
)


def serta_merta_to_review(
    session: Session, *, actor: User, since: datetime, limit: int = 50
) -> list[tuple[Document, AuditEvent]]:
    """Published serta merta documents that an officer other than the PPID Utama
    published or changed since `since`, each with its latest such event, newest
    first: the PPID Utama reviews them after the fact."""
    newest = (
        select(
            AuditEvent.object_id.label("document_id"),
            func.max(AuditEvent.id).label("event_id"),
        )
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.object_type == "document",
            AuditEvent.action.in_(SERTA_MERTA_OWN_ACTIONS),
            AuditEvent.occurred_at >= since,
            User.role != PPID_UTAMA,
        )
        .group_by(AuditEvent.object_id)
        .subquery()
    )
    rows = session.execute(
        select(Document, AuditEvent)
        .join(newest, newest.c.document_id == Document.id)
        .join(AuditEvent, AuditEvent.id == newest.c.event_id)
        .where(
            Document.category == SERTA_MERTA,
            Document.status == PUBLISHED,
            visible_clause(actor),
        )
        .options(joinedload(Document.organisation))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [(document, event) for document, event in rows]
