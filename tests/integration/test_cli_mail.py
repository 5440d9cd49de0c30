"""`dms mail list` and `dms mail send`, driven like an operator would, against a
real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from dms.archive import Archive
from dms.mail import enqueue
from dms.settings import load_settings
from tests.integration.test_cli import (  # noqa: F401 - fixtures
    DMS_SCRIPT,
    Instance,
    assert_fails_in_one_line,
    clean_environment,
    explain,
    instance,
    ready,
)

SUBJECT = "Permohonan “PPID-2026-000001” diterima"


@pytest.fixture
def operator(request) -> Instance:
    """An initialised instance (the CLI harness's `ready`)."""
    return request.getfixturevalue("ready")


def queue(operator: Instance, *recipients: str) -> None:
    """One message per recipient, committed by the archive the CLI uses."""
    overrides = {k[4:].lower(): v for k, v in operator.env.items()}
    archive = Archive.open(load_settings(overrides, env={}))
    try:
        with archive.transaction() as session:
            for recipient in recipients:
                enqueue(session, to=recipient, subject=SUBJECT, body="Isi — é")
    finally:
        archive.close()


def test_send_delivers_the_outbox_and_prints_counts(operator, smtp_server):
    queue(operator, "warga@contoh.id", "lsm@contoh.id")

    sent = operator.run("mail", "send", DMS_SMTP_URL=smtp_server.url)

    assert sent.exit_code == 0, explain(sent)
    assert sent.stdout.strip() == "dms: 2 sent, 0 failed"
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "lsm@contoh.id",
        "warga@contoh.id",
    ]
    again = operator.run("mail", "send", DMS_SMTP_URL=smtp_server.url)
    assert again.stdout.strip() == "dms: 0 sent, 0 failed"


def test_send_with_the_server_down_reports_the_failure_and_exits_1(
    operator, smtp_server
):
    queue(operator, "warga@contoh.id")
    smtp_server.stop()

    failed = operator.run("mail", "send", DMS_SMTP_URL=smtp_server.url)

    assert failed.exit_code == 1, explain(failed)
    assert failed.stdout.strip() == "dms: 0 sent, 1 failed"
    assert "failed: 1 to warga@contoh.id: ConnectionRefusedError" in failed.stderr


def test_send_without_smtp_url_says_so_in_one_line(operator):
    queue(operator, "warga@contoh.id")

    result = operator.run("mail", "send")

    assert_fails_in_one_line(result, "smtp_url is not set (DMS_SMTP_URL)")


def test_a_bad_smtp_url_fails_in_one_line_without_the_password(operator):
    result = operator.run("mail", "send", DMS_SMTP_URL="smtp://ppid:rahasia@relay:0x")

    assert_fails_in_one_line(result, "smtp_url's port must be a number")
    assert "rahasia" not in result.stderr


def test_list_shows_what_was_sent_and_what_waits(operator, smtp_server):
    operator.env["DMS_SMTP_URL"] = smtp_server.url
    queue(operator, "warga@contoh.id")
    operator.ok("mail", "send", "--limit", "1")
    queue(operator, "lsm@contoh.id")

    listed = operator.ok("mail", "list").stdout

    lines = listed.splitlines()
    assert "lsm@contoh.id" in lines[0] and SUBJECT in lines[0]
    assert "waiting to be sent" in lines[1]
    assert "warga@contoh.id" in lines[2] and "WIB" in lines[2]
    assert lines[3].strip().startswith("sent ")
    assert lines[-1] == "dms: 2 message(s) listed"


def test_list_unsent_as_json_shows_attempts_and_the_error(operator, smtp_server):
    operator.env["DMS_SMTP_URL"] = smtp_server.url
    queue(operator, "warga@contoh.id")
    operator.ok("mail", "send")
    queue(operator, "lsm@contoh.id")
    smtp_server.stop()
    assert operator.run("mail", "send").exit_code == 1

    listed = operator.ok("mail", "list", "--unsent", "--json").stdout
    text = operator.ok("mail", "list", "--unsent").stdout

    [waiting] = json.loads(listed)
    assert waiting["recipient"] == "lsm@contoh.id"
    assert waiting["subject"] == SUBJECT
    assert waiting["status"] == "pending"
    assert waiting["attempts"] == 1
    assert waiting["sent_at"] is None
    assert "ConnectionRefusedError" in waiting["last_error"]
    assert waiting["next_attempt_at"] > waiting["created_at"]
    assert "1 failed attempt(s), next try" in text
    assert "error: ConnectionRefusedError" in text
    assert "warga@contoh.id" not in text


def test_the_console_script_has_the_mail_commands(operator):
    result = operator.script("mail", "--help")

    assert result.returncode == 0, result.stderr
    assert "list" in result.stdout and "send" in result.stdout


def test_the_worker_delivers_what_the_web_app_queued(operator, smtp_server):
    operator.env["DMS_SMTP_URL"] = smtp_server.url
    with operator.api() as client:
        archive = client.application.extensions["dms"]
        with archive.transaction() as session:
            enqueue(session, to="warga@contoh.id", subject=SUBJECT, body="Isi")
    assert smtp_server.messages == []  # the embedded queue holds the job
    worker = subprocess.Popen(
        [str(DMS_SCRIPT), "worker", "--workers", "1"],
        env=operator.process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.messages:
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker sent nothing in 60 s"
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker.stderr.close()
    assert [m["Subject"] for m in smtp_server.messages] == [SUBJECT]
