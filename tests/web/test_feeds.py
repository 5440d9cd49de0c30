"""The serta merta Atom feed and the announcements on the home page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from dms.documents.models import Document
from tests.helpers import upload

FEED = "/feeds/serta-merta.atom"
NS = {"atom": "http://www.w3.org/2005/Atom", "dms": "urn:dms:1"}
EVENT = datetime(2026, 3, 12, 1, 30, tzinfo=UTC)


def _upload(client, cast, title, category="serta_merta", approve=True, **fields):
    response = upload(client, cast, "utama", title=title, category=category, **fields)
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    if approve and document["status"] != "published":
        client.post(f"{document['url']}/publish", headers=cast.auth("utama"))
    return document["id"]


def _set(archive, document_id, **values):
    with archive.transaction() as session:
        document = session.get(Document, document_id)
        for name, value in values.items():
            setattr(document, name, value)


def _entries(client):
    response = client.get(FEED)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    return root, root.findall("atom:entry", NS)


def _titles(client):
    return [e.findtext("atom:title", namespaces=NS) for e in _entries(client)[1]]


def test_the_feed_is_atom_with_its_title_self_link_and_updated_time(
    client, cast, archive
):
    document_id = _upload(client, cast, "Banjir di Kota Serang")
    published = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    _set(archive, document_id, published_at=published)

    response = client.get(FEED)
    root = ET.fromstring(response.data)

    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response.data.startswith(b"<?xml")
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("atom:title", namespaces=NS) == "Informasi Serta Merta"
    assert root.findtext("atom:updated", namespaces=NS) == "2026-03-12T02:00:00Z"
    links = {
        link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)
    }
    assert links["self"] == "http://localhost/feeds/serta-merta.atom"
    assert links["alternate"] == "http://localhost/"
    assert root.findtext("atom:id", namespaces=NS)


def test_an_entry_carries_its_ids_times_author_links_and_event(client, cast, archive):
    document_id = _upload(
        client,
        cast,
        "Banjir di Kota Serang",
        summary="Air setinggi 1 meter.",
        org="bpbd",
    )
    _set(
        archive,
        document_id,
        event_at=EVENT,
        published_at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC),
    )

    (entry,) = _entries(client)[1]

    year = datetime.now(UTC).year
    assert entry.findtext("atom:id", namespaces=NS) == (
        f"tag:localhost,{year}:document-{document_id}"
    )
    assert entry.findtext("atom:published", namespaces=NS) == "2026-03-12T02:00:00Z"
    assert entry.findtext("atom:updated", namespaces=NS)
    assert entry.findtext("atom:summary", namespaces=NS) == "Air setinggi 1 meter."
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == (
        "Badan Penanggulangan Bencana Daerah"
    )
    links = {
        link.get("rel"): link.get("href") for link in entry.findall("atom:link", NS)
    }
    assert links["alternate"] == f"http://localhost/api/v1/documents/{document_id}"
    assert links["enclosure"] == (
        f"http://localhost/api/v1/documents/{document_id}/download"
    )
    content = entry.findtext("atom:content", namespaces=NS)
    assert "Waktu kejadian: 12 Maret 2026 pukul 08.30 WIB." in content
    assert "Diumumkan: 12 Maret 2026 pukul 09.00 WIB." in content
    assert entry.findtext("dms:event", namespaces=NS) == "2026-03-12T01:30:00Z"
    assert entry.findtext("dms:published", namespaces=NS) == "2026-03-12T02:00:00Z"


def test_an_entry_without_an_event_time_says_it_was_not_recorded(client, cast):
    _upload(client, cast, "Pemadaman Listrik Bergilir")

    (entry,) = _entries(client)[1]

    assert entry.find("dms:event", NS) is None
    assert "Waktu kejadian: tidak dicatat." in entry.findtext("atom:content", "", NS)


def test_the_feed_holds_only_public_serta_merta_documents(client, cast, archive):
    _upload(client, cast, "Banjir Terbit", category="serta_merta")
    unpinned = _upload(client, cast, "Gempa Tidak Disematkan")
    _set(archive, unpinned, pinned=False)
    later_withdrawn = _upload(client, cast, "Longsor Ditarik")
    client.post(
        f"/api/v1/documents/{later_withdrawn}/withdraw", headers=cast.auth("utama")
    )
    _upload(client, cast, "Kebakaran Draf", approve=False, publish="false")
    _upload(client, cast, "Laporan Keuangan", category="berkala")
    _upload(client, cast, "Perjanjian Kerja Sama", category="setiap_saat")
    _upload(client, cast, "Berkala Draf", category="berkala", approve=False)
    exempt = _upload(client, cast, "Data Korban", category="serta_merta")
    # Even an exempt row forced into a published, pinned state stays out.
    _set(archive, exempt, status="published", pinned=True, category="dikecualikan")

    assert sorted(_titles(client)) == ["Banjir Terbit", "Gempa Tidak Disematkan"]


def test_a_serta_merta_draft_stays_out_of_the_feed(client, cast, archive):
    document_id = _upload(client, cast, "Kebakaran Hutan")
    _set(archive, document_id, status="draft")

    assert _titles(client) == []


def test_entries_are_newest_publication_first_and_at_most_fifty(client, cast, archive):
    first = _upload(client, cast, "Banjir Pertama")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    _set(archive, first, published_at=base + timedelta(days=60))
    with archive.transaction() as session:
        template = session.get(Document, first)
        for day in range(55):
            session.add(_copy(template, f"Gempa {day}", base + timedelta(days=day)))

    titles = _titles(client)

    assert len(titles) == 50
    assert titles[:3] == ["Banjir Pertama", "Gempa 54", "Gempa 53"]


def _copy(template: Document, title: str, published_at: datetime) -> Document:
    return Document(
        title=title,
        category="serta_merta",
        organisation_id=template.organisation_id,
        status="published",
        current_version=0,
        published_at=published_at,
        updated_at=published_at,
        created_at=published_at,
    )


def test_an_unchanged_feed_answers_304_to_its_etag(client, cast, archive):
    _upload(client, cast, "Banjir")
    first = client.get(FEED)
    etag = first.headers["ETag"]

    again = client.get(FEED, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_withdrawal_or_a_new_announcement_changes_the_etag(client, cast):
    document_id = _upload(client, cast, "Banjir")
    etag = client.get(FEED).headers["ETag"]
    client.post(f"/api/v1/documents/{document_id}/withdraw", headers=cast.auth("utama"))

    after_withdrawal = client.get(FEED, headers={"If-None-Match": etag})
    _upload(client, cast, "Gempa")
    after_new = client.get(
        FEED, headers={"If-None-Match": after_withdrawal.headers["ETag"]}
    )

    assert after_withdrawal.status_code == 200
    assert after_new.status_code == 200
    assert len({etag, after_withdrawal.headers["ETag"], after_new.headers["ETag"]}) == 3


def test_an_empty_feed_is_still_valid_atom(client):
    root, entries = _entries(client)

    assert entries == []
    assert root.findtext("atom:updated", namespaces=NS) == "1970-01-01T00:00:00Z"


def test_titles_with_markup_are_escaped_by_the_xml_writer(client, cast):
    _upload(client, cast, 'Banjir <b>&</b> "longsor"')

    assert _titles(client) == ['Banjir <b>&</b> "longsor"']


def test_the_home_page_shows_pinned_announcements_then_search_and_the_feed(
    client, cast, archive
):
    pinned = _upload(client, cast, "Banjir di Kota Serang", org="bpbd")
    unpinned = _upload(client, cast, "Gempa Kecil")
    _set(archive, pinned, pinned=True, event_at=EVENT)
    _set(archive, unpinned, pinned=False)
    withdrawn = _upload(client, cast, "Longsor Ditarik")
    _set(archive, withdrawn, pinned=True)
    client.post(f"/api/v1/documents/{withdrawn}/withdraw", headers=cast.auth("utama"))

    html = client.get("/").get_data(as_text=True)

    assert "Pengumuman serta merta" in html
    assert "Banjir di Kota Serang" in html
    assert "Badan Penanggulangan Bencana Daerah" in html
    assert "12 Maret 2026 08.30.00 WIB" in html
    assert "Gempa Kecil" not in html and "Longsor Ditarik" not in html
    assert html.index("Pengumuman serta merta") < html.index('role="search"')
    assert 'href="/feeds/serta-merta.atom"' in html
    assert f'href="/api/v1/documents/{pinned}/download"' in html


def test_the_home_page_without_announcements_keeps_its_search_form(client):
    html = client.get("/").get_data(as_text=True)

    assert "Pengumuman serta merta" not in html
    assert 'action="/cari"' in html
    assert 'href="/feeds/serta-merta.atom"' in html
