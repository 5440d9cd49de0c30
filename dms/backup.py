"""Backups (`dms backup`, `dms restore`): one tar file holding a consistent
snapshot of the database, the blobs (or, on S3, a manifest of them), the secret
key and the settings a restore must match.

The database is copied first (SQLite's online backup API; for PostgreSQL, pg_dump
of a snapshot exported by a repeatable-read transaction), and the blobs that copy
refers to are listed from that same state. They are copied after it: blobs are
keyed by content, and while a backup runs none is deleted (it holds the storage's
deletion lease; a declined version's blob waits for fsck --repair), so every blob
the copy refers to is still there when it is read.

Layout of the tar file:
    manifest.json            format, dms version, time, settings, blob list
    secret_key               the key sessions and forms are signed with
    database.sqlite3         or database.pgdump (pg_dump --format=custom)
    blobs/<sha256>           filesystem storage only
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from dms.settings import Settings, ensure_secret_key

FORMAT = "dms-backup/1"
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
BLOBS = "blobs/"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# A restore warns when these differ: dates, deadlines and limits depend on them.
SETTINGS_THAT_MATTER = (
    "timezone",
    "cuti_bersama_day_off",
    "max_upload_mb",
    "request_max_upload_mb",
    "token_days",
    "public_request_log",
    "public_url",
    "mail_from",
)
S3_NOTE = (
    "The blobs live in S3: this backup lists them (key, size, SHA-256) but does "
    "not hold them. Keep the bucket's versioning on and replicate it to a second "
    "site; `dms restore` checks that every listed blob is in the bucket."
)


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says why."""


@dataclass
class BackupSummary:
    path: Path
    database: str
    blobs: int
    blob_bytes: int
    blobs_included: bool


@dataclass
class RestoreSummary:
    documents: int
    blobs_restored: int
    warnings: list[str] = field(default_factory=list)


# --- making a backup ------------------------------------------------------------------


def create_backup(archive, output: Path) -> BackupSummary:
    """Write a backup of the archive to `output` (a temp name until complete)."""
    settings = archive.settings
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name")
    kind = database_kind(settings.database_url)
    partial = output.with_name(f".{output.name}.part")
    # While it runs, no blob a row referred to is deleted (a declined version's
    # is left for later): the database copy may still name it.
    lease = getattr(archive.storage, "deletion_lease", None)
    try:
        with (
            lease() if lease else nullcontext(),
            tempfile.TemporaryDirectory(prefix="dms-backup-") as work,
        ):
            snapshot = Path(work) / (SQLITE_FILE if kind == "sqlite" else PG_FILE)
            blobs = dump_database(settings.database_url, snapshot)
            included = not settings.storage_url.startswith("s3://")
            with tarfile.open(partial, "w") as tar:
                tar.add(snapshot, arcname=snapshot.name)
                _add_bytes(tar, SECRET_KEY, ensure_secret_key(settings).encode())
                listed = _add_blobs(tar, archive.storage, blobs, included)
                manifest = _manifest(settings, kind, snapshot.name, listed, included)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(
        path=output,
        database=kind,
        blobs=len(listed),
        blob_bytes=sum(item["size"] for item in listed),
        blobs_included=included,
    )


def database_kind(url: str) -> str:
    """ "sqlite" or "postgresql"; BackupError for anything else."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {backend} database")
    return backend


def dump_database(url: str, target: Path) -> list[str]:
    """A consistent copy of the database at `target`; the blobs that copy refers
    to, read from the same state of the database (sorted)."""
    if database_kind(url) == "sqlite":
        _sqlite_copy(Path(make_url(url).database), target)
        return _blobs_in_sqlite(target)
    return _pg_dump_with_blobs(url, target)


def _blobs_in_sqlite(copy: Path) -> list[str]:
    keys: set[str] = set()
    with sqlite3.connect(copy) as db:
        for table, column in _blob_columns():
            keys.update(k for (k,) in db.execute(f"SELECT {column} FROM {table}") if k)
    db.close()
    return sorted(keys)


def _pg_dump_with_blobs(url: str, target: Path) -> list[str]:
    """pg_dump of the snapshot a repeatable-read transaction exports, and the
    blob list read in that transaction: the very same state."""
    from sqlalchemy import text

    from dms.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                _run_pg(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(target),
                    ],
                    url,
                )
                keys: set[str] = set()
                for table, column in _blob_columns():
                    keys.update(
                        k
                        for (k,) in connection.execute(
                            text(f"SELECT {column} FROM {table}")
                        )
                        if k
                    )
    finally:
        engine.dispose()
    return sorted(keys)


def _blob_columns() -> list[tuple[str, str]]:
    """(table, column) of every column holding a blob key (dms.blobs)."""
    import dms.schema  # noqa: F401 - every table on the metadata
    from dms.blobs import blob_columns

    return [(column.table.name, column.name) for column in blob_columns()]


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"the SQLite database {source} does not exist")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _run_pg(command: list[str], url: str) -> None:
    """Run a PostgreSQL client with the URL's connection in PG* variables (the
    password stays out of the process list)."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: apt-get install postgresql-client"
        )
    parts = make_url(url)
    env = {**os.environ, "PGDATABASE": parts.database or ""}
    for name, value in (
        ("PGHOST", parts.host),
        ("PGPORT", parts.port),
        ("PGUSER", parts.username),
        ("PGPASSWORD", parts.password),
    ):
        if value:
            env[name] = str(value)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _add_blobs(tar, storage, keys: list[str], included: bool) -> list[dict]:
    listed = []
    for key in keys:
        size = storage.stat(key).size
        if included:
            reader = _HashingChunks(storage.open_range(key))
            info = tarfile.TarInfo(BLOBS + key)
            info.size = size
            tar.addfile(info, reader)
            sha256 = reader.hexdigest()
            if sha256 != key:
                raise BackupError(
                    f"blob {key} in storage does not match its SHA-256; run "
                    "`dms fsck` and repair it before backing up"
                )
        listed.append({"key": key, "size": size, "sha256": key})
    return listed


def _add_bytes(tar, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _manifest(settings: Settings, kind, database_file, blobs, included) -> dict:
    from importlib.metadata import version

    return {
        "format": FORMAT,
        "dms_version": version("dms"),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"kind": kind, "file": database_file},
        "blobs_included": included,
        "blobs_note": "" if included else S3_NOTE,
        "settings": {name: getattr(settings, name) for name in SETTINGS_THAT_MATTER},
        "blobs": blobs,
    }


class _HashingChunks(io.RawIOBase):
    """A file-like view of a chunk iterator that hashes what is read (tarfile
    reads in small blocks: each chunk is sliced by position, never re-copied)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = iter(chunks)
        self._chunk = memoryview(b"")
        self._hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size
        while wanted != 0:
            if not self._chunk:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._chunk = memoryview(chunk)
            take = len(self._chunk) if wanted < 0 else min(wanted, len(self._chunk))
            parts.append(self._chunk[:take])
            self._chunk = self._chunk[take:]
            if wanted > 0:
                wanted -= take
        data = b"".join(parts)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


# --- checking a backup ----------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    """The backup's manifest; BackupError when it is not a dms backup."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError(f"not a dms backup (no readable {MANIFEST})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def open_backup(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc


def verify_backup(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The manifest and every problem found, without restoring anything."""
    with open_backup(path) as tar:
        manifest = read_manifest(tar)
        problems = _database_problems(tar, manifest)
        if SECRET_KEY not in tar.getnames():
            problems.append("the secret key is missing")
        if manifest["blobs_included"]:
            problems += _blob_problems(tar, manifest["blobs"])
    return manifest, problems


def _database_problems(tar, manifest) -> list[str]:
    name = manifest["database"]["file"]
    with tempfile.TemporaryDirectory(prefix="dms-verify-") as work:
        try:
            tar.extract(name, work, filter="data")
        except (KeyError, tarfile.TarError):
            return [f"the database copy {name} is missing"]
        copy = Path(work) / name
        if manifest["database"]["kind"] == "sqlite":
            return _sqlite_problems(copy)
        try:
            _run_pg(["pg_restore", "--list", str(copy)], "postgresql:///")
        except BackupError as exc:
            return [f"the PostgreSQL dump cannot be read: {exc}"]
    return []


def _sqlite_problems(copy: Path) -> list[str]:
    try:
        with sqlite3.connect(copy) as db:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
    except sqlite3.DatabaseError as exc:
        return [f"the SQLite copy cannot be read: {exc}"]
    return [] if result == "ok" else [f"the SQLite copy is damaged: {result}"]


def _blob_problems(tar, blobs: list[dict]) -> list[str]:
    problems = []
    for blob in blobs:
        try:
            member = tar.extractfile(BLOBS + blob["key"])
        except KeyError:
            member = None
        if member is None:
            problems.append(f"blob {blob['key']} is missing")
            continue
        digest = hashlib.file_digest(member, "sha256").hexdigest()
        if digest != blob["sha256"]:
            problems.append(f"blob {blob['key']} does not match its SHA-256")
    return problems


# --- restoring ------------------------------------------------------------------------


def check_restorable(settings: Settings, path: Path) -> dict[str, Any]:
    """Everything a restore checks before it writes anything: the whole backup
    verified (database copy, secret key, every blob's SHA-256), the same kind of
    database, an empty target. The manifest; BackupError naming the first
    problem otherwise, with nothing written."""
    manifest, problems = verify_backup(path)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(
            f"the backup cannot be trusted: {problems[0]}{more}; nothing was "
            "restored (dms backup --verify lists every problem)"
        )
    _check_target(settings, manifest)
    return manifest


def _check_target(settings: Settings, manifest: dict[str, Any]) -> None:
    kind = database_kind(settings.database_url)
    if manifest["database"]["kind"] != kind:
        raise BackupError(
            f"this backup holds a {manifest['database']['kind']} database; "
            f"DMS_DATABASE_URL names a {kind} one: restore into the same kind"
        )
    _refuse_a_used_database(settings.database_url)


def restore_database(settings: Settings, path: Path) -> dict[str, Any]:
    """Put the backup's database in place of an empty one; the manifest. The
    restore's last step (see check_restorable): until it, the target database is
    untouched, so a restore that failed earlier can simply be run again."""
    with open_backup(path) as tar:
        manifest = read_manifest(tar)
        _check_target(settings, manifest)
        with tempfile.TemporaryDirectory(prefix="dms-restore-") as work:
            name = manifest["database"]["file"]
            tar.extract(name, work, filter="data")
            _load_database(settings.database_url, Path(work) / name)
    return manifest


def _refuse_a_used_database(url: str) -> None:
    """Restore writes over nothing: a database holding users or documents stays."""
    from sqlalchemy import inspect, text

    from dms.db import make_engine

    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            for table in ("users", "documents"):
                if (
                    table in tables
                    and connection.execute(
                        text(f"SELECT 1 FROM {table} LIMIT 1")
                    ).first()
                ):
                    raise BackupError(
                        "the database is not empty (it holds users or documents): "
                        "restore into a new, empty database"
                    )
    finally:
        engine.dispose()


def _load_database(url: str, copy: Path) -> None:
    if database_kind(url) == "sqlite":
        target = Path(make_url(url).database)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, target)
        return
    _run_pg(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            _libpq_database(url),
            str(copy),
        ],
        url,
    )


def _libpq_database(url: str) -> str:
    return make_url(url).database or ""


def restore_files(archive, path: Path, manifest: dict[str, Any]) -> RestoreSummary:
    """Put the blobs back (or check that S3 has them) and the secret key. Before
    the database: blobs are stored under their own digest, so ones written by a
    restore that failed later are simply written again by the next attempt."""
    summary = RestoreSummary(documents=0, blobs_restored=0)
    with open_backup(path) as tar:
        if manifest["blobs_included"]:
            summary.blobs_restored = _restore_blobs(tar, archive.storage, manifest)
        else:
            summary.warnings += _missing_in_storage(archive.storage, manifest)
        _restore_secret_key(archive.settings, tar, summary)
    summary.warnings += _changed_settings(archive.settings, manifest)
    return summary


def _restore_blobs(tar, storage, manifest) -> int:
    storage.ensure_ready()
    for blob in manifest["blobs"]:
        member = tar.extractfile(BLOBS + blob["key"])
        stored = storage.put(member)
        if stored.key != blob["key"]:
            raise BackupError(f"blob {blob['key']} in the backup is damaged")
    return len(manifest["blobs"])


def _missing_in_storage(storage, manifest) -> list[str]:
    missing = [b["key"] for b in manifest["blobs"] if not storage.exists(b["key"])]
    if not missing:
        return []
    return [
        f"{len(missing)} blob(s) listed in the backup are not in the bucket "
        f"(first: {missing[0]}); restore them from the bucket's versions or replica"
    ]


def _restore_secret_key(settings: Settings, tar, summary: RestoreSummary) -> None:
    key = tar.extractfile(SECRET_KEY).read().decode().strip()
    if settings.secret_key:
        if settings.secret_key != key:
            summary.warnings.append(
                "DMS_SECRET_KEY differs from the backed-up key: officers log in "
                "again and open forms must be reloaded"
            )
        return
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    target = settings.instance_dir / "secret_key"
    target.write_text(key)
    target.chmod(0o600)


def _changed_settings(settings: Settings, manifest) -> list[str]:
    return [
        f"setting {name} was {before!r} when backed up, is {getattr(settings, name)!r}"
        for name, before in manifest["settings"].items()
        if name in SETTINGS_THAT_MATTER and getattr(settings, name) != before
    ]
