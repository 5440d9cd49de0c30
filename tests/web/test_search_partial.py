"""Search answers what citizens type (issue 17): metadata, partial answers."""

from __future__ import annotations

import pytest

from tests.web.test_search_api import a_document, ids, search


@pytest.fixture
def test_config(test_config):
    return {**test_config, "queue_url": "immediate"}


def test_the_information_type_finds_a_document_whose_text_does_not_say_it(client, cast):
    doc = a_document(
        client,
        cast,
        text="Tabel belanja per program semester pertama.",
        title="Realisasi Semester I",
        info_type="Laporan Realisasi Keuangan",
        publish="true",
    )
    assert ids(search(client, "laporan keuangan")) == [doc["id"]]


def test_a_partial_answer_says_so_in_the_api_and_on_the_page(client, cast):
    doc = a_document(
        client, cast, text="Peringatan dini banjir kali bekasi", publish="true"
    )
    a_document(
        client, cast, "dinkes", text="banjir zamrudrahasia", category="dikecualikan"
    )
    body = search(client, "banjir bekasi zamrudrahasia")
    assert body["partial"] is True
    assert body["unmatched"] == ["zamrudrahasia"]
    assert ids(body) == [doc["id"]]
    assert body["total"] == 1

    full = search(client, "banjir bekasi")
    assert (full["partial"], full["unmatched"]) == (False, [])
    assert search(client, "qqxyzzy plughqq")["items"] == []

    page = client.get("/cari", query_string={"q": "banjir bekasi zamrudrahasia"})
    html = page.get_data(as_text=True)
    assert "Tidak ada dokumen yang memuat semua kata" in html
    assert "<strong>zamrudrahasia</strong>" in html
    client.set_cookie("dms_lang", "en")
    english = client.get("/cari", query_string={"q": "banjir bekasi zamrudrahasia"})
    assert "No document contains every word" in english.get_data(as_text=True)


@pytest.mark.parametrize(
    "text",
    [" ".join(f"kata{n}" for n in range(1000)), "anggaran* *", "a*", "*"],
)
def test_bad_input_is_a_clear_400(client, text):
    response = client.get("/api/v1/documents", query_string={"q": text})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_an_unbalanced_quote_is_a_clear_400_on_the_api_and_the_page(client, cast):
    doc = a_document(client, cast, text="rencana kerja tahunan dinas", publish="true")
    response = client.get("/api/v1/documents", query_string={"q": '"rencana kerja'})
    assert response.status_code == 400
    assert "Tanda petik tidak berpasangan" in response.get_json()["error"]["message"]
    page = client.get("/cari", query_string={"q": '"rencana kerja'})
    assert page.status_code == 400
    assert "Tanda petik tidak berpasangan" in page.get_data(as_text=True)
    # Closed, straight or typographic, it is a phrase.
    assert ids(search(client, '"rencana kerja"')) == [doc["id"]]
    assert ids(search(client, "\u201crencana kerja\u201d")) == [doc["id"]]
    assert ids(search(client, '"kerja rencana"')) == []
