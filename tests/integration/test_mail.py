"""Email through the outbox, delivered to a real SMTP server (aiosmtpd) on
127.0.0.1: what arrives, what never does, retries, giving up, and the job queue."""

from __future__ import annotations

import logging
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from dms import mail
from dms.archive import Archive
from dms.db import utcnow
from dms.mail import OutboxMessage, deliver_pending, enqueue
from dms.settings import load_settings
from tests.smtp_server import SmtpServer

SUBJECT = "Permohonan “PPID-2026-000123” diterima — café"
BODY = (
    "Yth. Bapak/Ibu,\n\n"
    "Permohonan informasi Anda “Anggaran Dinas Kesehatan 2026” telah diterima —\n"
    "nomor pendaftaran PPID-2026-000123. Terima kasih. Café é à ü\n"
)
SENDER = "PPID Kota Mandiri <ppid@kotamandiri.go.id>"


def open_archive(test_config, **settings) -> Archive:
    return Archive.open(load_settings({**test_config, **settings}))


@pytest.fixture
def outbox(test_config, smtp_server):
    """An archive whose email goes to the test SMTP server; no job queue attached,
    so nothing is sent until the test calls deliver_pending."""
    archive = open_archive(test_config, smtp_url=smtp_server.url, mail_from=SENDER)
    yield archive
    archive.close()


def queue(archive, to="warga@contoh.id", subject=SUBJECT, body=BODY, **kwargs):
    with archive.transaction() as session:
        message = enqueue(session, to=to, subject=subject, body=body, **kwargs)
    return message.id


def rows(archive) -> list[OutboxMessage]:
    with archive.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def row(archive, message_id) -> OutboxMessage:
    with archive.reading() as session:
        return session.get(OutboxMessage, message_id)


def test_a_committed_message_arrives_with_encoded_headers_and_utf8_body(
    outbox, smtp_server
):
    message_id = queue(outbox, topic="request.receipt PPID-2026-000123")

    report = deliver_pending(outbox)

    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == SUBJECT
    assert received["From"] == SENDER
    assert received["To"] == "warga@contoh.id"
    assert received["Date"].datetime.tzinfo is not None
    assert received["Message-ID"].endswith("@kotamandiri.go.id>")
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content() == BODY
    # Over the wire, headers are 7-bit (RFC 2047) and lines end in CRLF.
    head = smtp_server.raw[0].split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert b"=?utf-8?" in head
    assert smtp_server.envelopes == [("ppid@kotamandiri.go.id", ["warga@contoh.id"])]
    sent = row(outbox, message_id)
    assert sent.sent_at is not None
    assert (sent.attempts, sent.last_error, sent.next_attempt_at) == (0, "", None)


def test_a_sent_message_is_not_sent_again(outbox, smtp_server):
    queue(outbox)
    deliver_pending(outbox)

    again = deliver_pending(outbox, now=utcnow() + timedelta(days=1))

    assert (again.sent, again.failed) == (0, 0)
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_message_never_arrives(outbox, smtp_server):
    with pytest.raises(RuntimeError), outbox.transaction() as session:
        enqueue(session, to="warga@contoh.id", subject="Tidak jadi", body="x")
        session.flush()
        raise RuntimeError("the step failed after queueing its email")

    report = deliver_pending(outbox)

    assert (report.sent, report.failed) == (0, 0)
    assert smtp_server.messages == []
    assert rows(outbox) == []


def test_messages_go_oldest_first_and_a_run_sends_at_most_its_limit(
    outbox, smtp_server
):
    for number in (1, 2, 3):
        queue(outbox, subject=f"Pesan {number}")

    first = deliver_pending(outbox, limit=2)
    second = deliver_pending(outbox, limit=2)

    assert (first.sent, second.sent) == (2, 1)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects == ["Pesan 1", "Pesan 2", "Pesan 3"]


def test_a_message_that_cannot_be_sent_while_the_server_is_down_is_sent_later(
    outbox, smtp_server
):
    message_id = queue(outbox)
    smtp_server.stop()
    now = utcnow()

    down = deliver_pending(outbox, now=now)

    assert (down.sent, down.failed) == (1 - 1, 1)
    failed = row(outbox, message_id)
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error
    assert failed.next_attempt_at == now + timedelta(minutes=1)

    smtp_server.start()
    too_soon = deliver_pending(outbox, now=now + timedelta(seconds=30))
    assert (too_soon.sent, too_soon.failed) == (0, 0)
    assert smtp_server.messages == []

    later = deliver_pending(outbox, now=now + timedelta(seconds=61))
    assert (later.sent, later.failed) == (1, 0)
    assert [m["Subject"] for m in smtp_server.messages] == [SUBJECT]
    assert row(outbox, message_id).sent_at is not None


def test_a_server_that_is_down_ends_the_run_after_one_try(outbox, smtp_server):
    first, second = queue(outbox), queue(outbox)
    smtp_server.stop()

    report = deliver_pending(outbox)

    assert report.failed == 1
    assert row(outbox, first).attempts == 1
    assert row(outbox, second).attempts == 0


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=5)),
        (3, timedelta(minutes=30)),
        (4, timedelta(hours=2)),
        (5, timedelta(hours=6)),
        (9, timedelta(hours=6)),
        (10, None),
    ],
)
def test_retries_wait_longer_each_time_and_stop_after_ten(attempts, wait):
    now = utcnow()
    expected = None if wait is None else now + wait
    assert mail.next_attempt(attempts, now) == expected


def test_delivery_gives_up_after_ten_attempts_and_keeps_the_message(
    outbox, smtp_server
):
    message_id = queue(outbox)
    smtp_server.stop()
    now = utcnow()
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        report = deliver_pending(outbox, now=now)
        assert report.failed == 1, attempt
        failed = row(outbox, message_id)
        assert failed.attempts == attempt
        if failed.next_attempt_at is not None:
            now = failed.next_attempt_at

    assert failed.next_attempt_at is None
    assert "ConnectionRefusedError" in failed.last_error
    smtp_server.start()
    report = deliver_pending(outbox, now=now + timedelta(days=30))
    assert (report.sent, report.failed) == (0, 0)
    assert smtp_server.messages == []
    assert mail.status_of(row(outbox, message_id)) == mail.GAVE_UP


def test_a_refused_recipient_fails_alone_and_the_run_goes_on(outbox, smtp_server):
    smtp_server.refused.add("tidak.ada@contoh.id")
    refused = queue(outbox, to="tidak.ada@contoh.id", subject="Ditolak")
    queue(outbox, subject="Diterima")

    report = deliver_pending(outbox)

    assert (report.sent, report.failed) == (1, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Diterima"]
    failed = row(outbox, refused)
    assert "SMTPRecipientsRefused" in failed.last_error
    assert "550" in failed.last_error
    assert report.failures == [(refused, "tidak.ada@contoh.id", failed.last_error)]


@pytest.mark.parametrize(
    "recipient",
    ["bukan alamat", "warga@contoh.id\nBcc: semua@contoh.id", "a@b.id, c@d.id"],
)
def test_a_recipient_that_is_not_one_address_fails_alone(
    outbox, smtp_server, recipient
):
    bad = queue(outbox, to=recipient, subject="Salah alamat")
    queue(outbox, subject="Benar")

    report = deliver_pending(outbox)

    assert (report.sent, report.failed) == (1, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Benar"]
    assert smtp_server.envelopes[0][1] == ["warga@contoh.id"]
    assert row(outbox, bad).attempts == 1


def test_a_silent_server_fails_within_the_timeout(test_config, monkeypatch):
    monkeypatch.setattr(mail, "SMTP_TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections into its backlog, never answers
        port = silent.getsockname()[1]
        archive = open_archive(test_config, smtp_url=f"smtp://127.0.0.1:{port}")
        try:
            message_id = queue(archive)
            report = deliver_pending(archive)
        finally:
            archive.close()
    assert report.failed == 1
    failed = row_in(test_config, message_id)
    assert "timed out" in failed.last_error


def row_in(test_config, message_id) -> OutboxMessage:
    archive = open_archive(test_config)
    try:
        return row(archive, message_id)
    finally:
        archive.close()


def test_without_smtp_url_messages_stay_in_the_outbox(test_config, caplog):
    archive = open_archive(test_config)
    try:
        message_id = queue(archive)
        with caplog.at_level(logging.INFO, logger="dms.mail"):
            report = deliver_pending(archive)
        waiting = row(archive, message_id)
    finally:
        archive.close()
    assert report.configured is False
    assert (report.sent, report.failed) == (0, 0)
    assert (waiting.sent_at, waiting.attempts) == (None, 0)
    assert "smtp_url is not set: 1 email(s) stay in the outbox" in caplog.text


def test_a_server_that_requires_a_login_gets_the_percent_decoded_credentials(
    test_config,
):
    credentials = ("ppid@kotamandiri", "rahasia:/@%sekali")
    with SmtpServer(credentials=credentials) as server:
        archive = open_archive(test_config, smtp_url=server.url)
        try:
            queue(archive)
            report = deliver_pending(archive)
        finally:
            archive.close()
    assert (report.sent, report.failed) == (1, 0)
    assert server.logins == [("ppid@kotamandiri", True)]
    assert [m["Subject"] for m in server.messages] == [SUBJECT]


def test_a_wrong_password_is_recorded_without_the_password(test_config):
    with SmtpServer(credentials=("ppid", "benar")) as server:
        wrong = server.url.replace("benar", "salah-sekali")
        archive = open_archive(test_config, smtp_url=wrong)
        try:
            message_id = queue(archive)
            report = deliver_pending(archive)
            failed = row(archive, message_id)
        finally:
            archive.close()
    assert report.failed == 1
    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN).
    assert server.logins and set(server.logins) == {("ppid", False)}
    assert server.messages == []
    assert "SMTPAuthenticationError" in failed.last_error
    assert "salah-sekali" not in failed.last_error
    assert failed.attempts == 1


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_tls_is_used_and_the_certificate_checked(
    test_config, tmp_path, monkeypatch, tls
):
    with SmtpServer(tls=tls, credentials=("ppid", "rahasia")) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.write_ca(tmp_path / "ca.pem")))
        archive = open_archive(test_config, smtp_url=server.url)
        try:
            queue(archive)
            report = deliver_pending(archive)
        finally:
            archive.close()
    assert (report.sent, report.failed) == (1, 0)
    assert server.logins == [("ppid", True)]
    assert [m["Subject"] for m in server.messages] == [SUBJECT]


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_an_untrusted_certificate_is_refused(test_config, tls):
    with SmtpServer(tls=tls) as server:
        archive = open_archive(test_config, smtp_url=server.url)
        try:
            message_id = queue(archive)
            report = deliver_pending(archive)
            failed = row(archive, message_id)
        finally:
            archive.close()
    assert report.failed == 1
    assert server.messages == []
    assert "CERTIFICATE_VERIFY_FAILED" in failed.last_error


def test_two_workers_at_once_never_send_the_same_message(test_config, smtp_server):
    """On PostgreSQL the claim skips locked rows; on SQLite writers take turns."""
    archives = [open_archive(test_config, smtp_url=smtp_server.url) for _ in "ab"]
    try:
        for number in range(20):
            queue(archives[0], subject=f"Pesan {number}")
        reports = []
        workers = [
            threading.Thread(target=lambda a=a: reports.append(deliver_pending(a)))
            for a in archives
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        for archive in archives:
            archive.close()
    assert sum(report.sent for report in reports) == 20
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Pesan {number}" for number in range(20))
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 20


def test_a_message_another_worker_holds_is_skipped_not_waited_for(
    outbox, smtp_server, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DMS_TEST_DATABASE_URL): SQLite has one writer")
    held, free = queue(outbox, subject="Dipegang"), queue(outbox, subject="Bebas")

    with outbox.transaction() as other_worker:
        other_worker.scalar(
            select(OutboxMessage).where(OutboxMessage.id == held).with_for_update()
        )
        report = deliver_pending(outbox)

    assert (report.sent, report.failed) == (1, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Bebas"]
    assert row(outbox, free).sent_at is not None
    assert row(outbox, held).sent_at is None


# --- through the app and its job queue ----------------------------------------------


@pytest.fixture
def immediate_app(test_config, smtp_server):
    """The app as built for production, but with jobs run inline."""
    from dms.web import create_app

    app = create_app(
        {**test_config, "queue_url": "immediate", "smtp_url": smtp_server.url}
    )
    yield app
    app.extensions["dms"].close()


def test_a_committed_transaction_delivers_its_email_with_no_further_call(
    immediate_app, smtp_server
):
    archive = immediate_app.extensions["dms"]

    message_id = queue(archive)

    assert [m["Subject"] for m in smtp_server.messages] == [SUBJECT]
    assert row(archive, message_id).sent_at is not None


def test_a_rolled_back_transaction_asks_for_no_delivery(immediate_app, smtp_server):
    archive = immediate_app.extensions["dms"]
    asked = []
    archive.on_mail_queued = lambda: asked.append(True)

    with pytest.raises(RuntimeError), archive.transaction() as session:
        enqueue(session, to="warga@contoh.id", subject="Tidak jadi", body="x")
        session.flush()
        raise RuntimeError("rolled back")
    with archive.transaction():
        pass  # a later transaction that queues nothing

    assert asked == []
    assert smtp_server.messages == []


def test_a_transaction_that_queues_no_email_asks_for_no_delivery(immediate_app):
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    archive = immediate_app.extensions["dms"]
    asked = []
    archive.on_mail_queued = lambda: asked.append(True)
    with archive.transaction() as session:
        accounts.add_organisation(
            session, actor=SYSTEM, slug="ppid", name="PPID", is_utama=True
        )
    assert asked == []


def test_without_smtp_url_the_app_leaves_queued_email_in_the_outbox(
    test_config, caplog
):
    from dms.web import create_app

    app = create_app({**test_config, "queue_url": "immediate"})
    archive = app.extensions["dms"]
    try:
        with caplog.at_level(logging.INFO, logger="dms.jobs"):
            message_id = queue(archive)
        waiting = row(archive, message_id)
    finally:
        archive.close()
    assert (waiting.sent_at, waiting.attempts) == (None, 0)
    assert "smtp_url is not set" in caplog.text


def test_the_worker_retries_pending_email_every_minute(immediate_app):
    huey = immediate_app.extensions["dms.jobs"].huey
    start = utcnow().replace(second=0, microsecond=0, tzinfo=None)
    for minute in range(61):
        due = huey.read_periodic(start + timedelta(minutes=minute))
        assert "dms.retry_mail" in {task.name for task in due}
