"""The citizens' portal: the home page, document pages, browsing by category, year
and organisation. Plain server-rendered HTML that shows only public documents."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from dms.db import utcnow
from dms.documents.models import DocumentVersion
from dms.web.public import portal
from tests.helpers import (
    a_pdf,
    add_version,
    an_exemption_record,
    exempt_upload,
    post_multipart,
    upload,
)

PORTAL_PATHS = (
    "/",
    "/cari?q=laporan",
    "/opd",
    "/opd/dinkes",
    "/kategori/berkala",
    "/kategori/serta_merta",
    "/kategori/setiap_saat",
    "/tahun/2025",
)


def published(client, cast, title, *, username="utama", **fields) -> dict:
    fields.setdefault("publish", "true")
    response = upload(client, cast, username, title=title, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.data[:300])
    return response.get_data(as_text=True)


def main_of(html: str) -> str:
    """The page's main landmark, without the shared header and footer."""
    return html[html.index('<main id="isi"') : html.index("</main>")]


def document_path(document: dict) -> str:
    return f"/dokumen/{document['id']}"


def set_created_at(archive, document_id: int, age: timedelta) -> None:
    with archive.transaction() as session:
        for version in session.scalars(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        ):
            version.created_at = utcnow() - age


# --- the home page -------------------------------------------------------------------


def test_a_citizen_sees_pinned_announcements_then_the_newest_documents(client, cast):
    flood = published(
        client,
        cast,
        "Banjir Rob di Pesisir Utara",
        category="serta_merta",
        org="bpbd",
        event_at="2026-03-12T08:30:00+07:00",
    )
    report = published(client, cast, "Laporan Keuangan 2025", year="2025")

    html = html_of(client, "/")

    assert html.count("<h1") == 1
    assert html.index("Pengumuman serta merta") < html.index("Dokumen terbaru")
    assert html.index(f'href="{document_path(flood)}"') < html.index("Dokumen terbaru")
    newest = html[html.index("Dokumen terbaru") :]
    assert f'href="{document_path(report)}">Laporan Keuangan 2025</a>' in newest
    assert 'href="/kategori/berkala"' in html and 'href="/opd"' in html
    assert 'href="/tahun/2025"' in html
    assert 'href="/dip"' in html and 'href="/dik"' in html
    assert 'href="/feeds/serta-merta.atom"' in html


def test_the_newest_documents_come_first_and_stop_at_ten(client, cast):
    made = [published(client, cast, f"Pengumuman Lelang {n}") for n in range(11)]

    newest = main_of(html_of(client, "/"))

    assert f'href="{document_path(made[-1])}"' in newest
    assert f'href="{document_path(made[0])}"' not in newest
    assert newest.index(made[-1]["title"]) < newest.index(made[-2]["title"])


# --- the document page ---------------------------------------------------------------


def test_the_document_page_shows_metadata_dip_fields_and_every_public_version(
    client, cast
):
    document = published(
        client,
        cast,
        "Laporan Realisasi Anggaran 2025",
        org="dinkes",
        year="2025",
        summary="Realisasi pendapatan dan belanja.",
        info_type="laporan keuangan",
        dip_responsible="Kepala Sub Bagian Keuangan",
        dip_production_place="Kota Mandiri",
        dip_retention="10 tahun",
        dip_form="print,electronic",
    )
    second = add_version(
        client,
        cast,
        "utama",
        document["id"],
        a_pdf("Realisasi yang dikoreksi"),
        filename="lra-revisi.pdf",
        note="Koreksi angka belanja modal",
    )
    assert second.status_code == 201

    html = html_of(client, document_path(document))

    assert "<h1" in html and html.count("<h1") == 1
    assert "Laporan Realisasi Anggaran 2025</h1>" in html
    assert "Realisasi pendapatan dan belanja." in html
    assert 'href="/kategori/berkala">Berkala</a>' in html
    assert 'href="/opd/dinkes">Dinas Kesehatan</a>' in html
    assert 'href="/tahun/2025">2025</a>' in html
    assert "laporan keuangan" in html
    assert '<dl class="fields">' in html
    for value in ("Kepala Sub Bagian Keuangan", "10 tahun", "tercetak, elektronik"):
        assert f"<dd>{value}</dd>" in html
    assert "Koreksi angka belanja modal" in html
    assert "<caption>" in html and '<th scope="col">SHA-256</th>' in html
    latest = f'href="/api/v1/documents/{document["id"]}/download"'
    assert f'class="button" {latest}>Unduh versi terbaru' in html
    api = client.get(f"/api/v1/documents/{document['id']}").get_json()
    assert [v["number"] for v in api["versions"]] == [1, 2]
    for version in api["versions"]:
        assert f'<code class="sha256">{version["sha256"]}</code>' in html
        link = re.search(
            rf'href="(/api/v1/documents/{document["id"]}/versions/'
            rf'{version["number"]}/download)"',
            html,
        )
        assert link, version["number"]
        download = client.get(link.group(1))
        assert download.status_code == 200
        assert hashlib.sha256(download.data).hexdigest() == version["sha256"]
        assert version["filename"] in html


def test_a_newer_version_waiting_for_approval_is_not_listed(client, cast):
    document = published(client, cast, "Rencana Strategis", org="dinkes")
    waiting = add_version(
        client,
        cast,
        "dinkes",
        document["id"],
        a_pdf("Draf"),
        filename="renstra-baru.pdf",
    )
    assert waiting.status_code == 201

    html = html_of(client, document_path(document))

    assert "renstra-baru.pdf" not in html
    assert f"/api/v1/documents/{document['id']}/versions/2/download" not in html
    assert f"/api/v1/documents/{document['id']}/versions/1/download" in html
    assert "1 versi publik" in html


def test_a_serta_merta_page_shows_the_event_and_publication_times(client, cast):
    announcement = published(
        client,
        cast,
        "Gangguan Air Bersih",
        category="serta_merta",
        event_at="2026-03-12T08:30:00+07:00",
    )

    html = html_of(client, document_path(announcement))

    assert "Waktu kejadian" in html and "Waktu diumumkan" in html
    assert "12 Maret 2026 08.30.00 WIB" in html
    assert 'datetime="2026-03-12T01:30:00+00:00"' in html


def test_the_stale_badge_marks_an_overdue_berkala_document(client, cast, archive):
    overdue = published(client, cast, "Daftar Aset Daerah", year="2024")
    fresh = published(client, cast, "Profil Dinas", year="2024")
    set_created_at(archive, overdue["id"], timedelta(days=400))

    overdue_page = html_of(client, document_path(overdue))
    fresh_page = html_of(client, document_path(fresh))
    listing = main_of(html_of(client, "/kategori/berkala"))

    assert '<span class="badge stale">perlu diperbarui</span>' in overdue_page
    assert "setiap 6 bulan" in overdue_page
    assert "badge stale" not in fresh_page
    assert listing.count("badge stale") == 1
    assert listing.index("badge stale") > listing.index("Daftar Aset Daerah")


def test_a_redacted_public_version_says_so_without_naming_its_original(client, cast):
    original = upload(
        client, cast, "dinkes", title="Laporan Audit Puskesmas", publish="false"
    ).get_json()
    test = client.post(
        f"/api/v1/documents/{original['id']}/consequence-tests",
        json={"reason": "Nama saksi"},
        headers=cast.auth("dinkes"),
    ).get_json()
    url = f"/api/v1/consequence-tests/{test['id']}"
    client.put(
        f"{url}/record",
        json=an_exemption_record(decision="exempt_part"),
        headers=cast.auth("utama"),
    )
    redacted = post_multipart(
        client,
        f"{url}/redacted-version",
        {"file": (io.BytesIO(a_pdf("saksi [dihitamkan]")), "publik.pdf")},
        cast.auth("utama"),
    ).get_json()
    assert client.post(f"{url}/approve", headers=cast.auth("atasan")).status_code == 200

    html = html_of(client, document_path(redacted))

    assert "versi publik dari informasi yang sebagian isinya dikecualikan" in html
    assert f"/dokumen/{original['id']}" not in html
    assert f"/api/v1/documents/{original['id']}" not in html
    assert client.get(f"/dokumen/{original['id']}").status_code == 404


# --- what the public never sees ------------------------------------------------------


def hidden_documents(client, cast) -> dict[str, dict]:
    """A draft, a withdrawn and an exempt document of Dinas Kesehatan, 2025."""
    draft = upload(
        client, cast, "dinkes", title="Draf Renja Tersembunyi", year="2025"
    ).get_json()
    withdrawn = published(client, cast, "Pengumuman Ditarik", org="dinkes", year="2025")
    client.post(
        f"/api/v1/documents/{withdrawn['id']}/withdraw", headers=cast.auth("utama")
    )
    exempt = exempt_upload(
        client, cast, "dinkes", title="Rekam Medis Pegawai", year="2025"
    )
    return {"draft": draft, "withdrawn": withdrawn, "exempt": exempt}


def test_hidden_documents_answer_404_like_absent_ones(client, cast):
    hidden = hidden_documents(client, cast)
    absent = client.get("/dokumen/999999", headers={"Accept": "text/html"})
    assert absent.status_code == 404

    for kind, document in hidden.items():
        response = client.get(document_path(document), headers={"Accept": "text/html"})
        assert response.status_code == 404, kind
        assert document["title"] not in response.get_data(as_text=True)
        assert without_id(response, document["id"]) == without_id(absent, 999999)


def without_id(response, document_id: int) -> str:
    """The page with the one place it names the asked-for id made neutral."""
    body = response.get_data(as_text=True)
    for mention in (f"/dokumen/{document_id}", f"Dokumen {document_id} "):
        body = body.replace(mention, mention.replace(str(document_id), "N"))
    return body


def test_hidden_documents_appear_on_no_page_and_in_no_count(client, cast):
    visible = published(
        client,
        cast,
        "Standar Pelayanan Puskesmas",
        category="setiap_saat",
        org="dinkes",
        year="2025",
    )
    hidden = hidden_documents(client, cast)

    for path in (
        "/",
        "/opd",
        "/opd/dinkes",
        "/kategori/berkala",
        "/kategori/setiap_saat",
        "/tahun/2025",
    ):
        html = main_of(html_of(client, path))
        for document in hidden.values():
            assert document["title"] not in html, path
            assert f'/dokumen/{document["id"]}"' not in html, path
    assert visible["title"] in html_of(client, "/opd/dinkes")
    assert "1 dokumen publik." in html_of(client, "/opd/dinkes")
    assert "1 dokumen publik." in html_of(client, "/tahun/2025")
    assert "1 dokumen publik." in html_of(client, "/kategori/setiap_saat")
    assert "0 dokumen publik." in html_of(client, "/kategori/berkala")
    tree = html_of(client, "/opd")
    dinkes = tree[tree.index("Dinas Kesehatan") :]
    assert dinkes.index("(1 dokumen)") < dinkes.index("</li>")
    assert "1 dokumen publik" in tree


# --- browsing ------------------------------------------------------------------------


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(portal, "PAGE_SIZE", 2)


def test_a_category_lists_its_documents_newest_first_with_pagination(
    client, cast, two_per_page
):
    berkala = [
        published(client, cast, f"Laporan Berkala {n}", year="2024") for n in range(3)
    ]
    other = published(client, cast, "Perjanjian Kerja Sama", category="setiap_saat")

    first = main_of(html_of(client, "/kategori/berkala"))
    second = main_of(html_of(client, "/kategori/berkala?page=2"))

    assert "3 dokumen publik." in first
    assert [d["title"] in first for d in berkala] == [False, True, True]
    assert [d["title"] in second for d in berkala] == [True, False, False]
    assert other["title"] not in first + second
    assert 'rel="next" href="/kategori/berkala?page=2"' in first
    assert 'rel="prev"' not in first
    assert 'href="/kategori/berkala" aria-current="page"' in first
    assert 'rel="prev" href="/kategori/berkala"' in second
    assert 'href="/kategori/berkala?page=2" aria-current="page"' in second
    assert 'rel="next"' not in second
    assert client.get("/kategori/berkala?page=3").status_code == 404
    assert client.get("/kategori/berkala?page=x").status_code == 400
    assert other["title"] in html_of(client, "/kategori/setiap_saat")


def test_a_year_lists_the_documents_of_that_year(client, cast, two_per_page):
    old = published(client, cast, "Renstra 2019-2023", year="2019")
    new = published(client, cast, "Renstra 2024-2028", year="2024", org="bpbd")

    page = main_of(html_of(client, "/tahun/2024"))

    assert new["title"] in page and old["title"] not in page
    assert "Tahun 2024</h1>" in page
    assert old["title"] in html_of(client, "/tahun/2019")
    assert "0 dokumen publik." in html_of(client, "/tahun/2030")


def test_an_organisation_page_shows_its_profile_dip_and_documents(
    client, cast, two_per_page
):
    made = [
        published(client, cast, f"Profil Puskesmas {n}", org="dinkes", year="2025")
        for n in range(3)
    ]
    elsewhere = published(client, cast, "Peta Rawan Bencana", org="bpbd")

    first = main_of(html_of(client, "/opd/dinkes"))
    second = main_of(html_of(client, "/opd/dinkes?page=2"))

    assert "<h1>Dinas Kesehatan</h1>" in first
    assert "PPID Pelaksana" in first
    assert 'href="/opd/ppid-utama">PPID Utama</a>' in first
    assert "3 informasi terdaftar" in first
    assert 'href="/dip/dinkes"' in first and 'href="/dik/dinkes"' in first
    assert "3 dokumen publik." in first
    assert elsewhere["title"] not in first + second
    assert 'rel="next" href="/opd/dinkes?page=2"' in first
    assert made[0]["title"] in second
    assert 'rel="prev" href="/opd/dinkes"' in second
    utama = main_of(html_of(client, "/opd/ppid-utama"))
    assert "<dd>PPID Utama</dd>" in utama
    assert 'href="/opd/dinkes">Dinas Kesehatan</a>' in utama


def test_the_organisations_page_is_a_tree_with_public_counts(client, cast):
    published(client, cast, "Peta Rawan Bencana", org="bpbd")
    published(client, cast, "Rencana Kontinjensi", org="bpbd")

    html = main_of(html_of(client, "/opd"))

    utama = html.index('href="/opd/ppid-utama"')
    nested = html.index("<ul>", utama)
    assert utama < nested < html.index('href="/opd/bpbd"')
    assert nested < html.index('href="/opd/dinkes"')
    bpbd = html[html.index('href="/opd/bpbd"') :]
    assert bpbd.index("(2 dokumen)") < bpbd.index("</li>")
    assert "3 badan publik" in html and "2 dokumen publik" in html


@pytest.mark.parametrize(
    "path",
    [
        "/opd/tidak-ada",
        "/opd/Dinkes",
        "/kategori/dikecualikan",
        "/kategori/lainnya",
        "/tahun/1800",
        "/dokumen/999999",
        "/dokumen/0",
    ],
)
def test_unknown_organisations_categories_years_and_documents_answer_404(
    client, cast, path
):
    response = client.get(path, headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)


def test_search_results_link_to_their_document_page(client, cast, app):
    document = published(client, cast, "Laporan Stunting Balita", org="dinkes")
    app.extensions["dms.jobs"].indexer.sweep()

    html = html_of(client, "/cari?q=stunting")

    assert f'href="{document_path(document)}"' in html
    assert 'href="/opd/dinkes">Dinas Kesehatan</a>' in html
    org_filtered = html_of(client, "/cari?org=dinkes")
    assert "Dinas Kesehatan</a> (1)" in org_filtered


# --- plain, accessible HTML in both languages ---------------------------------------


def portal_paths(client, cast, archive) -> list[str]:
    report = published(
        client, cast, "Laporan Keuangan", org="dinkes", year="2025", summary="LRA"
    )
    stale = published(client, cast, "Daftar Aset", year="2025")
    set_created_at(archive, stale["id"], timedelta(days=400))
    flood = published(client, cast, "Banjir", category="serta_merta", year="2025")
    return [
        *PORTAL_PATHS,
        document_path(report),
        document_path(stale),
        document_path(flood),
    ]


def test_portal_pages_are_plain_accessible_html(client, cast, archive):
    for path in portal_paths(client, cast, archive):
        html = html_of(client, path)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html, path
        assert html.count("<h1") == 1, path
        assert html.count("<table") == html.count("<caption>"), path
        assert "<th>" not in html, path
        levels = [int(n) for n in re.findall(r"<h([1-6])", main_of(html))]
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
        for control in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
            assert f'<label for="{control}">' in html, (path, control)
        assert not re.search(r"<a [^>]*>\s*</a>", html), path


def test_every_portal_page_renders_in_english(client, cast, archive):
    paths = portal_paths(client, cast, archive)
    client.get("/bahasa/en")

    for path in paths:
        html = html_of(client, path)
        assert '<html lang="en">' in html, path
