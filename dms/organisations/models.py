"""The PPID profile of an organisation: one row each, made on its first edit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dms.accounts.models import Organisation
from dms.db import Base, UTCDateTime, utcnow
from dms.documents.models import Document


class OrganisationProfile(Base):
    """Contact details, the PPID structure and the service standard of one PPID."""

    __tablename__ = "organisation_profiles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True
    )
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    service_hours: Mapped[str] = mapped_column(Text, default="")
    # The decree appointing the PPID, an archived document of the organisation.
    sk_ppid_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # [{"name": ..., "position": ...}]: no personal data beyond name and position.
    officers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    maklumat: Mapped[str] = mapped_column(Text, default="")
    service_standard: Mapped[str] = mapped_column(Text, default="")
    fees: Mapped[str] = mapped_column(Text, default="")
    # Ids of the organisation's SOP documents, in the order shown.
    sop_document_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    dispute_procedure: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    sk_ppid: Mapped[Document | None] = relationship()
