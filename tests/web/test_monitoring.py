"""The monitoring page (/ruang-kerja/pemantauan): who may open it, what it shows,
and the download counting behind its download figures."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from dms.monitoring.models import DownloadCount
from tests.helpers import a_pdf, add_version, exempt_upload, local_today, upload
from tests.integration.test_monitoring import records  # noqa: F401  (fixture)
from tests.integration.test_registers import publish

PAGE = "/ruang-kerja/pemantauan"


def html(response) -> str:
    assert response.status_code == 200, response.data[:500]
    return response.get_data(as_text=True)


# --- access ----------------------------------------------------------------------


def test_a_citizen_is_sent_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("username", ["admin", "atasan"])
def test_other_roles_are_refused(officer, username):
    assert officer(username).get(PAGE).status_code == 403


def test_a_pelaksana_sees_its_own_organisation_only(officer, records):  # noqa: F811
    browser = officer("dinkes")
    page = html(browser.get(f"{PAGE}?year=2025"))

    assert "Dinas Kesehatan, tahun 2025." in page
    assert "Badan Penanggulangan Bencana Daerah" not in page
    assert 'name="org"' not in page  # no organisation chooser
    assert browser.get(f"{PAGE}?year=2025&org=bpbd").status_code == 403
    assert browser.get(f"{PAGE}?org=dinkes").status_code == 200


def test_the_utama_sees_every_organisation_and_may_choose_one(
    officer,
    records,  # noqa: F811
):
    browser = officer("utama")
    everything = html(browser.get(f"{PAGE}?year=2025"))
    one = html(browser.get(f"{PAGE}?year=2025&org=bpbd"))

    assert "Seluruh organisasi, tahun 2025." in everything
    assert '<th scope="row">Dinas Kesehatan</th>' in everything
    assert '<th scope="row">Badan Penanggulangan Bencana Daerah</th>' in everything
    assert "Badan Penanggulangan Bencana Daerah, tahun 2025." in one
    assert '<option value="bpbd" selected>' in one
    assert browser.get(f"{PAGE}?org=tidak-ada").status_code == 404


def test_the_year_is_chosen_with_a_plain_form(officer):
    browser = officer("utama")
    page = html(browser.get(PAGE))

    assert re.search(r'<form method="get" action="/ruang-kerja/pemantauan"', page)
    assert '<label for="pilih-year">Tahun</label>' in page
    assert browser.get(f"{PAGE}?year=abc").status_code == 400
    assert browser.get(f"{PAGE}?year=1800").status_code == 400


def test_the_workspace_links_the_page(officer):
    assert f'href="{PAGE}"' in html(officer("utama").get("/ruang-kerja"))
    assert f'href="{PAGE}"' in html(officer("dinkes").get("/ruang-kerja"))


# --- what the page shows -----------------------------------------------------------


def test_each_chart_stands_beside_its_table(officer, records):  # noqa: F811
    page = html(officer("utama").get(f"{PAGE}?year=2025"))

    assert page.count('role="img"') == 5
    for chart_id in ("grafik-permohonan", "grafik-waktu-jawab", "grafik-unduhan"):
        assert f'aria-labelledby="{chart_id}-judul {chart_id}-uraian"' in page
        assert f'<title id="{chart_id}-judul">' in page
        assert f'<desc id="{chart_id}-uraian">' in page
    assert "style=" not in page and "<script" not in page
    assert ">Permohonan yang diterima per bulan, 2025</caption>" in page
    assert (
        page.count('role="region" tabindex="0" aria-labelledby="tabel-') == 8
    )  # no stale table
    assert '<tr><th scope="row">Maret</th><td>3</td></tr>' in page
    assert (
        '<tr><th scope="row">Dinas Kesehatan</th><td>3</td><td>4,3</td><td>10</td>'
        "<td>—</td></tr>" in page
    )  # p90 of 10 working days: not slow
    assert "OPD lambat" in page and ": 0 dari 3." in page
    assert "PPID-2024-000008" in page  # overdue today
    assert '<th scope="col">Struktur organisasi</th>' in page


def test_the_page_is_in_english_too(officer, records):  # noqa: F811
    browser = officer("utama")
    browser.get("/bahasa/en")
    page = html(browser.get(f"{PAGE}?year=2025"))

    assert 'lang="en"' in page
    assert page.count('role="img"') == 5


# --- counting downloads ------------------------------------------------------------


def counts(archive, document_id: int) -> int:
    with archive.reading() as session:
        return sum(
            session.scalars(
                select(DownloadCount.count).where(
                    DownloadCount.document_id == document_id
                )
            )
        )


@pytest.fixture
def public_document(client, cast) -> int:
    return publish(client, cast, "Profil Dinas Kesehatan", "dinkes")


def test_each_public_get_counts_once_on_the_local_day(client, archive, public_document):
    url = f"/api/v1/documents/{public_document}/download"
    assert client.get(url).status_code == 200
    assert (
        client.get(
            f"/api/v1/documents/{public_document}/versions/1/download"
        ).status_code
        == 200
    )

    assert counts(archive, public_document) == 2
    with archive.reading() as session:
        (row,) = session.scalars(select(DownloadCount)).all()
    assert row.day == archive.settings.local_today()


def test_head_304_and_later_ranges_are_not_counted(client, archive, public_document):
    url = f"/api/v1/documents/{public_document}/download"
    etag = client.head(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"Range": "bytes=100-199"}).status_code == 206
    assert counts(archive, public_document) == 0

    first_chunk = client.get(url, headers={"Range": "bytes=0-99"})
    assert first_chunk.status_code == 206
    assert counts(archive, public_document) == 1


def test_downloads_the_public_cannot_make_are_not_counted(
    client, cast, archive, public_document
):
    draft = upload(client, cast, "dinkes", title="Draf", publish="false").get_json()
    exempt = exempt_upload(client, cast, "dinkes", title="Rekam Medis")
    assert (
        add_version(client, cast, "dinkes", public_document, a_pdf("v2")).status_code
        == 201
    )
    staff = cast.auth("dinkes")

    for path in (
        f"/api/v1/documents/{draft['id']}/download",
        f"/api/v1/documents/{exempt['id']}/download",
        f"/api/v1/documents/{public_document}/versions/2/download",
    ):
        assert client.get(path, headers=staff).status_code == 200, path
        assert client.get(path).status_code == 404, path
    for document_id in (draft["id"], exempt["id"], public_document):
        assert counts(archive, document_id) == 0


def test_a_failed_count_never_breaks_the_download(
    client, archive, public_document, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("dms.web.downloads.count_download", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/api/v1/documents/{public_document}/download")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "not counted" in caplog.text


def test_counted_downloads_reach_the_page(client, officer, public_document):
    for _ in range(3):
        client.get(f"/api/v1/documents/{public_document}/download")
    year = local_today().year

    page = html(officer("dinkes").get(f"{PAGE}?year={year}"))
    assert re.search(r"Profil Dinas Kesehatan</a></th><td>3</td>", page), (
        "the most downloaded table"
    )
