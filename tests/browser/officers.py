"""Steps officers take in the workspace, shared by the workflow tests."""

from __future__ import annotations

import re
import secrets
import string

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from dms.demo import pdf_bytes

DOCUMENT_URL = re.compile(r"/ruang-kerja/dokumen/(\d+)$")
TEST_URL = re.compile(r"/ruang-kerja/uji/(\d+)$")


def unique_word() -> str:
    """A made-up word no demo document contains, to find one document by."""
    return "peramban" + "".join(
        secrets.choice(string.ascii_lowercase) for _ in range(8)
    )


def pdf_file(name: str, title: str, lines: list[str]) -> dict:
    """A small real PDF for set_input_files."""
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": pdf_bytes(title, lines),
    }


def upload(page, *, file: dict, title: str, button: str, org: str = "") -> int:
    """Fill the upload form (title, category, summary, DIP fields), press
    `button`, and return the new document's id from the page it lands on."""
    page.goto("/ruang-kerja/unggah")
    page.get_by_label("Berkas dokumen").set_input_files(file)
    page.get_by_role("textbox", name=re.compile(r"^Judul")).fill(title)
    page.get_by_role("combobox", name=re.compile(r"^Kategori")).select_option("berkala")
    if org:
        page.get_by_role(
            "combobox", name=re.compile(r"^Organisasi pemilik")
        ).select_option(org)
    page.get_by_label("Tahun", exact=True).fill("2026")
    page.get_by_label("Ringkasan isi").fill(f"Dokumen uji peramban: {title}.")
    page.get_by_label("Pejabat/unit yang menguasai informasi").fill("Sekretariat")
    page.get_by_label("Penanggung jawab pembuatan informasi").fill("Sekretaris")
    page.get_by_label("Jangka waktu penyimpanan").fill("5 tahun")
    page.get_by_role("button", name=button).click()
    try:
        page.wait_for_url(DOCUMENT_URL)
    except PlaywrightTimeout:
        raise AssertionError(
            f"the upload did not reach the document page: {said_on(page)}"
        ) from None
    return int(DOCUMENT_URL.search(page.url).group(1))


def said_on(page) -> str:
    """What the page tells the officer: its alerts and status messages."""
    messages = page.locator("[role=alert], [role=status]").all_inner_texts()
    return " | ".join(m.strip() for m in messages if m.strip()) or page.url


def assert_told(page, text: str) -> None:
    """The page confirms what was done with a status message containing `text`."""
    try:
        expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()
    except AssertionError:
        said = said_on(page)
        raise AssertionError(f"expected «{text}»; the page says: {said}") from None
