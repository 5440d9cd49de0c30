"""`dms requests list|export|remind`: the operator's view of requests, with
personal data masked and reminders sent to the handlers' outbox."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from dms.mail import OutboxMessage
from dms.requests.service import submit_request
from tests.integration import test_cli as harness
from tests.requests_helpers import NIK, a_request, wib

clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready


def file_requests(instance: harness.Instance) -> list[str]:
    """An overdue request disposed to dinkes and a fresh one; their numbers."""
    instance.ok(
        "user",
        "add",
        "dinkes",
        "--role",
        "ppid_pelaksana",
        "--org",
        "dinkes",
        "--email",
        "dinkes@ppid.example.id",
    )
    instance.ok("user", "add", "utama", "--role", "ppid_utama", "--org", "ppid-utama")
    numbers = []
    with instance.api() as client:
        archive = client.application.extensions["dms"]
        for now in (wib(2025, 3, 24, 9, 0), None):
            with archive.transaction() as session:
                filed = submit_request(
                    session,
                    archive.storage,
                    actor=None,
                    fields=a_request(),
                    settings=archive.settings,
                    now=now,
                )
                numbers.append(filed.request.number)
        token = instance.ok("token", "create", "utama").stdout.strip()
        disposed = client.post(
            f"/api/v1/requests/{numbers[0]}/dispose",
            json={"organisations": ["dinkes"], "subject": "Anggaran kesehatan"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert disposed.status_code == 200, disposed.get_json()
    return numbers


def test_list_shows_states_deadlines_and_flags_without_personal_data(ready):
    old, new = file_requests(ready)

    lines = ready.ok("requests", "list", "--json").stdout.splitlines()
    rows = {row["number"]: row for row in map(json.loads, lines)}

    assert rows[old]["flags"] == ["overdue"] and rows[old]["due_on"] == "2025-04-16"
    assert rows[new]["flags"] == [] and rows[new]["state"] == "submitted"
    overdue = ready.ok("requests", "list", "--flag", "overdue").stdout
    assert old in overdue and new not in overdue
    assert NIK not in overdue and "Siti" not in overdue


def test_export_writes_a_masked_csv(ready, tmp_path):
    old, new = file_requests(ready)
    target = tmp_path / "permohonan.csv"

    ready.ok("requests", "export", "--output", target)

    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {row[0] for row in rows[1:]} == {old, new}
    text = target.read_text(encoding="utf-8")
    assert NIK not in text and "siti@contoh.id" not in text
    assert "************0001" in text


def test_remind_queues_one_email_for_the_overdue_requests_handlers(ready):
    old, _new = file_requests(ready)

    first = ready.ok("requests", "remind").stdout
    second = ready.ok("requests", "remind").stdout

    assert old in first and "1 permohonan" in first
    assert "0 permohonan" in second
    with (
        ready.api() as client,
        client.application.extensions["dms"].reading() as session,
    ):
        reminders = session.execute(
            select(OutboxMessage.recipient, OutboxMessage.body).where(
                OutboxMessage.subject.like("TERLAMBAT%")
            )
        ).all()
    assert [to for to, _body in reminders] == ["dinkes@ppid.example.id"]
    # Outside any web request the link comes from DMS_PUBLIC_URL, whole.
    link = f"{ready.env['DMS_PUBLIC_URL']}/ruang-kerja/permohonan/{old}"
    assert link in reminders[0].body
