"""Issue 18: `dms check` tries each part of an installation and says what is
wrong and how to fix it; its exit code tells a script whether all is well."""

from __future__ import annotations

from tests.integration.test_cli import (  # noqa: F401 - fixtures
    clean_environment,
    explain,
    instance,
    ready,
)

# A closed local port: the public URL check fails at once, with no DNS lookup.
NOWHERE = "https://127.0.0.1:9"


def check(instance, **env):
    """`dms check` with the public URL on a closed local port unless given."""
    return instance.run("check", **{"DMS_PUBLIC_URL": NOWHERE, **env})


def test_a_fresh_laptop_instance_passes_with_warnings_for_production(ready):
    result = check(ready, DMS_PUBLIC_URL="")

    assert result.exit_code == 0, explain(result)
    out = result.stdout
    for line in (
        "ok   database: reachable, schema current",
        "ok   storage: a test blob was written, read back and removed",
        "ok   queue: embedded",
        "ok   index: 0 document(s)",
        "warn smtp: not set",
    ):
        assert line in out, out
    assert "dms: 0 problem(s)" in out
    blobs = [p for p in ready.storage_root.rglob("*") if len(p.name) == 64]
    assert blobs == []  # the test blob is gone


def test_https_without_secure_cookies_fails_and_names_the_fix(ready):
    result = check(ready)

    assert result.exit_code == 1, explain(result)
    assert "FAIL cookies: the portal is HTTPS" in result.stdout
    assert "fix: set DMS_COOKIE_SECURE=true" in result.stdout
    assert "warn proxy: HTTPS with no trusted proxy" in result.stdout


def test_an_unreachable_redis_fails_the_queue_check(ready):
    result = check(ready, DMS_QUEUE_URL="redis://127.0.0.1:1/0")

    assert result.exit_code == 1, explain(result)
    assert "FAIL queue:" in result.stdout
    assert "that Redis runs" in result.stdout


def test_an_unreachable_database_is_reported_not_a_traceback(ready):
    result = check(
        ready, DMS_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )

    assert result.exit_code == 1, explain(result)
    assert "FAIL database:" in result.stdout
    assert "check DMS_DATABASE_URL" in result.stdout
    assert "Traceback" not in result.stdout


def test_x_accel_redirect_needs_a_storage_folder(ready):
    result = check(
        ready,
        DMS_X_ACCEL_REDIRECT="/_dms_objects/",
        DMS_STORAGE_URL="memory://",
    )

    assert "DMS_X_ACCEL_REDIRECT is set but the storage is not a folder" in (
        result.stdout
    ), explain(result)
    assert result.exit_code == 1


def test_a_reachable_smtp_server_passes_and_an_unreachable_one_fails(
    ready, smtp_server
):
    reachable = check(ready, DMS_SMTP_URL=smtp_server.url)

    assert "ok   smtp: 127.0.0.1:" in reachable.stdout, explain(reachable)
    unreachable = check(ready, DMS_SMTP_URL="smtp://127.0.0.1:1")
    assert "FAIL smtp:" in unreachable.stdout
    assert "check DMS_SMTP_URL" in unreachable.stdout
    assert unreachable.exit_code == 1
