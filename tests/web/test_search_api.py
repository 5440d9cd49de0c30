"""GET /api/v1/documents?q=: full-text search through the API, with jobs run inline.

Every upload here is extracted and indexed by the real job (a child process runs
the extractor) as soon as its transaction commits.
"""

from __future__ import annotations

import pytest

from dms.demo import pdf_bytes
from tests.helpers import add_version, make_exempt, upload


@pytest.fixture
def test_config(test_config):
    return {**test_config, "queue_url": "immediate"}


def a_document(client, cast, username="utama", *, text, title="Dokumen", **fields):
    """A plain-text upload (quick to extract); PDFs have their own tests. An
    exempt one is made so through an approved consequence test."""
    exempt = fields.get("category") == "dikecualikan"
    if exempt:
        fields.update(category="setiap_saat", publish="false")
    response = upload(
        client,
        cast,
        username,
        title=title,
        content=text.encode("utf-8"),
        filename="dokumen.txt",
        **fields,
    )
    assert response.status_code == 201, response.get_json()
    if exempt:
        make_exempt(client, cast, response.get_json()["id"])
    return response.get_json()


def search(client, query, headers=None, **params):
    response = client.get(
        "/api/v1/documents", query_string={"q": query, **params}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_an_uploaded_pdf_is_found_by_words_of_its_text_with_highlights(client, cast):
    doc = a_document(
        client,
        cast,
        text="Realisasi anggaran belanja kesehatan triwulan ketiga",
        publish="true",
    )
    body = search(client, "belanja kesehatan")
    assert ids(body) == [doc["id"]]
    assert body["total"] == 1
    assert "<mark>belanja</mark>" in body["items"][0]["highlights"]["body"]
    assert body["items"][0]["score"] > 0


def test_a_pdf_version_records_what_extraction_found(client, cast):
    lines = [
        "Rencana kerja dinas kesehatan untuk tahun anggaran berikutnya memuat",
        "program pencegahan penyakit menular, pelayanan puskesmas keliling,",
        "peningkatan gizi masyarakat desa serta pengadaan obat dan vaksin.",
    ]
    response = upload(
        client, cast, "utama", content=pdf_bytes("Renja", lines), publish="true"
    )
    doc = response.get_json()
    version = client.get(f"/api/v1/documents/{doc['id']}").get_json()["versions"][0]
    assert version["text"]["status"] == "ok"
    assert version["text"]["pages"] == 1
    assert version["text"]["characters"] > 100
    assert version["text"]["extractors"] == ["pdfminer"]
    assert ids(search(client, "renja")) == [doc["id"]]
    staff_view = client.get(
        f"/api/v1/documents/{doc['id']}", headers=cast.auth("utama")
    ).get_json()
    assert staff_view["indexing"] == {"status": "indexed"}
    assert "indexing" not in client.get(f"/api/v1/documents/{doc['id']}").get_json()


def test_all_words_are_required_by_default(client, cast):
    both = a_document(client, cast, text="pengadaan obat puskesmas", publish="true")
    a_document(client, cast, text="pengadaan kendaraan dinas", publish="true")
    assert ids(search(client, "pengadaan obat")) == [both["id"]]
    assert len(search(client, "pengadaan")["items"]) == 2


def test_or_phrase_and_exclusion(client, cast):
    flood = a_document(client, cast, text="banjir bandang melanda desa", publish="true")
    fire = a_document(client, cast, text="kebakaran hutan dan lahan", publish="true")
    a_document(client, cast, text="bandang banjir kiriman", publish="true")
    assert set(ids(search(client, "banjir OR kebakaran"))) >= {flood["id"], fire["id"]}
    assert ids(search(client, '"banjir bandang"')) == [flood["id"]]
    assert flood["id"] not in ids(search(client, "banjir -desa"))


def test_a_stem_finds_its_inflected_forms(client, cast):
    doc = a_document(
        client, cast, text="Pemerintah daerah menganggarkan dana", publish="true"
    )
    assert ids(search(client, "anggaran")) == [doc["id"]]


def test_an_exact_match_ranks_above_a_stem_match(client, cast):
    stem = a_document(
        client, cast, text="dinas menganggarkan belanja", title="Belanja A"
    )
    exact = a_document(client, cast, text="anggaran belanja dinas", title="Belanja B")
    for doc in (stem, exact):
        client.post(
            f"/api/v1/documents/{doc['id']}/publish", headers=cast.auth("utama")
        )
    assert ids(search(client, "anggaran")) == [exact["id"], stem["id"]]


def test_an_official_number_finds_its_regulation(client, cast):
    doc = a_document(
        client,
        cast,
        text="Keputusan Bupati Nomor 188.4/705/2013 tentang PPID",
        publish="true",
    )
    a_document(client, cast, text="Keputusan Nomor 188.4/706/2013", publish="true")
    assert ids(search(client, "188.4/705/2013")) == [doc["id"]]


def test_filters_facets_pagination_and_newest_first(client, cast):
    made = [
        a_document(
            client,
            cast,
            text=f"laporan pelayanan informasi publik bagian {n}",
            year=str(2020 + n % 2),
            publish="true",
        )
        for n in range(5)
    ]
    first = search(client, "pelayanan", per_page=2, sort="newest")
    assert first["total"] == 5
    assert first["facets"]["year"] == {"2020": 3, "2021": 2}
    assert first["facets"]["category"] == {"berkala": 5}
    assert ids(first) == [made[4]["id"], made[3]["id"]]
    third = search(client, "pelayanan", per_page=2, page=3, sort="newest")
    assert ids(third) == [made[0]["id"]]
    only_2021 = search(client, "pelayanan", year="2021")
    assert {item["year"] for item in only_2021["items"]} == {2021}


# -- visibility ---------------------------------------------------------------


def hidden_documents(client, cast):
    """A draft, a withdrawn and an exempt document, all with the word 'zamrud'."""
    draft = a_document(client, cast, "dinkes", text="zamrud rancangan", publish="false")
    withdrawn = a_document(client, cast, text="zamrud ditarik", publish="true")
    client.post(
        f"/api/v1/documents/{withdrawn['id']}/withdraw", headers=cast.auth("utama")
    )
    exempt = a_document(
        client, cast, "dinkes", text="zamrud rahasia", category="dikecualikan"
    )
    return draft, withdrawn, exempt


def test_anonymous_search_never_shows_draft_withdrawn_or_exempt_documents(client, cast):
    hidden_documents(client, cast)
    public = a_document(client, cast, text="safir terbuka", publish="true")
    body = search(client, "zamrud")
    assert (body["total"], body["items"]) == (0, [])
    assert body["facets"] == {"category": {}, "org": {}, "year": {}}
    wider = search(client, "zamrud OR safir")
    assert ids(wider) == [public["id"]]
    assert wider["facets"]["category"] == {"berkala": 1}
    assert "zamrud" not in str(wider)


def test_suggestions_never_offer_words_only_hidden_documents_hold(client, cast):
    hidden_documents(client, cast)
    a_document(client, cast, text="laporan keuangan", publish="true")
    assert search(client, "zamrut")["suggestion"] is None
    assert search(client, "keuangn")["suggestion"] == "keuangan"


def test_staff_find_what_their_role_lets_them_see(client, cast):
    draft, withdrawn, exempt = hidden_documents(client, cast)
    own = ids(search(client, "zamrud", headers=cast.auth("dinkes")))
    assert sorted(own) == sorted([draft["id"], exempt["id"]])
    assert ids(search(client, "zamrud", headers=cast.auth("bpbd"))) == []
    assert ids(search(client, "zamrud", headers=cast.auth("admin"))) == []
    everything = ids(search(client, "zamrud", headers=cast.auth("utama")))
    assert sorted(everything) == sorted([draft["id"], withdrawn["id"], exempt["id"]])


def test_a_withdrawal_hides_the_document_even_before_the_index_catches_up(
    client, cast, archive
):
    doc = a_document(client, cast, text="intan terbit", publish="true")
    archive.on_documents_changed = None  # the job queue never hears of it
    client.post(f"/api/v1/documents/{doc['id']}/withdraw", headers=cast.auth("utama"))
    body = search(client, "intan")
    assert (body["total"], body["items"], body["facets"]["org"]) == (0, [], {})
    assert search(client, "intn")["suggestion"] is None


def test_a_waiting_version_is_not_searchable_by_the_public_until_approved(client, cast):
    doc = a_document(client, cast, "dinkes", text="versi pertama rubi")
    client.post(f"/api/v1/documents/{doc['id']}/publish", headers=cast.auth("utama"))
    new = b"versi kedua giok"
    response = add_version(client, cast, "dinkes", doc["id"], new, filename="v2.txt")
    assert response.status_code == 201
    assert ids(search(client, "rubi")) == [doc["id"]]
    assert ids(search(client, "giok")) == []
    client.post(f"/api/v1/documents/{doc['id']}/publish", headers=cast.auth("utama"))
    assert ids(search(client, "giok")) == [doc["id"]]
    assert ids(search(client, "rubi")) == []


def test_metadata_and_category_changes_reach_the_index(client, cast):
    doc = a_document(client, cast, text="isi dokumen", title="Judul lama")
    response = client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={"title": "Neraca kabupaten", "category": "setiap_saat"},
        headers=cast.auth("utama"),
    )
    assert response.status_code == 200
    client.post(f"/api/v1/documents/{doc['id']}/publish", headers=cast.auth("utama"))
    body = search(client, "neraca", category="setiap_saat")
    assert ids(body) == [doc["id"]]
    assert "<mark>Neraca</mark>" in body["items"][0]["highlights"]["title"]
    assert ids(search(client, "lama")) == []


# -- refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["kata " * 40, "x" * 600, "*nggaran", "a*"],
    ids=["too-many-words", "too-long", "leading-wildcard", "short-wildcard"],
)
def test_pathological_queries_are_refused_politely(client, query):
    response = client.get("/api/v1/documents", query_string={"q": query})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert "Silakan" in error["message"] or "misalnya" in error["message"]


def test_an_unknown_sort_or_category_is_a_validation_error(client):
    for params in ({"sort": "acak"}, {"category": "rahasia"}):
        response = client.get("/api/v1/documents", query_string={"q": "x", **params})
        assert response.status_code == 422


# -- the search page ----------------------------------------------------------


def test_the_search_page_shows_highlighted_results_without_javascript(client, cast):
    doc = a_document(
        client,
        cast,
        text="Data <b>stunting</b> balita",
        title="Stunting",
        publish="true",
    )
    a_document(client, cast, "dinkes", text="stunting rahasia", category="dikecualikan")
    page = client.get("/cari", query_string={"q": "stunting"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 dokumen ditemukan" in html
    assert "<mark>Stunting</mark>" in html
    assert "&lt;b&gt;<mark>stunting</mark>&lt;/b&gt;" in html
    assert f"/api/v1/documents/{doc['id']}/download" in html
    assert "rahasia" not in html
    assert "<script" not in html


def test_the_search_page_explains_a_refused_query(client):
    page = client.get("/cari", query_string={"q": "*x"})
    assert page.status_code == 400
    assert "Tanda bintang" in page.get_data(as_text=True)


def test_the_empty_search_page_is_a_form(client):
    page = client.get("/cari")
    assert page.status_code == 200
    assert 'name="q"' in page.get_data(as_text=True)


def test_a_partly_exempt_original_never_shows_while_its_redacted_version_does(
    client, cast
):
    """DOMAIN.md §3: the original stays closed in every output; the redacted
    version is published in its place (search, facets, suggestions, DIP, DIK)."""
    import io

    from tests.helpers import an_exemption_record, post_multipart

    original = a_document(
        client,
        cast,
        "dinkes",
        title="Laporan Audit Puskesmas",
        text="temuan audit puskesmas saksi Kartolo Wiryosaputro",
        publish="false",
    )
    proposed = client.post(
        f"/api/v1/documents/{original['id']}/consequence-tests",
        json={"reason": "Nama saksi"},
        headers=cast.auth("dinkes"),
    ).get_json()
    url = f"/api/v1/consequence-tests/{proposed['id']}"
    client.put(
        f"{url}/record",
        json=an_exemption_record(decision="exempt_part"),
        headers=cast.auth("utama"),
    )
    redacted = post_multipart(
        client,
        f"{url}/redacted-version",
        {"file": (io.BytesIO(b"temuan audit puskesmas saksi [dihitamkan]"), "p.txt")},
        cast.auth("utama"),
    ).get_json()
    assert client.post(f"{url}/approve", headers=cast.auth("atasan")).status_code == 200

    found = client.get("/api/v1/documents", query_string={"q": "temuan audit"})
    body = found.get_json()
    assert [item["id"] for item in body["items"]] == [redacted["id"]]
    assert body["total"] == 1
    assert "Kartolo" not in found.get_data(as_text=True)
    secret = client.get("/api/v1/documents", query_string={"q": "Kartolo"}).get_json()
    assert secret["total"] == 0 and secret["items"] == []
    assert secret["suggestion"] is None or "kartolo" not in secret["suggestion"].lower()
    assert "temuan audit" not in client.get("/cari?q=Kartolo").get_data(as_text=True)
    dip = client.get("/api/v1/dip").get_json()
    assert [row["id"] for row in dip["items"]] == [redacted["id"]]
    dik = client.get("/api/v1/dik").get_data(as_text=True)
    assert "Laporan Audit Puskesmas" in dik and "Kartolo" not in dik
    staff = client.get(
        "/api/v1/documents", query_string={"q": "Kartolo"}, headers=cast.auth("dinkes")
    ).get_json()
    assert [item["id"] for item in staff["items"]] == [original["id"]]


# -- hostile queries, the time limit and searches at once (issue 14) ------------


@pytest.mark.parametrize("path", ["/api/v1/documents", "/cari"])
@pytest.mark.parametrize("query", ["NOT NOT a", "anggaran NOT draf", "banjir OR"])
def test_operators_outside_the_citizens_syntax_get_a_clear_400(client, path, query):
    response = client.get(path, query_string={"q": query})

    assert response.status_code == 400
    assert "misalnya" in response.get_data(as_text=True)


def test_range_syntax_is_searched_as_plain_words(client, cast):
    doc = a_document(client, cast, text="Jadwal Zamrud Safir", publish="true")

    assert ids(search(client, "[zamrud safir]")) == [doc["id"]]
    assert ids(search(client, "{zamrud} (safir)")) == [doc["id"]]
    # Ten ranges took 9.5 s on 237 documents: now thirty plain words.
    assert ids(search(client, " ".join(["[a TO z]"] * 10))) == []


@pytest.fixture
def served_with(test_config):
    """An app built with extra settings (the shared app fixture takes none)."""
    from dms.web import create_app

    apps = []

    def build(**settings):
        app = create_app({**test_config, **settings})
        app.config["TESTING"] = True
        app.extensions["dms"].storage.ensure_ready()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["dms"].close()


@pytest.mark.parametrize("path", ["/api/v1/documents", "/cari"])
def test_a_search_past_its_time_limit_answers_503_with_retry_after(served_with, path):
    app = served_with(search_time_limit_seconds="0.000000001")
    client = app.test_client()

    response = client.get(path, query_string={"q": "anggaran"})

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "search_timeout"


@pytest.mark.parametrize("path", ["/api/v1/documents", "/cari"])
def test_searches_at_once_from_one_address_are_limited(served_with, path):
    app = served_with(search_concurrency_per_address=2)
    client = app.test_client()
    slots = app.extensions["dms.search_slots"]
    query = {"q": "anggaran"}

    with slots.slot("127.0.0.1", "busy"), slots.slot("127.0.0.1", "busy"):
        refused = client.get(path, query_string=query)
        elsewhere = client.get(
            path, query_string=query, environ_base={"REMOTE_ADDR": "10.0.0.7"}
        )
    after = client.get(path, query_string=query)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    if path.startswith("/api/"):
        assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert elsewhere.status_code == 200
    assert after.status_code == 200
    assert slots.running("127.0.0.1") == 0


def test_the_openapi_document_describes_the_search_refusals(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["paths"]["/documents"]["get"]["responses"]
    assert {"400", "429", "503"} <= set(responses)
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" in responses["503"]["headers"]
