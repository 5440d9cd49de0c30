"""`dms search` says when it answers with documents matching only some words."""

from __future__ import annotations

from tests.integration.test_cli import (  # noqa: F401, F811 - fixtures
    clean_environment,
    instance,
    ready,
)
from tests.integration.test_cli_search import import_texts, search_json, titles


def test_search_reports_a_partial_answer_and_the_unmatched_words(ready, tmp_path):  # noqa: F811
    import_texts(ready, tmp_path)
    body = search_json(ready, "banjir qzxnonsense")
    assert titles(body) == ["Banjir"]
    assert (body["partial"], body["unmatched"]) == (True, ["qzxnonsense"])
    assert search_json(ready, "banjir")["partial"] is False
    text = ready.ok("search", "banjir qzxnonsense").stdout
    assert "Tidak ditemukan: qzxnonsense" in text
