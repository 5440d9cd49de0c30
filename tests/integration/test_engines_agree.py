"""Both engines answer the bench's query set alike on the same synthetic archive:
the same totals and facets for every actor (what a caller may count), and the
same decision to offer a "did you mean" (from public text only)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bench import corpus_gen, latency
from dms.indexing.index import IndexedDocument, Scope, SearchIndex
from dms.indexing.tantivy_index import TantivyIndex

SIZE = 600
ORG_IDS = {
    code: number for number, (code, _name, _w) in enumerate(corpus_gen.ORGANISATIONS, 1)
}


def synthetic_documents(size: int) -> list[IndexedDocument]:
    documents = []
    for doc_id, made in enumerate(corpus_gen.generate(size, seed=1), start=1):
        moment = datetime(made.year, 1, 1, 8) + timedelta(days=made.day_of_year - 1)
        documents.append(
            IndexedDocument(
                id=doc_id,
                title=made.title,
                summary=made.summary,
                body=made.body,
                category=made.category,
                org=made.org,
                year=made.year,
                info_type=made.info_type,
                status=made.status,
                organisation_id=ORG_IDS[made.org],
                updated_at=moment,
            )
        )
    return documents


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    documents = synthetic_documents(SIZE)
    whoosh = SearchIndex(folder / "whoosh")
    whoosh.rebuild(documents)
    tantivy = TantivyIndex(folder / "tantivy")
    tantivy.rebuild(iter(documents), chunk_size=100, procs=2)
    yield whoosh, tantivy
    whoosh.close()


@pytest.mark.parametrize("query", latency.QUERIES, ids=lambda q: q.label)
def test_both_engines_count_the_same_documents_for_every_caller(engines, query):
    whoosh, tantivy = engines
    scope = latency.scopes(ORG_IDS)[query.actor]
    by_whoosh = whoosh.search(query.search_query(), scope)
    by_tantivy = tantivy.search(query.search_query(), scope)
    assert by_tantivy.total == by_whoosh.total
    assert by_tantivy.facets == by_whoosh.facets
    # Whoosh's corrector ranks candidates by frequency alone (its score uses the
    # maximum distance, not the candidate's); tantivy's takes the closest first,
    # so the word may differ, never whether a suggestion is made.
    assert (by_tantivy.suggestion is None) == (by_whoosh.suggestion is None)
    assert len(by_tantivy.items) == len(by_whoosh.items)


def test_the_bench_queries_find_something_on_the_agreement_archive(engines):
    whoosh, _tantivy = engines
    scope_of = latency.scopes(ORG_IDS)
    found = [
        whoosh.search(q.search_query(), scope_of[q.actor]).total
        for q in latency.QUERIES
    ]
    assert sum(1 for total in found if total) >= len(found) // 2


@pytest.mark.parametrize("pair", latency.PARTIAL_PAIRS, ids=lambda pair: pair[1])
def test_both_engines_answer_a_partial_query_alike(engines, pair):
    whoosh, tantivy = engines
    _twin, text = pair
    query = latency.Query("partial", text).search_query()
    by_whoosh = whoosh.search(query, Scope.public())
    by_tantivy = tantivy.search(query, Scope.public())
    assert by_whoosh.partial and by_tantivy.partial
    assert by_tantivy.unmatched == by_whoosh.unmatched
    assert by_tantivy.total == by_whoosh.total
    assert by_tantivy.facets == by_whoosh.facets
