"""Bad input gets a clear 4xx, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from tests.helpers import a_pdf, post_multipart, upload


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/99999999999",
        "/api/v1/documents/99999999999999999999999",
        "/api/v1/documents/1/versions/99999999999/download",
        "/api/v1/documents/0",
    ],
)
def test_ids_beyond_the_database_range_are_simply_absent(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "page=999999999999999999",
        "page=100000000000000000000",
        "year=1" + "0" * 20,
        "per_page=" + "9" * 30,
    ],
)
def test_huge_numbers_in_listings_are_refused(client, query):
    assert client.get(f"/api/v1/documents?{query}").status_code == 422


def test_a_nul_byte_in_a_query_is_refused(client):
    assert client.get("/api/v1/documents?org=%00").status_code == 400


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "a\u0000b"},
        {"title": {"nested": [1, 2]}},
        {"year": 2020.9},
        {"year": True},
        {"summary": "x" * 20_001},
    ],
)
def test_metadata_that_is_not_clean_text_gets_422(client, cast, changes):
    document = upload(client, cast, "dinkes").get_json()

    response = client.patch(document["url"], json=changes, headers=cast.auth("dinkes"))

    assert response.status_code == 422


def test_a_nul_byte_in_an_uploaded_title_or_org_is_refused(client, cast):
    assert upload(client, cast, "dinkes", title="a\x00b").status_code == 422
    assert upload(client, cast, "utama", org="din\x00kes").status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        ["a"],
        "text",
        {"username": "dinkes", "password": 123},
        {"username": {"a": 1}, "password": "x"},
        {"username": "din\u0000kes", "password": "x"},
    ],
)
def test_a_malformed_login_gets_a_4xx(client, cast, body):
    response = client.post("/api/v1/auth/token", json=body)

    assert response.status_code in (400, 401)


def test_an_anonymous_upload_is_refused_before_its_body_is_read(client, cast):
    no_file = post_multipart(client, "/api/v1/documents", {"title": "x"})

    assert no_file.status_code == 401


def test_a_json_body_over_64_kib_is_refused(client, cast):
    response = client.post(
        "/api/v1/auth/token", json={"username": "x" * 70_000, "password": "y"}
    )

    assert response.status_code == 413


def test_a_weak_etag_in_if_none_match_still_gets_304(client, cast):
    document = upload(client, cast, "utama", publish="true").get_json()
    sha = document["versions"][0]["sha256"]

    response = client.get(
        document["download_url"], headers={"If-None-Match": f'W/"{sha}"'}
    )

    assert response.status_code == 304


@pytest.mark.parametrize(
    "headers",
    [
        {"Range": "bytes=0-9", "If-Range": 'W/"{sha}"'},
        {"Range": "bytes=0-9", "If-Range": "Tue, 01 Jan 2030 00:00:00 GMT"},
        {"Range": "items=0-1"},
    ],
)
def test_ranges_that_cannot_be_trusted_get_the_whole_file(client, cast, headers):
    content = a_pdf()
    document = upload(client, cast, "utama", publish="true", content=content).get_json()
    sha = document["versions"][0]["sha256"]

    response = client.get(
        document["download_url"],
        headers={k: v.replace("{sha}", sha) for k, v in headers.items()},
    )

    assert response.status_code == 200
    assert response.data == content


def test_an_unsatisfiable_range_is_explained_in_indonesian(client, cast):
    document = upload(client, cast, "utama", publish="true").get_json()

    response = client.get(document["download_url"], headers={"Range": "bytes=999999-"})

    assert response.status_code == 416
    assert "rentang" in response.get_json()["error"]["message"].lower()


DEEP_JSON = "[" * 5_000 + "]" * 5_000  # 10 KB, far past Python's recursion limit


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/token", "/api/v1/requests", "/api/v1/objections"]
)
@pytest.mark.parametrize(
    "body",
    [
        DEEP_JSON,
        '{"a":' * 3_000 + "1" + "}" * 3_000,
        '{"a": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["deep-list", "deep-object", "past-the-depth-limit"],
)
def test_a_deeply_nested_json_body_gets_a_clear_400(client, cast, path, body):
    response = client.post(path, data=body, content_type="application/json")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert "bersarang" in error["message"]


def test_a_lone_surrogate_in_a_title_gets_a_clear_400(client, cast):
    document = upload(client, cast, "utama").get_json()

    response = client.patch(
        f"/api/v1/documents/{document['id']}",
        data='{"title": "Laporan \\ud800"}',
        content_type="application/json",
        headers=cast.auth("utama"),
    )

    assert response.status_code == 400
    assert "surrogate" in response.get_json()["error"]["message"]
    unchanged = client.get(
        f"/api/v1/documents/{document['id']}", headers=cast.auth("utama")
    )
    assert unchanged.get_json()["title"] == document["title"]


@pytest.mark.parametrize(
    "body",
    ['{"username": "\\udfff", "password": "x"}', '{"\\ud800": 1}'],
    ids=["in-a-value", "in-a-key"],
)
def test_a_lone_surrogate_at_login_gets_a_clear_400(client, cast, body):
    response = client.post(
        "/api/v1/auth/token", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_zero_length_suffix_range_is_not_satisfiable(client, cast):
    content = a_pdf()
    document = upload(client, cast, "utama", publish="true", content=content).get_json()

    response = client.get(document["download_url"], headers={"Range": "bytes=-0"})

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(content)}"


@pytest.mark.parametrize("method", ["get", "patch", "delete", "post"])
def test_an_id_beyond_32_bits_is_absent_whatever_the_method(client, cast, method):
    paths = {
        "get": "/api/v1/documents/2147483648",
        "patch": "/api/v1/documents/2147483648",
        "delete": "/api/v1/documents/144115188075855871/pending-changes",
        "post": "/api/v1/documents/144115188075855871/publish",
    }
    response = getattr(client, method)(
        paths[method], json={"title": "Judul"}, headers=cast.auth("utama")
    )

    # Not 405: the path exists for these methods; the document does not.
    assert response.status_code == 404
