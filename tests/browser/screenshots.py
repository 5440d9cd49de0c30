"""`make screenshots`: full-page PNGs of the main pages, for people to look at.

    python -m tests.browser.screenshots [FOLDER]     (default build/screenshots)

Starts the same live server as the browser tests (a temporary SQLite archive with
the demo), opens each page in headless Debian Chromium as the right officer, and
saves one PNG per page. Nothing here is committed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from tests.browser.live import (
    launch_chromium,
    live_config,
    live_server,
    log_in,
    missing_requirements,
)

PROFILE = "Profil Dinas Kesehatan Provinsi Nusa Mandiri"
VIEWPORT = {"width": 1280, "height": 800}
# (file name, who looks, path); {document} and {test} are filled in on the way.
PAGES = [
    ("01-beranda", None, "/"),
    ("02-cari", None, "/cari?q=laporan"),
    ("03-dokumen", None, "/dokumen/{document}"),
    ("04-dip", None, "/dip"),
    ("05-dik", None, "/dik"),
    ("06-opd-dinkes", None, "/opd/dinkes"),
    ("07-masuk", None, "/masuk"),
    ("08-ruang-kerja-dinkes", "dinkes", "/ruang-kerja"),
    ("09-unggah", "dinkes", "/ruang-kerja/unggah"),
    ("10-persetujuan-utama", "utama", "/ruang-kerja/persetujuan"),
    ("11-uji-konsekuensi", "utama", "/ruang-kerja/uji/{test}"),
    ("12-admin-pengguna", "admin", "/admin/pengguna"),
]


def main(argv: list[str]) -> int:
    reason = missing_requirements()
    if reason:
        print(f"screenshots: {reason}", file=sys.stderr)
        return 1
    folder = Path(argv[0] if argv else "build/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dms-screenshots-") as workdir:
        database_url = migrated_sqlite(Path(workdir))
        with live_server(live_config(Path(workdir), database_url)) as live:
            failures = take_all(live.url, folder)
    for failure in failures:
        print(f"screenshots: {failure}", file=sys.stderr)
    return 1 if failures else 0


def migrated_sqlite(workdir: Path) -> str:
    from dms.db import make_engine, upgrade_schema

    url = f"sqlite:///{workdir / 'dms.sqlite3'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    return url


def take_all(base_url: str, folder: Path) -> list[str]:
    """Save every page; return what went wrong."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            pages = Officers(browser, base_url)
            values = {"document": document_id(base_url), "test": pages.a_test_id()}
            return [
                problem
                for name, username, path in PAGES
                if (
                    problem := shoot(
                        pages.page(username),
                        path.format(**values),
                        folder / f"{name}.png",
                    )
                )
            ]
        finally:
            browser.close()


def shoot(page, path: str, target: Path) -> str:
    response = page.goto(path)
    page.screenshot(path=target, full_page=True)
    print(f"{target}  ({path}, {response.status})")
    return "" if response.status == 200 else f"{path} answered {response.status}"


class Officers:
    """One logged-in page per officer (and one anonymous), opened on first use."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.pages = {}

    def page(self, username: str | None):
        if username not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url, viewport=VIEWPORT
            )
            page = context.new_page()
            if username:
                from dms.demo import DEMO_PASSWORD

                log_in(page, username, DEMO_PASSWORD)
            self.pages[username] = page
        return self.pages[username]

    def a_test_id(self) -> str:
        """The first consequence test the PPID Utama's list shows."""
        page = self.page("utama")
        page.goto("/ruang-kerja/uji")
        link = page.locator("a[href*='/ruang-kerja/uji/']").first
        return link.get_attribute("href").rsplit("/", 1)[-1]


def document_id(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/api/v1/documents?per_page=100") as reply:
        listing = json.load(reply)
    return next(item["id"] for item in listing["items"] if item["title"] == PROFILE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
