"""The citizens' query language: what it accepts, what it refuses, what it builds."""

from __future__ import annotations

import pytest
from whoosh.fields import Schema
from whoosh.query import AndNot, Phrase, Prefix, Term

from dms.indexing.analysis import build_query, text_fields
from dms.indexing.query import (
    MAX_EXPANSIONS,
    AnyOf,
    CitizenQuery,
    QueryRefused,
    Word,
    clause_text,
    parse,
)
from dms.indexing.query import Phrase as QueryPhrase

SCHEMA = Schema(**text_fields())
SAFE_LEAVES = (Term, Phrase, Prefix)


def leaves(text):
    return list(build_query(text, SCHEMA).leaves())


def test_words_phrases_exclusions_and_or_make_the_model():
    assert parse('banjir OR longsor "tanggap darurat" -draf -"surat lama"') == (
        CitizenQuery(
            required=(
                AnyOf((Word("banjir"), Word("longsor"))),
                QueryPhrase("tanggap darurat"),
            ),
            excluded=(Word("draf"), QueryPhrase("surat lama")),
        )
    )


def test_a_trailing_star_on_three_letters_is_a_prefix():
    assert parse("ang*") == CitizenQuery(required=(Word("ang", prefix=True),))
    assert leaves("Anggar*") and all(
        isinstance(q, Prefix) and q.text == "anggar" for q in leaves("Anggar*")
    )


def test_a_regulation_type_matches_its_abbreviation_or_full_name():
    assert parse("PP 61/2010").required == (
        AnyOf((Word("pp"), QueryPhrase("peraturan pemerintah"))),
        Word("61/2010"),
    )
    assert parse("No. 14 Tahun 2008").required == (Word("14/2008"),)


@pytest.mark.parametrize(
    "text",
    [
        "[a TO z]",
        "{a TO z}",
        " ".join(["[a TO z]"] * 10),
        "title:x^9 (a OR b)~2",
        "anggaran? lapor?n",
        "'kutip tunggal'",
    ],
)
def test_other_syntax_is_plain_words_never_a_range_or_a_wildcard(text):
    built = leaves(text)
    assert all(isinstance(q, SAFE_LEAVES) for q in built)
    assert not any(isinstance(q, Prefix) for q in built) or "*" in text
    assert {q.fieldname for q in built} <= set(SCHEMA.names())


def test_a_range_becomes_its_words():
    assert parse("[a TO z]").required == (Word("[a"), Word("TO"), Word("z]"))
    assert {q.text for q in leaves("[a TO z]") if q.fieldname == "title_exact"} == {
        "a",
        "to",
        "z",
    }


def test_and_adds_nothing_and_exclusion_alone_subtracts_from_everything():
    assert parse("banjir AND longsor") == parse("banjir longsor")
    assert isinstance(build_query("-draf", SCHEMA), AndNot)


@pytest.mark.parametrize(
    "text",
    [
        "NOT NOT a",
        "anggaran NOT draf",
        "OR banjir",
        "banjir OR",
        "banjir OR OR longsor",
        "banjir OR -longsor",
        "-banjir OR longsor",
        "an*",
        "*ggaran",
        "ang*ran",
        "ang**",
        "(ang*",
        "*",
        "*:*",
        "x" * 501,
        "kata " * 31,
        '"' + "kata " * 31 + '"',
        '"rencana kerja',
        'laporan "keuangan daerah',
        '"a" "b',
        "\u201crencana kerja",
    ],
)
def test_everything_else_is_refused_with_a_message(text):
    with pytest.raises(QueryRefused) as refused:
        parse(text)
    assert "Silakan" in refused.value.message or "misalnya" in refused.value.message


@pytest.mark.parametrize(
    "typed, number",
    [
        ("PP 61 2010", "61/2010"),
        ("pp no 61 tahun 2010", "61/2010"),
        ("Permendagri no 3 tahun 2017", "3/2017"),
        ("permendagri no. 3/2017", "3/2017"),
        ("uu 14 tahun 2008", "14/2008"),
        ("Perki 1/2021", "1/2021"),
    ],
)
def test_official_numbers_typed_as_people_type_them_become_one_word(typed, number):
    query = parse(typed)
    assert isinstance(query.required[0], AnyOf)
    assert query.required[1:] == (Word(number),)


def test_typographic_quotes_make_a_phrase_like_straight_ones():
    assert parse("\u201crencana kerja\u201d -\u201csurat lama\u201d") == parse(
        '"rencana kerja" -"surat lama"'
    )
    assert parse("\u201crencana kerja\u201d").required == (
        QueryPhrase("rencana kerja"),
    )


@pytest.mark.parametrize(
    "typed, number",
    [
        ("uu no 14 thn 2008", "14/2008"),
        ("perba 4 th. 2024", "4/2024"),
        ("kepka 01 tahun 1999", "1/1999"),
        ("POJK nomor 13 tahun 2014", "13/2014"),
    ],
)
def test_year_words_as_people_shorten_them_and_padded_numbers(typed, number):
    assert parse(typed).required[1:] == (Word(number),)


def test_a_number_typed_with_its_issuers_code_is_also_number_and_year():
    assert parse("pojk 13/pojk.05/2014").required[1] == AnyOf(
        (Word("13/pojk.05/2014"), Word("13/2014"))
    )
    assert parse("01/Ka-BAPETEN/V-99").required[0].options[1] == Word("1/1999")
    assert parse("188.4/705/2013").required == (Word("188.4/705/2013"),)


def test_a_regulation_type_has_all_its_short_names_also_without_a_number():
    keppres = parse("kepres 106/2001").required[0]
    assert set(keppres.options) == {
        Word("keppres"),
        Word("kepres"),
        QueryPhrase("keputusan presiden"),
    }
    assert parse("perda parkir").required[0] == AnyOf(
        (Word("perda"), QueryPhrase("peraturan daerah"))
    )
    assert parse("kepka bapeten").required[0].typed == "kepka"


def test_an_acronym_also_finds_the_words_it_stands_for():
    bbm, patroli = parse("BBM patroli").required
    assert bbm == AnyOf((Word("BBM"), QueryPhrase("bahan bakar minyak")))
    assert (bbm.typed, patroli) == ("BBM", Word("patroli"))
    # Excluded, it excludes both; quoted or with a star, it is only itself.
    assert parse("solar -BBM").excluded == (bbm,)
    assert parse('"bbm solar"').required == (QueryPhrase("bbm solar"),)
    assert parse("bbm*").required == (Word("bbm", prefix=True),)


@pytest.mark.parametrize(
    "text, options",
    [
        ("semester 1", ("1", "i")),
        ("triwulan IV", ("IV", "4")),
        ("tw 3", ("3", "iii")),
        ("termin 12", ("12", "xii")),
    ],
)
def test_a_sequence_number_is_read_in_digits_or_roman_numerals(text, options):
    assert parse(text).required[1] == AnyOf(tuple(Word(o) for o in options))


def test_numbers_joined_by_or_after_a_sequence_word_are_read_both_ways():
    either = parse("semester 1 OR 2").required[1]
    assert set(either.options) == {Word("1"), Word("i"), Word("2"), Word("ii")}
    assert parse("semester 1 3").required[2] == Word("3")


def test_numbers_elsewhere_stay_as_typed():
    assert parse("pasal 1").required[1] == Word("1")
    assert parse("semester 13").required[1] == Word("13")
    assert parse("laporan iv").required[1] == Word("iv")


def test_other_digits_after_a_sequence_word_are_plain_words():
    assert parse("semester \u00b2").required[1] == Word("\u00b2")
    assert parse("tw \u2460").required[1] == Word("\u2460")


def test_a_padded_number_and_year_is_searched_without_its_zeros():
    # The index holds "5/2010" for "05/2010", "5/2010" and "05 Tahun 2010".
    assert parse("pp 05/2010").required[1] == Word("5/2010")
    assert parse("pp 05 2010").required[1] == Word("5/2010")


def test_or_keeps_the_words_as_typed_for_the_unmatched_list():
    assert clause_text(parse("apbd OR bbm").required[0]) == "apbd OR bbm"
    assert clause_text(parse("semester I OR II").required[1]) == "I OR II"


def test_only_the_first_expansions_apply_the_rest_stay_as_typed():
    words = parse(" ".join(["bbm"] * (MAX_EXPANSIONS + 3))).required
    assert all(isinstance(w, AnyOf) for w in words[:MAX_EXPANSIONS])
    assert words[MAX_EXPANSIONS:] == (Word("bbm"),) * 3


def test_a_year_alone_after_a_word_stays_a_year():
    assert parse("laporan 2024").required == (Word("laporan"), Word("2024"))
