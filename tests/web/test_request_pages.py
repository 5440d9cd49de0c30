"""Citizens file requests for information on the portal and through the API:
number, receipt, status link, Cek Status, spam guards, privacy."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import func, select

from dms.requests.models import InformationRequest, RequestFile
from tests.helpers import post_multipart
from tests.requests_helpers import NIK, a_png, a_request, answer_to

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHALLENGE = re.compile(r'name="challenge_token" value="([^"]+)"')
QUESTION = re.compile(r"Berapakah (\d+) ditambah (\d+)\?")
NUMBER = re.compile(r"PPID-\d{4}-\d{6}")
STATUS_LINK = re.compile(r'href="(http://localhost/permohonan/status/[^"]+)"')
PERSONAL = (NIK, "siti@contoh.id", "081234567890", "Veteran", "Wiraswasta")


def form_guards(client) -> dict[str, str]:
    """The CSRF token, the challenge token and the right answer of a fresh form."""
    page = client.get("/permohonan").get_data(as_text=True)
    first, second = QUESTION.search(page).groups()
    return {
        "csrf_token": CSRF.search(page).group(1),
        "challenge_token": CHALLENGE.search(page).group(1),
        "challenge_answer": str(int(first) + int(second)),
    }


def file_on_portal(client, files=None, **changes):
    data = {**form_guards(client), **a_request(**changes), **(files or {})}
    return post_multipart(client, "/permohonan", data)


def requests_in(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(InformationRequest))


def filed_on_portal(client) -> tuple[str, str]:
    """File one request with an identity photo; (number, status link)."""
    ktp = (io.BytesIO(a_png()), "ktp.png")
    response = file_on_portal(client, files={"identity": ktp})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return NUMBER.search(page).group(0), unescape(STATUS_LINK.search(page).group(1))


# --- the form ------------------------------------------------------------------------


def test_a_request_filed_on_the_portal_gets_its_number_receipt_and_status_link(
    client, archive
):
    response = file_on_portal(
        client, files={"identity": (io.BytesIO(a_png()), "k.png")}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "PPID-" in page and "Permohonan Anda diterima" in page
    number = NUMBER.search(page).group(0)
    receipt_url = unescape(re.search(r'href="([^"]*bukti\.pdf[^"]*)"', page).group(1))
    status_link = unescape(STATUS_LINK.search(page).group(1))
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200
    assert receipt.headers["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(receipt.data))
    assert number in text and "Siti Aminah" in text
    assert "************0001" in text and NIK not in text
    assert "Laporan realisasi anggaran" in text
    status = client.get(status_link.removeprefix("http://localhost"))
    assert status.status_code == 200
    assert "Diterima, menunggu diproses" in status.get_data(as_text=True)
    # The secret is shown once: the confirmation does not come back.
    assert client.get("/permohonan/terkirim").status_code == 302


def test_the_form_has_labels_a_honeypot_and_a_challenge_and_needs_no_script(client):
    page = client.get("/permohonan").get_data(as_text=True)

    for name in ("name", "identity_number", "email", "information_requested"):
        assert f'<label for="permohonan-{name}">' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'class="honeypot" aria-hidden="true"' in page
    assert QUESTION.search(page) and "<script" not in page


def test_a_validation_error_shows_the_form_again_and_stores_nothing(client, archive):
    response = file_on_portal(client, identity_number="12345")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#permohonan-identity_number">NIK harus 16 angka' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Siti Aminah"' in page  # what was typed is kept
    assert requests_in(archive) == 0
    assert list(archive.storage.keys()) == []
    number, _link = filed_on_portal(client)
    assert number.endswith("-000001")


def test_a_filled_honeypot_or_a_wrong_answer_is_refused(client, archive):
    bot = file_on_portal(client, situs_web="http://spam.example")
    wrong = post_multipart(
        client,
        "/permohonan",
        {**form_guards(client), **a_request(), "challenge_answer": "999"},
    )
    forged = post_multipart(
        client,
        "/permohonan",
        {**form_guards(client), **a_request(), "challenge_token": "palsu"},
    )

    assert (bot.status_code, wrong.status_code, forged.status_code) == (422, 422, 422)
    assert "Jawaban pertanyaan pengaman salah" in wrong.get_data(as_text=True)
    assert "tidak valid; muat ulang formulir" in forged.get_data(as_text=True)
    assert requests_in(archive) == 0


def test_a_form_without_its_csrf_token_is_refused(client, archive):
    guards = form_guards(client)
    del guards["csrf_token"]

    response = post_multipart(client, "/permohonan", {**guards, **a_request()})

    assert response.status_code == 400
    assert requests_in(archive) == 0


def test_the_home_page_links_the_request_form(client):
    page = client.get("/").get_data(as_text=True)

    assert 'href="/permohonan"' in page and "Formulir permohonan informasi" in page


# --- Cek Status ----------------------------------------------------------------------


def check(client, **fields):
    page = client.get("/permohonan/cek").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    return client.post("/permohonan/cek", data={"csrf_token": token, **fields})


def test_cek_status_by_number_and_email_shows_the_state_but_no_personal_data(
    client, app
):
    number, _link = filed_on_portal(client)
    citizen = app.test_client()

    response = check(citizen, number=number.lower(), email="SITI@contoh.id")

    assert response.status_code == 303
    page = citizen.get(response.headers["Location"]).get_data(as_text=True)
    assert number in page and "Diterima, menunggu diproses" in page
    for personal in PERSONAL:
        assert personal not in page
    # Checked by email in this session: the receipt too, but not the withdrawal.
    assert citizen.get(f"/permohonan/{number}/bukti.pdf").status_code == 200
    assert "Batalkan permohonan ini" not in page


def test_cek_status_by_secret_leads_to_the_status_link(client, app):
    number, link = filed_on_portal(client)
    secret = link.rsplit("kunci=", 1)[1]

    response = check(app.test_client(), number=number, secret=secret)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"kunci={secret}")


def test_wrong_checks_all_answer_the_same_404(client, app):
    number, link = filed_on_portal(client)
    stranger = app.test_client()

    answers = [
        check(stranger, number=number, email="lain@contoh.id"),
        check(stranger, number=number, secret="tebakan"),
        check(stranger, number="PPID-2020-000001", email="siti@contoh.id"),
        check(stranger, number=number),
    ]

    assert {a.status_code for a in answers} == {404}
    messages = {re.search(r'role="alert".*?<p>(.*?)</p>', a.get_data(as_text=True),
                          re.S).group(1) for a in answers}  # fmt: skip
    assert len(messages) == 1
    wrong_key = link.rsplit("kunci=", 1)[0] + "kunci=salah"
    assert stranger.get(wrong_key.removeprefix("http://localhost")).status_code == 404
    assert stranger.get(f"/permohonan/status/{number}").status_code == 404
    assert stranger.get(f"/permohonan/{number}/bukti.pdf").status_code == 404


def test_the_requester_withdraws_from_the_status_page(client, archive):
    number, link = filed_on_portal(client)
    page = client.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    token = CSRF.search(page).group(1)
    secret = link.rsplit("kunci=", 1)[1]

    response = client.post(
        f"/permohonan/{number}/batal", data={"csrf_token": token, "kunci": secret}
    )

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dibatalkan oleh pemohon" in page and "telah dibatalkan" in page


# --- the API -------------------------------------------------------------------------


def api_guards(client) -> dict[str, str]:
    found = client.get("/api/v1/requests/challenge").get_json()
    return {
        "challenge_token": found["token"],
        "challenge_answer": answer_to(found["question"]),
    }


def test_the_api_files_a_request_and_cek_status_by_email_or_secret(client):
    response = client.post(
        "/api/v1/requests", json={**a_request(), **api_guards(client)}
    )

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    number, secret = body["number"], body["secret"]
    assert body["status_url"].endswith(f"/permohonan/status/{number}?kunci={secret}")
    assert body["receipt_url"].endswith(
        f"/permohonan/{number}/bukti.pdf?kunci={secret}"
    )
    assert body["due_on"] and body["state"] == "submitted"
    by_email = client.get(f"/api/v1/requests/{number}?email=Siti@Contoh.id")
    by_secret = client.get(f"/api/v1/requests/{number}?secret={secret}")
    assert by_email.status_code == by_secret.status_code == 200
    assert by_email.get_json() == by_secret.get_json()
    for personal in PERSONAL:
        assert personal not in by_email.get_data(as_text=True)
    wrong = [
        client.get(f"/api/v1/requests/{number}?email=lain@contoh.id"),
        client.get(f"/api/v1/requests/{number}?secret=salah"),
        client.get(f"/api/v1/requests/{number}"),
        client.get("/api/v1/requests/PPID-2020-000001?email=siti@contoh.id"),
    ]
    assert {w.status_code for w in wrong} == {404}
    assert len({w.get_data() for w in wrong}) == 1


def test_the_api_withdraws_with_the_secret_and_only_once(client):
    body = client.post(
        "/api/v1/requests", json={**a_request(), **api_guards(client)}
    ).get_json()
    path = f"/api/v1/requests/{body['number']}/withdraw"

    first = client.post(path, json={"secret": body["secret"]})
    second = client.post(path, json={"secret": body["secret"]})

    assert first.status_code == 200 and first.get_json()["state"] == "withdrawn"
    assert second.status_code == 409


def test_anonymous_api_callers_answer_the_challenge_and_officers_need_not(client, cast):
    unanswered = client.post("/api/v1/requests", json=a_request())
    walk_in = client.post(
        "/api/v1/requests",
        json=a_request(channel="walk_in", email="", delivery="collect"),
        headers=cast.auth("utama"),
    )

    assert unanswered.status_code == 422
    assert unanswered.get_json()["error"]["field"] == "challenge_answer"
    assert walk_in.status_code == 201, walk_in.get_json()
    assert walk_in.get_json()["channel"] == "walk_in"


def test_api_validation_errors_name_the_field(client, archive):
    response = client.post(
        "/api/v1/requests",
        json={**a_request(email="siti(at)contoh"), **api_guards(client)},
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "email"
    assert requests_in(archive) == 0


def test_multipart_api_submissions_store_the_identity_file(client, archive):
    data = {
        **a_request(),
        **api_guards(client),
        "identity": (io.BytesIO(a_png()), "ktp.png"),
    }

    response = post_multipart(client, "/api/v1/requests", data)

    assert response.status_code == 201, response.get_json()
    with archive.reading() as session:
        assert session.scalar(select(RequestFile.kind)) == "identity"


def test_submissions_are_rate_limited_per_address_across_form_and_api(client):
    statuses = [
        client.post("/api/v1/requests", json={"name": "x"}).status_code
        for _ in range(6)
    ]

    assert statuses == [422] * 5 + [429]
    assert file_on_portal(client).status_code == 429


# --- privacy -------------------------------------------------------------------------


def test_identity_files_are_never_downloadable_by_anonymous_callers(client, archive):
    number, link = filed_on_portal(client)
    with archive.reading() as session:
        stored = session.scalars(select(RequestFile)).one()
        sha256, filename = stored.blob_sha256, stored.filename

    pages = [
        client.get(link.removeprefix("http://localhost")),
        client.get(f"/api/v1/requests/{number}?email=siti@contoh.id"),
    ]
    for page in pages:
        text = page.get_data(as_text=True)
        assert sha256 not in text and filename not in text
    for path in (
        "/api/v1/documents/1/download",
        f"/api/v1/requests/{number}/files/1",
        f"/permohonan/{number}/ktp.png",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("path", ["/permohonan", "/permohonan/cek"])
def test_the_request_pages_are_indonesian_and_english(client, path):
    indonesian = client.get(path).get_data(as_text=True)
    client.set_cookie("dms_lang", "en")
    english = client.get(path).get_data(as_text=True)

    assert "Cek status permohonan" in indonesian
    assert "Check the status of a request" in english
