"""An exemption through the workspace: the Pelaksana proposes it, the PPID Utama
records the consequence test, the atasan PPID approves it, and the public loses
sight of the document."""

from __future__ import annotations

import re

from tests.browser.officers import (
    TEST_URL,
    assert_told,
    pdf_file,
    unique_word,
    upload,
)


def test_an_approved_exemption_takes_a_published_document_out_of_public_view(
    new_context, page_as
):
    word = unique_word()
    title = f"Daftar Pasien Rujukan {word.capitalize()}"
    # The plain form: test_publishing covers upload.js; this test is about the rest.
    document_id = publish_for_dinkes(page_as("utama", java_script_enabled=False), title)
    citizen = new_context().new_page()
    assert citizen.goto(f"/dokumen/{document_id}").status == 200
    assert found_by_search(citizen, word, title)

    test_id = propose_exemption(page_as("dinkes"), document_id)
    record_test(page_as("utama"), test_id)
    approve_test(page_as("atasan"), title, test_id)

    assert citizen.goto(f"/dokumen/{document_id}").status == 404
    assert not found_by_search(citizen, word, title)


def publish_for_dinkes(utama, title: str) -> int:
    """The PPID Utama uploads and publishes a document of the Dinas Kesehatan."""
    file = pdf_file("rujukan.pdf", title, ["Nama pasien, diagnosis, rumah sakit."])
    document_id = upload(
        utama, file=file, title=title, button="Terbitkan", org="dinkes"
    )
    assert_told(utama, "telah diterbitkan")
    return document_id


def found_by_search(page, word: str, title: str) -> bool:
    page.goto(f"/cari?q={word}")
    return page.get_by_role("link", name=title, exact=True).count() > 0


def propose_exemption(pelaksana, document_id: int) -> int:
    pelaksana.goto(f"/ruang-kerja/dokumen/{document_id}")
    pelaksana.get_by_label("Informasi yang diusulkan dikecualikan").fill(
        "Memuat nama dan diagnosis pasien (rahasia pribadi)."
    )
    pelaksana.get_by_role(
        "combobox", name=re.compile(r"^Dasar pengecualian")
    ).select_option("h")
    pelaksana.get_by_role("button", name="Usulkan pengecualian").click()
    assert_told(pelaksana, "Pengecualian diusulkan")
    tests = pelaksana.get_by_role("table").filter(has_text="Uji konsekuensi")
    tests.get_by_role("link").first.click()
    pelaksana.wait_for_url(TEST_URL)
    return int(TEST_URL.search(pelaksana.url).group(1))


def record_test(utama, test_id: int) -> None:
    """The PPID Utama fills in the consequence test sheet: exempt, for good."""
    utama.goto(f"/ruang-kerja/uji/{test_id}")
    test_date = utama.get_by_label("Tanggal pengujian")
    test_date.fill(test_date.get_attribute("max"))  # today, where the body is
    utama.get_by_label("Tempat pengujian").fill("Kota Mandiri")
    utama.get_by_label("Peserta pengujian").fill(
        "Kepala Diskominfo selaku PPID Utama\nKepala Dinas Kesehatan"
    )
    utama.get_by_label("Informasi yang dikecualikan secara spesifik").fill(
        "Nama dan diagnosis pasien rujukan"
    )
    utama.get_by_label("Dokumen sumber").fill("Daftar pasien rujukan 2026")
    utama.get_by_role("combobox", name="Huruf Pasal 17").select_option("h")
    utama.get_by_label("Angka/butir").fill("2")
    utama.get_by_label("Konsekuensi bila informasi dibuka").fill(
        "Riwayat kesehatan pasien terungkap."
    )
    utama.get_by_label("Konsekuensi bila ditutup").fill(
        "Statistik rujukan tetap diumumkan."
    )
    utama.get_by_role("radio", name="Dikecualikan seluruhnya").check()
    utama.get_by_role("combobox", name="Jenis jangka waktu").select_option("indefinite")
    utama.get_by_role("button", name="Simpan lembar uji").click()
    assert_told(utama, "dicatat")


def approve_test(atasan, title: str, test_id: int) -> None:
    """The atasan PPID finds the recorded test on the dashboard and approves it."""
    atasan.goto("/ruang-kerja")
    waiting = atasan.get_by_role("row").filter(has_text=title)
    waiting.get_by_role("link").click()
    assert TEST_URL.search(atasan.url).group(1) == str(test_id)
    atasan.get_by_label("Catatan persetujuan").fill("Setuju.")
    atasan.get_by_role("button", name="Setujui", exact=True).click()
    assert_told(atasan, "disetujui")
