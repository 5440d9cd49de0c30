"""A Pelaksana uploads a document and a new version; the PPID Utama publishes it
from the approval queue; citizens then find it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.live import log_in
from tests.browser.officers import assert_told, pdf_file, unique_word, upload


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_pelaksanas_upload_with_a_new_version_is_published_and_found_by_citizens(
    new_context, page_as, javascript
):
    from dms.demo import DEMO_PASSWORD

    word = unique_word()
    title = f"Laporan Kinerja Puskesmas {word.capitalize()}"
    pelaksana = new_context(java_script_enabled=javascript).new_page()
    log_in(pelaksana, "dinkes", DEMO_PASSWORD)

    with pelaksana.expect_request(is_upload) as sent:
        document_id = upload(
            pelaksana,
            file=pdf_file("kinerja.pdf", title, ["Capaian kinerja triwulan III."]),
            title=title,
            button="Ajukan untuk persetujuan",
        )
    # With JavaScript, upload.js sends the form itself to show its progress bar.
    assert sent.value.resource_type == ("xhr" if javascript else "document")
    assert_told(pelaksana, "diajukan untuk persetujuan")

    add_version(pelaksana, title, note="Angka capaian diperbaiki")
    assert_told(pelaksana, "Versi 2 ditambahkan")
    noted = pelaksana.get_by_role("row").filter(has_text="Angka capaian diperbaiki")
    assert noted.get_by_role("rowheader").inner_text() == "2"

    utama = page_as("utama")
    utama.goto("/ruang-kerja/persetujuan")
    queued = utama.get_by_role("row").filter(has=utama.get_by_role("link", name=title))
    queued.get_by_role("button", name="Terbitkan").click()
    assert_told(utama, "Versi 2 diterbitkan")

    citizen = new_context().new_page()
    citizen.goto(f"/cari?q={word}")
    citizen.get_by_role("link", name=title, exact=True).click()
    citizen.wait_for_url(f"**/dokumen/{document_id}")
    public_versions = citizen.get_by_role("row").filter(has=citizen.locator("code"))
    expect(public_versions, "both versions are public").to_have_count(2)
    expect(citizen.get_by_text("Angka capaian diperbaiki")).to_be_visible()


def test_a_file_dropped_on_the_upload_zone_is_chosen_for_upload(page_as):
    page = page_as("dinkes")
    page.goto("/ruang-kerja/unggah")

    page.locator("[data-dropzone]").evaluate(
        """zone => {
            const files = new DataTransfer();
            files.items.add(new File(["%PDF-1.4"], "seret.pdf",
                                     {type: "application/pdf"}));
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: files,
                                                        bubbles: true}));
            }
        }"""
    )

    chosen = page.get_by_label("Berkas dokumen").evaluate(
        "input => [...input.files].map(file => file.name)"
    )
    assert chosen == ["seret.pdf"]
    assert page.get_by_text("Berkas dipilih: seret.pdf").first.is_visible()


def is_upload(request) -> bool:
    return request.method == "POST" and request.url.endswith("/ruang-kerja/unggah")


def add_version(page, title: str, *, note: str) -> None:
    page.get_by_label("Berkas versi baru").set_input_files(
        pdf_file("kinerja-v2.pdf", title, ["Capaian kinerja triwulan III (revisi)."])
    )
    page.get_by_label("Catatan perubahan").fill(note)
    page.get_by_role("button", name="Unggah versi baru").click()
