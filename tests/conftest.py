"""Fixtures shared by every test: a fresh app per test on SQLite (or on PostgreSQL
when DMS_TEST_DATABASE_URL is set), a filesystem store, and the demo cast."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from dms import (
    audit,  # noqa: F401  (registers the audit table)
    schema,  # noqa: F401  (registers every table)
)
from dms.db import Base, make_engine, upgrade_schema

pytest_plugins = ["tests.fixtures_s3", "tests.smtp_server"]

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus, or a skip saying it is absent."""
    if not (CORPUS / "real").is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); corpus tests skipped")
    return CORPUS


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database: PostgreSQL when configured, else a SQLite file to copy."""
    url = os.environ.get("DMS_TEST_DATABASE_URL")
    if url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade_schema(engine)
        engine.dispose()
        yield "postgresql", url
        return
    path = tmp_path_factory.mktemp("template") / "dms.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield "sqlite", path


@pytest.fixture(scope="session")
def postgresql_engine(database_template):
    """One engine for emptying the PostgreSQL test database; None on SQLite."""
    kind, value = database_template
    if kind != "postgresql":
        yield None
        return
    engine = make_engine(value)
    yield engine
    engine.dispose()


# Append-only (a trigger refuses DELETE): emptied with TRUNCATE, only when used.
APPEND_ONLY_TABLES = ("audit_events",)


@pytest.fixture
def database_url(database_template, postgresql_engine, tmp_path) -> str:
    """An empty, migrated database for this test."""
    kind, value = database_template
    if kind == "sqlite":
        target = tmp_path / "dms.sqlite3"
        shutil.copyfile(value, target)
        return f"sqlite:///{target}"
    empty_postgresql(postgresql_engine)
    return value


def empty_postgresql(engine) -> None:
    """Every row gone and every sequence back at 1, as after TRUNCATE ...
    RESTART IDENTITY, but by DELETE: TRUNCATE of all 24 tables costs ~0.7 s a
    test, DELETE of the few rows a test wrote a few milliseconds."""
    with engine.begin() as connection:
        for name in APPEND_ONLY_TABLES:
            if connection.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {name})")):
                connection.execute(text(f"TRUNCATE {name} CASCADE"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in APPEND_ONLY_TABLES:
                connection.execute(table.delete())
        connection.execute(
            text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'")
        )


@pytest.fixture
def test_config(tmp_path, database_url) -> dict:
    return {
        "instance_dir": tmp_path / "instance",
        "database_url": database_url,
        "storage_url": f"file://{tmp_path}/objects",
        "index_dir": str(tmp_path / "index"),
        "secret_key": "test-secret",
        "max_upload_mb": 4,
        # The test client's address: links in email point where it serves.
        "public_url": "http://localhost",
        # One round instead of scrypt: passwords set and checked in tests cost
        # microseconds (production keeps the default, settings.password_hash).
        "password_hash": "pbkdf2:sha256:1",
    }


@pytest.fixture
def app(test_config):
    from dms.web import create_app

    app = create_app(test_config)
    app.config["TESTING"] = True
    archive = app.extensions["dms"]
    archive.storage.ensure_ready()
    archive.settings.index_dir.mkdir(parents=True, exist_ok=True)
    yield app
    archive.close()


@pytest.fixture
def archive(app):
    return app.extensions["dms"]


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Cast:
    """Organisations and users of every role, with their API tokens."""

    tokens: dict[str, str]

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


CAST_ORGANISATIONS = [
    ("ppid-utama", "PPID Utama", None, True),
    ("dinkes", "Dinas Kesehatan", "ppid-utama", False),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "ppid-utama", False),
]
CAST_USERS = [
    ("utama", "ppid_utama", "ppid-utama"),
    ("dinkes", "ppid_pelaksana", "dinkes"),
    ("bpbd", "ppid_pelaksana", "bpbd"),
    ("admin", "admin", None),
    ("atasan", "atasan_ppid", "ppid-utama"),
]
CAST_PASSWORD = "kata-sandi-uji"
# The cast's password, hashed once with few rounds: the product's scrypt hash costs
# a tenth of a second per user and a quarter per login, in every test. The hash
# names its method, so logins check it exactly as they check a real one.
CAST_PASSWORD_HASH = generate_password_hash(CAST_PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def cast(archive) -> Cast:
    return make_cast(archive)


def make_cast(archive) -> Cast:
    """Add the cast's organisations and users to the archive; return their tokens."""
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    tokens = {}
    with archive.transaction() as session:
        for slug, name, parent, utama in CAST_ORGANISATIONS:
            accounts.add_organisation(
                session,
                actor=SYSTEM,
                slug=slug,
                name=name,
                parent_slug=parent,
                is_utama=utama,
            )
        for username, role, org in CAST_USERS:
            user = accounts.add_user(
                session, actor=SYSTEM, username=username, role=role, org_slug=org
            )
            user.password_hash = CAST_PASSWORD_HASH
            tokens[username] = accounts.create_token(
                session,
                actor=SYSTEM,
                username=username,
                days=archive.settings.token_days,
            )
    return Cast(tokens)
