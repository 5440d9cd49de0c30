"""Documents and their versions (organisations and users: dms.accounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dms.accounts.models import Organisation, User
from dms.categories import CATEGORIES
from dms.db import Base, UTCDateTime, one_of, utcnow

DRAFT = "draft"
PENDING = "pending"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
STATUSES = (DRAFT, PENDING, PUBLISHED, WITHDRAWN)

# What text extraction made of a version (dms.indexing.extract); "pending" until
# a job has run it.
TEXT_PENDING = "pending"
# Part of the pages read (OCR ran out of its per-document budget); a later worker
# pass reads on from text_pages_done.
TEXT_PARTIAL = "partial"
TEXT_STATUSES = (TEXT_PENDING, "ok", "empty", "extraction_failed", TEXT_PARTIAL)

# What can be wrong with a stored blob (dms.documents.integrity).
BLOB_PROBLEMS = ("missing", "size", "checksum")

# Documents whose index entry lags behind their row (see dms.indexing.tracking).
_INDEX_PENDING = text("index_revision <> indexed_revision")

# The forms a DIP entry may name (DOMAIN.md §5: print / recording / electronic).
DIP_FORMS = ("print", "recording", "electronic")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(one_of("category", CATEGORIES), name="category"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        Index(
            "ix_documents_index_pending",
            "id",
            sqlite_where=_INDEX_PENDING,
            postgresql_where=_INDEX_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    info_type: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    # The DIP fields (DOMAIN.md §5), filled at upload.
    dip_unit: Mapped[str] = mapped_column(String(255), default="")
    dip_responsible: Mapped[str] = mapped_column(String(255), default="")
    dip_production_time: Mapped[str] = mapped_column(String(128), default="")
    dip_production_place: Mapped[str] = mapped_column(String(255), default="")
    dip_form: Mapped[str] = mapped_column(String(64), default="electronic")
    dip_retention: Mapped[str] = mapped_column(String(128), default="")
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    # The newest version approved for the public (0: none yet); versions above it
    # wait for the PPID Utama.
    published_version: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Berkala: months within which a new version must arrive (DOMAIN.md §2).
    refresh_months: Mapped[int | None] = mapped_column(Integer)
    # Serta merta: when the event happened (publication delay is a breach), and
    # whether the announcement is pinned on the portal's home page.
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The exempt original this document is the redacted public version of.
    redacted_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), index=True
    )
    # Bumped by every change the search index reflects; the indexing job records
    # the revision it wrote. They differ while the index lags behind this row.
    index_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    indexed_revision: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )
    # When the row last changed for the index (or was acknowledged): each host's
    # worker catches its own index folder up from here (dms.indexing.sync).
    index_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Changes to the public text of a published document asked by an officer who
    # may not publish it: they wait for the PPID Utama (the public keeps the
    # approved text meanwhile). Field name -> new value, as JSON.
    pending_changes: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True)
    )
    pending_changes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pending_changes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    pending_changes_by: Mapped[User | None] = relationship(
        foreign_keys=[pending_changes_by_id]
    )
    redacted_from: Mapped[Document | None] = relationship(remote_side=[id])
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.category} {self.status}>"


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        CheckConstraint(one_of("text_status", TEXT_STATUSES), name="text_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Text extraction, recorded per version by the indexing job.
    text_status: Mapped[str] = mapped_column(
        String(20), default=TEXT_PENDING, server_default=TEXT_PENDING
    )
    text_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    text_pages: Mapped[int | None] = mapped_column(Integer)
    text_characters: Mapped[int | None] = mapped_column(Integer)
    text_extractors: Mapped[str] = mapped_column(
        String(255), default="", server_default=""
    )
    text_seconds: Mapped[float | None] = mapped_column(Float)
    text_extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Pages read so far (of text_pages) while text_status is "partial".
    text_pages_done: Mapped[int | None] = mapped_column(Integer)
    # Said to the uploader and shown to officers (an encrypted PDF...); "" if none.
    upload_warning: Mapped[str] = mapped_column(Text, default="", server_default="")

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()
    # Several versions may share a blob, so the damage mark is the blob's.
    damage: Mapped[DamagedBlob | None] = relationship(
        primaryjoin="foreign(DocumentVersion.blob_sha256) == DamagedBlob.sha256",
        viewonly=True,
        lazy="selectin",
    )

    @property
    def damaged(self) -> bool:
        """Whether the stored bytes failed their SHA-256 (or are missing)."""
        return self.damage is not None


class DamagedBlob(Base):
    """A blob whose bytes are missing or fail their SHA-256 (found by fsck or while
    streaming): never served as if intact until an upload of the same bytes
    rewrites it."""

    __tablename__ = "damaged_blobs"
    __table_args__ = (
        CheckConstraint(one_of("problem", BLOB_PROBLEMS), name="problem"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    problem: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionText(Base):
    """The text extracted from a version, kept so the index can be rebuilt without
    extracting (and OCR-ing) every file again."""

    __tablename__ = "version_texts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
