"""A document proposed for exemption stays closed until its test is decided
(issue 13 §2): no path submits, publishes or opens it meanwhile, the refusal
says why, the approval queue marks it, and a rejected test gives it back to the
normal flow."""

from __future__ import annotations

import pytest

from tests.helpers import a_pdf, add_version, upload
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_exemption_workflow import decide, propose, record

SECRET_WORD = "rekammedisbudisantoso"
REFUSAL = "belum diputuskan"


@pytest.fixture
def test_config(test_config):
    # Indexing runs at once, so search sees what a citizen would.
    return {**test_config, "queue_url": "immediate"}


@pytest.fixture
def proposed(client, cast) -> tuple[int, int]:
    """A Dinkes serta merta upload with an exemption proposed in the same step;
    (document id, test id)."""
    response = upload(
        client,
        cast,
        "dinkes",
        title=f"Data Pasien KLB {SECRET_WORD}",
        category="serta_merta",
        content=a_pdf(f"Isi rahasia {SECRET_WORD}"),
        propose_exemption="Memuat rekam medis pasien",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft"
    return body["id"], int(body["consequence_test"].rsplit("/", 1)[1])


def post(client, cast, who, path, **json):
    return client.post(path, json=json or None, headers=cast.auth(who))


def assert_refused_with_reason(response) -> None:
    assert response.status_code == 409, response.get_json()
    assert REFUSAL in response.get_json()["error"]["message"]


def assert_closed_to_the_public(client, document_id: int) -> None:
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 404
    assert client.get(f"/api/v1/documents/{document_id}/download").status_code == 404
    assert client.get(f"/dokumen/{document_id}").status_code == 404
    listing = client.get("/api/v1/documents").get_json()
    assert document_id not in [item["id"] for item in listing["items"]]
    found = client.get("/api/v1/documents", query_string={"q": SECRET_WORD})
    assert found.get_json()["total"] == 0
    for page in ("/", "/feeds/serta-merta.atom"):
        assert SECRET_WORD not in client.get(page).get_data(as_text=True).lower()
    results = client.get("/cari", query_string={"q": SECRET_WORD})
    assert f"/dokumen/{document_id}" not in results.get_data(as_text=True)


def test_a_proposed_document_cannot_be_submitted_or_published(client, cast, proposed):
    document, _test = proposed
    url = f"/api/v1/documents/{document}"

    assert_refused_with_reason(post(client, cast, "dinkes", f"{url}/submit"))
    # The Utama's publish was the hole: it answered 200 and opened the bytes.
    assert_refused_with_reason(post(client, cast, "utama", f"{url}/publish"))
    # Serta merta is published by its own uploader without a queue: not this one.
    assert_refused_with_reason(post(client, cast, "dinkes", f"{url}/publish"))

    assert_closed_to_the_public(client, document)


def test_neither_a_category_change_nor_a_new_version_opens_it(client, cast, proposed):
    document, _test = proposed
    url = f"/api/v1/documents/{document}"

    changed = client.patch(
        url, json={"category": "setiap_saat"}, headers=cast.auth("utama")
    )
    assert_refused_with_reason(changed)
    assert add_version(client, cast, "dinkes", document, a_pdf("v2")).status_code == (
        201
    )
    assert_refused_with_reason(post(client, cast, "utama", f"{url}/publish"))

    assert_closed_to_the_public(client, document)


def test_a_recorded_test_not_yet_decided_keeps_it_closed(client, cast, proposed):
    document, test_id = proposed
    assert record(client, cast, test_id).status_code == 200

    response = post(client, cast, "utama", f"/api/v1/documents/{document}/publish")

    assert_refused_with_reason(response)
    assert_closed_to_the_public(client, document)


def test_a_rejected_test_returns_the_document_to_the_normal_flow(
    client, cast, proposed
):
    document, test_id = proposed
    assert record(client, cast, test_id).status_code == 200
    rejected = decide(client, cast, test_id, "reject", note="Bukan data pribadi")
    assert rejected.status_code == 200

    url = f"/api/v1/documents/{document}"
    assert post(client, cast, "dinkes", f"{url}/submit").status_code == 200
    assert post(client, cast, "utama", f"{url}/publish").status_code == 200
    assert client.get(url).status_code == 200


def test_an_approved_exemption_keeps_it_closed_for_good(client, cast, proposed):
    document, test_id = proposed
    assert record(client, cast, test_id).status_code == 200
    assert decide(client, cast, test_id, "approve").status_code == 200

    response = post(client, cast, "utama", f"/api/v1/documents/{document}/publish")

    assert response.status_code == 409
    assert_closed_to_the_public(client, document)


def test_a_published_document_under_test_keeps_its_approved_version(client, cast):
    body = upload(
        client, cast, "dinkes", title="Pengumuman", category="serta_merta"
    ).get_json()
    document = body["id"]
    assert body["status"] == "published"
    assert propose(client, cast, document).status_code == 201

    # The uploader's new serta merta version no longer goes public at once...
    added = add_version(client, cast, "dinkes", document, a_pdf(SECRET_WORD))
    assert added.status_code == 201
    public = client.get(f"/api/v1/documents/{document}").get_json()
    assert [v["number"] for v in public["versions"]] == [1]
    # ...and nobody can publish it while the test is undecided.
    assert_refused_with_reason(
        post(client, cast, "utama", f"/api/v1/documents/{document}/publish")
    )


def test_a_document_proposed_after_submission_is_marked_in_the_queue(client, cast, app):
    document = upload(client, cast, "dinkes", title="Daftar Penerima Bantuan")
    document_id = document.get_json()["id"]
    url = f"/api/v1/documents/{document_id}"
    assert post(client, cast, "dinkes", f"{url}/submit").status_code == 200
    assert propose(client, cast, document_id).status_code == 201
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302

    queue = utama.get("/ruang-kerja/persetujuan").get_data(as_text=True)

    assert "Daftar Penerima Bantuan" in queue
    assert "Usulan pengecualian belum diputuskan" in queue
    assert f"/ruang-kerja/dokumen/{document_id}/terbitkan" not in queue
    assert_refused_with_reason(post(client, cast, "utama", f"{url}/publish"))


def test_the_workspace_marks_the_document_and_refuses_with_the_reason(
    app, client, cast, proposed
):
    document, _test = proposed
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302
    path = f"/ruang-kerja/dokumen/{document}"
    page = utama.get(path).get_data(as_text=True)
    assert "Usulan pengecualian belum diputuskan" in page
    assert f"{path}/terbitkan" not in page

    # A form posted anyway (an old tab): refused, and the page says why.
    response = utama.post(
        f"{path}/terbitkan",
        data={"csrf_token": csrf_token(utama, path), "version": "1"},
        follow_redirects=True,
    )

    assert REFUSAL in response.get_data(as_text=True)
    assert_closed_to_the_public(client, document)
