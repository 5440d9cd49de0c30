"""The search index on disk: visibility, queries, highlights and its lifecycle."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from dms.indexing.index import (
    IndexBusy,
    IndexedDocument,
    QueryRefused,
    Scope,
    SearchIndex,
    SearchIndexError,
    SearchQuery,
    SearchTimedOut,
)
from dms.indexing.tantivy_index import TantivyIndex

# The contract: every engine behind the search interface passes every test here.
ENGINES = {"whoosh": SearchIndex, "tantivy": TantivyIndex}

BASE = datetime(2025, 1, 1, 8, 0)
PUBLIC = Scope.public()
EVERYONE = Scope.staff(None)


def doc(doc_id, title, body="", **overrides):
    values = {
        "id": doc_id,
        "title": title,
        "summary": "",
        "body": body,
        "category": "berkala",
        "org": "dinas-kominfo",
        "year": 2024,
        "info_type": "laporan",
        "status": "published",
        "organisation_id": 1,
        "updated_at": BASE + timedelta(days=doc_id),
    }
    return IndexedDocument(**(values | overrides))


DOCUMENTS = [
    doc(1, "Pengumuman Hasil Seleksi Pegawai", "Pengumuman hasil seleksi pegawai."),
    doc(2, "Hasil Seleksi Pejabat", "Daftar nama yang diumumkan panitia seleksi."),
    doc(
        3,
        "Laporan Keuangan Dinas Kesehatan",
        "Anggaran belanja kesehatan tahun 2023.",
        org="dinkes",
        organisation_id=2,
        year=2023,
        category="setiap_saat",
    ),
    doc(
        4,
        "Kajian Zamrudjingga Perbatasan",
        "Dokumen zamrudjingga tentang pertahanan perbatasan.",
        category="dikecualikan",
        org="dinkes",
        organisation_id=2,
    ),
    doc(
        5,
        "Rancangan Kuarsaplasma",
        "Draf rencana kuarsaplasma anggaran belanja.",
        status="draft",
        org="dinkes",
        organisation_id=2,
    ),
    doc(
        6,
        "Draf Pengumuman Kominfo",
        "Draf internal pengumuman seleksi kominfo.",
        status="draft",
    ),
]


def texts(result):
    return [hit.id for hit in result.items]


def search(index, text="", scope=PUBLIC, **options):
    return index.search(SearchQuery(text=text, **options), scope)


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


@pytest.fixture
def index(tmp_path, engine):
    search_index = engine(tmp_path / "index")
    search_index.ensure()
    search_index.index(DOCUMENTS)
    return search_index


def test_a_public_query_never_sees_exempt_or_draft_documents(index):
    for word in ("zamrudjingga", "kuarsaplasma", "perbatasan"):
        result = search(index, word)
        assert result.total == 0
        assert result.items == []
        assert all(counts == {} for counts in result.facets.values())
    browse = search(index, "")
    assert sorted(texts(browse)) == [1, 2, 3]
    assert browse.total == 3
    assert browse.facets["category"] == {"berkala": 2, "setiap_saat": 1}
    assert browse.facets["org"] == {"dinas-kominfo": 2, "dinkes": 1}


def test_a_public_total_stays_scoped_when_the_page_is_smaller_than_the_result(index):
    for sort in ("relevance", "newest", "title"):
        result = search(index, "anggaran OR seleksi OR draf", per_page=1, sort=sort)
        assert result.total == 3
        assert texts(result)[0] in {1, 2, 3}


def test_suggestions_come_only_from_public_documents(index):
    assert search(index, "zamrudjinga").suggestion is None
    assert search(index, "kuarsaplasm", scope=EVERYONE).suggestion is None
    assert search(index, "pengumumam").suggestion == "pengumuman"


def test_a_word_withdrawn_from_public_view_is_no_longer_suggested(index):
    index.index([doc(7, "Laporan Safirbiru", "Safirbiru")])
    assert search(index, "safirbiruu").suggestion == "safirbiru"
    index.index([doc(7, "Laporan Safirbiru", "Safirbiru", status="withdrawn")])
    assert search(index, "safirbiruu").suggestion is None
    assert search(index, "safirbiru").total == 0


def test_a_pelaksana_sees_its_own_organisations_drafts_but_not_others(index):
    kominfo = Scope.staff({1})
    assert sorted(texts(search(index, "draf", scope=kominfo))) == [6]
    assert texts(search(index, "kuarsaplasma", scope=kominfo)) == []
    dinkes = Scope.staff({2})
    assert sorted(texts(search(index, "zamrudjingga", scope=dinkes))) == [4]
    assert sorted(texts(search(index, "", scope=EVERYONE))) == [1, 2, 3, 4, 5, 6]


def test_a_stem_finds_inflected_forms_and_exact_matches_rank_first(index):
    result = search(index, "pengumuman")
    assert set(texts(result)) == {1, 2}
    assert texts(result)[0] == 1  # "diumumkan" in 2 only shares the stem


def test_an_exact_word_in_the_body_outranks_its_stem_in_the_title(index):
    index.index(
        [
            doc(40, "Jadwal Diumumkan Kemudian", "Rincian menyusul.", year=2020),
            doc(41, "Jadwal Layanan", "Jadwal ini berupa pengumuman resmi.", year=2020),
        ]
    )
    assert texts(search(index, "pengumuman", year=2020)) == [41, 40]
    assert texts(search(index, "diumumkan", year=2020)) == [40, 41]


def test_phrases_or_and_exclusion_are_understood(index):
    assert texts(search(index, '"hasil seleksi pegawai"')) == [1]
    assert sorted(texts(search(index, "pejabat OR keuangan"))) == [2, 3]
    assert texts(search(index, "seleksi -pejabat")) == [1]
    # No document has every word: since issue 17 the closest ones answer, marked
    # partial (they used to be an empty page).
    every = search(index, "hasil seleksi kesehatan")
    assert every.partial and every.unmatched == ()
    assert not search(index, "hasil seleksi").partial


def test_a_partial_answer_ranks_documents_matching_more_words_first(index):
    # The banjir report says "banjir" everywhere, title included: on relevance
    # alone it outranks the one document naming the flood, the river and the
    # warning once each in a long body. Matching three words beats one.
    filler = " ".join(["catatan rapat koordinasi mingguan"] * 60)
    index.index(
        [
            doc(60, "Banjir Banjir", "banjir banjir banjir banjir"),
            doc(61, "Catatan Rapat", f"{filler} banjir kali cisadane peringatan"),
            doc(62, "Kali Bersih", "kali"),
        ]
    )
    result = search(index, "peringatan banjir kali cisadane qzvxkrumpel")
    assert result.partial and result.unmatched == ("qzvxkrumpel",)
    assert texts(result)[0] == 61
    assert set(texts(result)) == {60, 61, 62}
    # Ranked by words matched: 61 (four), then 60 and 62 (one each).
    assert [hit.score > 10_000 * 3 for hit in result.items] == [True, False, False]


def test_numbers_acronyms_and_sequences_are_found_as_people_type_them(index):
    cites = "Sesuai Peraturan OJK Nomor 13/POJK.05/2014 dan Kepka 01/Ka-BAPETEN/V-99."
    index.index(
        [
            doc(
                70,
                "Dokumen 70",
                "NOMOR 13 /POJK.05/2014 TENTANG LEMBAGA KEUANGAN MIKRO",
            ),
            doc(
                71,
                "Dokumen 71",
                "KEPUTUSAN KEPALA BADAN PENGAWAS TENAGA NUKLIR "
                "NOMOR 01/Ka-BAPETEN/V-99 TENTANG KESELAMATAN KERJA",
            ),
            # Cites both, past its heading (the first LEAD_CHARS).
            doc(72, "Dokumen 72", "Surat edaran. " + "Isi surat. " * 60 + cites),
            doc(73, "Dokumen 73", "Pengadaan bahan bakar minyak kapal patroli"),
            doc(
                74,
                "Dokumen 74",
                "Laporan monitoring dan evaluasi semester I tahun 2025",
            ),
        ]
    )
    # The regulation's own heading outranks the letter citing it.
    assert texts(search(index, "pojk 13 tahun 2014"))[:2] == [70, 72]
    assert texts(search(index, "POJK nomor 13/2014"))[:2] == [70, 72]
    assert texts(search(index, "kepka bapeten 1 thn 1999"))[:1] == [71]
    assert texts(search(index, "pengadaan bbm patroli")) == [73]
    assert texts(search(index, "laporan monev semester 1 2025")) == [74]
    unknown = search(index, "monev bbm qzvxkrumpel")
    assert unknown.partial and unknown.unmatched == ("qzvxkrumpel",)


def test_stopwords_are_neither_matched_nor_unmatched_in_a_partial_answer(index):
    # "yang" searches for nothing: alone with a nonsense word, nothing answers.
    assert search(index, "yang qzvxkrumpel -pejabat").total == 0
    found = search(index, "seleksi yang qzvxkrumpel")
    assert found.partial and found.unmatched == ("qzvxkrumpel",)


def test_a_padded_number_is_found_however_it_is_written(index):
    index.index(
        [
            doc(80, "Dokumen 80", "Berdasarkan PP 05/2010 tentang arsip"),
            doc(81, "Dokumen 81", "Perda Nomor 01 Tahun 1999 tentang retribusi"),
        ]
    )
    for typed in ("pp 05 2010", "pp no 5 tahun 2010", "PP 05/2010", "pp 5/2010"):
        assert texts(search(index, typed)) == [80], typed
    for typed in ("perda 01/1999", "perda 1 thn 1999"):
        assert texts(search(index, typed)) == [81], typed


def test_filters_narrow_results_and_facets(index):
    result = search(index, "", org="dinkes")
    assert texts(result) == [3]
    assert result.facets == {
        "category": {"setiap_saat": 1},
        "org": {"dinkes": 1},
        "year": {"2023": 1},
    }
    assert sorted(texts(search(index, "", year=2024))) == [1, 2]
    assert texts(search(index, "", category="setiap_saat")) == [3]
    assert texts(search(index, "", category="dikecualikan")) == []


def test_pages_and_sorting_by_newest_and_title(index):
    newest = search(index, "", sort="newest", per_page=2)
    assert texts(newest) == [3, 2]
    assert newest.total == 3
    assert texts(search(index, "", sort="newest", per_page=2, page=2)) == [1]
    assert texts(search(index, "", sort="title")) == [2, 3, 1]
    assert all(hit.score is None for hit in newest.items)


def test_highlights_escape_html_and_mark_matches(index):
    index.index([doc(8, "<script>alert(1)</script> Jadwal", "Jadwal & <b>layanan</b>")])
    (hit,) = search(index, "jadwal").items
    assert "<script>" not in hit.highlights["title"]
    assert hit.highlights["title"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<mark>Jadwal</mark>" in hit.highlights["title"]
    assert "&amp; &lt;b&gt;layanan" in hit.highlights["body"]
    by_stem = {h.id: h for h in search(index, "pengumuman").items}
    assert "<mark>diumumkan</mark>" in by_stem[2].highlights["body"]


def test_a_removed_document_is_no_longer_found(index):
    index.remove([1, 999])
    assert texts(search(index, "pegawai")) == []
    assert index.doc_count() == 5


def test_rebuild_swaps_atomically_while_an_open_searcher_keeps_working(index, tmp_path):
    live = index.path / "current"
    before = live.resolve()
    reader = _Reader(type(index)(index.path))
    seen = []
    replaced = [replace(d, title=d.title + " Baru") for d in DOCUMENTS[:3]]
    count = index.rebuild(iter(replaced), chunk_size=2, progress=seen.append)
    assert (count, seen) == (3, [2, 3])
    assert live.resolve() != before
    assert index.doc_count() == 3
    assert texts(search(index, "baru", sort="newest")) == [3, 2, 1]
    assert reader.doc_count() == 6  # the old generation still answers
    assert reader.stored_ids() == [1, 2, 3, 4, 5, 6]
    reader.close()


class _Reader:
    """A searcher opened on the live generation, whichever the engine."""

    def __init__(self, index):
        if isinstance(index, TantivyIndex):
            self._tantivy = index._index().searcher()
            self._whoosh = None
        else:
            self._whoosh = index._open().searcher()

    def doc_count(self):
        if self._whoosh is not None:
            return self._whoosh.doc_count()
        return self._tantivy.num_docs

    def stored_ids(self):
        if self._whoosh is not None:
            return sorted(int(d["id"]) for d in self._whoosh.documents())
        import tantivy

        found = self._tantivy.search(tantivy.Query.all_query(), limit=100)
        return sorted(self._tantivy.doc(a).get_first("id") for _s, a in found.hits)

    def close(self):
        if self._whoosh is not None:
            self._whoosh.close()


def test_results_are_identical_before_and_after_a_rebuild(index):
    queries = ["seleksi", "pengumuman", "anggaran OR hasil", ""]
    before = [search(index, text, scope=EVERYONE) for text in queries]
    index.rebuild(DOCUMENTS, chunk_size=4)
    index.rebuild(DOCUMENTS, chunk_size=4)
    assert [search(index, text, scope=EVERYONE) for text in queries] == before
    assert len(list(index.path.glob("gen-*"))) == 2  # the live one and the previous


def test_a_query_of_stopwords_only_finds_nothing(index):
    assert search(index, "yang dan di").total == 0


def test_searching_before_the_index_exists_says_what_to_do(tmp_path, engine):
    with pytest.raises(SearchIndexError, match="ensure"):
        search(engine(tmp_path / "absent"), "anggaran")


def test_a_failed_rebuild_leaves_the_live_index_untouched(index):
    def broken():
        yield DOCUMENTS[0]
        raise RuntimeError("database went away")

    generations = sorted(index.path.glob("gen-*"))
    with pytest.raises(RuntimeError):
        index.rebuild(broken(), chunk_size=1)
    assert sorted(index.path.glob("gen-*")) == generations
    assert index.doc_count() == 6


def test_an_index_built_by_an_older_schema_needs_rebuild(index):
    state = index.ensure()
    assert (state.created, state.needs_rebuild) == (False, False)
    meta = index.path / "current" / "dms-index.json"
    meta.write_text(json.dumps({"schema_version": 0}))
    assert index.ensure().needs_rebuild
    index.rebuild(DOCUMENTS)
    assert not index.ensure().needs_rebuild


def test_concurrent_writers_both_land(index):
    start = threading.Barrier(2)
    errors = []

    def write(doc_id):
        try:
            start.wait()
            index.index([doc(doc_id, f"Dokumen paralel {doc_id}")])
        except Exception as error:  # noqa: BLE001  (reported by the assert below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in (20, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(texts(search(index, "paralel"))) == [20, 21]


def test_a_writer_waits_for_a_long_commit_and_both_land(index):
    holding = threading.Event()

    def slow_documents():
        yield doc(22, "Dokumen lambat")
        holding.set()
        time.sleep(0.3)
        yield doc(23, "Dokumen lambat kedua")

    slow = threading.Thread(target=index.index, args=(slow_documents(),))
    slow.start()
    assert holding.wait(5)
    index.index([doc(24, "Dokumen lambat ketiga")])  # waits for the lock
    slow.join()
    assert sorted(texts(search(index, "lambat"))) == [22, 23, 24]


def test_dates_with_a_timezone_sort_on_one_clock(index):
    jakarta = timezone(timedelta(hours=7))
    index.index(
        [
            doc(
                50,
                "Urutan waktu pertama",
                updated_at=datetime(2030, 1, 1, 6, tzinfo=jakarta),
            ),
            doc(
                51, "Urutan waktu kedua", updated_at=datetime(2030, 1, 1, 0, tzinfo=UTC)
            ),
        ]
    )
    assert texts(search(index, "urutan", sort="newest")) == [51, 50]


def test_a_page_larger_than_the_limit_is_rejected():
    with pytest.raises(ValueError, match="per_page"):
        SearchQuery(text="anggaran", per_page=101)


def test_a_writer_gives_up_with_a_clear_error_when_the_lock_stays_taken(index):
    if isinstance(index, TantivyIndex):
        held = index._index().writer(heap_size=15_000_000, num_threads=1)
    else:
        held = index._open().writer()
    try:
        impatient = type(index)(index.path, lock_timeout=0.2)
        with pytest.raises(IndexBusy, match="locked"):
            impatient.index([doc(30, "Tertunda")])
    finally:
        if isinstance(index, TantivyIndex):
            held.rollback()
            held.wait_merging_threads()
        else:
            held.cancel()
    assert texts(search(index, "tertunda")) == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 501,
        " ".join(f"kata{n}" for n in range(31)),
        "*",
        "*uang",
        "a*",
    ],
)
def test_overlong_or_pathological_queries_are_refused_politely(index, text):
    with pytest.raises(QueryRefused) as refused:
        search(index, text)
    assert "Silakan" in refused.value.message or "bintang" in refused.value.message


def test_a_trailing_wildcard_on_a_real_prefix_is_allowed(index):
    assert sorted(texts(search(index, "pengum*"))) == [1]


def test_a_search_past_the_time_limit_is_stopped(index):
    hurried = type(index)(index.path, time_limit=1e-9)
    for text in ("", "anggaran", "pengum*"):
        with pytest.raises(SearchTimedOut):
            search(hurried, text, scope=EVERYONE)


def test_the_time_limit_keeps_the_scope_filter(index):
    # The deadline wraps the collector under the scope filter, never above it.
    timed = type(index)(index.path, time_limit=60.0)
    for word in ("zamrudjingga", "kuarsaplasma", "perbatasan"):
        assert search(timed, word).total == 0
        assert (
            search(timed, word, scope=EVERYONE).total
            == search(index, word, scope=EVERYONE).total
        )
