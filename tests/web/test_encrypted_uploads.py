"""An encrypted or password-protected PDF is accepted, with a clear warning to the
uploader (API answer, workspace flash) kept on the version for officers to see."""

from __future__ import annotations

import io

import pytest

from tests.helpers import a_pdf, add_version, post_multipart, upload
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_blob_integrity import store_app, store_archive, store_cast  # noqa: F401

ENCRYPTED = [
    "hostile/r6-user-password.pdf",  # AES-256, a user password is needed
    "hostile/empty_protected.pdf",  # opens with an empty password
    "hostile/rc4-40.pdf",
]
WARNING_WORDS = ("terenkripsi", "warga mungkin tidak dapat membukanya", "dicari")


@pytest.mark.parametrize("name", ENCRYPTED)
def test_an_encrypted_pdf_is_accepted_with_a_warning_in_the_api_answer(
    store_app,  # noqa: F811
    store_cast,  # noqa: F811
    corpus,
    name,
):
    client = store_app.test_client()
    content = (corpus / name).read_bytes()

    response = upload(client, store_cast, "utama", content=content, publish="true")

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert all(word in body["warning"] for word in WARNING_WORDS)
    assert body["versions"][0]["warning"] == body["warning"]
    assert client.get(body["download_url"]).data == content


def test_an_ordinary_pdf_carries_no_warning(store_app, store_cast, corpus):  # noqa: F811
    client = store_app.test_client()
    content = (corpus / "real/1728360418Informasi-tentang-peraturan.pdf").read_bytes()

    body = upload(client, store_cast, "utama", content=content).get_json()

    assert body["warning"] == ""
    assert body["versions"][0]["warning"] == ""


def test_a_new_encrypted_version_is_answered_with_the_warning(client, cast, corpus):
    document = upload(client, cast, "dinkes", content=a_pdf()).get_json()
    content = (corpus / "hostile/crazyones-encrypted-256.pdf").read_bytes()

    response = add_version(client, cast, "dinkes", document["id"], content)

    assert response.status_code == 201
    assert "terenkripsi" in response.get_json()["warning"]


def test_the_workspace_flashes_the_warning_and_the_document_page_keeps_it(
    app, cast, corpus
):
    browser = app.test_client()
    assert log_in(browser, "dinkes").status_code == 302
    content = (corpus / "hostile/r6-user-password.pdf").read_bytes()
    data = {
        "csrf_token": csrf_token(browser, "/ruang-kerja/unggah"),
        "title": "Laporan terkunci",
        "category": "berkala",
        "year": "2025",
        "dip_form": ["electronic"],
        "action": "draft",
        "file": (io.BytesIO(content), "terkunci.pdf"),
    }

    response = post_multipart(browser, "/ruang-kerja/unggah", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = browser.get(response.location).get_data(as_text=True)

    assert page.count("PDF ini terenkripsi atau dilindungi kata sandi") == 2
    again = browser.get(response.location).get_data(as_text=True)
    assert again.count("PDF ini terenkripsi atau dilindungi kata sandi") == 1
