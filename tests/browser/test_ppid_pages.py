"""The PPID pages in Chromium with axe-core (WCAG 2.1 A/AA): the profile form a
Pelaksana fills in, the five menu pages of an OPD and of the PPID Utama, the
audit trail and the DIP import page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

MENU = ("", "/dip", "/laporan", "/regulasi", "/permohonan")


def test_a_pelaksana_edits_its_profile_and_citizens_read_it(
    page_as, page, assert_accessible
):
    officer = page_as("dinkes")
    officer.goto("/ruang-kerja/profil/dinkes")
    assert_accessible(officer)

    officer.get_by_label("Alamat").fill("Jl. Uji Peramban No. 7")
    officer.get_by_label("Pejabat PPID").fill("Contoh Peramban | PPID Pelaksana")
    officer.get_by_role("button", name="Simpan profil").click()

    expect(officer.get_by_role("status")).to_contain_text("Profil organisasi disimpan")
    assert_accessible(officer)
    page.goto("/opd/dinkes")
    expect(page.get_by_text("Jl. Uji Peramban No. 7")).to_be_visible()
    expect(page.get_by_role("cell", name="Contoh Peramban")).to_be_visible()


def test_a_refused_profile_field_is_announced_and_linked(page_as, assert_accessible):
    officer = page_as("dinkes")
    officer.goto("/ruang-kerja/profil/dinkes")

    officer.get_by_label("Email PPID").fill("bukan-email")
    officer.get_by_role("button", name="Simpan profil").click()

    expect(officer.get_by_role("alert")).to_contain_text("Alamat email tidak valid")
    assert_accessible(officer)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("slug", ["dinkes", "ppid-utama"])
@pytest.mark.parametrize("item", MENU)
def test_the_menu_pages_pass_axe(page, assert_accessible, slug, item, language):
    assert page.goto(f"/bahasa/{language}").status == 200

    response = page.goto(f"/opd/{slug}{item}")

    assert response.status == 200
    expect(page.get_by_role("navigation", name="PPID")).to_be_visible()
    assert_accessible(page)


def test_the_audit_trail_filters_and_passes_axe(page_as, assert_accessible):
    utama = page_as("utama")
    utama.goto("/ruang-kerja/jejak-audit")
    assert_accessible(utama)

    utama.get_by_label("Aksi").select_option("document.create")
    utama.get_by_role("button", name="Tampilkan").click()

    expect(utama.get_by_role("table")).to_contain_text("document.create")
    assert_accessible(utama)


def test_the_dip_import_page_passes_axe(page_as, assert_accessible):
    officer = page_as("dinkes")

    officer.goto("/ruang-kerja/impor/dip")

    assert_accessible(officer)
