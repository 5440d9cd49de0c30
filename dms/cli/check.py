"""`dms check`: read the settings, try every part of the installation, and say
what is wrong and how to fix it (exit 1 when something fails).

Unlike /healthz (cheap, for a load balancer every few seconds) this writes to
storage, opens the index, talks to Redis and SMTP and fetches the public URL:
run it after installing, after changing a setting, and when something is odd."""

from __future__ import annotations

import io
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import click

from dms.cli.context import Instance, pass_instance
from dms.mail import open_smtp
from dms.settings import Settings, SettingsError, load_settings

OK, WARN, FAIL = "ok", "warn", "FAIL"
NETWORK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Finding:
    part: str
    status: str
    message: str
    fix: str = ""


def ok(part: str, message: str) -> Finding:
    return Finding(part, OK, message)


def warn(part: str, message: str, fix: str) -> Finding:
    return Finding(part, WARN, message, fix)


def fail(part: str, message: str, fix: str) -> Finding:
    return Finding(part, FAIL, message, fix)


@click.command("check")
@pass_instance
def check(instance: Instance) -> None:
    """Try the database, storage, queue, index, SMTP, public URL, cookies, calendar."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        _show([fail("settings", str(exc), "correct the DMS_* variable or DMS_CONFIG")])
        raise SystemExit(1) from None
    findings = [_settings_found(settings)]
    try:
        archive = instance.archive
    except Exception as exc:  # noqa: BLE001 - every failure is a finding
        findings.append(fail("database", _short(exc), _FIXES[check_database]))
        archive = None
    for probe in PROBES:
        if archive is None and probe in NEEDS_ARCHIVE:
            continue
        try:
            findings += probe(archive, settings)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            findings.append(fail(_part_of(probe), _short(exc), _FIXES[probe]))
    _show(findings)
    failed = sum(1 for item in findings if item.status == FAIL)
    warned = sum(1 for item in findings if item.status == WARN)
    click.echo(f"dms: {failed} problem(s), {warned} warning(s)")
    if failed:
        raise SystemExit(1)


def _settings_found(settings: Settings) -> Finding:
    return ok("settings", f"read (instance folder {settings.instance_dir})")


def _show(findings: list[Finding]) -> None:
    for item in findings:
        line = f"{item.status:<4} {item.part}: {item.message}"
        click.echo(line)
        if item.fix:
            click.echo(f"     fix: {item.fix}")


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300]


# --- the probes -----------------------------------------------------------------------


def check_database(archive, settings: Settings) -> list[Finding]:
    from dms.db import schema_is_current

    if not schema_is_current(archive.engine):
        return [
            fail(
                "database",
                "reachable, but the schema is not the newest",
                "run `dms init` (it upgrades the schema; back up first)",
            )
        ]
    return [ok("database", f"reachable, schema current ({_kind(settings)})")]


def _kind(settings: Settings) -> str:
    return settings.database_url.split(":", 1)[0].split("+", 1)[0]


def check_storage(archive, settings: Settings) -> list[Finding]:
    storage = archive.storage
    storage.check()
    probe = b"dms check " + secrets.token_bytes(16)
    stored = storage.put(io.BytesIO(probe))
    try:
        back = b"".join(storage.open_range(stored.key))
    finally:
        if stored.created:
            storage.delete(stored.key)
    if back != probe:
        return [
            fail(
                "storage",
                "a test blob read back differently",
                "check the disk or the S3 server; then run `dms fsck`",
            )
        ]
    findings = [ok("storage", "a test blob was written, read back and removed")]
    if settings.x_accel_redirect and not settings.storage_url.startswith("file://"):
        findings.append(
            fail(
                "storage",
                "DMS_X_ACCEL_REDIRECT is set but the storage is not a folder",
                "unset DMS_X_ACCEL_REDIRECT (nginx can hand over only local files)",
            )
        )
    return findings


def check_queue(_archive, settings: Settings) -> list[Finding]:
    if not settings.queue_url:
        return [ok("queue", "embedded (SQLite in the instance folder)")]
    if settings.queue_url == "immediate":
        return [
            warn(
                "queue",
                "immediate: jobs run inside the web request",
                "use redis://... in production (DMS_QUEUE_URL)",
            )
        ]
    import redis

    client = redis.Redis.from_url(
        settings.queue_url, socket_timeout=NETWORK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return [ok("queue", "Redis answers")]


def check_index(archive, settings: Settings) -> list[Finding]:
    from dms.cli.index import search_index

    index = search_index(archive)
    state = index.ensure()
    count = index.doc_count()
    if state.needs_rebuild:
        return [
            fail(
                "index",
                "built by an older dms",
                "run `dms reindex` (or let `dms worker` rebuild it)",
            )
        ]
    return [ok("index", f"{count} document(s) in {settings.index_dir}")]


def check_smtp(_archive, settings: Settings) -> list[Finding]:
    server = settings.smtp
    if server is None:
        return [
            warn(
                "smtp",
                "not set: notification emails wait in the outbox",
                "set DMS_SMTP_URL (smtp://user:password@host:587?starttls=true)",
            )
        ]
    smtp = open_smtp(server, NETWORK_TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
    finally:
        smtp.close()
    return [ok("smtp", f"{server.host}:{server.port} accepts a connection")]


def check_public_url(_archive, settings: Settings) -> list[Finding]:
    url = settings.public_url
    if not url:
        return [
            warn(
                "public url",
                "not set: links in emails use the address of each request",
                "set DMS_PUBLIC_URL=https://ppid.example.go.id",
            )
        ]
    findings = []
    if url.startswith("http://"):
        findings.append(
            warn(
                "public url",
                f"{url} is not HTTPS: passwords would cross the network in clear",
                "put nginx with a certificate in front (deploy/nginx/dms.conf)",
            )
        )
    try:
        with urllib.request.urlopen(
            f"{url}/healthz", timeout=NETWORK_TIMEOUT_SECONDS
        ) as reply:
            status = reply.status
    except (urllib.error.URLError, OSError) as exc:
        return [
            *findings,
            warn(
                "public url",
                f"{url}/healthz does not answer from here ({_short(exc)})",
                "check DNS, the firewall and nginx; ignore if this machine "
                "cannot reach its own public address",
            ),
        ]
    return [*findings, ok("public url", f"{url}/healthz answers {status}")]


def check_cookies(_archive, settings: Settings) -> list[Finding]:
    behind_tls = settings.public_url.startswith("https://")
    findings = []
    if behind_tls and not settings.cookie_secure:
        findings.append(
            fail(
                "cookies",
                "the portal is HTTPS but session cookies may travel over HTTP",
                "set DMS_COOKIE_SECURE=true",
            )
        )
    if behind_tls and settings.trusted_proxies == 0:
        findings.append(
            warn(
                "proxy",
                "HTTPS with no trusted proxy: behind nginx every citizen shares "
                "one login budget and links come out as http://",
                "set DMS_TRUSTED_PROXIES=1 when nginx is in front "
                "(0 when dms faces the internet itself)",
            )
        )
    if not settings.cookie_secure and not behind_tls:
        findings.append(
            warn(
                "cookies",
                "session cookies are not limited to HTTPS",
                "in production: HTTPS, DMS_PUBLIC_URL=https://..., "
                "DMS_COOKIE_SECURE=true",
            )
        )
    return findings or [ok("cookies", "sent over HTTPS only")]


def check_calendar(archive, settings: Settings) -> list[Finding]:
    from dms.workdays import stale_warnings

    year = settings.local_today().year
    with archive.reading() as session:
        warnings = stale_warnings(session, [year, year + 1])
    if warnings:
        return [
            warn("calendar", text, "update the holiday calendar (dms calendar ...)")
            for text in warnings
        ]
    return [ok("calendar", f"working-day calendar for {year} and {year + 1} set")]


PROBES: tuple[Callable[..., list[Finding]], ...] = (
    check_database,
    check_storage,
    check_queue,
    check_index,
    check_smtp,
    check_public_url,
    check_cookies,
    check_calendar,
)
NEEDS_ARCHIVE = (check_database, check_storage, check_index, check_calendar)
_FIXES = {
    check_database: "check DMS_DATABASE_URL and that the database server runs",
    check_storage: "check DMS_STORAGE_URL, the folder's owner and free space, "
    "or the S3 server and its keys",
    check_queue: "check DMS_QUEUE_URL and that Redis runs (systemctl status redis)",
    check_index: "check DMS_INDEX_DIR's owner and free space; `dms reindex` rebuilds",
    check_smtp: "check DMS_SMTP_URL (host, port, user, password, starttls)",
    check_public_url: "check DMS_PUBLIC_URL",
    check_cookies: "check DMS_COOKIE_SECURE",
    check_calendar: "run `dms init` and update the holiday calendar",
}


def _part_of(probe) -> str:
    return probe.__name__.removeprefix("check_").replace("_", " ")


COMMANDS = (check,)
