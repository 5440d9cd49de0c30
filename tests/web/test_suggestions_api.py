"""The suggested category over the API: for staff only, advice only."""

from __future__ import annotations

import re

from sqlalchemy import select

from dms.classification.suggest import suggest_category
from dms.documents.models import Document, DocumentVersion, VersionText
from dms.web.api import suggestions
from dms.web.api.suggestions import suggestion_json
from tests.helpers import a_pdf, upload

SUGGEST = "/api/v1/classification/suggest"


def test_staff_get_a_suggestion_for_a_title_type_and_text(client, cast):
    response = client.post(
        SUGGEST,
        json={
            "title": "Laporan Keuangan 2025",
            "info_type": "Laporan keuangan",
            "text": "Neraca dan laporan arus kas.",
        },
        headers=cast.auth("dinkes"),
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["category"] == "berkala"
    assert body["category_label"] == "Berkala"
    assert body["rule"] == "laporan_keuangan"
    assert body["explanation"].startswith("Disarankan Berkala: judul menyebut")
    assert {"phrase": "laporan keuangan", "where": "title"} in body["matched"]
    assert {"phrase": "neraca", "where": "text"} in body["matched"]
    assert body["needs_consequence_test"] is False
    assert body["alternatives"] == []


def test_an_exempt_suggestion_asks_for_a_consequence_test(client, cast):
    response = client.post(
        SUGGEST, json={"title": "Rekam Medis Pasien"}, headers=cast.auth("utama")
    )

    body = response.get_json()
    assert body["category"] == "dikecualikan"
    assert body["needs_consequence_test"] is True


def test_a_title_without_signals_gets_no_category(client, cast):
    response = client.post(
        SUGGEST, json={"title": "Dokumen Lain"}, headers=cast.auth("admin")
    )

    assert response.status_code == 200
    assert response.get_json()["category"] is None
    assert response.get_json()["rule"] == "tidak_ada"


def test_anonymous_callers_get_no_suggestion(client):
    response = client.post(SUGGEST, json={"title": "Laporan Keuangan"})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_bad_suggestion_input_is_refused_with_the_field(client, cast):
    auth = cast.auth("utama")

    not_object = client.post(SUGGEST, json=["judul"], headers=auth)
    no_title = client.post(SUGGEST, json={"title": "  "}, headers=auth)
    not_text = client.post(SUGGEST, json={"title": "A", "text": 5}, headers=auth)
    too_long = client.post(SUGGEST, json={"title": "A" * 501}, headers=auth)

    assert not_object.status_code == 400
    assert no_title.status_code == 422
    assert no_title.get_json()["error"]["field"] == "title"
    assert not_text.get_json()["error"]["field"] == "text"
    assert too_long.status_code == 422


def test_a_huge_body_is_refused_before_it_is_read(client, cast):
    response = client.post(
        SUGGEST,
        json={"title": "Banjir", "text": "banjir " * 100_000},
        headers=cast.auth("utama"),
    )

    assert response.status_code == 413


def test_a_document_suggestion_says_when_no_text_was_extracted_yet(client, cast):
    document = upload(client, cast, "dinkes", title="Jadwal Pemadaman Listrik")
    document_id = document.get_json()["id"]

    response = client.get(
        f"/api/v1/documents/{document_id}/suggestion", headers=cast.auth("dinkes")
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["document_id"] == document_id
    assert body["version"] == 1
    assert body["text_used"] is False
    assert body["text_status"] == "pending"
    assert body["category"] == "serta_merta"


def test_a_document_suggestion_reads_the_current_versions_text(client, cast, archive):
    document_id = upload(client, cast, "dinkes", title="Dokumen 7/2025").get_json()[
        "id"
    ]
    _give_text(archive, document_id, "Terjadi kejadian luar biasa demam berdarah.")

    body = client.get(
        f"/api/v1/documents/{document_id}/suggestion", headers=cast.auth("utama")
    ).get_json()

    assert body["text_used"] is True
    assert body["category"] == "serta_merta"
    assert body["rule"] == "wabah"
    assert {m["where"] for m in body["matched"]} == {"text"}


def test_a_document_suggestion_uses_text_the_extraction_job_stored(app, client, cast):
    content = a_pdf("Pemberitahuan banjir bandang dan jalur evakuasi warga")
    document_id = upload(
        client, cast, "dinkes", title="Pemberitahuan 3", content=content
    ).get_json()["id"]
    app.extensions["dms.jobs"].indexer.refresh([document_id])

    body = client.get(
        f"/api/v1/documents/{document_id}/suggestion", headers=cast.auth("dinkes")
    ).get_json()

    assert body["text_used"] is True
    assert body["text_status"] == "ok"
    assert body["category"] == "serta_merta"


def test_only_those_who_may_change_a_document_get_its_suggestion(client, cast):
    document_id = upload(client, cast, "dinkes", title="Laporan Keuangan").get_json()[
        "id"
    ]
    url = f"/api/v1/documents/{document_id}/suggestion"

    assert client.get(url).status_code == 401
    assert client.get(url, headers=cast.auth("bpbd")).status_code == 404
    assert client.get(url, headers=cast.auth("admin")).status_code == 404
    assert client.get(url, headers=cast.auth("atasan")).status_code == 403
    assert client.get(url, headers=cast.auth("utama")).status_code == 200
    absent = client.get("/api/v1/documents/999/suggestion", headers=cast.auth("utama"))
    assert absent.status_code == 404


def test_a_published_document_of_another_organisation_is_forbidden(client, cast):
    document = upload(client, cast, "dinkes", title="Banjir", category="serta_merta")
    url = f"/api/v1/documents/{document.get_json()['id']}/suggestion"

    response = client.get(url, headers=cast.auth("bpbd"))

    assert response.status_code == 403


def test_a_suggestion_changes_nothing(client, cast, archive):
    document_id = upload(client, cast, "dinkes", title="Rekam Medis").get_json()["id"]

    client.get(
        f"/api/v1/documents/{document_id}/suggestion", headers=cast.auth("dinkes")
    )

    with archive.reading() as session:
        assert session.get(Document, document_id).category == "berkala"


def test_suggestion_json_is_plain_json_for_the_upload_response():
    body = suggestion_json(suggest_category("Banjir", "", "laporan keuangan"))

    assert body["category"] == "serta_merta"
    assert body["alternatives"] == [
        {"category": "berkala", "rule": "laporan_keuangan", "label": "Laporan keuangan"}
    ]


def test_both_endpoints_are_described_for_openapi(app):
    described = {
        (path, method.upper())
        for path, operations in suggestions.openapi_paths().items()
        for method in operations
    }

    routes = {
        (re.sub(r"<[^>]*document_id>", "{id}", rule.rule.removeprefix("/api/v1")), m)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.suggestions.")
        for m in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert (
        routes
        == described
        == {
            ("/classification/suggest", "POST"),
            ("/documents/{id}/suggestion", "GET"),
        }
    )


def _give_text(archive, document_id: int, body: str) -> None:
    with archive.transaction() as session:
        version = session.scalar(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        )
        version.text_status = "ok"
        session.add(VersionText(version_id=version.id, body=body))
