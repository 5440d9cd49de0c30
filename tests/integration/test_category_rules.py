"""Berkala staleness and serta merta announcements, against the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from dms.accounts.models import User
from dms.classification import rules
from dms.classification.rules import (
    add_months,
    announcements,
    is_stale,
    refresh_due,
    stale_documents,
)
from dms.documents.models import Document, DocumentVersion
from tests.helpers import upload

TODAY = date(2026, 3, 15)
ZONE = "Asia/Jakarta"


def _published(client, cast, title, category="berkala", username="utama", **fields):
    response = upload(client, cast, username, title=title, category=category, **fields)
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    if document["status"] != "published":
        url = f"/api/v1/documents/{document['id']}/publish"
        response = client.post(url, headers=cast.auth("utama"))
        assert response.status_code == 200, response.get_json()
    return document["id"]


def _set(archive, document_id, **values):
    with archive.transaction() as session:
        document = session.get(Document, document_id)
        for name, value in values.items():
            setattr(document, name, value)


def _version_created(archive, document_id, day: date, number: int = 1):
    with archive.transaction() as session:
        version = session.scalar(
            select(DocumentVersion).where(
                DocumentVersion.document_id == document_id,
                DocumentVersion.number == number,
            )
        )
        version.created_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _stale_ids(archive, today=TODAY, actor=None, org=None):
    with archive.reading() as session:
        found = stale_documents(
            session, actor=actor, today=today, timezone=ZONE, org=org
        )
        return [document.id for document in found]


def _load(archive, document_id):
    with archive.reading() as session:
        document = session.get(Document, document_id)
        document.versions  # noqa: B018 - loaded while the session is open
        return document


def test_months_are_added_by_the_calendar_clamping_to_the_months_end():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 15), 12) == date(2026, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_the_sql_cutoff_agrees_with_the_calendar_rule_on_every_day(months):
    for offset in range(0, 800, 1):
        today = date(2024, 1, 1) + timedelta(days=offset)
        cutoff = rules._stale_before(today, months, ZONE).date()
        for created in (cutoff - timedelta(days=2), cutoff - timedelta(days=1)):
            assert add_months(created, months) < today, (today, created)
        for created in (cutoff, cutoff + timedelta(days=1)):
            assert not add_months(created, months) < today, (today, created)


def test_a_berkala_document_is_due_its_refresh_period_after_its_published_version(
    client, cast, archive
):
    default = _published(client, cast, "Laporan Keuangan 2025")
    quarterly = _published(client, cast, "Realisasi Anggaran Triwulan I")
    _set(archive, default, refresh_months=None)
    _set(archive, quarterly, refresh_months=3)
    _version_created(archive, default, date(2025, 8, 31))
    _version_created(archive, quarterly, date(2025, 12, 10))

    assert refresh_due(_load(archive, default), ZONE) == date(2026, 2, 28)
    assert refresh_due(_load(archive, quarterly), ZONE) == date(2026, 3, 10)


def test_the_refresh_period_counts_from_the_local_day_of_the_upload(
    client, cast, archive
):
    # 31 Aug 2025 20:00 UTC is already 1 September in Jakarta: due 1 March.
    document_id = _published(client, cast, "Laporan Keuangan 2025")
    _set(archive, document_id, refresh_months=6)
    with archive.transaction() as session:
        version = session.scalar(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        )
        version.created_at = datetime(2025, 8, 31, 20, tzinfo=UTC)
    document = _load(archive, document_id)

    assert refresh_due(document, ZONE) == date(2026, 3, 1)
    assert is_stale(document, date(2026, 3, 1), ZONE) is False
    assert _stale_ids(archive, date(2026, 3, 1)) == []
    assert _stale_ids(archive, date(2026, 3, 2)) == [document_id]


def test_other_categories_have_no_refresh_date(client, cast, archive):
    agreement = _published(client, cast, "Perjanjian Kerja Sama", "setiap_saat")
    flood = _published(client, cast, "Banjir", "serta_merta")

    for document_id in (agreement, flood):
        document = _load(archive, document_id)
        assert refresh_due(document, ZONE) is None
        assert is_stale(document, TODAY, ZONE) is False


def test_a_document_is_stale_only_after_its_due_day(client, cast, archive):
    document_id = _published(client, cast, "Laporan Keuangan 2025")
    _set(archive, document_id, refresh_months=6)
    _version_created(archive, document_id, date(2025, 9, 15))
    document = _load(archive, document_id)

    assert is_stale(document, date(2026, 3, 15), ZONE) is False
    assert is_stale(document, date(2026, 3, 16), ZONE) is True
    assert _stale_ids(archive, date(2026, 3, 15)) == []
    assert _stale_ids(archive, date(2026, 3, 16)) == [document_id]


def test_stale_documents_are_published_berkala_past_due_and_agree_with_is_stale(
    client, cast, archive
):
    old = date(2025, 1, 10)
    stale = _published(client, cast, "Laporan Keuangan 2024")
    fresh = _published(client, cast, "Laporan Keuangan 2026")
    short = _published(client, cast, "Realisasi Anggaran Bulanan")
    withdrawn = _published(client, cast, "Neraca 2023")
    draft = upload(client, cast, "utama", title="LRA Draf").get_json()["id"]
    agreement = _published(client, cast, "Kontrak Lama", "setiap_saat")
    for document_id in (stale, withdrawn, draft, agreement):
        _version_created(archive, document_id, old)
    _version_created(archive, fresh, TODAY - timedelta(days=30))
    _version_created(archive, short, TODAY - timedelta(days=40))
    _set(archive, short, refresh_months=1)
    client.post(f"/api/v1/documents/{withdrawn}/withdraw", headers=cast.auth("utama"))

    found = _stale_ids(archive)

    assert found == [stale, short]  # most overdue first
    everything = (stale, fresh, short, withdrawn, draft, agreement)
    assert [d for d in everything if is_stale(_load(archive, d), TODAY, ZONE)] == found


def test_staleness_follows_the_published_version_not_a_newer_draft_version(
    client, cast, archive
):
    from tests.helpers import a_pdf, add_version

    document_id = _published(client, cast, "Laporan Keuangan", username="dinkes")
    add_version(client, cast, "dinkes", document_id, a_pdf("versi baru, belum"))
    _version_created(archive, document_id, date(2025, 1, 1), number=1)

    assert _stale_ids(archive) == [document_id]

    client.post(f"/api/v1/documents/{document_id}/publish", headers=cast.auth("utama"))

    assert _stale_ids(archive) == []
    assert is_stale(_load(archive, document_id), TODAY, ZONE) is False


def test_stale_documents_can_be_narrowed_to_one_organisation(client, cast, archive):
    health = _published(client, cast, "LRA Dinkes", org="dinkes")
    disaster = _published(client, cast, "LRA BPBD", org="bpbd")
    for document_id in (health, disaster):
        _version_created(archive, document_id, date(2024, 6, 1))

    assert _stale_ids(archive, org="dinkes") == [health]
    assert _stale_ids(archive, org="tidak-ada") == []
    with archive.reading() as session:
        officer = session.scalar(select(User).where(User.username == "bpbd"))
        seen = stale_documents(session, actor=officer, today=TODAY, timezone=ZONE)
        assert {d.id for d in seen} == {health, disaster}


def test_there_is_nothing_stale_in_an_empty_archive(archive):
    assert _stale_ids(archive) == []


def test_announcements_are_pinned_public_serta_merta_newest_first(
    client, cast, archive
):
    base = datetime(2026, 3, 1, 8, tzinfo=UTC)
    older = _published(client, cast, "Banjir di Serang", "serta_merta")
    newer = _published(client, cast, "Gempa di Pandeglang", "serta_merta")
    unpinned = _published(client, cast, "Longsor Lama", "serta_merta")
    withdrawn = _published(client, cast, "Kebakaran Pasar", "serta_merta")
    berkala = _published(client, cast, "Laporan Keuangan")
    exempt = upload(
        client, cast, "utama", title="Data Korban", category="serta_merta"
    ).get_json()["id"]
    for hours, document_id in enumerate((older, newer, unpinned, withdrawn, berkala)):
        _set(
            archive,
            document_id,
            pinned=document_id != unpinned,
            published_at=base + timedelta(hours=hours),
        )
    # Even a row forced into an impossible public state stays off the portal.
    _set(
        archive,
        exempt,
        category="dikecualikan",
        pinned=True,
        status="published",
        published_at=base,
    )
    client.post(f"/api/v1/documents/{withdrawn}/withdraw", headers=cast.auth("utama"))

    with archive.reading() as session:
        found = [d.id for d in announcements(session)]
        limited = [d.id for d in announcements(session, limit=1)]

    assert found == [newer, older]
    assert limited == [newer]
