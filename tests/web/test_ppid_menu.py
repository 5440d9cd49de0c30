"""Every organisation's PPID menu on the portal (profil, DIP, laporan, regulasi,
permohonan), its embeddable fragments, and the profile form in the workspace."""

from __future__ import annotations

import pytest

from tests.helpers import exempt_upload, upload
from tests.web.test_auth_pages import csrf_token, log_in

MENU = ("", "/dip", "/laporan", "/regulasi", "/permohonan")


@pytest.fixture
def logged_in(app, cast):
    def browser_of(username: str):
        browser = app.test_client()
        assert log_in(browser, username).status_code == 302
        return browser

    return browser_of


def _published(client, cast, org, **fields) -> int:
    response = upload(client, cast, "utama", publish="true", org=org, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _html(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["dinkes", "ppid-utama"])
def test_every_menu_page_of_an_opd_and_the_utama_opens_with_the_menu(
    client, cast, slug
):
    for item in MENU:
        page = _html(client.get(f"/opd/{slug}{item}"))
        assert 'class="ppid-menu"' in page
        assert f'href="/opd/{slug}/regulasi"' in page


def test_an_unknown_organisation_has_no_menu(client, cast):
    assert client.get("/opd/tidak-ada/dip").status_code == 404


def test_the_profile_edited_by_its_pelaksana_shows_on_the_public_page(
    logged_in, client
):
    browser = logged_in("dinkes")
    form = {
        "csrf_token": csrf_token(browser, "/ruang-kerja/profil/dinkes"),
        "address": "Jl. Contoh No. 5",
        "phone": "(0254) 111222",
        "officers": "Contoh Satu | Atasan PPID\nContoh Dua | PPID Pelaksana",
        "maklumat": "Kami melayani dengan sepenuh hati.",
    }

    saved = browser.post("/ruang-kerja/profil/dinkes", data=form)

    assert saved.status_code == 302
    page = _html(client.get("/opd/dinkes"))
    for text in ("Jl. Contoh No. 5", "Contoh Dua", "PPID Pelaksana", "sepenuh hati"):
        assert text in page


def test_a_pelaksana_cannot_open_another_organisations_profile_form(logged_in):
    assert logged_in("bpbd").get("/ruang-kerja/profil/dinkes").status_code == 403


def test_the_admin_edits_any_organisations_profile(logged_in, client):
    browser = logged_in("admin")
    token = csrf_token(browser, "/ruang-kerja/profil/bpbd")

    saved = browser.post(
        "/ruang-kerja/profil/bpbd", data={"csrf_token": token, "phone": "112"}
    )

    assert saved.status_code == 302
    assert client.get("/api/v1/organisations/bpbd").get_json()["phone"] == "112"


def test_an_officer_line_without_a_position_is_refused_on_the_form(logged_in, client):
    browser = logged_in("dinkes")
    form = {
        "csrf_token": csrf_token(browser, "/ruang-kerja/profil/dinkes"),
        "address": "Alamat baru",
        "officers": "Hanya Nama",
    }

    refused = browser.post("/ruang-kerja/profil/dinkes", data=form)

    assert refused.status_code == 422
    assert "Baris 1" in refused.get_data(as_text=True)
    assert client.get("/api/v1/organisations/dinkes").get_json()["address"] == ""


def test_the_dip_page_paginates_and_stays_small(client, cast, archive):
    from dms.organisations import menu

    for number in range(menu.DIP_PER_PAGE + 5):
        _published(client, cast, "dinkes", title=f"Informasi nomor {number:03d}")

    first = client.get("/opd/dinkes/dip")
    second = _html(client.get("/opd/dinkes/dip?page=2"))

    assert len(first.data) <= 100_000
    assert _html(first).count('<th scope="row">') == menu.DIP_PER_PAGE
    assert second.count('<th scope="row">') == 5
    assert 'rel="prev"' in second


def test_exempt_documents_never_show_in_the_menu_or_its_fragments(client, cast):
    secret = exempt_upload(
        client, cast, "dinkes", title="Peraturan rahasia dikecualikan"
    )
    _published(client, cast, "dinkes", title="Peraturan Daerah Nomor 1 Tahun 2025")

    pages = [client.get(f"/opd/dinkes{item}") for item in MENU]
    pages += [client.get(f"/opd/dinkes/sematan/{item}") for item in ("dip", "regulasi")]
    pages += [client.get(f"/opd/dinkes/sematan/{i}.json") for i in ("dip", "regulasi")]

    for response in pages:
        assert response.status_code == 200
        assert secret["title"] not in response.get_data(as_text=True)
    assert "Peraturan Daerah Nomor 1" in _html(client.get("/opd/dinkes/regulasi"))


@pytest.mark.parametrize("item", ["profil", "dip", "laporan", "regulasi", "permohonan"])
def test_a_fragment_is_plain_html_without_scripts_and_may_be_framed(client, cast, item):
    fragment = client.get(f"/opd/dinkes/sematan/{item}")
    data = client.get(f"/opd/dinkes/sematan/{item}.json")

    text = _html(fragment)
    assert "<script" not in text.lower()
    policy = fragment.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors *" in policy
    assert "X-Frame-Options" not in fragment.headers
    # Every other page still refuses to be framed.
    assert client.get("/opd/dinkes/dip").headers["X-Frame-Options"] == "DENY"
    assert data.get_json()["organisation"]["slug"] == "dinkes"
    assert data.get_json()["url"].startswith("http://localhost/opd/dinkes")


def test_an_unknown_fragment_or_year_is_refused(client, cast):
    assert client.get("/opd/dinkes/sematan/lainnya").status_code == 404
    assert client.get("/opd/dinkes/laporan?tahun=abc").status_code == 400
