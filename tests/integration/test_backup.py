"""Issue 18: `dms backup`, `dms backup --verify` and `dms restore`, driven for
real on SQLite or on PostgreSQL (DMS_TEST_DATABASE_URL), with a filesystem store
and an on-disk index: a round trip keeps every document byte-identical and
searchable and `dms fsck` clean."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dms.db import make_engine
from tests.integration.test_cli import (  # noqa: F401 - fixtures
    Instance,
    assert_fails_in_one_line,
    clean_environment,
    instance,
    ready,
    sha256,
)
from tests.integration.test_cli_search import FILES, titles, write_texts


@pytest.fixture
def filled(ready, tmp_path) -> Instance:
    """An instance holding three published text documents."""
    ready.ok(
        "import",
        write_texts(tmp_path / "in"),
        "--org",
        "ppid-utama",
        "--category",
        "setiap_saat",
        "--publish",
    )
    return ready


@pytest.fixture
def empty_database(database_url, tmp_path) -> Iterator[str]:
    """A second, empty database of the same kind as the test database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path}/restored/dms.sqlite3"
        return
    name = f"{url.database}_restored"
    admin = make_engine(url.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def elsewhere(tmp_path, empty_database, clean_environment) -> Instance:
    """A new, empty instance: another folder, database, store and index."""
    root = tmp_path / "restored"
    return Instance(
        root=root,
        env={
            "DMS_INSTANCE_DIR": str(root / "instance"),
            "DMS_DATABASE_URL": empty_database,
            "DMS_STORAGE_URL": f"file://{root}/objects",
            "DMS_INDEX_DIR": str(root / "index"),
            "DMS_PUBLIC_URL": "https://ppid.kota-mandiri.go.id",
        },
    )


def stored_blobs(where: Instance) -> dict[str, bytes]:
    """Every blob file of the instance's store by its name, with its bytes."""
    return {
        path.name: path.read_bytes()
        for path in where.storage_root.rglob("*")
        if path.is_file() and not path.name.startswith(".") and len(path.name) == 64
    }


def search(where: Instance, query: str) -> list[str]:
    return titles(json.loads(where.ok("search", query, "--json").stdout))


def test_a_backup_restored_into_an_empty_instance_keeps_every_document(
    filled, elsewhere, tmp_path
):
    backup = tmp_path / "dms-backup.tar"
    made = filled.ok("backup", "--output", backup)
    assert "3 blob(s)" in made.stdout
    kind = make_url(filled.database_url).get_backend_name()
    assert f"({kind} database" in made.stdout
    filled.ok("backup", "--verify", backup)

    restored = elsewhere.ok("restore", backup)

    assert "3 document(s) indexed" in restored.stdout
    assert elsewhere.documents() == filled.documents()
    assert elsewhere.counts() == filled.counts()
    blobs = stored_blobs(elsewhere)
    assert blobs == stored_blobs(filled)
    assert {sha256(content.encode()) for content in FILES.values()} <= set(blobs)
    assert search(elsewhere, "banjir") == ["Banjir"]
    assert search(elsewhere, "188.4/705/2013") == ["Sk ppid"]
    fsck = elsewhere.ok("fsck")
    assert "0 damaged, 0 orphan(s), 0 temp file(s)" in fsck.stdout
    key = (filled.root / "instance" / "secret_key").read_text()
    assert (elsewhere.root / "instance" / "secret_key").read_text() == key


def test_restore_after_init_of_the_new_instance_works_too(filled, elsewhere, tmp_path):
    backup = tmp_path / "b.tar"
    filled.ok("backup", "--output", backup)
    elsewhere.ok("init")

    elsewhere.ok("restore", backup)

    assert elsewhere.documents() == filled.documents()
    assert search(elsewhere, "keuangan") == ["Laporan keuangan"]


def test_restore_refuses_an_instance_that_holds_documents(filled, tmp_path):
    backup = tmp_path / "b.tar"
    filled.ok("backup", "--output", backup)
    before = filled.counts()

    result = filled.run("restore", backup)

    assert_fails_in_one_line(result, "the database is not empty")
    assert filled.counts() == before


def damaged_copy(backup: Path, damaged: Path) -> Path:
    """The backup with one blob's bytes changed (its SHA-256 no longer matches)."""
    with tarfile.open(backup) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("blobs/") and b"banjir" in data:
                data = data.replace(b"banjir", b"BANJIR")
            target.addfile(member, io.BytesIO(data))
    return damaged


def test_verify_finds_a_damaged_blob_in_a_backup(filled, tmp_path):
    backup = tmp_path / "b.tar"
    filled.ok("backup", "--output", backup)
    damaged = damaged_copy(backup, tmp_path / "damaged.tar")

    result = filled.run("backup", "--verify", damaged)

    assert result.exit_code == 1
    assert "does not match its SHA-256" in result.stderr
    assert "cannot be trusted" in result.stderr


def test_a_damaged_backup_restores_nothing_and_a_sound_one_restores_after(
    filled, elsewhere, tmp_path
):
    backup = tmp_path / "b.tar"
    filled.ok("backup", "--output", backup)
    damaged = damaged_copy(backup, tmp_path / "damaged.tar")
    elsewhere.ok("init")
    before = elsewhere.counts()

    result = elsewhere.run("restore", damaged)

    assert_fails_in_one_line(result, "the backup cannot be trusted")
    assert "does not match its SHA-256" in result.stderr
    assert elsewhere.counts() == before
    assert stored_blobs(elsewhere) == {}
    assert (
        not (elsewhere.root / "instance" / "secret_key").exists()
        or (elsewhere.root / "instance" / "secret_key").read_text()
        != (filled.root / "instance" / "secret_key").read_text()
    )

    elsewhere.ok("restore", backup)
    assert elsewhere.documents() == filled.documents()
    assert stored_blobs(elsewhere) == stored_blobs(filled)


def test_backup_never_overwrites_a_file_and_leaves_nothing_on_failure(filled, tmp_path):
    existing = tmp_path / "old.tar"
    existing.write_bytes(b"an older backup")

    result = filled.run("backup", "--output", existing)

    assert_fails_in_one_line(result, "exists already")
    assert existing.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.glob("*.part")) == []


def test_backup_needs_exactly_one_of_output_and_verify(filled):
    assert_fails_in_one_line(filled.run("backup"), "--output FILE")


def test_verify_refuses_a_file_that_is_not_a_backup(filled, tmp_path):
    bogus: Path = tmp_path / "notes.txt"
    bogus.write_text("bukan cadangan")

    assert_fails_in_one_line(filled.run("backup", "--verify", bogus), "cannot read")


def test_with_s3_the_backup_lists_the_blobs_and_restore_checks_the_bucket(
    instance, elsewhere, s3_storage_url, tmp_path
):
    instance.env["DMS_STORAGE_URL"] = s3_storage_url
    instance.ok("init")
    instance.ok("org", "add", "ppid-utama", "--name", "PPID Utama", "--utama")
    instance.ok(
        "import",
        write_texts(tmp_path / "in"),
        "--org",
        "ppid-utama",
        "--category",
        "setiap_saat",
        "--publish",
    )
    backup = tmp_path / "s3.tar"

    made = instance.ok("backup", "--output", backup)

    assert "3 blob(s)" in made.stdout and "listed (S3 bucket)" in made.stdout
    with tarfile.open(backup) as tar:
        assert not [name for name in tar.getnames() if name.startswith("blobs/")]
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "versioning" in manifest["blobs_note"]
    elsewhere.env["DMS_STORAGE_URL"] = s3_storage_url  # the bucket (or its replica)
    restored = elsewhere.ok("restore", backup)
    assert "3 document(s) indexed" in restored.stdout
    assert "not in the bucket" not in restored.stderr
    assert search(elsewhere, "banjir") == ["Banjir"]
