"""A citizen without JavaScript finds a document and downloads its versions."""

from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.sync_api import expect

PROFILE = "Profil Dinas Kesehatan Provinsi Nusa Mandiri"


def test_a_citizen_without_javascript_searches_opens_a_document_and_downloads_it(
    new_context,
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")

    search = page.get_by_role("search")
    search.get_by_label("Cari dokumen").fill("profil kesehatan")
    search.get_by_role("button", name="Cari").click()
    page.wait_for_url("**/cari?q=profil+kesehatan")
    page.get_by_role("link", name=PROFILE, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PROFILE)
    versions = (
        page.get_by_role("table")
        .get_by_role("row")
        .filter(has=page.locator("code.sha256"))
    )
    assert versions.count() >= 1, "the public versions are listed"
    for row in versions.all():
        shown_sha256 = row.locator("code.sha256").inner_text().strip()
        with page.expect_download() as arrival:
            row.get_by_role("link", name="Unduh").click()
        download = arrival.value
        content = Path(download.path()).read_bytes()
        assert hashlib.sha256(content).hexdigest() == shown_sha256
        assert download.suggested_filename in row.inner_text()
