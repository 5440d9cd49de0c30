"""What monitoring and the annual report keep beyond the documents and requests:
daily download counts and the officers' drafts of the report's prose."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dms.db import Base, UTCDateTime, utcnow


class DownloadCount(Base):
    """How many times a document's files were downloaded on one local day."""

    __tablename__ = "download_counts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportSection(Base):
    """An officer's text for one section of a year's annual report (a draft until
    the report is exported)."""

    __tablename__ = "report_sections"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    section: Mapped[str] = mapped_column(String(32), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
