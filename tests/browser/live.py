"""A live dms for real browsers: the app with the demo loaded, served over HTTP on
127.0.0.1 by Werkzeug in a daemon thread, and Chromium launched the way this
machine allows. Shared by the browser tests' fixtures and `make screenshots`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags Chromium keeps dialling Google's hosts,
# which this machine's closed network refuses; the sandbox needs a user namespace.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing_requirements() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (make browser-deps installs Debian's chromium)"
    if not AXE_SCRIPT.exists():
        return f"{AXE_SCRIPT} is absent (make browser-deps runs npm ci)"
    return ""


def live_config(workdir: Path, database_url: str) -> dict:
    """Settings for a live server: uploads are extracted and indexed inline."""
    return {
        "instance_dir": workdir / "instance",
        "database_url": database_url,
        "storage_url": f"file://{workdir}/objects",
        "index_dir": str(workdir / "index"),
        "secret_key": "browser-test-secret",
        "queue_url": "immediate",
        "max_upload_mb": 4,
    }


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str

    @property
    def archive(self):
        return self.app.extensions["dms"]


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request."""

    def log_request(self, code="-", size="-") -> None:
        pass


@contextmanager
def live_server(config: dict) -> Iterator[LiveServer]:
    """The app with the demo loaded, answering on a free port until the block ends."""
    from dms.demo import load_demo
    from dms.web import create_app

    app = create_app(config)
    archive = app.extensions["dms"]
    archive.storage.ensure_ready()
    archive.settings.index_dir.mkdir(parents=True, exist_ok=True)
    load_demo(archive, echo=lambda _message: None)
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        archive.close()


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags this machine needs."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def log_in(page, username: str, password: str) -> None:
    """Log in through the /masuk form, as an officer would, and wait until the
    page says who is logged in."""
    from playwright.sync_api import expect

    page.goto("/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
