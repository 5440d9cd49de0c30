"""Issue 18: behind a reverse proxy each citizen keeps their own rate-limit
bucket, links use the scheme and host the citizen used, and without a trusted
proxy the X-Forwarded-* headers are ignored."""

from __future__ import annotations

import pytest

from dms.settings import SettingsError, load_settings
from dms.web import create_app

PROXY_ADDRESS = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def proxied_app(test_config):
    app = create_app({**test_config, "trusted_proxies": 1})
    app.config["TESTING"] = True
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


def test_without_a_trusted_proxy_links_keep_the_real_scheme(app):
    from flask import request

    app.add_url_rule("/_probe", "probe", lambda: request.url_root)
    reply = app.test_client().get(
        "/_probe", headers={"X-Forwarded-Proto": "https"}, environ_base=PROXY_ADDRESS
    )

    assert reply.get_data(as_text=True) == "http://localhost/"


@pytest.mark.parametrize("value", ["-1", "11", "satu"])
def test_trusted_proxies_outside_zero_to_ten_is_a_clear_error(tmp_path, value):
    with pytest.raises(SettingsError, match="trusted_proxies must be a whole number"):
        load_settings({"instance_dir": tmp_path}, env={"DMS_TRUSTED_PROXIES": value})
