"""Approval cannot be bypassed: new versions, reclassification, review races."""

from __future__ import annotations

from tests.helpers import a_pdf, add_version, upload


def _approved(client, cast, username="dinkes", **fields):
    document = upload(client, cast, username, publish="true", **fields).get_json()
    if document["status"] == "pending":
        response = client.post(f"{document['url']}/publish", headers=cast.auth("utama"))
        document = response.get_json()
    assert document["status"] == "published"
    return document


def test_a_pelaksanas_new_version_of_a_published_document_waits_for_approval(
    client, cast
):
    first, second = a_pdf("disetujui"), a_pdf("belum disetujui")
    document = _approved(client, cast, content=first)

    added = add_version(client, cast, "dinkes", document["id"], second)

    assert added.status_code == 201
    public = client.get(document["url"]).get_json()
    assert public["current_version"] == 1
    assert [v["number"] for v in public["versions"]] == [1]
    assert client.get(document["download_url"]).data == first
    assert client.get(f"{document['url']}/versions/2/download").status_code == 404
    staff = client.get(document["url"], headers=cast.auth("dinkes")).get_json()
    assert staff["current_version"] == 2 and staff["published_version"] == 1

    approved = client.post(
        f"{document['url']}/publish", headers=cast.auth("utama"), json={"version": 2}
    )

    assert approved.status_code == 200
    assert client.get(document["download_url"]).data == second
    assert client.get(document["url"]).get_json()["current_version"] == 2


def test_the_utamas_new_version_of_a_published_document_is_public_at_once(client, cast):
    document = _approved(client, cast, "utama")

    add_version(client, cast, "utama", document["id"], a_pdf("langsung terbit"))

    assert client.get(document["url"]).get_json()["current_version"] == 2


def test_approving_a_version_that_is_no_longer_the_newest_publishes_nothing(
    client, cast
):
    document = upload(client, cast, "dinkes", publish="true").get_json()
    add_version(client, cast, "dinkes", document["id"], a_pdf("diganti saat ditinjau"))

    stale = client.post(
        f"{document['url']}/publish", headers=cast.auth("utama"), json={"version": 1}
    )

    assert stale.status_code == 409
    assert client.get(document["url"]).status_code == 404


def test_publishing_an_up_to_date_published_document_is_refused(client, cast):
    document = _approved(client, cast)

    again = client.post(f"{document['url']}/publish", headers=cast.auth("utama"))

    assert again.status_code == 409


def test_a_pelaksana_cannot_reclassify_a_submitted_or_published_document(client, cast):
    pending = upload(client, cast, "dinkes", publish="true").get_json()
    published = _approved(client, cast)

    for document in (pending, published):
        response = client.patch(
            document["url"],
            json={"category": "serta_merta"},
            headers=cast.auth("dinkes"),
        )
        assert response.status_code == 403
    serta_merta = upload(client, cast, "dinkes", category="serta_merta").get_json()
    to_berkala = client.patch(
        serta_merta["url"], json={"category": "berkala"}, headers=cast.auth("dinkes")
    )
    assert to_berkala.status_code == 403
    by_utama = client.patch(
        published["url"], json={"category": "setiap_saat"}, headers=cast.auth("utama")
    )
    assert by_utama.status_code == 200


def test_a_pelaksana_may_reclassify_its_own_draft(client, cast):
    draft = upload(client, cast, "dinkes").get_json()

    response = client.patch(
        draft["url"], json={"category": "setiap_saat"}, headers=cast.auth("dinkes")
    )

    assert response.get_json()["category"] == "setiap_saat"


def test_a_pending_document_can_be_returned_to_draft_by_the_utama_or_its_owner(
    client, cast
):
    for returner in ("utama", "dinkes"):
        document = upload(client, cast, "dinkes", publish="true").get_json()
        returned = client.post(f"{document['url']}/return", headers=cast.auth(returner))
        assert returned.status_code == 200
        assert returned.get_json()["status"] == "draft"
    draft_again = client.post(f"{document['url']}/return", headers=cast.auth("utama"))
    assert draft_again.status_code == 409
    other_org = upload(client, cast, "bpbd", publish="true").get_json()
    refused = client.post(f"{other_org['url']}/return", headers=cast.auth("dinkes"))
    assert refused.status_code == 404


def test_a_withdrawn_document_can_be_resubmitted_by_its_owner(client, cast):
    document = _approved(client, cast)
    client.post(f"{document['url']}/withdraw", headers=cast.auth("dinkes"))

    resubmitted = client.post(f"{document['url']}/submit", headers=cast.auth("dinkes"))

    assert resubmitted.get_json()["status"] == "pending"
    assert client.get(document["url"]).status_code == 404


def test_the_admin_sees_what_citizens_see(client, cast):
    draft = upload(client, cast, "dinkes").get_json()
    public = _approved(client, cast)

    listing = client.get("/api/v1/documents", headers=cast.auth("admin")).get_json()

    assert [item["id"] for item in listing["items"]] == [public["id"]]
    assert client.get(draft["url"], headers=cast.auth("admin")).status_code == 404
    assert (
        client.patch(
            public["url"], json={"title": "x"}, headers=cast.auth("admin")
        ).status_code
        == 403
    )
