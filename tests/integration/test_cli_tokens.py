"""`dms token list|revoke` (issue 14 item 4): an operator sees a user's tokens
and revokes one at once; `dms token create` honours DMS_TOKEN_DAYS."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.integration.test_cli import (  # noqa: F401 - fixtures
    Instance,
    assert_fails_in_one_line,
    clean_environment,
    instance,
    ready,
)


@pytest.fixture
def cli(request) -> Instance:
    """An initialised instance with the Pelaksana budi (no password)."""
    operator = request.getfixturevalue("ready")
    operator.ok(
        "user", "add", "budi", "--role", "ppid_pelaksana", "--org", "dinkes",
    )  # fmt: skip
    return operator


def listed(cli, username: str = "budi") -> list[dict]:
    out = cli.ok("token", "list", username, "--json").stdout
    return [json.loads(line) for line in out.splitlines()]


def test_a_revoked_token_stops_working_and_the_list_says_so(cli):
    first = cli.ok("token", "create", "budi", "--label", "laptop").stdout.strip()
    second = cli.ok("token", "create", "budi", "--label", "skrip").stdout.strip()
    tokens = listed(cli)
    assert [t["label"] for t in tokens] == ["skrip", "laptop"]
    assert {t["state"] for t in tokens} == {"active"}
    table = cli.ok("token", "list", "budi").stdout
    assert "laptop" in table and first not in table and second not in table

    revoked = cli.ok("token", "revoke", tokens[1]["id"])

    assert f"token {tokens[1]['id']} of budi revoked" in revoked.stdout
    assert [t["state"] for t in listed(cli)] == ["active", "revoked"]
    with cli.api() as client:
        gone = client.get("/api/v1/auth/tokens", headers=bearer(first))
        kept = client.get("/api/v1/auth/tokens", headers=bearer(second))
    assert gone.status_code == 401 and kept.status_code == 200
    assert cli.ok("token", "revoke", tokens[1]["id"]).exit_code == 0  # no change


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_create_honours_token_days(cli):
    result = cli.run("token", "create", "budi", DMS_TOKEN_DAYS="7")
    assert result.exit_code == 0

    token = listed(cli)[0]
    created = datetime.fromisoformat(token["created_at"])
    expires = datetime.fromisoformat(token["expires_at"])
    assert expires - created == timedelta(days=7)


def test_bad_token_commands_fail_in_one_line(cli):
    assert_fails_in_one_line(cli.run("token", "revoke", "999"), "999")
    assert_fails_in_one_line(cli.run("token", "list", "nobody"), "'nobody'")
    assert cli.run("token", "revoke", "abc").exit_code != 0
    assert_fails_in_one_line(
        cli.run("token", "create", "budi", DMS_TOKEN_DAYS="0"), "token_days"
    )
