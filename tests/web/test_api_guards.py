"""The guards every request passes before its view, each kept in one place: the
API parent's bearer-token check (401 before any input is read, on every route
but the token-free ones), the body-size limit (pages and API alike) and the NUL
check; and CSRF, enforced on the pages and waived for any blueprint under the
API parent, including one added later."""

from __future__ import annotations

import io
import re

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import text

from dms.web.api import bp as api_parent
from dms.web.api.base import authenticated_user_id
from tests.conftest import CAST_PASSWORD
from tests.helpers import post_multipart

BAD_TOKEN = {"Authorization": "Bearer dms_bukan-token-yang-sah"}
TOKEN_FREE = {("api.issue_token", "POST"), ("api.openapi", "GET")}
CSRF_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _api_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, a concrete path) for every /api/v1 route."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<id:[^>]+>", "1", rule.rule)
        path = re.sub(r"<int:[^>]+>", "2025", path)
        path = re.sub(r"<string:[^>]+>", "2025-01-02", path)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


def _expire_tokens_of(archive, username: str) -> None:
    with archive.transaction() as session:
        session.execute(
            text(
                "UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00' WHERE "
                "user_id = (SELECT id FROM users WHERE username = :name)"
            ),
            {"name": username},
        )


def test_a_bad_token_is_refused_on_every_api_route_before_its_input_is_read(
    app, client, cast
):
    routes = _api_routes(app)
    assert len(routes) > 50
    for endpoint, method, path in routes:
        if (endpoint, method) in TOKEN_FREE:
            continue
        # Malformed JSON and a NUL in the query: either would be a 400, but
        # the token comes first.
        response = client.open(
            f"{path}?q=a%00b",
            method=method,
            data=b'{"not json',
            content_type="application/json",
            headers=BAD_TOKEN,
        )
        assert response.status_code == 401, (endpoint, method, path)
        assert response.get_json()["error"]["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="dms"'


def test_an_expired_token_is_refused_before_the_body_is_checked(app, client, cast):
    _expire_tokens_of(app.extensions["dms"], "utama")

    for method, path in (
        ("POST", "/api/v1/classification/suggest"),
        ("PUT", "/api/v1/calendar/days/2025-01-02"),
        ("POST", "/api/v1/requests"),  # open to citizens without a token
        ("GET", "/api/v1/dip"),  # a public register
    ):
        response = client.open(
            path, method=method, data=b"[", headers=cast.auth("utama")
        )
        assert response.status_code == 401, (method, path)
        assert response.get_json()["error"]["code"] == "token_expired"


def test_the_token_free_routes_serve_callers_with_a_bad_token(client, cast):
    document = client.get("/api/v1/openapi.json", headers=BAD_TOKEN)
    login = client.post(
        "/api/v1/auth/token",
        json={"username": "dinkes", "password": CAST_PASSWORD},
        headers=BAD_TOKEN,
    )

    assert document.status_code == 200
    assert document.get_json()["openapi"].startswith("3.1")
    assert login.status_code == 201
    mine = client.get("/api/v1/auth/tokens", headers=_bearer(login.get_json()["token"]))
    assert mine.status_code == 200


def test_the_token_free_routes_still_refuse_a_nul_in_the_query(client):
    response = client.get("/api/v1/openapi.json?x=%00")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_without_a_token_the_public_api_answers_and_the_rest_says_401(client, cast):
    assert client.get("/api/v1/dip").status_code == 200
    refused = client.get("/api/v1/auth/tokens")
    assert refused.status_code == 401


# --- the body-size limit ---------------------------------------------------------


def test_an_oversized_json_body_is_413_in_the_api_error_shape(client, cast):
    response = client.post(
        "/api/v1/calendar/merge",
        json={"year": 2025, "days": ["x" * 70_000]},  # over 64 KiB
        headers=cast.auth("admin"),
    )

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "file_too_large"


def test_an_oversized_page_form_is_413_with_the_error_page(client):
    # The objection form takes 256 KiB: its limit holds even though the CSRF
    # check reads the form before the view does.
    response = client.post(
        "/keberatan", data={"reason": "x" * 300_000}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "terlalu besar" in response.get_data(as_text=True)


def test_an_upload_over_the_archive_limit_is_413_on_pages_and_api(client, cast):
    too_big = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)  # DMS_MAX_UPLOAD_MB is 4
    page = post_multipart(
        client,
        "/ruang-kerja/unggah",
        {"title": "Besar", "file": (io.BytesIO(too_big), "besar.pdf")},
        {"Accept": "text/html"},
    )
    api = post_multipart(
        client,
        "/api/v1/documents",
        {"title": "Besar", "file": (io.BytesIO(too_big), "besar.pdf")},
        cast.auth("dinkes"),
    )

    assert page.status_code == 413
    assert page.mimetype == "text/html"
    assert api.status_code == 413
    assert api.get_json()["error"]["code"] == "file_too_large"


# --- the NUL check ------------------------------------------------------------------


def test_a_nul_in_the_query_is_400_on_pages_too(client):
    response = client.get("/?q=banjir%00", headers={"Accept": "text/html"})

    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_a_nul_in_the_query_is_400_in_the_api_with_a_good_token(client, cast):
    response = client.get("/api/v1/documents?q=a%00", headers=cast.auth("utama"))

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "Parameter tidak boleh berisi karakter NUL."
    )


# --- CSRF ------------------------------------------------------------------------


def test_a_page_form_needs_its_csrf_token_and_passes_with_it(client, cast):
    without = client.post(
        "/masuk", data={"username": "dinkes", "password": CAST_PASSWORD}
    )
    page = client.get("/masuk").get_data(as_text=True)
    token = CSRF_TOKEN.search(page).group(1)
    with_token = client.post(
        "/masuk",
        data={"username": "dinkes", "password": CAST_PASSWORD, "csrf_token": token},
    )

    assert without.status_code == 400
    assert with_token.status_code == 302


@pytest.fixture
def app_with_a_new_api_area(monkeypatch, test_config):
    """An app whose API parent has one more child blueprint, listed nowhere."""
    from dms.web import create_app

    area = Blueprint("uji", __name__, url_prefix="/uji")

    @area.post("/catatan")
    def note():
        return jsonify(user_id=authenticated_user_id()), 201

    monkeypatch.setattr(
        api_parent, "_blueprints", [*api_parent._blueprints, (area, {})]
    )
    app = create_app(test_config)
    app.config["TESTING"] = True
    yield app
    app.extensions["dms"].close()


def test_a_new_api_area_is_csrf_exempt_and_guarded_without_being_listed(
    app_with_a_new_api_area,
):
    from tests.conftest import make_cast

    app = app_with_a_new_api_area
    cast = make_cast(app.extensions["dms"])
    client = app.test_client()

    with_token = client.post(
        "/api/v1/uji/catatan", data={"isi": "tanpa csrf"}, headers=cast.auth("dinkes")
    )
    bad_token = client.post("/api/v1/uji/catatan", headers=BAD_TOKEN)
    page = client.post("/ruang-kerja/unggah", data={"title": "tanpa csrf"})

    assert with_token.status_code == 201
    assert with_token.get_json()["user_id"] > 0
    assert bad_token.status_code == 401
    assert page.status_code == 400  # the pages still want their CSRF token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
