"""What citizens type finds what they mean, on every engine (issue 17)."""

from __future__ import annotations

import pytest

from dms.indexing.index import SearchQuery
from tests.integration.test_index import ENGINES, EVERYONE, PUBLIC, doc

DOCUMENTS = [
    doc(
        1,
        "Realisasi Anggaran Semester I",
        "Tabel realisasi belanja per program.",
        info_type="Laporan Realisasi Keuangan",
        org="bpkad",
        metadata="Badan Pengelola Keuangan dan Aset Daerah\nBidang Akuntansi",
    ),
    doc(
        2,
        "Peringatan Dini Banjir Kali Bekasi",
        "Warga bantaran diminta waspada, debit air naik.",
        info_type="Pengumuman",
        org="bpbd",
        category="serta_merta",
        metadata="Badan Penanggulangan Bencana Daerah",
    ),
    doc(
        3,
        "Jadwal Pelayanan Perpustakaan",
        "Perpustakaan buka Senin sampai Jumat.",
        org="dispusip",
        year=2021,
        metadata="Dinas Perpustakaan dan Kearsipan",
    ),
    doc(
        4,
        "Kajian Rahasia Keuangan",
        "Kajian internal.",
        category="dikecualikan",
        info_type="Laporan Realisasi Keuangan",
        metadata="Badan Pengelola Keuangan dan Aset Daerah",
    ),
    doc(
        5,
        "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
        "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 14 TAHUN 2008 TENTANG KETERBUKAAN "
        "INFORMASI PUBLIK. " + "Pasal demi pasal keterbukaan. " * 30,
        info_type="Peraturan",
    ),
    *[
        doc(
            10 + n,
            f"Standar Layanan Informasi {n}",
            "Standar ini mengatur tata cara layanan informasi di kantor. "
            * 8
            + "Mengingat Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan "
            "Informasi Publik; sesuai UU 14/2008 pasal 7; 14/2008 berlaku. " * 3,
            info_type="Peraturan",
        )
        for n in range(6)
    ],
    doc(
        20,
        "Dokumen Tanpa Judul",
        "PERATURAN PEMERINTAH REPUBLIK INDONESIA NOMOR 61 TAHUN 2010 TENTANG "
        "PELAKSANAAN UNDANG-UNDANG NOMOR 14 TAHUN 2008.",
    ),
    doc(
        21,
        "Dokumen Kedua",
        "PERATURAN MENTERI DALAM NEGERI NOMOR 3 TAHUN 2017 TENTANG PEDOMAN "
        "PENGELOLAAN PELAYANAN INFORMASI.",
    ),
    doc(
        22,
        "Dokumen Ketiga",
        "PERATURAN KOMISI INFORMASI NOMOR 1 TAHUN 2021 TENTANG STANDAR LAYANAN "
        "INFORMASI PUBLIK.",
    ),
    doc(23, "Tanah Negara", "Tanah yang dikuasai negara dicatat."),
    doc(24, "Daftar Asai", "Asai adalah kata lain."),
]


@pytest.fixture(params=sorted(ENGINES))
def index(request, tmp_path):
    search_index = ENGINES[request.param](tmp_path / "index")
    search_index.ensure()
    search_index.index(DOCUMENTS)
    yield search_index
    search_index.close()


def ids(index, text, scope=PUBLIC, **options):
    result = index.search(SearchQuery(text=text, **options), scope)
    return [hit.id for hit in result.items]


def test_information_type_and_opd_name_are_searchable_with_the_text(index):
    assert ids(index, "laporan keuangan") == [1]
    assert ids(index, "bencana") == [2]
    assert ids(index, "bpbd") == [2]
    assert ids(index, "kearsipan 2021") == [3]
    assert ids(index, "bidang akuntansi") == [1]


def test_the_category_label_is_searchable(index):
    assert ids(index, "informasi serta merta") == [2]


def test_metadata_never_reveals_an_exempt_document_to_the_public(index):
    assert 4 not in ids(index, "laporan realisasi keuangan")
    assert 4 in ids(index, "laporan realisasi keuangan", scope=EVERYONE)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("UU 14/2008", 5),
        ("uu 14 tahun 2008", 5),
        ("undang-undang nomor 14 tahun 2008", 5),
        ("PP 61 2010", 20),
        ("pp no 61 tahun 2010", 20),
        ("Perki 1/2021", 22),
        ("Permendagri no 3 tahun 2017", 21),
        ("permendagri 3 2017", 21),
    ],
)
def test_a_regulation_ranks_first_for_its_own_number(index, typed, expected):
    assert ids(index, typed)[:1] == [expected]


def test_a_known_mis_stem_is_corrected_and_the_exact_form_ranks_first(index):
    assert ids(index, "dikuasai") == [23]
    assert ids(index, "menguasai") == [23]
    assert 24 not in ids(index, "dikuasai")


def test_when_no_document_has_every_word_the_closest_ones_answer(index):
    result = index.search(SearchQuery(text="banjir bekasi xyzzyqq"), PUBLIC)
    assert result.partial
    assert result.unmatched == ("xyzzyqq",)
    assert [hit.id for hit in result.items] == [2]


def test_a_partial_answer_ranks_documents_matching_more_words_first(index):
    result = index.search(SearchQuery(text="perpustakaan jadwal banjir"), PUBLIC)
    assert result.partial and result.unmatched == ()
    assert [hit.id for hit in result.items][:2] == [3, 2]


def test_nonsense_words_alone_stay_empty(index):
    for text in ("xyzzyqq", "xyzzyqq plughqq"):
        result = index.search(SearchQuery(text=text), PUBLIC)
        assert (result.total, result.items, result.partial) == (0, [], False)


def test_a_partial_answer_never_counts_exempt_documents(index):
    # "rahasia" is only in the exempt document: for the public it matches nothing.
    result = index.search(SearchQuery(text="rahasia banjir"), PUBLIC)
    assert result.partial and result.unmatched == ("rahasia",)
    assert [hit.id for hit in result.items] == [2]
    assert result.facets["category"] == {"serta_merta": 1}
    staff = index.search(SearchQuery(text="rahasia banjir"), EVERYONE)
    assert staff.partial and staff.unmatched == ()


def test_a_full_match_is_not_partial(index):
    result = index.search(SearchQuery(text="banjir bekasi"), PUBLIC)
    assert not result.partial and result.unmatched == ()
