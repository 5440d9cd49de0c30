"""The atasan PPID sees what they decide: the whole lembar pengujian konsekuensi,
the document under test and a draft of the penetapan, on a page that passes
axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

from tests.browser.officers import unique_word
from tests.browser.test_exemption import (
    propose_exemption,
    publish_for_dinkes,
    record_test,
)

SHOWN = (
    "Nama dan diagnosis pasien rujukan",  # the specific information
    "Daftar pasien rujukan 2026",  # the source documents
    "h. mengungkap rahasia pribadi",  # the Ps. 17 ground
    "angka/butir 2",  # and its sub-item
    "UU 14/2008 Pasal 17 huruf h angka 2",
    "Riwayat kesehatan pasien terungkap.",  # consequence of opening
    "Statistik rujukan tetap diumumkan.",  # consequence of closing
    "Dikecualikan seluruhnya",  # the decision
    "tanpa batas waktu",  # the period
    "Kepala Diskominfo selaku PPID Utama",  # the participants
    "Kepala Dinas Kesehatan",
    "Kota Mandiri",  # the place
)


def test_the_atasan_sees_every_field_of_the_test_before_approving(
    page_as, assert_accessible
):
    title = f"Daftar Pasien Rujukan {unique_word().capitalize()}"
    document_id = publish_for_dinkes(page_as("utama", java_script_enabled=False), title)
    test_id = propose_exemption(page_as("dinkes"), document_id)
    record_test(page_as("utama"), test_id)

    atasan = page_as("atasan")
    response = atasan.goto(f"/ruang-kerja/uji/{test_id}")

    assert response.status == 200
    lembar = atasan.get_by_role("region", name="Isi lembar pengujian konsekuensi")
    for expected in SHOWN:
        assert lembar.get_by_text(expected, exact=False).count() > 0, expected
    document = lembar.get_by_role("link", name=f"Buka {title}")
    assert document.get_attribute("href") == f"/ruang-kerja/uji/{test_id}/dokumen"
    draft = lembar.get_by_role("link", name="Lihat draf penetapan (PDF)")
    assert draft.get_attribute("href").endswith("/draf-penetapan.pdf")
    with atasan.expect_download() as downloading:
        document.click()
    assert downloading.value.suggested_filename == "rujukan.pdf"
    draft_pdf = atasan.request.get(draft.get_attribute("href"))
    assert draft_pdf.status == 200
    assert draft_pdf.headers["content-type"] == "application/pdf"
    assert atasan.get_by_role("button", name="Setujui", exact=True).is_visible()
    assert_accessible(atasan)
