"""Web tests share their apps: one app per settings key for the whole session,
put back to a fresh archive before each test, instead of a new app per test.

What a fresh app gave a test, the reset gives it too: an empty migrated database
(SQLite: a fresh copy of the template file; PostgreSQL: every row deleted,
sequences restarted), an empty store and search
index, an empty job queue and instance folder, fresh rate-limit counters, the
app's config and the archive's hooks as create_app left them. A test whose
settings differ (a module's own test_config fixture) gets the shared app of its
key; a test that builds an app with create_app itself still gets its own."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import empty_postgresql

# The settings that name a test's own folders and database: the shared app has
# its own instead, so they are left out of its key.
PER_TEST_KEYS = ("instance_dir", "database_url", "storage_url", "index_dir")


@dataclass
class SharedApp:
    app: Flask
    folder: Path
    template: tuple[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    request_url: Any = None

    @classmethod
    def build(cls, test_config: dict, folder: Path, template) -> SharedApp:
        from dms.web import create_app

        kind, value = template
        database_url = value
        if kind == "sqlite":
            database_url = f"sqlite:///{folder / 'dms.sqlite3'}"
            shutil.copyfile(value, folder / "dms.sqlite3")
        config = {
            **test_config,
            "instance_dir": folder / "instance",
            "database_url": database_url,
            "storage_url": f"file://{folder}/objects",
            "index_dir": str(folder / "index"),
        }
        app = create_app(config)
        app.config["TESTING"] = True
        archive = app.extensions["dms"]
        shared = cls(app, folder, template, dict(app.config), archive.request_url)
        shared._make_ready()
        return shared

    @property
    def archive(self):
        return self.app.extensions["dms"]

    def _make_ready(self) -> None:
        self.archive.storage.ensure_ready()
        self.archive.settings.index_dir.mkdir(parents=True, exist_ok=True)

    def reset(self) -> None:
        """Back to what create_app left, on an empty archive."""
        from dms.jobs import Jobs
        from dms.storage import build_storage
        from dms.web.security import ConcurrencyLimit, limiter

        app, archive, settings = self.app, self.archive, self.archive.settings
        app.config.clear()
        app.config.update(self.config)
        # The database: SQLite from the template again; PostgreSQL emptied.
        archive.engine.dispose()
        kind, template = self.template
        if kind == "postgresql":
            empty_postgresql(archive.engine)
        else:
            target = self.folder / "dms.sqlite3"
            for extra in ("-wal", "-shm", "-journal"):
                Path(f"{target}{extra}").unlink(missing_ok=True)
            shutil.copyfile(template, target)
        # The store, the index, the queue and the rest of the instance folder.
        old_jobs = app.extensions["dms.jobs"]
        old_jobs.huey.flush()
        app.extensions["dms.search"].close()
        shutil.rmtree(self.folder / "objects", ignore_errors=True)
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        queue = {p.resolve() for p in settings.instance_dir.glob("queue.sqlite3*")}
        instance = settings.instance_dir
        for path in instance.iterdir() if instance.is_dir() else ():
            if path.resolve() in queue:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        archive.storage = build_storage(settings.storage_url)
        archive.on_documents_changed = archive.on_mail_queued = None
        archive.request_url = self.request_url
        archive._exclusive = False
        self._make_ready()
        search_index = type(app.extensions["dms.search"])(
            settings.index_dir, time_limit=settings.search_time_limit_seconds
        )
        search_index.ensure()
        app.extensions["dms.search"] = search_index
        app.extensions["dms.jobs"] = Jobs(archive, search_index).attach()
        app.extensions["dms.search_slots"] = ConcurrencyLimit(
            settings.search_concurrency_per_address
        )
        limiter.reset()

    def close(self) -> None:
        self.app.extensions["dms.search"].close()
        self.archive.close()


@pytest.fixture(scope="session")
def shared_apps(tmp_path_factory) -> Iterator[dict]:
    apps: dict[tuple, SharedApp] = {}
    yield apps
    for shared in apps.values():
        shared.close()


def _key(test_config: dict, tmp_path: Path, database_url: str) -> tuple | None:
    """The shared app's key for `test_config`; None when the test names its own
    folders, database or store (an S3 one, say): it then gets an app of its own."""
    own = {
        "instance_dir": tmp_path / "instance",
        "database_url": database_url,
        "storage_url": f"file://{tmp_path}/objects",
        "index_dir": str(tmp_path / "index"),
    }
    if any(test_config.get(name) != value for name, value in own.items()):
        return None
    return tuple(
        sorted((k, repr(v)) for k, v in test_config.items() if k not in PER_TEST_KEYS)
    )


@pytest.fixture
def app(
    test_config,
    tmp_path,
    tmp_path_factory,
    database_url,
    database_template,
    shared_apps,
):
    key = _key(test_config, tmp_path, database_url)
    if key is None:
        yield from _own_app(test_config)
        return
    shared = shared_apps.get(key)
    if shared is None:
        folder = tmp_path_factory.mktemp("shared-app")
        shared = SharedApp.build(test_config, folder, database_template)
        shared_apps[key] = shared
    else:
        shared.reset()
    yield shared.app


def _own_app(test_config: dict):
    from dms.web import create_app

    app = create_app(test_config)
    app.config["TESTING"] = True
    archive = app.extensions["dms"]
    archive.storage.ensure_ready()
    archive.settings.index_dir.mkdir(parents=True, exist_ok=True)
    yield app
    archive.close()


@pytest.fixture
def served(app):
    """The app behind the real WSGI server `dms serve` runs (waitress), on
    127.0.0.1: a requests session and the base URL."""
    requests = pytest.importorskip("requests", exc_type=ImportError)
    from dms.web.server import make_server

    server = make_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    host, port = server.socket.getsockname()[:2]
    with requests.Session() as session:
        yield session, f"http://{host}:{port}"
    # Close everything from inside the server's own loop: closing sockets from this
    # thread races its select() (EBADF). An empty map ends the loop.
    with contextlib.suppress(OSError):  # the loop ended already, trigger closed
        server.trigger.pull_trigger(lambda: _close_all(server))
    thread.join(timeout=30)
    server.task_dispatcher.shutdown()
    assert not thread.is_alive()


def _close_all(server) -> None:
    for dispatcher in list(server._map.values()):
        dispatcher.close()


@pytest.fixture
def officer(app, cast):
    """A logged-in browser for one of the cast: ``officer("utama")``."""
    from tests.web.test_auth_pages import log_in

    def logged_in(username: str):
        browser = app.test_client()
        assert log_in(browser, username).status_code == 302
        return browser

    return logged_in
