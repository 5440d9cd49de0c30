"""Every change writes an audit event, and the trail cannot be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from dms.audit import AuditEvent
from tests.helpers import a_pdf, add_version, exempt_upload, upload


def _events(archive):
    with archive.reading() as session:
        return session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_every_change_to_a_document_is_in_the_audit_trail(client, archive, cast):
    document = upload(client, cast, "dinkes").get_json()
    url = document["url"]
    add_version(client, cast, "dinkes", document["id"], a_pdf("v2"), note="revisi")
    client.patch(url, json={"title": "Judul baru"}, headers=cast.auth("dinkes"))
    client.post(f"{url}/submit", headers=cast.auth("dinkes"))
    client.post(f"{url}/publish", headers=cast.auth("utama"))
    client.post(f"{url}/withdraw", headers=cast.auth("utama"))

    trail = [
        (e.action, e.actor_username)
        for e in _events(archive)
        if e.object_type == "document" and e.object_id == document["id"]
    ]

    assert trail == [
        ("document.create", "dinkes"),
        ("version.create", "dinkes"),
        ("document.update", "dinkes"),
        ("document.submit", "dinkes"),
        ("document.publish", "utama"),
        ("document.withdraw", "utama"),
    ]
    update = next(e for e in _events(archive) if e.action == "document.update")
    assert update.before["title"] == "Laporan Keuangan 2025"
    assert update.after["title"] == "Judul baru"


def test_a_refused_change_writes_nothing(client, archive, cast):
    document = upload(client, cast, "dinkes").get_json()
    count = len(_events(archive))

    client.post(f"{document['url']}/withdraw", headers=cast.auth("dinkes"))
    client.patch(document["url"], json={"year": "x"}, headers=cast.auth("dinkes"))

    assert len(_events(archive)) == count


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'rewritten'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_to_rewrite_the_audit_trail(archive, cast, statement):
    with pytest.raises(DBAPIError, match="append-only"), archive.engine.begin() as conn:
        conn.execute(text(statement))

    assert all(e.action != "rewritten" for e in _events(archive))
    assert _events(archive)


def test_reading_exempt_bytes_is_audited_and_public_downloads_are_not(
    client, archive, cast
):
    exempt = exempt_upload(client, cast, "dinkes")
    public = upload(client, cast, "utama", publish="true").get_json()

    client.get(exempt["download_url"], headers=cast.auth("utama"))
    client.get(public["download_url"])
    client.get(exempt["download_url"])  # anonymous: 404, nothing read

    accesses = [
        (e.action, e.actor_username, e.object_id, e.after)
        for e in _events(archive)
        if e.action == "document.access_exempt"
    ]
    assert accesses == [
        ("document.access_exempt", "utama", exempt["id"], {"version": 1})
    ]
