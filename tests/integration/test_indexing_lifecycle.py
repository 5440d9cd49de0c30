"""The index follows the database: after commits, through lost jobs, busy writers,
rebuilds (with changes arriving during them) and schema upgrades."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dms.accounts.models import User
from dms.documents import services
from dms.documents.models import Document, DocumentVersion
from dms.indexing.index import SearchQuery
from dms.indexing.indexer import Indexer
from dms.indexing.search import search_documents
from tests.helpers import make_exempt, upload

QUERIES = ["laporan", "anggaran OR bencana", '"dana desa"', "laporan -bencana", "dinas"]


@pytest.fixture(params=["whoosh", "tantivy"])
def test_config(test_config, request):
    # The contract: the index follows the database whichever engine serves it.
    return {**test_config, "queue_url": "immediate", "search_engine": request.param}


@pytest.fixture
def search_index(app):
    return app.extensions["dms.search"]


@pytest.fixture
def indexer(archive, search_index):
    return Indexer(archive, search_index)


def a_text(client, cast, username, text, **fields):
    exempt = fields.get("category") == "dikecualikan"
    if exempt:
        fields.update(category="setiap_saat", publish="false")
    response = upload(
        client,
        cast,
        username,
        title=fields.pop("title", text.split()[0].title()),
        content=text.encode(),
        filename="isi.txt",
        **fields,
    )
    assert response.status_code == 201, response.get_json()
    if exempt:
        make_exempt(client, cast, response.get_json()["id"])
    return response.get_json()["id"]


def hold_writer(search_index):
    """Takes the index's writer lock; the returned function lets it go."""
    from dms.indexing.tantivy_index import TantivyIndex

    if isinstance(search_index, TantivyIndex):
        writer = search_index._index().writer(heap_size=15_000_000, num_threads=1)

        def release():
            writer.rollback()
            writer.wait_merging_threads()

        return release
    writer = search_index._open().writer()
    return writer.cancel


def results(archive, search_index, text, username=None):
    """Everything a caller sees of one search: ids, total, facets, highlights."""
    with archive.reading() as session:
        actor = (
            session.scalar(select(User).where(User.username == username))
            if username
            else None
        )
        page = search_documents(
            session, search_index, actor=actor, query=SearchQuery(text=text)
        )
        return (
            [(item.document.id, item.hit.highlights) for item in page.items],
            page.total,
            page.facets,
        )


def lag(archive) -> dict[int, tuple[int, int]]:
    with archive.reading() as session:
        rows = session.execute(
            select(Document.id, Document.index_revision, Document.indexed_revision)
        ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def a_small_archive(client, cast):
    a_text(client, cast, "utama", "laporan keuangan dana desa", publish="true")
    a_text(client, cast, "utama", "laporan bencana banjir", publish="true")
    a_text(client, cast, "dinkes", "laporan anggaran dinas kesehatan")
    a_text(client, cast, "dinkes", "rahasia dinas", category="dikecualikan")


def test_search_results_are_identical_before_and_after_a_rebuild(
    client, cast, archive, search_index, indexer
):
    a_small_archive(client, cast)
    before = {
        (q, who): results(archive, search_index, q, who)
        for q in QUERIES
        for who in (None, "dinkes", "utama")
    }
    assert before[("laporan", None)][1] == 2
    assert indexer.rebuild() == 4
    after = {key: results(archive, search_index, *key) for key in before}
    assert after == before


def test_every_commit_leaves_the_index_caught_up(client, cast, archive):
    a_small_archive(client, cast)
    assert all(now == done for now, done in lag(archive).values())


def test_a_lost_job_is_made_good_by_the_sweep(
    client, cast, archive, search_index, indexer
):
    archive.on_documents_changed = None  # the queue was down
    document_id = a_text(client, cast, "utama", "peta rawan longsor", publish="true")
    assert results(archive, search_index, "longsor")[1] == 0
    now, done = lag(archive)[document_id]
    assert now > done
    assert indexer.sweep() == 1
    assert [hit[0] for hit in results(archive, search_index, "longsor")[0]] == [
        document_id
    ]
    assert indexer.sweep() == 0


def test_the_sweep_makes_documents_searchable_batch_by_batch(
    client, cast, archive, search_index, indexer
):
    archive.on_documents_changed = None  # a backlog: the queue was down
    for place in ("utara", "selatan", "barat"):
        a_text(client, cast, "utama", f"peta rawan longsor {place}", publish="true")
    searchable_after_each_batch = []
    refresh = indexer.refresh

    def refresh_and_look(ids):
        written = refresh(ids)
        searchable_after_each_batch.append(results(archive, search_index, "longsor")[1])
        return written

    indexer.refresh = refresh_and_look

    assert indexer.sweep(batch=1) == 3
    assert searchable_after_each_batch == [1, 2, 3]


def test_a_sweep_never_runs_beside_another(client, cast, archive, search_index):
    from huey import MemoryHuey

    from dms.jobs import SWEEP_LOCK, Jobs

    archive.on_documents_changed = None
    a_text(client, cast, "utama", "peta rawan longsor", publish="true")
    jobs = Jobs(archive, search_index, huey=MemoryHuey("uji", immediate=True))

    with jobs.huey.lock_task(SWEEP_LOCK):  # the start-up sweep, still running
        assert jobs._sweep() == 0
    assert results(archive, search_index, "longsor")[1] == 0
    assert jobs._sweep() == 1


def test_a_worker_starting_after_a_killed_one_still_sweeps(
    client, cast, archive, search_index
):
    from huey import MemoryHuey

    from dms.jobs import SWEEP_LOCK, Jobs

    archive.on_documents_changed = None
    a_text(client, cast, "utama", "peta rawan longsor", publish="true")
    jobs = Jobs(archive, search_index, huey=MemoryHuey("uji", immediate=True))
    # A worker killed mid-sweep never released its lock.
    jobs.huey.lock_task(SWEEP_LOCK).__enter__()
    assert jobs._sweep() == 0

    jobs.start_worker()  # the next worker's start

    assert results(archive, search_index, "longsor")[1] == 1
    assert jobs._sweep() == 0  # caught up, and the lock is free again
    with jobs.huey.lock_task(SWEEP_LOCK):
        pass


def test_a_busy_writer_leaves_the_change_pending_until_it_is_retried(
    client, cast, archive, search_index, indexer
):
    from dms.indexing.index import IndexBusy

    archive.on_documents_changed = None
    document_id = a_text(client, cast, "utama", "jadwal vaksinasi", publish="true")
    search_index.lock_timeout = 0.2
    held = hold_writer(search_index)  # another process holds the lock
    try:
        with pytest.raises(IndexBusy):
            indexer.refresh([document_id])
    finally:
        held()
    now, done = lag(archive)[document_id]
    assert now > done
    indexer.refresh([document_id])
    assert results(archive, search_index, "vaksinasi")[1] == 1


def test_changes_committed_during_a_rebuild_reach_the_new_index(
    client, cast, archive, search_index, indexer
):
    gone = a_text(client, cast, "utama", "pengumuman lelang", publish="true")
    kept = a_text(client, cast, "utama", "pengumuman seleksi", publish="true")

    def withdraw_midway(_count):
        # Runs after the new generation holds both documents, before the swap;
        # the withdrawal's job writes to the old generation.
        with archive.transaction() as session:
            actor = session.scalar(select(User).where(User.username == "utama"))
            services.withdraw(session, actor=actor, document_id=gone)

    search_index_rebuild = search_index.rebuild

    def rebuild(docs, chunk_size=500, progress=None, procs=1):
        return search_index_rebuild(
            docs, chunk_size, progress=withdraw_midway, procs=procs
        )

    search_index.rebuild = rebuild
    indexer.rebuild()
    archive.on_documents_changed = None  # no masking help from a pending row
    hits, total, facets = results(archive, search_index, "pengumuman")
    assert ([hit[0] for hit in hits], total) == ([kept], 1)
    assert facets["org"] == {"ppid-utama": 1}
    assert all(now == done for now, done in lag(archive).values())


def test_an_extraction_failure_is_recorded_and_the_title_stays_searchable(
    client, cast, archive, search_index
):
    # A PDF header over garbage: libmagic calls it a PDF, pdfminer cannot read it.
    broken = b"%PDF-1.4\n" + bytes(range(256)) * 40
    response = upload(
        client,
        cast,
        "utama",
        title="Rekapitulasi pengaduan",
        content=broken,
        filename="rusak.pdf",
        publish="true",
    )
    assert response.status_code == 201, response.get_json()
    with archive.reading() as session:
        version = session.scalar(select(DocumentVersion))
        assert version.text_status == "extraction_failed"
        assert version.text_reason
    assert results(archive, search_index, "pengaduan")[1] == 1
    assert all(now == done for now, done in lag(archive).values())


def test_the_same_bytes_are_extracted_once(client, cast, archive):
    first = a_text(client, cast, "utama", "notulen rapat koordinasi")
    second = a_text(client, cast, "dinkes", "notulen rapat koordinasi")
    with archive.reading() as session:
        versions = session.scalars(
            select(DocumentVersion).where(
                DocumentVersion.document_id.in_([first, second])
            )
        ).all()
    assert [v.text_status for v in versions] == ["ok", "ok"]
    assert versions[0].text_seconds == versions[1].text_seconds
