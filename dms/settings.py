"""One place for configuration: config/ defaults, DMS_CONFIG, DMS_* env, overrides."""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
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
    # DOMAIN.md §4 decision: cuti bersama is not a working day (configurable).
    cuti_bersama_day_off: bool
    # Where a receipt time becomes a calendar date for working-day deadlines.
    timezone: str
    # Session cookies only over HTTPS (production behind TLS); off on a laptop.
    cookie_secure: bool
    # Where login attempts are counted (Flask-Limiter): memory:// or redis://.
    ratelimit_storage_url: str
    # Publish the request log (number, subject, dates, outcome) on the portal.
    public_request_log: bool
    # The portal's address for links in emails (https://ppid.example.go.id);
    # empty: the address of the web request that caused the email.
    public_url: str

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

    return Settings(
        instance_dir=instance,
        database_url=text("database_url"),
        storage_url=text("storage_url"),
        index_dir=Path(text("index_dir")),
        secret_key=text("secret_key"),
        queue_url=_queue_url(text("queue_url")),
        max_upload_mb=_positive_int(values, "max_upload_mb"),
        request_max_upload_mb=_positive_int(values, "request_max_upload_mb"),
        max_per_page=_positive_int(values, "max_per_page"),
        cuti_bersama_day_off=_bool(values, "cuti_bersama_day_off"),
        timezone=_timezone(values, "timezone"),
        cookie_secure=_bool(values, "cookie_secure"),
        ratelimit_storage_url=text("ratelimit_storage_url") or "memory://",
        public_request_log=_bool(values, "public_request_log"),
        public_url=_public_url(text("public_url")),
    )


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
