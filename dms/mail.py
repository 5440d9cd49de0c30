"""Email notifications through a transactional outbox.

A step that notifies someone adds an `OutboxMessage` in its own transaction, so
the message exists exactly when the step committed; delivery happens after the
commit, and a failed delivery is retried later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dms.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One email waiting to be sent, or sent (kept as the record of what was sent)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    # What the message is about, e.g. "request.answer PPID-2026-000001".
    topic: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def enqueue(
    session, *, to: str, subject: str, body: str, topic: str = ""
) -> OutboxMessage | None:
    """Queue one email in the caller's transaction; nothing when `to` is empty."""
    to = (to or "").strip()
    if not to:
        return None
    message = OutboxMessage(
        recipient=to, subject=subject[:255], body=body, topic=topic[:128]
    )
    session.add(message)
    return message
