"""How a later extraction pass is recorded on a partial text (no I/O)."""

from __future__ import annotations

from dms.documents.models import DocumentVersion
from dms.indexing.extract import Extraction
from dms.indexing.indexer import _record_pass


def a_partial_version() -> DocumentVersion:
    return DocumentVersion(
        text_status="partial",
        text_pages=4,
        text_pages_done=2,
        text_characters=10,
        text_extractors="pdfminer,tesseract",
        text_seconds=5.0,
        text_reason="OCR stopped at the time limit",
    )


def a_pass(status: str, pages_done=None, reason="") -> Extraction:
    return Extraction(
        status=status,
        text="",
        pages=4,
        characters=0,
        extractors=("pdfminer", "tesseract"),
        duration_seconds=2.5,
        reason=reason,
        pages_done=pages_done,
    )


def test_a_pass_that_reads_on_but_not_to_the_end_stays_partial_further_on():
    version = a_partial_version()
    _record_pass(
        version, a_pass("partial", 3, "OCR stopped at the time limit"), "x" * 20
    )
    assert (version.text_status, version.text_pages_done) == ("partial", 3)
    assert (version.text_characters, version.text_seconds) == (20, 7.5)
    assert version.text_extractors == "pdfminer,tesseract"


def test_the_last_pass_makes_the_text_complete():
    version = a_partial_version()
    _record_pass(version, a_pass("ok", 4), "kata " * 10)
    assert (version.text_status, version.text_pages_done) == ("ok", None)


def test_a_failing_pass_ends_the_reading_and_says_where_it_stopped():
    version = a_partial_version()
    _record_pass(
        version, a_pass("extraction_failed", reason="timed out after 9 s"), "x"
    )
    assert version.text_status == "extraction_failed"
    assert version.text_reason == "stopped after page 2: timed out after 9 s"
