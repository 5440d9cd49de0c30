"""Every hostile file from the corpus gets a clean 2xx or 4xx, never a 5xx."""

from __future__ import annotations

import pytest

from tests.helpers import upload


def hostile_files():
    from tests.conftest import CORPUS

    folder = CORPUS / "hostile"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("path", hostile_files(), ids=lambda p: p.name)
def test_a_hostile_file_gets_a_clean_answer_and_the_server_stays_healthy(
    client, cast, path
):
    response = upload(
        client,
        cast,
        "utama",
        content=path.read_bytes(),
        filename=path.name,
        title=path.stem,
    )

    assert response.status_code < 500, response.get_data(as_text=True)
    assert 200 <= response.status_code < 300 or response.status_code in (400, 413, 415)
    if response.status_code == 201:
        document = response.get_json()
        download = client.get(document["download_url"], headers=cast.auth("utama"))
        assert download.data == path.read_bytes()
    assert client.get("/healthz").status_code == 200


def test_the_hostile_corpus_is_there_to_test(corpus):
    assert len(hostile_files()) >= 30
