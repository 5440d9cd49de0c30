"""Email notifications through a transactional outbox.

A step that notifies someone adds an `OutboxMessage` in its own transaction, so
the message exists exactly when the step committed; delivery happens after the
commit, and a failed delivery is retried later.

After a transaction that queued mail commits, the Archive tells its listener (the
job queue, which runs `deliver_pending`); a periodic job retries what failed, with
a growing delay, and gives up after MAX_ATTEMPTS (the row stays, with its error).
Without smtp_url nothing is sent: messages wait in the outbox.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import Integer, String, Text, and_, event, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from dms.db import Base, UTCDateTime, utcnow
from dms.settings import SmtpServer

log = logging.getLogger(__name__)


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


# -- knowing that a transaction queued mail ------------------------------------

_QUEUED = "dms.mail.queued"
# session.info key: the portal address for links, set by Archive.transaction.
SITE_URL = "dms.mail.site_url"


def install(session_factory: sessionmaker[Session]) -> None:
    """Note, in every session the factory makes, whether a flush added a message."""
    event.listen(session_factory, "before_flush", _note_new_messages)


def _note_new_messages(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, OutboxMessage) for obj in session.new):
        session.info[_QUEUED] = True


def take_queued(session: Session) -> bool:
    """Whether this session's committed transaction queued mail (once)."""
    return session.info.pop(_QUEUED, False)


def forget_queued(session: Session) -> None:
    """After a rollback: the messages never existed."""
    session.info.pop(_QUEUED, None)


# -- delivery ------------------------------------------------------------------

MAX_ATTEMPTS = 10
# The wait after the 1st, 2nd, ... failure; the last one repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
# How long a claimed message is left alone by other workers while it is sent;
# far longer than a send can take with SMTP_TIMEOUT_SECONDS per exchange.
CLAIM_LEASE = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30
ERROR_CHARS = 500
# Refusals of one message; anything else (a dropped or dead connection) ends the run.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
    ValueError,
)


@dataclass
class DeliveryReport:
    """What one delivery run did: counts, and each failure's message id and error."""

    sent: int = 0
    failed: int = 0
    failures: list[tuple[int, str, str]] = field(default_factory=list)
    # False when smtp_url is not set: nothing was tried.
    configured: bool = True


def deliver_pending(
    archive, *, limit: int = 100, now: datetime | None = None
) -> DeliveryReport:
    """Send up to `limit` due messages, oldest first, over one SMTP connection.

    Each message is claimed in one short transaction (FOR UPDATE SKIP LOCKED on
    PostgreSQL, so two workers never take the same one) and its outcome recorded
    in another; no transaction stays open while the server is talked to.
    `now` (the clock by default) decides what is due and when retries fall.
    """
    now = now or utcnow()
    settings = archive.settings
    if settings.smtp is None:
        _log_unconfigured(archive)
        return DeliveryReport(configured=False)
    report = DeliveryReport()
    with _Connection(settings.smtp) as connection:
        for _ in range(limit):
            message = _claim_next(archive, now)
            if message is None:
                break
            if not _deliver_one(archive, connection, message, settings, now, report):
                break
    return report


def _log_unconfigured(archive) -> None:
    with archive.reading() as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(_unsent())
        )
    if waiting:
        log.info("smtp_url is not set: %d email(s) stay in the outbox unsent", waiting)


def _unsent():
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)


def _claim_next(archive, now: datetime) -> OutboxMessage | None:
    """The oldest due message, leased to this run so no other worker takes it."""
    due = or_(
        OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now
    )
    with archive.transaction() as session:
        message = session.scalar(
            select(OutboxMessage)
            .where(_unsent(), due)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is not None:
            message.next_attempt_at = now + CLAIM_LEASE
    return message


def _deliver_one(archive, connection, message, settings, now, report) -> bool:
    """Send one claimed message and record how it went; False ends the run."""
    try:
        connection.send(build_email(message, settings.mail_from))
    except (smtplib.SMTPException, OSError, *MESSAGE_ERRORS) as exc:
        error = _short_error(exc, settings.smtp)
        _record_failure(archive, message.id, error, now)
        report.failed += 1
        report.failures.append((message.id, message.recipient, error))
        log.warning("email %d not sent: %s", message.id, error)
        return isinstance(exc, MESSAGE_ERRORS) and connection.alive
    _record_sent(archive, message.id)
    report.sent += 1
    return True


def _record_sent(archive, message_id: int) -> None:
    with archive.transaction() as session:
        message = session.get(OutboxMessage, message_id)
        message.sent_at = utcnow()
        message.next_attempt_at = None
        message.last_error = ""


def _record_failure(archive, message_id: int, error: str, now: datetime) -> None:
    with archive.transaction() as session:
        message = session.get(OutboxMessage, message_id)
        message.attempts = (message.attempts or 0) + 1
        message.last_error = error
        message.next_attempt_at = next_attempt(message.attempts, now)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failures; None once we give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _short_error(exc: BaseException, server: SmtpServer) -> str:
    """One line saying what went wrong, never holding the SMTP password."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    if server.password:
        text = text.replace(server.password, "***")
    return text[:ERROR_CHARS]


def build_email(message: OutboxMessage, mail_from: str) -> EmailMessage:
    """The message as sent: UTF-8 plain text with encoded headers and a Message-ID
    that stays the same if the message has to be sent again."""
    email = EmailMessage(policy=email_policy.SMTP)
    email["From"] = mail_from
    email["To"] = message.recipient
    to = email["To"]
    if to.defects or len(to.addresses) != 1 or not to.addresses[0].domain:
        raise ValueError(f"not one email address: {message.recipient!r}")
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = _message_id(message, email["From"].addresses[0].domain)
    email.set_content(message.body, charset="utf-8", cte="quoted-printable")
    return email


def _message_id(message: OutboxMessage, domain: str) -> str:
    created = message.created_at.strftime("%Y%m%d%H%M%S")
    return f"<dms.outbox.{message.id}.{created}@{domain or 'localhost'}>"


class _Connection:
    """One SMTP connection for a whole run, opened when the first message is sent."""

    def __init__(self, server: SmtpServer):
        self.server = server
        self.smtp: smtplib.SMTP | None = None
        self.alive = True

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *_exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()

    def send(self, email: EmailMessage) -> None:
        try:
            smtp = self.smtp or self._open()
            smtp.send_message(email)
        except OSError as exc:  # SMTPException is an OSError too
            if not isinstance(exc, MESSAGE_ERRORS):
                self.alive = False
            raise

    def _open(self) -> smtplib.SMTP:
        self.smtp = open_smtp(self.server, SMTP_TIMEOUT_SECONDS)
        return self.smtp


def open_smtp(server, timeout: float) -> smtplib.SMTP:
    """A logged-in connection to the relay (implicit TLS or STARTTLS as set);
    closed again if any step fails."""
    context = ssl.create_default_context()
    if server.implicit_tls:
        smtp = smtplib.SMTP_SSL(
            server.host, server.port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        if server.starttls:
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


# -- reading the outbox --------------------------------------------------------

SENT, PENDING, GAVE_UP = "sent", "pending", "gave_up"


def list_messages(
    session: Session, *, unsent_only: bool = False, limit: int = 100
) -> list[OutboxMessage]:
    """The newest messages first; `unsent_only` leaves out those sent."""
    query = select(OutboxMessage).order_by(
        OutboxMessage.created_at.desc(), OutboxMessage.id.desc()
    )
    if unsent_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    return list(session.scalars(query.limit(limit)))


def status_of(message: OutboxMessage) -> str:
    """sent, pending (waiting for its first or next try) or gave_up."""
    if message.sent_at is not None:
        return SENT
    if (message.attempts or 0) >= MAX_ATTEMPTS:
        return GAVE_UP
    return PENDING
