"""The Indonesian analyzers in a real on-disk Whoosh index: what queries find."""

from __future__ import annotations

import pytest
from whoosh import index
from whoosh.fields import ID, Schema

from dms.indexing.analysis import build_query, text_fields

DOCUMENTS = {
    "pp-61-2010": (
        "Peraturan Pemerintah Nomor 61 Tahun 2010",
        "Pelaksanaan Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan "
        "Informasi Publik.",
    ),
    "uu-14-2008": (
        "UU 14/2008 tentang Keterbukaan Informasi Publik",
        "Setiap badan publik wajib membuka akses informasi publik.",
    ),
    "surat-edaran": (
        "Surat Edaran Nomor 188.4/705/2013",
        "Surat ini mengumumkan jadwal layanan informasi pada tanggal 24-03-2025.",
    ),
    "pengumuman": (
        "Pengumuman Hasil Seleksi",
        "Pengumuman hasil seleksi pegawai dengan anggaran Rp 1.245.300.000.",
    ),
    "diumumkan": (
        "Hasil Seleksi Pejabat",
        "Daftar nama yang diumumkan panitia seleksi pada akhir bulan.",
    ),
    "laporan": (
        "Laporan Tahunan PPID 2024",
        "Informasi publik tersedia; keterbukaan badan diukur setiap tahun.",
    ),
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    directory = tmp_path_factory.mktemp("index")
    schema = Schema(id=ID(stored=True, unique=True), **text_fields())
    ix = index.create_in(str(directory), schema)
    with ix.writer() as writer:
        for key, (title, body) in DOCUMENTS.items():
            writer.add_document(
                id=key, title=title, title_exact=title, body=body, body_exact=body
            )
    reopened = index.open_dir(str(directory))  # the schema comes back unpickled
    with reopened.searcher() as searcher:
        yield searcher


def ids(searcher, text):
    query = build_query(text, searcher.schema)
    return [hit["id"] for hit in searcher.search(query, limit=None)]


def test_a_stem_finds_every_inflected_form(searcher):
    assert {"pengumuman", "diumumkan", "surat-edaran"} <= set(ids(searcher, "umum"))


def test_an_inflected_query_finds_the_other_forms(searcher):
    assert {"pengumuman", "diumumkan"} <= set(ids(searcher, "mengumumkan"))


def test_a_regulation_number_finds_only_its_regulation(searcher):
    assert ids(searcher, "PP 61/2010") == ["pp-61-2010"]


def test_the_bare_slash_number_finds_the_regulation_cited_with_tahun(searcher):
    assert ids(searcher, "61/2010") == ["pp-61-2010"]


def test_a_citation_with_tahun_finds_the_document_written_with_a_slash(searcher):
    found = ids(searcher, "UU No. 14 Tahun 2008")
    assert set(found) == {"uu-14-2008", "pp-61-2010"}


def test_a_full_regulation_name_finds_the_document_using_the_abbreviation(searcher):
    found = ids(searcher, "Undang-Undang 14/2008")
    assert set(found) == {"uu-14-2008", "pp-61-2010"}  # the PP cites the UU
    assert found[0] == "uu-14-2008"  # in its title


def test_an_archive_letter_number_finds_its_letter(searcher):
    assert ids(searcher, "188.4/705/2013") == ["surat-edaran"]
    assert ids(searcher, "Nomor: 188.4/705/2013") == ["surat-edaran"]


def test_a_date_and_an_amount_find_their_documents(searcher):
    assert ids(searcher, "24-03-2025") == ["surat-edaran"]
    assert ids(searcher, "1.245.300.000") == ["pengumuman"]


def test_a_phrase_finds_only_documents_with_the_phrase(searcher):
    found = ids(searcher, '"keterbukaan informasi publik"')
    assert set(found) == {"pp-61-2010", "uu-14-2008"}
    assert "laporan" in ids(searcher, "keterbukaan informasi publik")


def test_all_words_are_required_by_default(searcher):
    assert ids(searcher, "hasil seleksi pejabat") == ["diumumkan"]


def test_an_exact_match_outranks_a_stem_match(searcher):
    found = ids(searcher, "pengumuman")
    assert found[0] == "pengumuman"
    assert "diumumkan" in found


def test_an_exact_match_in_the_body_alone_still_outranks_a_stem_match(searcher):
    found = ids(searcher, "diumumkan")
    assert found[0] == "diumumkan"
    assert "pengumuman" in found
