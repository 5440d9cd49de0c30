"""Fixtures for the browser tests: one live dms with the demo for this folder, one
headless Debian Chromium for the session, a fresh browser context per test, and
axe-core to check pages against WCAG 2.1 A/AA.

The folder is skipped when Chromium or axe-core is missing: `make browser-deps`.
On PostgreSQL (DMS_TEST_DATABASE_URL) the live server uses the suite's database
while this folder runs, and empties it first, like every other test does.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from dms.db import Base, make_engine
from tests.browser.live import (
    AXE_SCRIPT,
    launch_chromium,
    live_config,
    live_server,
    log_in,
    missing_requirements,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000
SHOWN_NODES = 5
FAILURES = Path(__file__).resolve().parents[2] / "build" / "browser-failures"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test, for the failure screenshots."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def browser_requirements():
    """Skip every browser test, saying why, when Chromium or axe-core is absent."""
    reason = missing_requirements()
    if reason:
        pytest.skip(f"browser tests need what make browser-deps installs: {reason}")


@pytest.fixture(scope="package")
def live_database(database_template, tmp_path_factory) -> str:
    """An empty, migrated database for the live server."""
    kind, value = database_template
    if kind == "sqlite":
        target = tmp_path_factory.mktemp("browser-db") / "dms.sqlite3"
        shutil.copyfile(value, target)
        return f"sqlite:///{target}"
    engine = make_engine(value)
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return value


@pytest.fixture(scope="package")
def live(live_database, tmp_path_factory):
    """The demo archive served over HTTP on 127.0.0.1 while this folder runs."""
    workdir = tmp_path_factory.mktemp("browser-live")
    with live_server(live_config(workdir, live_database)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser, live, request):
    """Make browser contexts on the live server; all are closed after the test,
    and when it failed, each open page is saved under build/browser-failures/."""
    contexts = []

    def make(**options):
        context = browser.new_context(
            base_url=live.url, accept_downloads=True, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_pages(request.node.name, contexts)
    for context in contexts:
        context.close()


def save_pages(test_name: str, contexts) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, 1):
        page.screenshot(path=FAILURES / f"{stem}-{number}.png", full_page=True)


@pytest.fixture
def page(new_context):
    """A page in a fresh context, as an anonymous visitor with JavaScript."""
    return new_context().new_page()


@pytest.fixture(scope="package")
def login_states(browser, live):
    """Each officer's cookies after one real login through /masuk, kept for the
    folder: the login form allows ten tries a minute from one address."""
    from dms.demo import DEMO_PASSWORD

    states = {}

    def state_of(username: str) -> dict:
        if username not in states:
            context = browser.new_context(base_url=live.url)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            log_in(page, username, DEMO_PASSWORD)
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return state_of


@pytest.fixture
def page_as(new_context, login_states):
    """page_as("utama"): a page in a fresh context logged in as that officer."""

    def open_page(username: str, **options):
        context = new_context(storage_state=login_states(username), **options)
        return context.new_page()

    return open_page


@pytest.fixture(scope="package")
def demo_ids(live) -> dict[str, int]:
    """Public demo documents' ids by title, from GET /api/v1/documents."""
    with urllib.request.urlopen(f"{live.url}/api/v1/documents?per_page=100") as reply:
        listing = json.load(reply)
    return {item["title"]: item["id"] for item in listing["items"]}


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(axe_source):
    """Run axe-core on the page (WCAG 2.1 A and AA) and fail on any violation."""

    def check(page) -> None:
        # Evaluated through DevTools, which the page's CSP does not govern.
        page.evaluate(axe_source)
        results = page.evaluate(
            "async (tags) => await axe.run(document,"
            " {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        if results["violations"]:
            pytest.fail(describe_violations(page.url, results["violations"]))

    return check


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
        )
        nodes = violation["nodes"]
        for node in nodes[:SHOWN_NODES]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    ... and {len(nodes) - SHOWN_NODES} more like these")
    return "\n".join(lines)
