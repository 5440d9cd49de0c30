"""A page of search results costs the database the same few queries whatever the
number of hits (issue 16: one query per hit made every search slower than the
index itself). The page still says when each berkala document falls due."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from tests.helpers import upload


@pytest.fixture
def test_config(test_config):
    return {**test_config, "queue_url": "immediate"}


def a_berkala_report(client, cast, number: int) -> None:
    response = upload(
        client,
        cast,
        "utama",
        title=f"Laporan realisasi anggaran {number}",
        content=f"Realisasi anggaran triwulan {number} dinas kesehatan".encode(),
        filename="laporan.txt",
        category="berkala",
        publish="true",
    )
    assert response.status_code == 201, response.get_json()


@contextlib.contextmanager
def counted(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def searched(client, archive, path: str, **params):
    with counted(archive.engine) as statements:
        response = client.get(path, query_string={"q": "anggaran", **params})
    assert response.status_code == 200
    return response, len(statements)


@pytest.mark.parametrize("path", ["/api/v1/documents", "/cari"])
def test_more_hits_on_a_page_cost_no_more_database_queries(client, cast, archive, path):
    a_berkala_report(client, cast, 1)
    _, with_one = searched(client, archive, path)
    for number in range(2, 6):
        a_berkala_report(client, cast, number)
    response, with_five = searched(client, archive, path)

    assert with_five == with_one
    if path.startswith("/api"):
        items = response.get_json()["items"]
        assert len(items) == 5
        assert all(item["refresh_due"] for item in items)
    else:
        assert response.get_data(as_text=True).count("<mark>anggaran</mark>") >= 5
