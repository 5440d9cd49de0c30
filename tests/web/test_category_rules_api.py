"""What each category brings to a document through the API (DOMAIN.md §2): the
berkala refresh period and staleness, serta merta event time and pin, the
suggested category on upload, and no exempt document without a test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dms.documents.consequence_tests import ConsequenceTest
from dms.documents.models import Document, DocumentVersion
from tests.helpers import upload


def test_a_berkala_document_gets_six_months_and_turns_stale_without_a_new_version(
    archive, client, cast
):
    body = upload(client, cast, "utama", publish="true").get_json()
    assert body["refresh_months"] == 6
    assert body["stale"] is False
    with archive.transaction() as session:
        for version in session.query(DocumentVersion).filter_by(document_id=body["id"]):
            version.created_at = datetime.now(UTC) - timedelta(days=200)
    public = client.get(body["url"]).get_json()
    assert public["stale"] is True
    assert public["refresh_due"] < archive.settings.local_today().isoformat()


def test_a_refresh_period_longer_than_six_months_is_refused(client, cast):
    response = upload(client, cast, "utama", refresh_months="12")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "refresh_months"
    shorter = upload(client, cast, "utama", refresh_months="3").get_json()
    assert shorter["refresh_months"] == 3


def test_other_categories_carry_no_staleness(client, cast):
    body = upload(client, cast, "utama", category="setiap_saat").get_json()
    assert "stale" not in body and body["refresh_months"] is None


def test_a_serta_merta_upload_is_published_pinned_with_its_event_time(client, cast):
    body = upload(
        client,
        cast,
        "bpbd",
        title="Banjir di Kecamatan Pesisir",
        category="serta_merta",
        event_at="2026-11-19T16:00:00+07:00",
    ).get_json()
    assert body["status"] == "published" and body["pinned"] is True
    event = datetime.fromisoformat(body["event_at"])
    assert event == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    assert body["published_at"] is not None


def test_an_event_time_must_have_a_zone_and_not_lie_in_the_future(client, cast):
    for bad in ("2026-11-19T16:00:00", "besok", "2999-01-01T00:00:00+07:00"):
        response = upload(client, cast, "bpbd", category="serta_merta", event_at=bad)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["field"] == "event_at"


def test_the_upload_answer_carries_an_explained_suggestion(client, cast):
    body = upload(
        client, cast, "dinkes", title="Data Rekam Medis Pasien", category="setiap_saat"
    ).get_json()
    suggestion = body["suggestion"]
    assert suggestion["category"] == "dikecualikan"
    assert suggestion["needs_consequence_test"] is True
    assert "rekam medis" in suggestion["explanation"].lower()
    # Only advice: the officer's category stands.
    assert body["category"] == "setiap_saat"


def test_no_document_is_uploaded_as_exempt_and_nothing_is_left_behind(
    archive, client, cast
):
    response = upload(client, cast, "dinkes", category="dikecualikan")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "category"
    assert "uji konsekuensi" in response.get_json()["error"]["message"]
    with archive.reading() as session:
        assert session.query(Document).count() == 0
    assert list(archive.storage.keys()) == []


def test_an_upload_may_propose_its_exemption_in_the_same_step(archive, client, cast):
    body = upload(
        client,
        cast,
        "dinkes",
        title="Slip Gaji Pegawai",
        category="dikecualikan",
        publish="true",
        propose_exemption="Memuat gaji dan NIK pegawai",
    ).get_json()
    assert body["status"] == "draft" and body["category"] == "setiap_saat"
    test = client.get(body["consequence_test"], headers=cast.auth("utama")).get_json()
    assert test["state"] == "proposed"
    assert test["proposal"]["reason"] == "Memuat gaji dan NIK pegawai"
    assert client.get(body["url"]).status_code == 404
    with archive.reading() as session:
        assert session.query(ConsequenceTest).count() == 1
