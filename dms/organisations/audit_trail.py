"""Reading the audit trail: the admin, the PPID Utama and the atasan see every
event; a PPID Pelaksana the events of its organisation (its documents, its
profile, what its own officers did)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.audit import AuditEvent
from dms.documents.models import Document
from dms.errors import Forbidden, ValidationError

MAX_EVENTS = 10_000
PAGE_SIZE = 100
CSV_COLUMNS = (
    "waktu",
    "pengguna",
    "aksi",
    "objek",
    "id_objek",
    "sebelum",
    "sesudah",
)


@dataclass(frozen=True)
class TrailQuery:
    document_id: int | None = None
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def parse_query(args, *, timezone: str) -> TrailQuery:
    """The page's filters, or ValidationError naming the bad one."""
    document = (args.get("dokumen") or "").strip()
    if document and not document.isdigit():
        raise ValidationError("Nomor dokumen harus angka.", "dokumen")
    return TrailQuery(
        document_id=int(document) if document else None,
        username=(args.get("pengguna") or "").strip()[:64],
        action=(args.get("aksi") or "").strip()[:64],
        date_from=_day(args.get("dari"), "dari"),
        date_to=_day(args.get("sampai"), "sampai"),
    )


def _day(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError("Tanggal harus YYYY-MM-DD.", name) from None


def events(
    session: Session, *, actor: User, query: TrailQuery, timezone: str
) -> list[AuditEvent]:
    """The events the actor may read that match the query, newest first."""
    statement = select(AuditEvent).where(*_scope(session, actor))
    statement = statement.where(*_filters(query, ZoneInfo(timezone)))
    statement = statement.order_by(AuditEvent.id.desc()).limit(MAX_EVENTS)
    return list(session.scalars(statement))


def actions(session: Session) -> list[str]:
    """Every action recorded so far, for the filter's choices."""
    return list(
        session.scalars(
            select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        )
    )


# Events whose before/after may hold a draft's or an exempt document's text, a
# consequence test's record, or a requester's personal data.
CONTENT_OBJECTS = (
    "document",
    "documentversion",
    "consequencetest",
    "informationrequest",
    "objection",
    "dispute",
    "disputehearing",
)


def _scope(session: Session, actor: User) -> list:
    if actor is None or not actor.is_active:
        raise Forbidden("Masuk terlebih dahulu.")
    if actor.role in (PPID_UTAMA, ATASAN_PPID):
        return []
    if actor.role == ADMIN:
        # The admin runs accounts, organisations and the calendar, and sees of
        # documents only what citizens see (documents.access): not their trail.
        return [AuditEvent.object_type.notin_(CONTENT_OBJECTS)]
    if actor.role != PPID_PELAKSANA or actor.organisation_id is None:
        raise Forbidden("Jejak audit hanya untuk petugas PPID.")
    org = actor.organisation_id
    documents = select(Document.id).where(Document.organisation_id == org)
    # Its own Pelaksana officers' events, but not on content objects: those are
    # matched by the document's organisation only (an officer moved here from
    # another OPD keeps no window on that OPD's documents).
    officers = select(User.id).where(
        User.organisation_id == org, User.role == PPID_PELAKSANA
    )
    return [
        or_(
            and_(
                AuditEvent.object_type == "document",
                AuditEvent.object_id.in_(documents),
            ),
            and_(AuditEvent.object_type == "organisation", AuditEvent.object_id == org),
            and_(
                AuditEvent.actor_id.in_(officers),
                AuditEvent.object_type.notin_(CONTENT_OBJECTS),
            ),
        )
    ]


def _filters(query: TrailQuery, zone: ZoneInfo) -> list:
    where = []
    if query.document_id is not None:
        where += [
            AuditEvent.object_type == "document",
            AuditEvent.object_id == query.document_id,
        ]
    if query.username:
        where.append(AuditEvent.actor_username == query.username)
    if query.action:
        where.append(AuditEvent.action == query.action)
    if query.date_from:
        where.append(AuditEvent.occurred_at >= _start(query.date_from, zone))
    if query.date_to:
        where.append(
            AuditEvent.occurred_at < _start(query.date_to + timedelta(days=1), zone)
        )
    return where


def _start(day: date, zone: ZoneInfo) -> datetime:
    """The local day's first moment, in UTC (the trail is kept in UTC)."""
    return datetime.combine(day, time(0, 0), zone).astimezone(UTC)
