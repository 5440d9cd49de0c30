"""Several web servers on one database, each with its own index folder: every
host's worker catches its index up from the database, and a document hidden
through one host disappears from the others' searches at once (the mask)."""

from __future__ import annotations

import pytest

from dms.indexing.index import SearchQuery
from dms.indexing.indexer import Indexer
from dms.indexing.search import search_documents
from dms.indexing.sync import read_mark, sync_host
from dms.web import create_app
from tests.helpers import upload


@pytest.fixture(params=["whoosh", "tantivy"])
def test_config(test_config, request):
    return {**test_config, "queue_url": "immediate", "search_engine": request.param}


@pytest.fixture
def other_host(test_config, tmp_path):
    """A second web server: the same database and store, its own index folder."""
    app = create_app({**test_config, "index_dir": str(tmp_path / "host-b" / "index")})
    archive, index = app.extensions["dms"], app.extensions["dms.search"]
    yield archive, index
    archive.close()


def found(archive, index, text: str) -> tuple[list[int], int]:
    with archive.reading() as session:
        page = search_documents(
            session, index, actor=None, query=SearchQuery(text=text)
        )
    return [item.document.id for item in page.items], page.total


def test_a_change_through_one_host_reaches_the_other_at_its_sweep(
    app, client, cast, other_host
):
    archive_b, index_b = other_host
    host_b = Indexer(archive_b, index_b)
    assert sync_host(host_b) == 0  # an empty archive: nothing to write
    assert read_mark(index_b.path) is not None

    created = upload(
        client,
        cast,
        "utama",
        title="Jadwal Kalibrasi Timbangan",
        content=b"jadwal kalibrasi timbangan pasar",
        filename="jadwal.txt",
        publish="true",
    )
    assert created.status_code == 201, created.get_json()
    document_id = created.get_json()["id"]
    host_a = (app.extensions["dms"], app.extensions["dms.search"])
    assert found(*host_a, "kalibrasi") == ([document_id], 1)
    assert found(archive_b, index_b, "kalibrasi") == ([], 0)  # not swept yet

    assert sync_host(host_b) == 1
    assert found(archive_b, index_b, "kalibrasi") == ([document_id], 1)
    assert sync_host(host_b) == 0  # nothing changed since

    url = created.get_json()["url"]
    withdrawn = client.post(f"{url}/withdraw", headers=cast.auth("utama"))
    assert withdrawn.status_code == 200, withdrawn.get_json()
    # Both hosts hide it at once: host B's index still holds the public entry,
    # the database mask hides it before B's sweep comes round.
    assert found(*host_a, "kalibrasi") == ([], 0)
    assert found(archive_b, index_b, "kalibrasi") == ([], 0)
    assert sync_host(host_b) == 1
    assert index_b.search(SearchQuery(text="kalibrasi"), _public()).total == 0


def test_a_host_without_a_sync_mark_compares_every_document(client, cast, other_host):
    archive_b, index_b = other_host
    for title in ("Laporan Posyandu", "Laporan Puskesmas"):
        response = upload(
            client,
            cast,
            "utama",
            title=title,
            content=title.encode(),
            filename="laporan.txt",
            publish="true",
        )
        assert response.status_code == 201, response.get_json()
    # A new host (no mark yet) brings its empty index up to date from scratch.
    assert read_mark(index_b.path) is None
    assert sync_host(Indexer(archive_b, index_b)) == 2
    assert found(archive_b, index_b, "laporan")[1] == 2


def _public():
    from dms.indexing.index import Scope

    return Scope.public()
