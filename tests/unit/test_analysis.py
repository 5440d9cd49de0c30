"""The Indonesian analyzers: tokens, stopwords, folding, stemming and pickling."""

from __future__ import annotations

import pickle

import pytest
from whoosh.fields import ID, Schema
from whoosh.query import Phrase

from dms.indexing import analysis
from dms.indexing.analysis import (
    STEM_CACHE_SIZE,
    build_query,
    exact_analyzer,
    normalize_citations,
    stem_word,
    stemmed_analyzer,
    text_fields,
)


def texts(analyzer, value, mode="index"):
    return [token.text for token in analyzer(value, mode=mode)]


def positioned(analyzer, value, mode="index"):
    return [(t.text, t.pos) for t in analyzer(value, positions=True, mode=mode)]


def test_an_archive_letter_number_is_one_token_with_its_parts_at_the_same_place():
    assert positioned(exact_analyzer(), "Surat 188.4/705/2013 terbit") == [
        ("surat", 0),
        ("188.4/705/2013", 1),
        ("188.4", 1),
        ("705", 1),
        ("2013", 1),
        ("terbit", 2),
    ]


def test_a_regulation_number_yields_the_compound_and_its_number_and_year():
    assert texts(exact_analyzer(), "PP 61/2010") == ["pp", "61/2010", "61", "2010"]


def test_a_number_cited_with_tahun_also_yields_the_slash_compound():
    tokens = positioned(exact_analyzer(), "UU No. 14 Tahun 2008")
    assert tokens == [
        ("uu", 0),
        ("14", 1),
        ("14/2008", 1),
        ("tahun", 2),
        ("2008", 3),
    ]


def test_the_slash_form_and_the_tahun_form_share_the_compound_token():
    slash = set(texts(exact_analyzer(), "UU 14/2008"))
    cited = set(texts(exact_analyzer(), "Undang-Undang Nomor 14 Tahun 2008"))
    assert {"14/2008", "14", "2008"} <= slash & cited


@pytest.mark.parametrize(
    "heading, short",
    [
        ("NOMOR 13 /POJK.05/2014 TENTANG", {"13/2014"}),
        ("Nomor 12/POJK.01/2017", {"12/2017"}),
        ("NOMOR 01/Ka-BAPETEN/V-99 TENTANG", {"01/1999", "1/1999"}),
        ("NOMOR: 21/Ka-BAPETEN/XII-02", {"21/2002"}),
        ("Nomor 05 Tahun 2010", {"05/2010", "5/2010"}),
    ],
)
def test_a_number_with_its_issuers_code_is_also_the_number_and_year(heading, short):
    # As people type it: "POJK 13 tahun 2014", "kepka 1 tahun 1999".
    assert short <= set(texts(exact_analyzer(), heading))


def test_a_padded_number_and_year_also_yields_it_without_zeros():
    assert {"05/2010", "5/2010"} <= set(texts(exact_analyzer(), "PP 05/2010"))


def test_an_archive_code_of_numbers_only_is_not_read_as_a_number_and_year():
    assert "188.4/2013" not in texts(exact_analyzer(), "Nomor 188.4/705/2013")


def test_a_query_keeps_a_compound_whole_so_phrases_line_up():
    assert texts(exact_analyzer(), "PP 61/2010", mode="query") == ["pp", "61/2010"]


def test_an_amount_with_thousands_dots_stays_whole_and_yields_its_digits():
    assert texts(exact_analyzer(), "Rp 1.245.300.000,00") == [
        "rp",
        "1.245.300.000,00",
        "1.245.300.000",
        "1245300000",
    ]


def test_a_decimal_comma_keeps_the_number_together():
    assert texts(exact_analyzer(), "naik 2,5 persen") == ["naik", "2,5", "persen"]


def test_a_date_is_one_token_with_its_day_month_and_year():
    assert texts(exact_analyzer(), "tanggal 24-03-2025.") == [
        "tanggal",
        "24-03-2025",
        "24",
        "03",
        "2025",
    ]


def test_a_code_with_letters_and_digits_yields_each_segment():
    assert texts(exact_analyzer(), "KEP-12/PPID/2024") == [
        "kep-12/ppid/2024",
        "kep",
        "12",
        "ppid",
        "2024",
    ]


def test_sentence_punctuation_is_not_part_of_a_token():
    assert texts(exact_analyzer(), "(Pasal 5), huruf b; dan lain-lain.") == [
        "pasal",
        "5",
        "huruf",
        "b",
        "lain-lain",
        "lain",
    ]


def test_words_are_lowercased_and_accents_folded():
    assert texts(exact_analyzer(), "Kafé RÉSUMÉ Naïf") == ["kafe", "resume", "naif"]


def test_function_words_are_dropped_and_positions_close_up():
    assert positioned(exact_analyzer(), "informasi yang dikecualikan oleh badan") == [
        ("informasi", 0),
        ("dikecualikan", 1),
        ("badan", 2),
    ]


@pytest.mark.parametrize("word", ["tahun", "dalam", "negeri", "lima", "hari", "b"])
def test_words_that_matter_in_titles_are_not_stopwords(word):
    assert texts(exact_analyzer(), word) == [word]


def test_citation_boilerplate_nomor_is_dropped():
    assert texts(exact_analyzer(), "Nomor: 188.4/705/2013", mode="query") == [
        "188.4/705/2013"
    ]


@pytest.mark.parametrize(
    "word", ["pengumuman", "mengumumkan", "diumumkan", "Pengumumannya", "umum"]
)
def test_inflected_forms_share_the_stem_of_umum(word):
    assert texts(stemmed_analyzer(), word) == ["umum"]


def test_the_exact_analyzer_does_not_stem():
    assert texts(exact_analyzer(), "Pengumuman") == ["pengumuman"]


def test_numbers_and_codes_are_not_stemmed():
    tokens = texts(stemmed_analyzer(), "PP 61/2010 KEP-12/PPID/2024")
    assert "61/2010" in tokens
    assert "kep-12/ppid/2024" in tokens


def test_a_reduplicated_plural_stems_to_its_root():
    assert "undang" in texts(stemmed_analyzer(), "Undang-Undang")


def test_the_stem_cache_is_bounded_and_hit():
    stem_word.cache_clear()
    stem_word("keterbukaan")
    stem_word("keterbukaan")
    info = stem_word.cache_info()
    assert info.maxsize == STEM_CACHE_SIZE
    assert (info.hits, info.misses) == (1, 1)


def test_the_schema_pickles_and_still_analyzes_the_same_way():
    schema = Schema(id=ID(stored=True, unique=True), **text_fields())
    restored = pickle.loads(pickle.dumps(schema))
    assert restored == schema
    sample = "Pengumuman PP No. 61 Tahun 2010"
    for name in ("title", "title_exact"):
        assert texts(restored[name].analyzer, sample) == texts(
            schema[name].analyzer, sample
        )


def test_the_analyzers_compare_equal_after_a_round_trip():
    for analyzer in (exact_analyzer(), stemmed_analyzer()):
        assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_a_citation_in_a_query_is_rewritten_to_the_slash_compound():
    assert normalize_citations("No. 14 Tahun 2008") == "14/2008"
    assert normalize_citations("Nomor: 61 tahun 2010") == "61/2010"
    assert normalize_citations("laporan tahun 2024") == "laporan tahun 2024"


def test_a_regulation_type_before_a_number_matches_its_short_or_full_name():
    assert normalize_citations("PP 61/2010") == '(pp OR "peraturan pemerintah") 61/2010'
    assert normalize_citations("Undang-Undang Nomor 14 Tahun 2008") == (
        '(uu OR "undang-undang") 14/2008'
    )


def test_a_regulation_type_without_a_number_is_left_alone():
    assert normalize_citations("daftar pp terbaru") == "daftar pp terbaru"


def test_a_quoted_phrase_is_left_as_typed():
    typed = '"PP Nomor 61 Tahun 2010" pelaksanaan'
    assert normalize_citations(typed) == typed


def test_the_query_searches_every_text_field_with_exact_fields_boosted():
    query = build_query("pengumuman", Schema(**text_fields()))
    boosts = {term.fieldname: (term.text, term.boost) for term in query.subqueries}
    assert boosts == {
        "title_exact": ("pengumuman", 6.0),
        "title": ("umum", 2.0),
        "lead_exact": ("pengumuman", 4.5),
        "lead": ("umum", 1.5),
        "summary_exact": ("pengumuman", 4.5),
        "summary": ("umum", 1.5),
        "meta_exact": ("pengumuman", 4.5),
        "meta": ("umum", 1.5),
        "body_exact": ("pengumuman", 3.0),
        "body": ("umum", 1.0),
    }


def test_phrases_get_the_same_field_boosts_as_words():
    query = build_query('"keterbukaan informasi"', Schema(**text_fields()))
    phrases = {q.fieldname: q.boost for q in query.subqueries}
    assert all(isinstance(q, Phrase) for q in query.subqueries)
    assert phrases == dict(analysis.FIELD_BOOSTS)


def test_field_syntax_typed_by_a_user_is_treated_as_words():
    schema = Schema(status=ID(), **text_fields())
    query = build_query("status:draft", schema)
    assert "status" not in {term.fieldname for term in query.leaves()}


@pytest.mark.parametrize(
    "word, root",
    [("dikuasai", "kuasa"), ("dikurangi", "kurang"), ("disetujui", "setuju")],
)
def test_known_pysastrawi_mis_stems_reach_their_root(word, root):
    assert stem_word(word) == root
    assert stem_word(root) == root


def test_a_number_typed_without_tahun_after_its_type_is_one_citation():
    assert normalize_citations("PP 61 2010") == '(pp OR "peraturan pemerintah") 61/2010'
    assert normalize_citations("permendagri no 3 tahun 2017") == (
        '(permendagri OR "peraturan menteri dalam negeri") 3/2017'
    )
