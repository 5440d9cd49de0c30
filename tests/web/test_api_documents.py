"""The documents API as clients use it: uploads, downloads, visibility, transitions."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.helpers import a_pdf, add_version, exempt_upload, post_multipart, upload

CORPUS_PDF = "real/1730378078SOP-Uji-Konsekuensi.pdf"


def _published(client, cast, **fields):
    response = upload(client, cast, "utama", publish="true", **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_real_pdf_downloads_byte_identical_with_its_sha256_as_etag(
    client, cast, corpus
):
    content = (corpus / CORPUS_PDF).read_bytes()
    document = _published(client, cast, content=content, filename="SOP-Uji.pdf")

    response = client.get(document["download_url"])

    assert response.status_code == 200
    assert response.data == content
    digest = hashlib.sha256(content).hexdigest()
    assert response.headers["ETag"] == f'"{digest}"'
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert document["versions"][0]["sha256"] == digest
    assert document["versions"][0]["content_type"] == "application/pdf"


def test_a_range_request_returns_exactly_that_slice(client, cast, corpus):
    content = (corpus / CORPUS_PDF).read_bytes()
    document = _published(client, cast, content=content)

    response = client.get(document["download_url"], headers={"Range": "bytes=100-1123"})

    assert response.status_code == 206
    assert response.data == content[100:1124]
    assert response.headers["Content-Range"] == f"bytes 100-1123/{len(content)}"
    assert response.headers["Content-Length"] == "1024"


def test_a_suffix_range_returns_the_last_bytes(client, cast):
    content = a_pdf()
    document = _published(client, cast, content=content)

    response = client.get(document["download_url"], headers={"Range": "bytes=-10"})

    assert response.status_code == 206
    assert response.data == content[-10:]


def test_an_unsatisfiable_range_gets_416_with_the_size(client, cast):
    content = a_pdf()
    document = _published(client, cast, content=content)

    response = client.get(
        document["download_url"], headers={"Range": f"bytes={len(content)}-"}
    )

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(content)}"
    assert response.get_json() is None or "error" in response.get_json()


def test_a_range_with_a_stale_if_range_gets_the_whole_file(client, cast):
    content = a_pdf()
    document = _published(client, cast, content=content)

    response = client.get(
        document["download_url"],
        headers={"Range": "bytes=0-9", "If-Range": '"0000"'},
    )

    assert response.status_code == 200
    assert response.data == content


def test_if_none_match_with_the_etag_gets_304_without_body(client, cast):
    document = _published(client, cast)
    etag = client.get(document["download_url"]).headers["ETag"]

    response = client.get(document["download_url"], headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag


def test_head_gives_the_headers_alone(client, cast):
    content = a_pdf()
    document = _published(client, cast, content=content)

    response = client.head(document["download_url"])

    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["ETag"]


def test_the_download_carries_the_original_utf8_file_name(client, cast):
    name = "Laporan Keuangan – Triwulan Ⅱ 2025 (final).pdf"
    document = _published(client, cast, filename=name)

    disposition = client.get(document["download_url"]).headers["Content-Disposition"]

    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Laporan%20Keuangan%20%E2%80%93%20Triwulan" in disposition
    assert document["versions"][0]["filename"] == name


def test_a_client_path_in_the_file_name_is_dropped(client, cast):
    document = _published(client, cast, filename="../../etc/opd/laporan.pdf")

    assert document["versions"][0]["filename"] == "laporan.pdf"


def test_a_second_version_leaves_the_first_downloadable(client, cast):
    first, second = a_pdf("versi pertama"), a_pdf("versi kedua, direvisi")
    document = _published(client, cast, content=first)

    response = add_version(
        client,
        cast,
        "utama",
        document["id"],
        second,
        filename="laporan-rev.pdf",
        note="Revisi angka",
    )

    assert response.status_code == 201
    assert response.get_json()["number"] == 2
    assert response.get_json()["note"] == "Revisi angka"
    base = f"/api/v1/documents/{document['id']}"
    assert client.get(f"{base}/versions/1/download").data == first
    assert client.get(f"{base}/versions/2/download").data == second
    assert client.get(f"{base}/download").data == second
    assert client.get(base).get_json()["current_version"] == 2
    assert client.get(f"{base}/versions/3/download").status_code == 404


def _assert_hidden_from_anonymous(client, document_id):
    base = f"/api/v1/documents/{document_id}"
    for path in (
        base,
        f"{base}/versions",
        f"{base}/download",
        f"{base}/versions/1/download",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.head(f"{base}/download").status_code == 404
    listing = client.get("/api/v1/documents?per_page=100").get_json()
    assert document_id not in [item["id"] for item in listing["items"]]
    return listing


def test_an_anonymous_caller_gets_404_for_a_draft_in_listings_and_downloads(
    client, cast
):
    draft = upload(client, cast, "dinkes", title="Draf Renstra").get_json()

    assert draft["status"] == "draft"
    listing = _assert_hidden_from_anonymous(client, draft["id"])
    assert listing["total"] == 0
    assert listing["facets"]["category"] == {}


def test_an_exempt_document_is_invisible_to_anonymous_callers_everywhere(client, cast):
    exempt = exempt_upload(client, cast, "utama", title="Rekam medis pegawai")
    _published(client, cast, title="Profil Dinas")

    listing = _assert_hidden_from_anonymous(client, exempt["id"])
    assert listing["total"] == 1
    assert "dikecualikan" not in listing["facets"]["category"]
    filtered = client.get("/api/v1/documents?category=dikecualikan").get_json()
    assert filtered["total"] == 0 and filtered["items"] == []
    assert "Rekam medis" not in client.get("/api/v1/documents").get_data(as_text=True)


def test_an_exempt_document_cannot_be_published(client, cast):
    exempt = exempt_upload(client, cast, "utama")

    response = client.post(
        f"/api/v1/documents/{exempt['id']}/publish", headers=cast.auth("utama")
    )

    assert response.status_code == 409
    assert client.get(exempt["url"]).status_code == 404


def test_an_exempt_document_is_seen_by_its_own_pelaksana_and_the_utama_only(
    client, cast
):
    exempt = exempt_upload(client, cast, "dinkes")
    url = exempt["url"]

    assert client.get(url, headers=cast.auth("dinkes")).status_code == 200
    assert client.get(url, headers=cast.auth("utama")).status_code == 200
    assert client.get(url, headers=cast.auth("atasan")).status_code == 200
    assert client.get(url, headers=cast.auth("bpbd")).status_code == 404
    assert client.get(url, headers=cast.auth("admin")).status_code == 404
    admin_list = client.get("/api/v1/documents", headers=cast.auth("admin")).get_json()
    assert admin_list["total"] == 0


def test_a_pelaksana_cannot_upload_for_another_organisation(client, cast):
    response = upload(client, cast, "dinkes", org="bpbd")

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_a_pelaksana_cannot_see_or_change_another_organisations_draft(client, cast):
    draft = upload(client, cast, "bpbd").get_json()
    url = draft["url"]

    assert client.get(url, headers=cast.auth("dinkes")).status_code == 404
    patch = client.patch(url, json={"title": "x"}, headers=cast.auth("dinkes"))
    assert patch.status_code == 404
    version = add_version(client, cast, "dinkes", draft["id"], a_pdf())
    assert version.status_code == 404


def test_a_pelaksana_may_not_change_another_organisations_public_document(client, cast):
    public = _published(client, cast, org="bpbd")

    response = client.patch(
        public["url"], json={"title": "diubah"}, headers=cast.auth("dinkes")
    )

    assert response.status_code == 403


def test_serta_merta_by_a_pelaksana_is_published_at_once(client, cast):
    response = upload(
        client, cast, "bpbd", category="serta_merta", title="Peringatan dini banjir"
    )

    body = response.get_json()
    assert body["status"] == "published"
    assert body["published_at"] is not None
    assert client.get(body["url"]).status_code == 200


def test_a_pelaksana_asking_to_publish_berkala_goes_to_the_utama_for_approval(
    client, cast
):
    document = upload(client, cast, "dinkes", publish="true").get_json()
    assert document["status"] == "pending"
    assert client.get(document["url"]).status_code == 404

    refused = client.post(f"{document['url']}/publish", headers=cast.auth("dinkes"))
    assert refused.status_code == 403

    approved = client.post(f"{document['url']}/publish", headers=cast.auth("utama"))
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "published"
    assert client.get(document["url"]).status_code == 200


def test_submit_then_publish_then_withdraw(client, cast):
    document = upload(client, cast, "dinkes").get_json()
    url = document["url"]

    submitted = client.post(f"{url}/submit", headers=cast.auth("dinkes"))
    assert submitted.get_json()["status"] == "pending"
    again = client.post(f"{url}/submit", headers=cast.auth("dinkes"))
    assert again.status_code == 409
    assert client.post(f"{url}/publish", headers=cast.auth("utama")).status_code == 200
    twice = client.post(f"{url}/publish", headers=cast.auth("utama"))
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "invalid_transition"

    withdrawn = client.post(f"{url}/withdraw", headers=cast.auth("dinkes"))
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/download").status_code == 404


def test_a_draft_cannot_be_withdrawn(client, cast):
    draft = upload(client, cast, "dinkes").get_json()

    response = client.post(f"{draft['url']}/withdraw", headers=cast.auth("dinkes"))

    assert response.status_code == 409


def test_metadata_can_be_edited_but_not_into_or_out_of_an_exemption(client, cast):
    document = upload(client, cast, "dinkes").get_json()
    url = document["url"]

    edited = client.patch(
        url,
        headers=cast.auth("dinkes"),
        json={
            "title": "Laporan Keuangan 2025 (audited)",
            "year": 2025,
            "dip_responsible": "Sekretaris Dinas",
            "dip_form": "print,electronic",
        },
    )
    assert edited.status_code == 200
    body = edited.get_json()
    assert body["title"] == "Laporan Keuangan 2025 (audited)"
    assert body["year"] == 2025
    assert body["dip"]["dip_responsible"] == "Sekretaris Dinas"

    exempt = client.patch(
        url, headers=cast.auth("utama"), json={"category": "dikecualikan"}
    )
    assert exempt.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": "tahun lalu"}, "year"),
        ({"year": 1800}, "year"),
        ({"category": "rahasia"}, "category"),
        ({"title": ""}, "title"),
        ({"dip_form": "papyrus"}, "dip_form"),
        ({"status": "published"}, None),
        ({"title": "x" * 501}, "title"),
    ],
)
def test_invalid_metadata_gets_422_naming_the_field(client, cast, changes, field):
    document = upload(client, cast, "dinkes").get_json()

    response = client.patch(document["url"], json=changes, headers=cast.auth("dinkes"))

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error.get("field") == field
    assert (
        client.get(document["url"], headers=cast.auth("dinkes")).get_json()["title"]
        == document["title"]
    )


def test_an_upload_without_required_fields_is_refused(client, cast):
    missing_title = upload(client, cast, "utama", title="")
    missing_category = upload(client, cast, "utama", category="")
    no_file = client.post(
        "/api/v1/documents",
        data={"title": "x", "category": "berkala"},
        headers=cast.auth("utama"),
    )

    assert missing_title.status_code == 422
    assert missing_category.status_code == 422
    assert no_file.status_code == 400


def test_an_empty_file_gets_400(client, cast):
    response = upload(client, cast, "utama", content=b"")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "empty_file"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "laporan.pdf"),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "setup.pdf",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100, "arsip.zip"),
    ],
)
def test_executables_and_archives_get_415_whatever_their_name(
    client, cast, content, name
):
    response = upload(client, cast, "utama", content=content, filename=name)

    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_file_type"


def test_the_content_type_is_sniffed_not_taken_from_the_name(client, cast):
    csv = b"opd,pagu\nDinkes,100\nBPBD,50\n"
    document = _published(client, cast, content=csv, filename="data.pdf")

    assert document["versions"][0]["content_type"] in ("text/csv", "text/plain")


def test_a_file_over_the_limit_gets_413_and_leaves_nothing(client, cast, archive):
    too_big = a_pdf() + b"\0" * (4 * 1024 * 1024)

    response = upload(client, cast, "utama", content=too_big)

    assert response.status_code == 413
    assert list(archive.storage.keys()) == []
    listing = client.get("/api/v1/documents", headers=cast.auth("utama")).get_json()
    assert listing["total"] == 0


def test_writes_need_a_valid_token(client, cast):
    anonymous = post_multipart(
        client,
        "/api/v1/documents",
        {"title": "x", "category": "berkala", "file": (io.BytesIO(a_pdf()), "x.pdf")},
    )
    bad = client.get("/api/v1/documents", headers={"Authorization": "Bearer nope"})
    wrong_scheme = client.get("/api/v1/documents", headers={"Authorization": "Basic x"})

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert bad.status_code == 401
    assert wrong_scheme.status_code == 401


def test_a_token_is_issued_for_a_correct_password_only(client, cast):
    from tests.conftest import CAST_PASSWORD

    good = client.post(
        "/api/v1/auth/token", json={"username": "dinkes", "password": CAST_PASSWORD}
    )
    wrong = client.post(
        "/api/v1/auth/token", json={"username": "dinkes", "password": "salah-sandi"}
    )
    unknown = client.post(
        "/api/v1/auth/token", json={"username": "nobody", "password": CAST_PASSWORD}
    )

    assert good.status_code == 201
    token = good.get_json()["token"]
    me = upload(client, type(cast)({"me": token}), "me")
    assert me.status_code == 201
    assert wrong.status_code == 401
    assert unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_listing_filters_paginates_and_counts_facets(client, cast):
    for year, org, category in [
        (2024, "dinkes", "berkala"),
        (2025, "dinkes", "berkala"),
        (2025, "bpbd", "setiap_saat"),
        (2025, "bpbd", "berkala"),
    ]:
        _published(
            client,
            cast,
            year=str(year),
            org=org,
            category=category,
            title=f"Dokumen {org} {year} {category}",
        )
    upload(client, cast, "utama", title="Draf tersembunyi")

    page = client.get("/api/v1/documents?year=2025&per_page=2&page=1&sort=title")
    body = page.get_json()

    assert body["total"] == 3
    assert len(body["items"]) == 2
    assert body["facets"]["org"] == {"bpbd": 2, "dinkes": 1}
    assert body["facets"]["category"] == {"berkala": 2, "setiap_saat": 1}
    assert [i["title"] for i in body["items"]] == sorted(
        i["title"] for i in body["items"]
    )
    second = client.get("/api/v1/documents?year=2025&per_page=2&page=2&sort=title")
    assert len(second.get_json()["items"]) == 1
    by_org = client.get("/api/v1/documents?org=dinkes&category=berkala").get_json()
    assert by_org["total"] == 2
    assert client.get("/api/v1/documents?per_page=1000").get_json()["per_page"] == 100


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "per_page=abc",
        "category=rahasia",
        "sort=random",
        "status=hidden",
        "year=dua",
    ],
)
def test_bad_listing_parameters_get_a_clear_422(client, query):
    response = client.get(f"/api/v1/documents?{query}")

    assert response.status_code == 422
    assert response.get_json()["error"]["message"]


def test_a_staff_member_filters_by_status(client, cast):
    upload(client, cast, "dinkes", title="Draf A")
    _published(client, cast, title="Terbit B", org="dinkes")

    drafts = client.get("/api/v1/documents?status=draft", headers=cast.auth("dinkes"))
    public_drafts = client.get("/api/v1/documents?status=draft")

    assert [i["title"] for i in drafts.get_json()["items"]] == ["Draf A"]
    assert public_drafts.get_json()["total"] == 0


def test_unknown_api_paths_answer_json_errors(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/documents")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
