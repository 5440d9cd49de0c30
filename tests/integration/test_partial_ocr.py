"""A scan longer than the per-document OCR budget is recorded as partial, visible
to officers, and completed by later worker passes (per-page limits, not one limit
for the whole file). Real scanned PDF from the corpus, real Tesseract."""

from __future__ import annotations

import pytest

from dms.indexing import ocr
from dms.indexing.extract import Limits, extract_text
from tests.helpers import upload
from tests.web.test_auth_pages import log_in

# Scanned, no text layer at all, 4 pages.
SCAN = "real/PP-46-Tahun-2009-Batas-Pertanggungjawaban-Kerugian-Nuklir.pdf"
PAGES = 4


@pytest.fixture(scope="module")
def tesseract() -> None:
    missing = ocr.missing_ocr_requirement()
    if missing:
        pytest.skip(f"OCR tests need Tesseract with ind+eng: {missing}")


@pytest.fixture
def test_config(test_config):
    # The smallest budget: each pass OCRs one page, then stops.
    return {**test_config, "queue_url": "immediate", "ocr_document_seconds": 1}


def text_of(client, cast, document_id) -> dict:
    body = client.get(f"/api/v1/documents/{document_id}", headers=cast.auth("utama"))
    return body.get_json()["versions"][0]["text"]


def test_a_scan_over_the_budget_is_partial_then_completed_by_later_passes(
    app, archive, cast, client, corpus, tesseract
):
    content = (corpus / SCAN).read_bytes()
    document = upload(client, cast, "utama", content=content, filename="pp46.pdf")
    document_id = document.get_json()["id"]

    first = text_of(client, cast, document_id)
    assert (first["status"], first["pages_done"], first["pages"]) == (
        "partial",
        1,
        PAGES,
    )
    browser = app.test_client()
    assert log_in(browser, "utama").status_code == 302
    page = browser.get(f"/ruang-kerja/dokumen/{document_id}").get_data(as_text=True)
    assert f"sebagian (1 dari {PAGES} halaman)" in page

    indexer = app.extensions["dms.jobs"].indexer
    seen = [first["pages_done"]]
    for _pass in range(PAGES):
        indexer.sweep()
        now = text_of(client, cast, document_id)
        seen.append(now["pages_done"])
        if now["status"] != "partial":
            break

    assert seen == [1, 2, 3, None]
    assert now["status"] == "ok"
    assert now["characters"] > first["characters"]
    assert "sebagian" not in browser.get(
        f"/ruang-kerja/dokumen/{document_id}"
    ).get_data(as_text=True)


def test_each_pass_reads_on_from_the_page_it_is_given(corpus, tesseract):
    limits = Limits.for_budget(budget_seconds=0.01, page_seconds=60)

    first = extract_text(corpus / SCAN, "application/pdf", limits=limits)
    second = extract_text(
        corpus / SCAN, "application/pdf", limits=limits, start_page=first.pages_done
    )
    last = extract_text(
        corpus / SCAN, "application/pdf", limits=limits, start_page=PAGES - 1
    )

    assert (first.status, first.pages_done, first.pages) == ("partial", 1, PAGES)
    assert (second.status, second.pages_done) == ("partial", 2)
    assert second.text and second.text != first.text
    assert (last.status, last.pages_done) == ("ok", PAGES)


def test_a_page_over_its_own_limit_is_skipped_not_the_rest_of_the_scan(
    corpus, tesseract
):
    limits = Limits.for_budget(budget_seconds=600, page_seconds=0.001)

    result = extract_text(corpus / SCAN, "application/pdf", limits=limits)

    assert result.status in {"ok", "empty"}
    assert result.pages_done == PAGES
    assert "OCR of page 1 stopped at its time limit" in result.reason
    assert f"OCR of page {PAGES} stopped at its time limit" in result.reason
