"""`dms import` indexing as it goes, `dms search`, `dms reindex`, `dms init` on an
old or lost index, and `dms worker` consuming the embedded and the Redis queue."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.test_cli import (  # noqa: F401 - fixtures
    DMS_SCRIPT,
    Instance,
    clean_environment,
    instance,
    ready,
)

FILES = {
    "laporan-keuangan.txt": "Laporan keuangan daerah tahun anggaran 2024",
    "banjir.txt": "Pengumuman banjir bandang di kecamatan utara",
    "sk-ppid.txt": "Keputusan Bupati Nomor 188.4/705/2013 tentang PPID",
}


def write_texts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def search_json(instance: Instance, *args) -> dict:
    return json.loads(instance.ok("search", *args, "--json").stdout)


def import_texts(ready, tmp_path: Path) -> Path:
    """The plain-text files, imported and published by the PPID Utama."""
    folder = write_texts(tmp_path / "in")
    ready.ok(
        "import",
        folder,
        "--org",
        "ppid-utama",
        "--category",
        "setiap_saat",
        "--publish",
    )
    return folder


def titles(body: dict) -> list[str]:
    return [item["title"] for item in body["items"]]


def test_import_indexes_as_it_goes_and_search_finds_the_files(ready, tmp_path):
    import_texts(ready, tmp_path)
    body = search_json(ready, "banjir")
    assert titles(body) == ["Banjir"]
    assert "<mark>banjir</mark>" in body["items"][0]["highlights"]["body"]
    assert titles(search_json(ready, "188.4/705/2013")) == ["Sk ppid"]
    text = ready.ok("search", "keuangan").stdout
    assert "1 dokumen ditemukan" in text
    assert "*keuangan*" in text


def test_search_as_a_citizen_never_shows_unpublished_imports(ready, tmp_path):
    folder = write_texts(tmp_path / "in")
    ready.ok(
        "import", folder, "--org", "dinkes", "--category", "berkala", "--no-publish"
    )
    assert search_json(ready, "banjir")["total"] == 0
    ready.ok("user", "add", "kepala", "--role", "ppid_utama", "--org", "ppid-utama")
    assert titles(search_json(ready, "banjir", "--as", "kepala")) == ["Banjir"]


def test_reindex_rebuilds_with_identical_results(ready, tmp_path):
    import_texts(ready, tmp_path)
    before = [search_json(ready, q) for q in ("banjir", "laporan OR keputusan")]
    result = ready.ok("reindex")
    assert "dms: 3 document(s) indexed" in result.stdout
    after = [search_json(ready, q) for q in ("banjir", "laporan OR keputusan")]
    assert after == before


def test_init_rebuilds_an_index_of_an_older_schema_or_a_lost_one(ready, tmp_path):
    import_texts(ready, tmp_path)
    index = Path(ready.env["DMS_INDEX_DIR"])
    meta = (index / "current").resolve() / "dms-index.json"
    meta.write_text(json.dumps({"schema_version": 0}))
    result = ready.ok("init")
    assert "search index built by an older schema; rebuilding" in result.stderr
    assert titles(search_json(ready, "banjir")) == ["Banjir"]

    import shutil

    shutil.rmtree(index)
    result = ready.ok("init")
    assert "search index missing; rebuilding" in result.stderr
    assert titles(search_json(ready, "banjir")) == ["Banjir"]


def test_a_refused_query_fails_in_one_line(ready):
    result = ready.run("search", "*x")
    assert result.exit_code == 1
    assert result.stderr.startswith("dms: Tanda bintang")


def test_not_and_a_search_past_its_time_limit_fail_in_one_line(ready):
    refused = ready.run("search", "NOT NOT a")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("dms: Operator NOT tidak didukung")
    stopped = ready.run(
        "search", "anggaran", DMS_SEARCH_TIME_LIMIT_SECONDS="0.000000001"
    )
    assert stopped.exit_code == 1
    assert stopped.stderr.startswith("dms: Pencarian ini memakan waktu terlalu lama")


def redis_url() -> str:
    """A Redis database of the tests' own: DMS_TEST_REDIS_DB (default 15), so two
    test runs at once (CI runs SQLite and PostgreSQL side by side) never share
    a queue."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return f"redis://127.0.0.1:6379/{int(os.environ.get('DMS_TEST_REDIS_DB', '15'))}"


@pytest.mark.parametrize("queue", ["embedded", "redis"])
def test_the_worker_indexes_what_the_web_app_queued(ready, tmp_path, queue):
    if queue == "redis":
        import redis

        url = redis_url()
        redis.Redis.from_url(url).flushdb()
        ready.env["DMS_QUEUE_URL"] = url
    with ready.api() as client:
        ready.ok("user", "add", "kepala", "--role", "ppid_utama", "--org", "ppid-utama")
        token = ready.ok("token", "create", "kepala").stdout.strip()
        response = client.post(
            "/api/v1/documents",
            data={
                "title": "Peta rawan longsor",
                "category": "setiap_saat",
                "publish": "true",
                "file": (__import__("io").BytesIO(b"peta rawan longsor desa"), "p.txt"),
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201
        assert response.get_json()["indexing"] == {"status": "pending"}
    assert search_json(ready, "longsor")["total"] == 0
    worker = subprocess.Popen(
        [str(DMS_SCRIPT), "worker", "--workers", "1"],
        env=ready.process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while search_json(ready, "longsor")["total"] == 0:
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker did not index in 60 s"
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker.stderr.close()
    assert queue_of(ready).result_count() == 0  # no return value kept forever


def queue_of(instance: Instance):
    from dms.jobs import make_huey
    from dms.settings import load_settings

    settings = load_settings(
        {k[4:].lower(): v for k, v in instance.env.items() if k.startswith("DMS_")}
    )
    return make_huey(settings)


def test_serve_runs_a_worker_beside_itself_and_stops_it_on_sigterm(ready, tmp_path):
    import os
    import signal

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready.ok("user", "add", "kepala", "--role", "ppid_utama", "--org", "ppid-utama")
    token = ready.ok("token", "create", "kepala").stdout.strip()
    server = subprocess.Popen(
        [str(DMS_SCRIPT), "serve", "--port", str(port)],
        env=ready.process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/healthz"), "the server did not start")
        response = requests.post(
            f"{base}/api/v1/documents",
            headers={"Authorization": f"Bearer {token}"},
            data={"title": "Jadwal posyandu", "category": "berkala", "publish": "true"},
            files={"file": ("j.txt", b"jadwal posyandu balita bulan ini")},
            timeout=30,
        )
        assert response.status_code == 201
        wait_for(
            lambda: (
                requests.get(
                    f"{base}/api/v1/documents", params={"q": "posyandu"}, timeout=10
                ).json()["total"]
                == 1
            ),
            "the worker beside the server did not index the upload",
        )
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
    assert not os.path.exists(f"/proc/{workers[0]}")


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def wait_for(condition, message: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.3)


def test_reindex_in_two_processes_gives_the_same_results(ready, tmp_path):
    import_texts(ready, tmp_path)
    queries = ("banjir", "laporan OR keputusan", "188.4/705/2013")
    before = [search_json(ready, q) for q in queries]
    assert "3 document(s) indexed" in ready.ok("reindex", "--procs", "2").stdout
    assert [search_json(ready, q) for q in queries] == before


def test_a_rerun_after_a_crash_indexes_what_it_skips_as_already_imported(
    ready, tmp_path
):
    # A run whose indexing never happened: committed, then killed (here: the
    # documents were queued for a worker that never ran).
    folder = write_texts(tmp_path / "in")
    args = ("import", folder, "--org", "ppid-utama", "--category", "setiap_saat")
    ready.ok(*args, "--publish", "--no-index")
    assert search_json(ready, "banjir")["total"] == 0

    rerun = ready.ok(*args, "--publish").stdout

    assert "0 added, 3 skipped" in rerun
    assert titles(search_json(ready, "banjir")) == ["Banjir"]
    assert titles(search_json(ready, "188.4/705/2013")) == ["Sk ppid"]


def _comparable(body: dict) -> tuple:
    """What both engines must agree on: the total and the documents found."""
    return body["total"], sorted(item["title"] for item in body["items"])


def test_init_and_reindex_switch_an_instance_to_tantivy_and_back(ready, tmp_path):
    import_texts(ready, tmp_path)
    queries = ("banjir", "laporan OR keputusan", "188.4/705/2013", "705", "umum")
    on_whoosh = [_comparable(search_json(ready, q)) for q in queries]
    assert on_whoosh[0] == (1, ["Banjir"])

    switched = Instance(ready.root, {**ready.env, "DMS_SEARCH_ENGINE": "tantivy"})
    result = switched.ok("init")
    assert "search index missing; rebuilding" in result.stderr
    assert [_comparable(search_json(switched, q)) for q in queries] == on_whoosh
    assert "3 document(s) indexed" in switched.ok("reindex", "--procs", "2").stdout
    assert [_comparable(search_json(switched, q)) for q in queries] == on_whoosh
    # Whoosh's folder was left alone: switching back needs no rebuild.
    assert [_comparable(search_json(ready, q)) for q in queries] == on_whoosh


def test_an_unknown_search_engine_is_refused_at_start_up(ready):
    result = ready.run("search", "banjir", DMS_SEARCH_ENGINE="elastic")
    assert result.exit_code != 0
    assert "search_engine" in result.output
    assert "whoosh, tantivy" in result.output
