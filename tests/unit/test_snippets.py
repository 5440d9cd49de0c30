"""Snippets: matches marked by exact form, stem, prefix and number part; never
words under NOT; text escaped."""

from __future__ import annotations

from whoosh.fields import Schema

from dms.indexing.analysis import text_fields
from dms.indexing.index import parse_text
from dms.indexing.snippets import marked, snippet, wanted_terms

SCHEMA = Schema(**text_fields())


def wanted(text: str):
    return wanted_terms(parse_text(text, SCHEMA))


def test_a_stem_marks_its_inflected_forms():
    assert marked("Dinas menganggarkan dana", wanted("anggaran")) == (
        "Dinas <mark>menganggarkan</mark> dana"
    )


def test_words_under_not_are_never_marked():
    result = marked("banjir di desa", wanted("banjir -desa"))
    assert result == "<mark>banjir</mark> di desa"


def test_a_prefix_marks_words_that_start_with_it():
    assert "<mark>Anggaran</mark>" in marked("Anggaran 2024", wanted("anggar*"))


def test_a_part_of_an_official_number_marks_the_whole_number():
    result = marked("Nomor 188.4/705/2013 tentang PPID", wanted("705"))
    assert result == "Nomor <mark>188.4/705/2013</mark> tentang PPID"


def test_the_text_around_matches_is_escaped():
    result = marked('<script>alert("x")</script> banjir', wanted("banjir"))
    assert result.startswith("&lt;script&gt;")
    assert result.endswith("<mark>banjir</mark>")


def test_a_snippet_shows_the_fragments_around_matches_only():
    text = ("awal " * 100) + "laporan banjir bandang " + ("akhir " * 100)
    result = snippet(text, wanted("banjir"))
    assert "<mark>banjir</mark>" in result
    assert len(result) < 220
    assert snippet(text, wanted("kebakaran")) == ""


def test_the_fragment_with_most_matches_comes_first_in_text_order():
    text = ("isi " * 80) + "banjir " + ("isi " * 80) + "banjir banjir " + ("isi " * 80)
    result = snippet(text, wanted("banjir"), top=1)
    assert result.count("<mark>") == 2
