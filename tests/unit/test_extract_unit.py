"""The pure parts of extraction: page judgement, decoding, HTML and JSON text."""

from __future__ import annotations

from pathlib import Path

from dms.indexing import extract as ex
from dms.indexing import ocr

PARAGRAPH = (
    "Setiap Badan Publik wajib menyediakan, memberikan dan menerbitkan Informasi "
    "Publik yang berada di bawah kewenangannya kepada Pemohon Informasi Publik."
)


def test_a_page_with_real_words_needs_no_ocr():
    assert not ocr.needs_ocr(PARAGRAPH)


def test_an_empty_page_needs_ocr():
    assert ocr.needs_ocr("\x0c")


def test_a_page_of_glyph_codes_needs_ocr():
    assert ocr.needs_ocr("(cid:1)(cid:2)(cid:3)(cid:4) " * 200)


def test_a_page_of_scattered_single_letters_needs_ocr():
    assert ocr.needs_ocr("\n".join("iZ=5C,.-:aPOIEBFga!;" * 30))


def test_a_watermark_repeated_on_every_page_does_not_count_as_text():
    pages = [f"jdih.bapeten.go.id\n{text}" for text in ("", PARAGRAPH, "")]
    boilerplate = ocr.repeated_lines(pages)
    assert boilerplate == frozenset({"jdih.bapeten.go.id"})
    assert [ocr.needs_ocr(page, boilerplate) for page in pages] == [True, False, True]


def test_glyph_codes_are_removed_from_kept_text():
    assert ocr.without_glyph_codes("Pasal(cid:12) 1(cid:3)") == "Pasal 1"


def test_bytes_decode_as_utf8_then_cp1252():
    assert ex._decode("Dinas Pekerjaan Umum – 2025".encode()) == (
        "Dinas Pekerjaan Umum – 2025"
    )
    assert ex._decode("café “kutipan”".encode("cp1252")) == "café “kutipan”"
    assert ex._decode("\ufeffBOM".encode()) == "BOM"


def test_html_text_drops_scripts_styles_and_tags():
    text = ex.html_to_text(
        "<style>b{}</style><p>Informasi <b>Berkala</b></p><script>x()</script>"
    )
    assert text.strip() == "Informasi Berkala"


def test_json_strings_are_collected_in_document_order():
    document = {"judul": "Renstra", "isi": [{"a": "satu", "n": 2}, "dua"]}
    assert list(ex._json_strings(document)) == ["Renstra", "satu", "dua"]


def test_collected_text_stops_at_the_character_limit():
    pieces = iter(["abc", "def", "ghi"])
    assert ex._collect(pieces, 5) == "abcde"


def test_legacy_office_types_fail_without_reading_the_file():
    limits = ex.Limits()
    result = ex.extract_here(Path("/nonexistent"), "application/msword", limits)
    assert result["status"] == "extraction_failed"
    assert result["reason"] == "legacy format not supported"


def test_an_unknown_type_fails_with_a_reason():
    limits = ex.Limits()
    result = ex.extract_here(Path("/nonexistent"), "application/zip", limits)
    assert result["reason"] == "no extractor for application/zip"


def test_a_crashed_child_is_reported_as_memory_or_crash():
    assert ex._child_outcome(1, b"", "Traceback...\nMemoryError\n")["reason"] == (
        "memory limit exceeded"
    )
    assert ex._child_outcome(-11, b"", "")["reason"] == "extractor crashed (SIGSEGV)"
