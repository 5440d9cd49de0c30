"""Issue 19: an officer links documents to a request's answer by searching their
titles (a plain GET search box listing matching published documents with
checkboxes, no JavaScript) instead of typing IDs. Only published public
documents are ever listed."""

from __future__ import annotations

from tests.helpers import upload
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_request_workflow import file_now, published_document


def _page(number: str) -> str:
    return f"/ruang-kerja/permohonan/{number}"


def test_the_officer_finds_documents_by_title_and_links_the_ticked_ones(
    app, client, cast, archive
):
    anggaran = published_document(client, cast, "Laporan Realisasi Anggaran 2025")
    other = published_document(client, cast, "Rencana Anggaran Dinas 2026")
    published_document(client, cast, "Peta Rawan Banjir")
    number, secret = file_now(archive)
    officer = app.test_client()
    log_in(officer, "utama")

    html = officer.get(
        _page(number), query_string={"cari": "realisasi ANGGARAN"}
    ).get_data(as_text=True)

    assert f'name="linked" value="{anggaran}"' in html
    assert f'value="{other}"' not in html  # not every word is in its title
    assert "Peta Rawan Banjir" not in html
    assert 'for="cari-dokumen"' in html and "<script" not in html
    answered = officer.post(
        f"{_page(number)}/jawab?cari=anggaran",
        data={
            "csrf_token": csrf_token(officer, _page(number)),
            "outcome": "granted",
            "linked": str(anggaran),
        },
    )
    assert answered.status_code == 303, answered.get_data(as_text=True)[:2000]
    status = client.get(f"/permohonan/status/{number}?kunci={secret}")
    assert "Laporan Realisasi Anggaran 2025" in status.get_data(as_text=True)


def test_drafts_and_exempt_documents_are_never_offered(app, client, cast, archive):
    draft = upload(client, cast, "dinkes", title="Anggaran rahasia draf").get_json()
    assert draft["status"] == "draft"
    number, _secret = file_now(archive)
    officer = app.test_client()
    log_in(officer, "utama")

    html = officer.get(_page(number), query_string={"cari": "anggaran"}).get_data(
        as_text=True
    )

    assert "Anggaran rahasia draf" not in html
    assert "Tidak ada dokumen terbit yang judulnya memuat" in html


def test_a_refused_answer_keeps_the_search_and_the_ticked_document(
    app, client, cast, archive
):
    anggaran = published_document(client, cast, "Laporan Realisasi Anggaran 2025")
    number, _secret = file_now(archive)
    officer = app.test_client()
    log_in(officer, "utama")

    refused = officer.post(
        f"{_page(number)}/jawab?cari=anggaran",
        data={
            "csrf_token": csrf_token(officer, _page(number)),
            "linked": str(anggaran),
        },
    )

    assert refused.status_code == 422
    assert f'name="linked" value="{anggaran}" checked' in refused.get_data(as_text=True)


def test_percent_and_underscore_are_searched_literally(app, client, cast, archive):
    published_document(client, cast, "Capaian 100% vaksinasi")
    published_document(client, cast, "Capaian 1000 vaksinasi")
    number, _secret = file_now(archive)
    officer = app.test_client()
    log_in(officer, "utama")

    html = officer.get(_page(number), query_string={"cari": "100%"}).get_data(
        as_text=True
    )

    assert "Capaian 100% vaksinasi" in html
    assert "Capaian 1000 vaksinasi" not in html
