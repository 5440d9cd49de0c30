"""The parent /api/v1 blueprint does for every area, once, what each API module
used to do for itself: the CSRF exemption, the NUL check, the body limits."""

from __future__ import annotations

import pytest

CSRF_REFUSAL = "Permintaan tidak valid."
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _api_writes(app) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule
        for name, value in (
            ("<id:", "1"),
            ("<int:", "2025"),
            ("<string:", "2025-01-02"),
        ):
            while name in path:
                start = path.index(name)
                path = path[:start] + value + path[path.index(">", start) + 1 :]
        while "<" in path:
            start = path.index("<")
            path = path[:start] + "x" + path[path.index(">", start) + 1 :]
        for method in sorted(rule.methods & WRITES):
            found.append((rule.endpoint, method, path))
    return found


def test_every_area_under_api_v1_is_exempt_from_csrf_but_the_pages_are_not(
    app, client, cast
):
    page = client.post("/ruang-kerja/unggah", headers={"Accept": "application/json"})
    assert page.status_code == 400
    assert page.get_json()["error"]["message"] == CSRF_REFUSAL

    writes = _api_writes(app)
    areas = {endpoint.rsplit(".", 1)[0] for endpoint, _, _ in writes}
    assert {"api", "api.calendar", "api.consequence_tests"} <= areas
    assert {"api.objections", "api.reports", "api.requests", "api.suggestions"} <= areas
    for endpoint, method, path in writes:
        response = client.open(path, method=method, json={}, headers=cast.auth("utama"))
        refused_for_csrf = (
            response.status_code == 400
            and response.get_json()["error"]["message"] == CSRF_REFUSAL
        )
        assert not refused_for_csrf, (endpoint, method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/objections",
        "/api/v1/dip",
        "/api/v1/consequence-tests",
        "/api/v1/documents/1/suggestion",
    ],
)
def test_a_nul_in_a_parameter_is_refused_in_every_area(client, cast, path):
    response = client.get(f"{path}?org=a%00b", headers=cast.auth("utama"))

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "Parameter tidak boleh berisi karakter NUL."
    )


def test_the_areas_keep_their_own_body_limits(client, cast):
    big_json = {"reason": "x" * 70_000}
    objection = client.post("/api/v1/objections", json=big_json)
    suggestion = client.post(
        "/api/v1/classification/suggest",
        json={"title": "Banjir", "text": "banjir " * 20_000},  # 140 KB, under 256 KiB
        headers=cast.auth("utama"),
    )

    assert objection.status_code == 413
    assert suggestion.status_code == 200
