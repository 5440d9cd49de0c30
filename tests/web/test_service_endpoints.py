"""Health, the OpenAPI description, the home page and security headers."""

from __future__ import annotations

import re
import shutil

from tests.helpers import upload


def test_health_is_ok_when_database_storage_and_index_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_health_is_503_naming_what_failed(client, archive):
    shutil.rmtree(archive.settings.index_dir)
    root = archive.storage.root
    shutil.rmtree(root)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert set(response.get_json()["failures"]) == {"storage", "index"}


def test_the_openapi_document_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert spec["openapi"].startswith("3.")
    described = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<[^>]*document_id>", "{id}", rule.rule.removeprefix("/api/v1"))
        path = re.sub(r"<[^>]*number>", "{n}", path)
        path = re.sub(r"<[^>]*test_id>", "{id}", path)
        path = re.sub(r"<[^>]*day>", "{date}", path)
        path = re.sub(r"<[^>]*registration>", "{number}", path)
        path = re.sub(r"<[^>]*dispute_id>", "{id}", path)
        path = re.sub(r"<[^>]*attachment_id>", "{attachment}", path)
        path = re.sub(r"<[^>]*year>", "{year}", path)
        path = re.sub(r"<[^>]*section>", "{section}", path)
        path = re.sub(r"<[^>]*slug>", "{slug}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in described, (path, method)


def test_the_home_page_is_indonesian_and_links_the_api(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "/api/v1/openapi.json" in html


def test_pages_carry_security_headers(client):
    response = client.get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_missing_page_is_an_indonesian_error_page(client):
    response = client.get("/tidak-ada", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert "tidak ditemukan" in response.get_data(as_text=True)


def test_downloads_cannot_run_as_our_origin(client, cast):
    html = b"<html><body><script>alert(1)</script></body></html>"
    document = upload(
        client, cast, "utama", content=html, filename="x.html", publish="true"
    ).get_json()

    response = client.get(document["download_url"])

    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
