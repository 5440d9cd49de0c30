"""Open data: /data, the DIP and DIK as CSV and JSON, and the DCAT-AP catalogue
hold exactly what the portal shows, never exempt, draft or withdrawn content."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from dms.output.tables import safe_cell
from tests.helpers import (
    a_pdf,
    an_exemption_record,
    exempt_upload,
    make_exempt,
    post_multipart,
    upload,
)
from tests.integration.test_registers import publish

SECRET = "RAHASIA-PASIEN-77"


@pytest.fixture
def world(client, cast):
    """Public documents of two OPD, a draft, a withdrawn one, an exempt one and a
    partly exempt original with its redacted public version."""
    ids = {
        "profil": publish(
            client,
            cast,
            "Profil Dinas Kesehatan",
            "dinkes",
            info_type="profil",
            summary='=HYPERLINK("http://jahat.example")',
        ),
        "peta": publish(client, cast, "Peta Rawan Bencana", "bpbd"),
    }
    second = post_multipart(
        client,
        f"/api/v1/documents/{ids['peta']}/versions",
        {"file": (io.BytesIO(a_pdf("versi dua")), "peta-2.pdf")},
        cast.auth("utama"),
    )
    assert second.status_code == 201, second.get_json()
    draft = upload(client, cast, "dinkes", title="Draf Anggaran", publish="false")
    ids["draft"] = draft.get_json()["id"]
    ids["ditarik"] = publish(client, cast, "Laporan Ditarik", "dinkes")
    assert (
        client.post(
            f"/api/v1/documents/{ids['ditarik']}/withdraw", headers=cast.auth("utama")
        ).status_code
        == 200
    )
    ids["exempt"] = exempt_upload(
        client,
        cast,
        "dinkes",
        title="Rekam Medis " + SECRET,
        summary=SECRET,
        content=a_pdf(SECRET),
    )["id"]
    ids["original"], ids["redacted"] = _partly_exempt(client, cast)
    return ids


def _partly_exempt(client, cast) -> tuple[int, int]:
    original = upload(
        client,
        cast,
        "dinkes",
        title="Laporan Investigasi KLB",
        category="setiap_saat",
        summary="Lampiran " + SECRET,
        content=a_pdf(SECRET),
    ).get_json()["id"]
    proposed = client.post(
        f"/api/v1/documents/{original}/consequence-tests",
        json={"reason": "Memuat rekam medis"},
        headers=cast.auth("dinkes"),
    ).get_json()["id"]
    recorded = client.put(
        f"/api/v1/consequence-tests/{proposed}/record",
        json=an_exemption_record(decision="exempt_part"),
        headers=cast.auth("utama"),
    )
    assert recorded.status_code == 200, recorded.get_json()
    redacted = post_multipart(
        client,
        f"/api/v1/consequence-tests/{proposed}/redacted-version",
        {"file": (io.BytesIO(a_pdf("[DIHITAMKAN]")), "publik.pdf"), "title": ""},
        cast.auth("utama"),
    ).get_json()["id"]
    approved = client.post(
        f"/api/v1/consequence-tests/{proposed}/approve", headers=cast.auth("atasan")
    )
    assert approved.status_code == 200, approved.get_json()
    return original, redacted


PUBLIC = ("profil", "peta", "redacted")
HIDDEN = ("draft", "ditarik", "exempt", "original")


def body(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


def test_the_index_describes_every_dataset_and_links_them(client):
    page = body(client.get("/data"))

    assert "<h1>Data terbuka</h1>" in page
    for path in (
        "/data/dip.csv",
        "/data/dip.json",
        "/data/dik.csv",
        "/data/dik.json",
        "/data/katalog.json",
    ):
        assert f'href="{path}"' in page
    assert '<th scope="col">' in page and "<caption id=" in page
    assert 'href="/data"' in body(client.get("/"))  # the footer links it


def test_the_dip_csv_holds_exactly_the_public_documents(client, world):
    response = client.get("/data/dip.csv")
    text = body(response)

    assert response.mimetype == "text/csv"
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(int(row["id"]) for row in rows) == sorted(world[k] for k in PUBLIC)
    assert SECRET not in text
    profile = next(r for r in rows if int(r["id"]) == world["profil"])
    assert profile["page_url"] == f"http://localhost/dokumen/{world['profil']}"
    assert profile["org_slug"] == "dinkes"


def test_csv_cells_cannot_start_a_formula(client, world):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/dip.csv")))))
    profile = next(r for r in rows if int(r["id"]) == world["profil"])

    assert profile["summary"] == '\'=HYPERLINK("http://jahat.example")'
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("Laporan") == "Laporan" and safe_cell(None) == ""


def test_the_dip_json_matches_the_csv(client, world):
    found = json.loads(body(client.get("/data/dip.json")))

    assert sorted(item["id"] for item in found["items"]) == sorted(
        world[k] for k in PUBLIC
    )
    assert SECRET not in json.dumps(found)


def test_the_dik_files_give_the_public_facts_and_none_of_the_content(client, world):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/data/dik.csv")))))
    found = json.loads(body(client.get("/data/dik.json")))

    assert len(rows) == 2 == found["total"]
    assert {row["legal_basis"] for row in rows} == {
        "UU 14/2008 Pasal 17 huruf h angka 2"
    }
    assert {row["decision"] for row in rows} == {"exempt_whole", "exempt_part"}
    dik_csv = client.get("/data/dik.csv").get_data(as_text=True)
    assert "Memuat rekam medis" not in dik_csv
    assert "summary" not in rows[0]


def test_the_catalogue_is_dcat_json_ld_of_the_public_documents(client, world):
    response = client.get("/data/katalog.json")
    catalogue = json.loads(body(response))

    assert response.mimetype == "application/ld+json"
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["dct:title"] and catalogue["foaf:homepage"] == {
        "@id": "http://localhost/"
    }
    assert catalogue["dct:publisher"]["foaf:name"] == "PPID Utama"
    datasets = {int(d["dct:identifier"]): d for d in catalogue["dcat:dataset"]}
    assert sorted(datasets) == sorted(world[k] for k in PUBLIC)
    assert SECRET not in json.dumps(catalogue)
    peta = datasets[world["peta"]]
    assert peta["@type"] == "dcat:Dataset"
    assert peta["dcat:landingPage"] == {
        "@id": f"http://localhost/dokumen/{world['peta']}"
    }
    assert peta["dct:publisher"]["foaf:name"] == "Badan Penanggulangan Bencana Daerah"
    assert peta["dcat:theme"]["skos:prefLabel"]
    assert peta["dct:issued"]["@value"] and peta["dct:modified"]["@value"]
    assert len(peta["dcat:distribution"]) == 2
    assert datasets[world["profil"]]["dcat:keyword"] == ["profil"]


def test_each_distribution_downloads_the_bytes_its_checksum_names(client, world):
    catalogue = json.loads(body(client.get("/data/katalog.json")))
    dataset = next(
        d
        for d in catalogue["dcat:dataset"]
        if d["dct:identifier"] == str(world["profil"])
    )
    (distribution,) = dataset["dcat:distribution"]
    url = distribution["dcat:downloadURL"]["@id"]
    data = client.get(url.removeprefix("http://localhost")).data

    checksum = distribution["spdx:checksum"]
    assert checksum["spdx:algorithm"] == {"@id": "spdx:checksumAlgorithm_sha256"}
    assert checksum["spdx:checksumValue"] == hashlib.sha256(data).hexdigest()
    assert distribution["dcat:byteSize"]["@value"] == str(len(data))
    assert distribution["dcat:mediaType"]["@id"].endswith("application/pdf")


def test_a_version_waiting_for_approval_is_not_distributed(client, cast, world):
    waiting = post_multipart(
        client,
        f"/api/v1/documents/{world['profil']}/versions",
        {"file": (io.BytesIO(a_pdf("belum disetujui")), "v2.pdf")},
        cast.auth("dinkes"),
    )
    assert waiting.status_code == 201, waiting.get_json()

    catalogue = json.loads(body(client.get("/data/katalog.json")))
    dataset = next(
        d
        for d in catalogue["dcat:dataset"]
        if d["dct:identifier"] == str(world["profil"])
    )
    assert len(dataset["dcat:distribution"]) == 1


def test_a_document_made_exempt_leaves_every_file(client, cast, world):
    make_exempt(client, cast, world["peta"])

    rows = csv.DictReader(io.StringIO(body(client.get("/data/dip.csv"))))
    assert world["peta"] not in {int(row["id"]) for row in rows}
    items = json.loads(body(client.get("/data/dip.json")))["items"]
    assert world["peta"] not in {item["id"] for item in items}
    catalogue = json.loads(body(client.get("/data/katalog.json")))
    identifiers = {d["dct:identifier"] for d in catalogue["dcat:dataset"]}
    assert identifiers == {str(world[k]) for k in ("profil", "redacted")}
    dik = list(csv.DictReader(io.StringIO(body(client.get("/data/dik.csv")))))
    assert "Peta Rawan Bencana" in {row["title"] for row in dik}


def test_files_answer_304_to_an_unchanged_etag(client, world):
    for path in ("/data/dip.csv", "/data/dip.json", "/data/katalog.json"):
        first = client.get(path)
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert first.headers["Access-Control-Allow-Origin"] == "*"
