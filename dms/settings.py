"""One place for configuration: config/ defaults, DMS_CONFIG, DMS_* env, overrides."""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from email import policy as email_policy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "config" / "defaults.toml"
# Environment variables read elsewhere (tests, the instance folder, the config file).
NON_SETTING_ENV = {"DMS_CONFIG", "DMS_INSTANCE_DIR"}
NON_SETTING_ENV_PREFIXES = ("DMS_TEST_",)


class SettingsError(ValueError):
    """A configuration value or key that cannot be used."""


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    storage_url: str
    index_dir: Path
    secret_key: str
    queue_url: str
    max_upload_mb: int
    # Identity documents and proxy letters attached to a request for information.
    request_max_upload_mb: int
    max_per_page: int
    # Seconds one search may run before it is stopped (503, Retry-After).
    search_time_limit_seconds: float
    # Searches one client address may run at once; more answer 429.
    search_concurrency_per_address: int
    # DOMAIN.md §4 decision: cuti bersama is not a working day (configurable).
    cuti_bersama_day_off: bool
    # Where a receipt time becomes a calendar date for working-day deadlines.
    timezone: str
    # Session cookies only over HTTPS (production behind TLS); off on a laptop.
    cookie_secure: bool
    # Where login attempts are counted (Flask-Limiter): memory:// or redis://.
    ratelimit_storage_url: str
    # How many days an API token works after it is issued.
    token_days: int
    # Publish the request log (number, subject, dates, outcome) on the portal.
    public_request_log: bool
    # The portal's address for links in emails (https://ppid.example.go.id);
    # empty: the address of the web request that caused the email.
    public_url: str
    # Where email is sent: "" keeps it in the outbox (see SmtpServer); may hold a
    # password, so it is left out of repr().
    smtp_url: str = field(repr=False)
    # The From of every email: an address, optionally with a display name.
    mail_from: str
    # Text extraction: one pass over a document starts no new OCR page after this
    # many seconds (the rest is read by later passes of the worker), and one
    # page's OCR stops after ocr_page_seconds.
    ocr_document_seconds: int = 90
    ocr_page_seconds: int = 60
    # Reverse proxies in front of dms (nginx: 1) whose X-Forwarded-* headers are
    # believed: the client address (rate limits), the scheme and the host.
    trusted_proxies: int = 0
    # nginx's internal location serving the file store ("" off): downloads are
    # answered with X-Accel-Redirect after dms has checked access.
    x_accel_redirect: str = ""
    # The full-text engine: "whoosh" (embedded default, small archives) or
    # "tantivy" (production, archives over a few thousand documents).
    search_engine: str = "whoosh"
    # How often the worker brings this host's index up to date from the database.
    index_sync_seconds: int = 60
    # How new passwords are hashed: "scrypt" (the default) or
    # "pbkdf2:sha256[:ITERATIONS]". Tests use a cheap pbkdf2; stored hashes name
    # their method, so changing this never locks anyone out.
    password_hash: str = "scrypt"

    @property
    def smtp(self) -> SmtpServer | None:
        """The SMTP server smtp_url names, or None when mail is not configured."""
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def local_today(self) -> date:
        """Today in the public body's time zone: periods, years and deadlines
        are local dates."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def request_max_upload_bytes(self) -> int:
        return self.request_max_upload_mb * 1024 * 1024


_SETTING_NAMES = {f.name for f in fields(Settings)} - {"instance_dir"}


def load_settings(
    overrides: dict[str, Any] | None = None, env: dict[str, str] | None = None
) -> Settings:
    """Build the frozen Settings from defaults, DMS_CONFIG, DMS_* env and overrides."""
    env = dict(os.environ if env is None else env)
    overrides = dict(overrides or {})
    instance = Path(
        overrides.pop("instance_dir", None) or env.get("DMS_INSTANCE_DIR") or "instance"
    ).resolve()
    values = _read_toml(DEFAULTS_FILE)
    if env.get("DMS_CONFIG"):
        values.update(_checked(_read_toml(Path(env["DMS_CONFIG"])), env["DMS_CONFIG"]))
    values.update(_from_env(env))
    values.update(_checked(overrides, "overrides"))
    return _build(values, instance)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read configuration file {path}: {exc}") from exc


def _checked(values: dict[str, Any], origin: str) -> dict[str, Any]:
    unknown = sorted(set(values) - _SETTING_NAMES)
    if unknown:
        raise SettingsError(f"unknown setting(s) in {origin}: {', '.join(unknown)}")
    return values


def _from_env(env: dict[str, str]) -> dict[str, Any]:
    values = {}
    for name, value in env.items():
        if not name.startswith("DMS_") or name in NON_SETTING_ENV:
            continue
        if name.startswith(NON_SETTING_ENV_PREFIXES):
            continue
        values[name[4:].lower()] = value
    unknown = sorted(f"DMS_{key.upper()}" for key in set(values) - _SETTING_NAMES)
    if unknown:
        raise SettingsError(
            f"unknown setting(s) in the environment: {', '.join(unknown)}"
        )
    return values


def _build(values: dict[str, Any], instance: Path) -> Settings:
    def text(key: str) -> str:
        return str(values[key]).replace("{instance}", str(instance))

    settings = Settings(
        instance_dir=instance,
        database_url=text("database_url"),
        storage_url=text("storage_url"),
        index_dir=Path(text("index_dir")),
        secret_key=text("secret_key"),
        queue_url=_queue_url(text("queue_url")),
        max_upload_mb=_positive_int(values, "max_upload_mb"),
        request_max_upload_mb=_positive_int(values, "request_max_upload_mb"),
        max_per_page=_positive_int(values, "max_per_page"),
        search_time_limit_seconds=_positive_number(values, "search_time_limit_seconds"),
        search_concurrency_per_address=_positive_int(
            values, "search_concurrency_per_address"
        ),
        cuti_bersama_day_off=_bool(values, "cuti_bersama_day_off"),
        timezone=_timezone(values, "timezone"),
        cookie_secure=_bool(values, "cookie_secure"),
        ratelimit_storage_url=text("ratelimit_storage_url") or "memory://",
        token_days=_token_days(values),
        public_request_log=_bool(values, "public_request_log"),
        public_url=_public_url(text("public_url")),
        smtp_url=_smtp_url(values, "smtp_url"),
        mail_from=_mail_from(values, "mail_from"),
        ocr_document_seconds=_positive_int(values, "ocr_document_seconds"),
        ocr_page_seconds=_positive_int(values, "ocr_page_seconds"),
        trusted_proxies=_trusted_proxies(values),
        x_accel_redirect=_x_accel_redirect(text("x_accel_redirect")),
        search_engine=_search_engine(values, "search_engine"),
        index_sync_seconds=_positive_int(values, "index_sync_seconds"),
        password_hash=_password_hash(values, "password_hash"),
    )
    if settings.smtp_url and not settings.public_url:
        # The worker and the command line send reminders outside any web
        # request: only this address makes their links point at the portal.
        raise SettingsError(
            "smtp_url needs public_url (DMS_PUBLIC_URL, e.g. "
            "https://ppid.example.go.id): links in emails must point at the portal"
        )
    return settings


def _public_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(
            f"public_url must start with http:// or https://, not {url[:40]!r}"
        )
    return url


QUEUE_SCHEMES = ("redis://", "rediss://", "unix://")


def _queue_url(url: str) -> str:
    """Empty (the embedded queue), "immediate" (run jobs inline) or a Redis URL."""
    url = url.strip()
    if url in ("", "immediate") or url.startswith(QUEUE_SCHEMES):
        return url
    raise SettingsError(
        f"queue_url must be empty (embedded), 'immediate' or redis://..., not {url!r}"
    )


MAX_TRUSTED_PROXIES = 10


def _trusted_proxies(values: dict[str, Any]) -> int:
    """How many proxies stand in front: 0 (none, the default) to 10."""
    try:
        number = int(values["trusted_proxies"])
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= MAX_TRUSTED_PROXIES:
        raise SettingsError(
            f"trusted_proxies must be a whole number from 0 to {MAX_TRUSTED_PROXIES} "
            f"(the proxies in front of dms; nginx alone: 1), "
            f"not {values['trusted_proxies']!r}"
        )
    return number


def _x_accel_redirect(location: str) -> str:
    """Empty, or nginx's internal location as a path ending in "/"."""
    location = location.strip()
    if location and not (location.startswith("/") and location.endswith("/")):
        raise SettingsError(
            "x_accel_redirect must be empty or an nginx internal location such as "
            f"/_dms_objects/ (starting and ending with /), not {location!r}"
        )
    return location


MAX_TOKEN_DAYS = 3650


def _token_days(values: dict[str, Any]) -> int:
    """Days an API token lives: at least one, at most ten years."""
    days = _positive_int(values, "token_days")
    if days > MAX_TOKEN_DAYS:
        raise SettingsError(f"token_days must be at most {MAX_TOKEN_DAYS}, not {days}")
    return days


def _positive_int(values: dict[str, Any], key: str) -> int:
    try:
        number = int(values[key])
    except (TypeError, ValueError):
        raise SettingsError(
            f"{key} must be a whole number, not {values[key]!r}"
        ) from None
    if number <= 0:
        raise SettingsError(f"{key} must be positive, not {number}")
    return number


PASSWORD_HASH_FORM = re.compile(r"^(scrypt(:\d+:\d+:\d+)?|pbkdf2:sha256(:[1-9]\d*)?)$")


def _password_hash(values: dict[str, Any], key: str) -> str:
    method = str(values[key]).strip().lower()
    if not PASSWORD_HASH_FORM.match(method):
        raise SettingsError(
            f"{key} (DMS_PASSWORD_HASH) must be scrypt or pbkdf2:sha256[:ITERATIONS], "
            f"not {values[key]!r}"
        )
    return method


SEARCH_ENGINES = ("whoosh", "tantivy")


def _search_engine(values: dict[str, Any], key: str) -> str:
    name = str(values[key]).strip().lower()
    if name not in SEARCH_ENGINES:
        raise SettingsError(
            f"{key} (DMS_SEARCH_ENGINE) must be one of {', '.join(SEARCH_ENGINES)}, "
            f"not {values[key]!r}"
        )
    return name


def _positive_number(values: dict[str, Any], key: str) -> float:
    try:
        number = float(values[key])
    except (TypeError, ValueError):
        raise SettingsError(f"{key} must be a number, not {values[key]!r}") from None
    if not 0 < number < float("inf"):
        raise SettingsError(f"{key} must be positive, not {values[key]!r}")
    return number


TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def _bool(values: dict[str, Any], key: str) -> bool:
    """A TOML boolean, or true/false/1/0/yes/no as text (from the environment)."""
    value = values[key]
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{key} must be true or false, not {value!r}")


def _timezone(values: dict[str, Any], key: str) -> str:
    """An IANA time zone name that zoneinfo knows, e.g. Asia/Jakarta."""
    name = str(values[key]).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingsError(
            f"{key} must be an IANA time zone such as Asia/Jakarta, not {name!r}"
        ) from None
    return name


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand email over: smtp:// (optionally STARTTLS) or smtps://."""

    host: str
    port: int
    # Implicit TLS from the first byte (smtps://, usually port 465).
    implicit_tls: bool = False
    # Upgrade a plain connection with STARTTLS (smtp://...?starttls=true).
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)


SMTP_URL_FORM = "smtp://[user:password@]host[:port][?starttls=true] or smtps://..."
SMTP_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


def parse_smtp_url(url: str) -> SmtpServer:
    """An SmtpServer from smtp_url; SettingsError (never showing the password)."""
    parts = urlsplit(url)
    shown = hide_password(url)
    if parts.scheme not in SMTP_DEFAULT_PORTS or not parts.hostname:
        raise SettingsError(f"smtp_url must be {SMTP_URL_FORM}, not {shown!r}")
    if parts.path not in ("", "/") or parts.fragment:
        raise SettingsError(f"smtp_url takes no path, not {shown!r}")
    try:
        port = parts.port or SMTP_DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise SettingsError(
            f"smtp_url's port must be a number from 1 to 65535, in {shown!r}"
        ) from None
    starttls = _starttls_option(parts.query, shown)
    if starttls and parts.scheme == "smtps":
        raise SettingsError(
            f"smtp_url: smtps:// is TLS already; starttls is for smtp://, in {shown!r}"
        )
    return SmtpServer(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def _starttls_option(query: str, shown: str) -> bool:
    options = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(options) - {"starttls"})
    if unknown:
        raise SettingsError(
            f"smtp_url knows only the option starttls, not {', '.join(unknown)}, "
            f"in {shown!r}"
        )
    word = (options.get("starttls") or ["false"])[-1].strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(
            f"smtp_url: starttls must be true or false, not {word!r}, in {shown!r}"
        )
    return word in TRUE_WORDS


def hide_password(url: str) -> str:
    """The URL with any password in it replaced by ***."""
    return re.sub(r"(//[^/@:?#]*:)[^/?#]*@", r"\1***@", url)


def _smtp_url(values: dict[str, Any], key: str) -> str:
    url = str(values[key]).strip()
    if url:
        parse_smtp_url(url)
    return url


def _mail_from(values: dict[str, Any], key: str) -> str:
    """One address, optionally with a display name: PPID <ppid@example.go.id>."""
    value = str(values[key]).strip()
    try:
        header = email_policy.default.header_factory("From", value)
    except (ValueError, IndexError):
        header = None
    addresses = header.addresses if header is not None else ()
    if (
        header is None
        or header.defects
        or len(addresses) != 1
        or not addresses[0].username
        or not addresses[0].domain
    ):
        raise SettingsError(
            f"{key} must be one email address such as "
            f"'PPID <ppid@example.go.id>', not {value!r}"
        )
    return value


def ensure_secret_key(settings: Settings) -> str:
    """The configured secret key, or the one generated once into the instance folder."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.instance_dir / "secret_key"
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole to a temp file, then linked into place: a process racing
        # us sees either no key or a complete one, never an empty file.
        temp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text().strip()
