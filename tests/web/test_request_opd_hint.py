"""A citizen who comes from an OPD's PPID page files a request addressed to that
OPD: a hint the PPID Utama sees and its disposition form preselects, never a
disposition of its own."""

from __future__ import annotations

import io
import re
from html import unescape

from pdfminer.high_level import extract_text
from sqlalchemy import select

from dms.requests.models import InformationRequest
from tests.requests_helpers import a_request
from tests.web.test_auth_pages import log_in
from tests.web.test_request_pages import file_on_portal, requests_in

SELECT = re.compile(r'<select id="permohonan-opd" name="opd"[^>]*>(.*?)</select>', re.S)


def opd_select(page: str) -> str:
    found = SELECT.search(page)
    assert found, "the form has no OPD choice"
    return found.group(1)


def filed(archive) -> dict:
    """The one filed request: number, state, hint and dispositions."""
    with archive.reading() as session:
        found = session.scalars(select(InformationRequest)).one()
        hinted = found.hinted_organisation
        return {
            "number": found.number,
            "state": found.state,
            "hint": hinted.slug if hinted else None,
            "dispositions": len(found.dispositions),
        }


def test_the_form_opened_from_an_opd_page_preselects_that_opd(client, cast):
    page = client.get("/permohonan?opd=dinkes").get_data(as_text=True)

    choice = opd_select(page)
    assert '<option value="dinkes" selected>Dinas Kesehatan</option>' in choice
    assert '<option value="">— tidak tahu / biarkan PPID memilih —</option>' in choice
    assert '<label for="permohonan-opd">Ditujukan kepada (OPD)</label>' in page


def test_the_form_without_a_hint_or_with_an_unknown_one_preselects_nothing(
    client, cast
):
    for url in ("/permohonan", "/permohonan?opd=tidak-ada", "/permohonan?opd=%3Cx%3E"):
        response = client.get(url)
        assert response.status_code == 200
        choice = opd_select(response.get_data(as_text=True))
        assert "selected" not in choice
        assert '<option value="bpbd">' in choice


def test_the_opd_page_and_its_fragment_link_the_form_with_the_opd(client, cast):
    page = client.get("/opd/dinkes/permohonan").get_data(as_text=True)
    fragment = client.get("/opd/dinkes/sematan/permohonan.json").get_json()

    assert 'href="/permohonan?opd=dinkes"' in page
    assert fragment["form_url"] == "http://localhost/permohonan?opd=dinkes"


def test_a_hinted_request_stays_with_the_utama_who_sees_the_hint_preselected(
    client, archive, cast
):
    response = file_on_portal(client, opd="dinkes")
    assert response.status_code == 303

    found = filed(archive)
    assert found == {**found, "state": "submitted", "hint": "dinkes"}
    assert found["dispositions"] == 0
    log_in(client, "utama")
    page = client.get(f"/ruang-kerja/permohonan/{found['number']}").get_data(
        as_text=True
    )
    assert "Ditujukan pemohon kepada" in page and "Dinas Kesehatan" in page
    assert 'value="dinkes" checked' in page
    assert 'value="bpbd" checked' not in page


def test_the_hint_is_on_the_receipt(client, archive, cast):
    response = file_on_portal(client, opd="bpbd")
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    receipt_url = unescape(re.search(r'href="([^"]*bukti\.pdf[^"]*)"', page).group(1))
    text = extract_text(io.BytesIO(client.get(receipt_url).data))
    assert "Ditujukan kepada" in text
    assert "Badan Penanggulangan Bencana Daerah" in text


def test_a_request_without_a_hint_is_filed_as_before(client, archive, cast):
    response = file_on_portal(client, opd="")
    assert response.status_code == 303

    found = filed(archive)
    assert found["hint"] is None and found["state"] == "submitted"
    log_in(client, "utama")
    page = client.get(f"/ruang-kerja/permohonan/{found['number']}").get_data(
        as_text=True
    )
    assert "Ditujukan pemohon kepada" not in page
    assert " checked" not in page


def test_an_unknown_opd_is_refused_on_its_field_and_nothing_is_filed(
    client, archive, cast
):
    response = file_on_portal(client, opd="dinas-rahasia")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="permohonan-opd-error"' in page and "OPD tujuan tidak dikenal" in page
    assert requests_in(archive) == 0


def test_the_api_takes_the_hint_and_shows_it(client, archive, cast):
    challenge = client.get("/api/v1/requests/challenge").get_json()
    first, second = re.search(r"(\d+) ditambah (\d+)", challenge["question"]).groups()
    body = {
        **a_request(),
        "opd": "dinkes",
        "challenge_token": challenge["token"],
        "challenge_answer": str(int(first) + int(second)),
    }

    response = client.post("/api/v1/requests", json=body)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["addressed_to"] == {
        "slug": "dinkes",
        "name": "Dinas Kesehatan",
    }
    assert filed(archive)["state"] == "submitted"


def test_the_api_refuses_an_unknown_opd(client, archive, cast):
    response = client.post(
        "/api/v1/requests",
        json={**a_request(), "opd": "tidak-ada"},
        headers=cast.auth("utama"),
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "opd"
    assert requests_in(archive) == 0
