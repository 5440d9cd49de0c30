"""Issue 18: behind a reverse proxy each citizen keeps their own rate-limit
bucket, links use the scheme and host the citizen used, and without a trusted
proxy the X-Forwarded-* headers are ignored."""

from __future__ import annotations

import hashlib

import pytest

from dms.settings import SettingsError, load_settings
from dms.web import create_app

PROXY_ADDRESS = {"REMOTE_ADDR": "127.0.0.1"}


def own_app(test_config, trusted_proxies: int):
    # Its own app, not the shared one: these tests add a probe route.
    app = create_app({**test_config, "trusted_proxies": trusted_proxies})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def proxied_app(test_config):
    app = own_app(test_config, 1)
    yield app
    app.extensions["dms"].close()


@pytest.fixture
def unproxied_app(test_config):
    app = own_app(test_config, 0)
    yield app
    app.extensions["dms"].close()


def wrong_api_login(client, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/api/v1/auth/token",
        json={"username": "nobody", "password": "salah"},
        headers=headers,
        environ_base=PROXY_ADDRESS,
    )


def test_twelve_citizens_behind_one_trusted_proxy_are_not_throttled_together(
    proxied_app,
):
    client = proxied_app.test_client()

    statuses = [
        wrong_api_login(client, f"203.0.113.{n}").status_code for n in range(12)
    ]

    assert statuses == [401] * 12


def test_one_citizen_behind_the_proxy_is_still_throttled(proxied_app):
    client = proxied_app.test_client()

    statuses = [wrong_api_login(client, "203.0.113.7").status_code for _ in range(11)]

    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert wrong_api_login(client, "203.0.113.8").status_code == 401


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(client):
    statuses = [
        wrong_api_login(client, f"203.0.113.{n}").status_code for n in range(11)
    ]

    assert statuses[10] == 429


def test_only_the_trusted_hop_of_a_forged_chain_counts(proxied_app):
    client = proxied_app.test_client()
    # A citizen forging the header cannot pick a fresh address each time: nginx
    # appends the address it saw, and only that last hop is believed.
    statuses = [
        wrong_api_login(client, f"10.9.9.{n}, 203.0.113.7").status_code
        for n in range(11)
    ]

    assert statuses[10] == 429


def test_links_use_the_scheme_and_host_the_proxy_forwards(proxied_app):
    from flask import request

    proxied_app.add_url_rule("/_probe", "probe", lambda: request.url_root)
    reply = proxied_app.test_client().get(
        "/_probe",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "ppid.example.go.id",
        },
        environ_base=PROXY_ADDRESS,
    )

    assert reply.get_data(as_text=True) == "https://ppid.example.go.id/"


def test_without_a_trusted_proxy_links_keep_the_real_scheme(unproxied_app):
    from flask import request

    unproxied_app.add_url_rule("/_probe", "probe", lambda: request.url_root)
    reply = unproxied_app.test_client().get(
        "/_probe", headers={"X-Forwarded-Proto": "https"}, environ_base=PROXY_ADDRESS
    )

    assert reply.get_data(as_text=True) == "http://localhost/"


@pytest.mark.parametrize("value", ["-1", "11", "satu"])
def test_trusted_proxies_outside_zero_to_ten_is_a_clear_error(tmp_path, value):
    with pytest.raises(SettingsError, match="trusted_proxies must be a whole number"):
        load_settings({"instance_dir": tmp_path}, env={"DMS_TRUSTED_PROXIES": value})


# --- downloads handed to nginx (X-Accel-Redirect) ---------------------------------


@pytest.fixture
def accel_app(test_config):
    app = create_app(
        {**test_config, "trusted_proxies": 1, "x_accel_redirect": "/_dms_objects/"}
    )
    app.config["TESTING"] = True
    app.extensions["dms"].storage.ensure_ready()
    yield app
    app.extensions["dms"].close()


def test_a_public_download_is_handed_to_nginx_after_the_access_check(accel_app):
    from tests.conftest import make_cast
    from tests.helpers import a_pdf, upload

    client = accel_app.test_client()
    cast = make_cast(accel_app.extensions["dms"])
    content = a_pdf("Anggaran dinas")
    document = upload(client, cast, "utama", content=content, publish="true")
    sha = hashlib.sha256(content).hexdigest()

    reply = client.get(document.get_json()["download_url"])

    assert reply.status_code == 200
    assert (
        reply.headers["X-Accel-Redirect"] == f"/_dms_objects/{sha[:2]}/{sha[2:4]}/{sha}"
    )
    assert reply.get_data() == b""
    assert reply.headers["Content-Type"] == "application/pdf"
    assert (
        "Content-Length" not in reply.headers or reply.headers["Content-Length"] == "0"
    )


def test_an_unpublished_document_is_never_handed_to_nginx(accel_app):
    from tests.conftest import make_cast
    from tests.helpers import upload

    client = accel_app.test_client()
    cast = make_cast(accel_app.extensions["dms"])
    document = upload(client, cast, "utama").get_json()

    reply = client.get(document["download_url"])

    assert reply.status_code in (403, 404)
    assert "X-Accel-Redirect" not in reply.headers
    officer = client.get(document["download_url"], headers=cast.auth("utama"))
    assert officer.headers["X-Accel-Redirect"].endswith(
        document["versions"][0]["sha256"]
    )


def test_x_accel_redirect_must_be_a_location_path(tmp_path):
    with pytest.raises(SettingsError, match="x_accel_redirect must be empty"):
        load_settings({"instance_dir": tmp_path, "x_accel_redirect": "_dms"})


def test_the_embedded_server_passes_forwarded_headers_to_proxy_fix(proxied_app):
    # waitress 3 drops X-Forwarded-* by default; behind a trusted proxy it must not.
    import http.client
    import json
    import threading

    from dms.web.server import make_server

    proxied_app.extensions["dms"].storage.ensure_ready()
    server = make_server(proxied_app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.socket.getsockname()[1]
    body = json.dumps({"username": "nobody", "password": "salah"})
    statuses = []
    try:
        for n in range(11):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST",
                "/api/v1/auth/token",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Forwarded-For": f"203.0.113.{n}",
                },
            )
            reply = connection.getresponse()
            reply.read()
            statuses.append(reply.status)
            connection.close()
    finally:
        server.trigger.pull_trigger(
            lambda: [d.close() for d in list(server._map.values())]
        )
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()

    assert statuses == [401] * 11


def test_a_damaged_small_file_is_refused_before_nginx_would_send_it(accel_app):
    from tests.conftest import make_cast
    from tests.helpers import a_pdf, upload

    client = accel_app.test_client()
    cast = make_cast(accel_app.extensions["dms"])
    content = a_pdf("Daftar aset")
    document = upload(client, cast, "utama", content=content, publish="true")
    storage = accel_app.extensions["dms"].storage
    path = storage.path_for(hashlib.sha256(content).hexdigest())
    path.chmod(0o644)
    damaged = bytearray(content)
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))

    reply = client.get(document.get_json()["download_url"])

    assert reply.status_code == 503
    assert "X-Accel-Redirect" not in reply.headers
