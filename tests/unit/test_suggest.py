"""The suggested category: rules as data, whole words, title before body text."""

from __future__ import annotations

import dataclasses

import pytest

from dms.categories import CATEGORIES
from dms.classification.suggest import (
    RULES,
    TEXT_LIMIT,
    Match,
    suggest_category,
)


@pytest.mark.parametrize(
    ("title", "category", "rule"),
    [
        ("Laporan Keuangan Dinas Kesehatan 2025", "berkala", "laporan_keuangan"),
        ("LRA Semester I", "berkala", "laporan_keuangan"),
        ("Catatan atas Laporan Keuangan (CaLK) 2024", "berkala", "laporan_keuangan"),
        ("LAKIP 2024", "berkala", "laporan_kinerja"),
        ("Pengumuman Lelang Pembangunan Jembatan", "berkala", "pengadaan"),
        ("Peraturan Daerah Nomor 3 Tahun 2024", "berkala", "peraturan"),
        ("Laporan Akses Informasi Semester II", "berkala", "laporan_akses_informasi"),
        ("Banjir Bandang di Kecamatan Cipocok Jaya", "serta_merta", "bencana"),
        ("Kejadian Luar Biasa Demam Berdarah", "serta_merta", "wabah"),
        ("Pencemaran Sungai Cibanten", "serta_merta", "pencemaran"),
        ("Keracunan Makanan di SDN 1", "serta_merta", "keracunan"),
        ("Jadwal Pemadaman Listrik Bergilir", "serta_merta", "pemadaman"),
        ("Perjanjian Kerja Sama dengan PT Air Bersih", "setiap_saat", "perjanjian"),
        ("SOP Pelayanan Informasi", "setiap_saat", "sop"),
        ("Agenda Pimpinan Minggu Ini", "setiap_saat", "agenda"),
        ("Rencana Anggaran Biaya Gedung Baru", "setiap_saat", "rencana_proyek"),
        ("Rekam Medis Pasien RSUD", "dikecualikan", "data_pribadi"),
        ("Berita Acara Pemeriksaan Saksi", "dikecualikan", "penegakan_hukum"),
        ("Memo Internal Kepala Dinas", "dikecualikan", "memorandum_rahasia"),
    ],
)
def test_typical_titles_suggest_their_category(title, category, rule):
    suggestion = suggest_category(title)

    assert (suggestion.category, suggestion.rule) == (category, rule)
    assert suggestion.matched[0].where == "title"


def test_the_explanation_names_the_category_the_words_and_the_law():
    suggestion = suggest_category("Laporan Keuangan 2025")

    assert suggestion.explanation == (
        "Disarankan Berkala: judul menyebut 'laporan keuangan' (laporan keuangan "
        "wajib diumumkan berkala, UU KIP Ps. 9)."
    )
    assert suggestion.label == "Laporan keuangan"
    assert suggestion.matched == (Match("laporan keuangan", "title"),)


def test_an_exemption_is_only_ever_proposed_through_a_consequence_test():
    exempt = suggest_category("Slip Gaji Pegawai Maret")
    public = suggest_category("Laporan Keuangan 2025")

    assert exempt.category == "dikecualikan"
    assert exempt.needs_consequence_test is True
    assert public.needs_consequence_test is False


def test_nothing_matched_suggests_no_category():
    suggestion = suggest_category("Dokumen Rapat", "", "isi yang tidak bermakna")

    assert suggestion.category is None
    assert suggestion.rule == "tidak_ada"
    assert suggestion.matched == () and suggestion.alternatives == ()
    assert suggestion.explanation.startswith("Tidak ada kata")


def test_phrases_match_whole_words_only():
    # "aset" inside "asetat", "sk" inside "skala", "rob" inside "robek".
    suggestion = suggest_category("Asetat skala robek")

    assert suggestion.category is None


def test_matching_ignores_case_accents_spacing_and_the_suffix_nya():
    suggestion = suggest_category("LAPORAN   KEUÁNGAN\nDaerah", "", "banjirnya surut")

    assert suggestion.category == "berkala"
    assert Match("laporan keuangan", "title") in suggestion.matched
    assert suggestion.alternatives[0].category == "serta_merta"


def test_affixed_forms_listed_as_phrases_are_found():
    assert suggest_category("Warga Kebanjiran di Serang").category == "serta_merta"
    assert suggest_category("Data Pengungsian Warga").category == "serta_merta"


def test_title_outweighs_body_text():
    text = "Wabah DBD. Banjir. Gempa. Pencemaran. Keracunan. " * 10

    suggestion = suggest_category("Laporan Keuangan 2025", "", text)

    assert suggestion.category == "berkala"
    assert [a.category for a in suggestion.alternatives] == ["serta_merta"]


def test_information_type_outweighs_body_text():
    suggestion = suggest_category(
        "Dokumen 12/2025", "Perjanjian pihak ketiga", "laporan keuangan neraca"
    )

    assert suggestion.category == "setiap_saat"
    assert suggestion.matched[0] == Match("perjanjian", "info_type")


def test_body_text_alone_can_suggest_a_category():
    suggestion = suggest_category("Dokumen 12/2025", "", "neraca dan arus kas")

    assert suggestion.category == "berkala"
    assert {m.where for m in suggestion.matched} == {"text"}


def test_an_exemption_signal_in_the_title_wins_over_everything():
    suggestion = suggest_category(
        "Laporan Keuangan: Daftar Gaji Pegawai dengan NIK", "Laporan keuangan"
    )

    assert suggestion.category == "dikecualikan"
    assert {a.category for a in suggestion.alternatives} == {"berkala"}


def test_an_exemption_signal_only_in_the_body_stays_an_alternative():
    suggestion = suggest_category(
        "Laporan Keuangan 2025", "", "lampiran memuat NIK dan data pribadi"
    )

    assert suggestion.category == "berkala"
    assert suggestion.alternatives[0].category == "dikecualikan"
    assert suggestion.alternatives[0].rule == "data_pribadi"


def test_serta_merta_in_the_title_beats_berkala_and_setiap_saat():
    suggestion = suggest_category(
        "Laporan Keuangan dan Perjanjian Penanganan Banjir", "Laporan keuangan"
    )

    assert suggestion.category == "serta_merta"
    assert {a.category for a in suggestion.alternatives} == {
        "berkala",
        "setiap_saat",
    }


def test_only_the_start_of_a_long_text_is_read():
    text = "x " * (TEXT_LIMIT // 2) + "laporan keuangan"

    assert suggest_category("Dokumen", "", text).category is None
    assert suggest_category("Dokumen", "", text[-200:]).category == "berkala"


def test_ties_are_broken_the_same_way_every_time():
    title = "Kontrak dan Laporan Keuangan"

    results = {suggest_category(title) for _ in range(5)}

    assert len(results) == 1
    assert results.pop().category == "setiap_saat"


def test_the_suggestion_is_immutable():
    suggestion = suggest_category("Laporan Keuangan 2025")

    with pytest.raises(dataclasses.FrozenInstanceError):
        suggestion.category = "dikecualikan"


def test_every_rule_has_a_known_category_a_unique_code_and_lowercase_phrases():
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.category in CATEGORIES
        assert rule.label and rule.legal_note
        assert all(p == p.lower().strip() for p in rule.phrases)
    assert {rule.category for rule in RULES} == set(CATEGORIES)
