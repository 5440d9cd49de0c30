"""The shared web app (tests/web/conftest.py) is put back to an empty archive
between tests: nothing one test wrote is seen by the next."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import make_cast
from tests.helpers import upload
from tests.web.conftest import SharedApp


def test_a_reset_shared_app_has_an_empty_database_store_index_and_limits(
    test_config, tmp_path_factory, database_template
):
    shared = SharedApp.build(
        {**test_config, "queue_url": "immediate"},
        tmp_path_factory.mktemp("reset"),
        database_template,
    )
    try:
        app, archive = shared.app, shared.archive
        client = app.test_client()
        cast = make_cast(archive)
        assert upload(client, cast, "dinkes").status_code == 201
        assert app.extensions["dms.search"].doc_count() == 1
        assert any(archive.storage.keys())
        app.config["WTF_CSRF_ENABLED"] = False
        archive.on_documents_changed = None

        shared.reset()

        with archive.reading() as session:
            assert session.scalar(text("SELECT COUNT(*) FROM documents")) == 0
            assert session.scalar(text("SELECT COUNT(*) FROM users")) == 0
        assert not any(shared.archive.storage.keys())
        assert app.extensions["dms.search"].doc_count() == 0
        assert app.config["WTF_CSRF_ENABLED"] is True
        assert archive.on_documents_changed is not None
        # The ids start again at 1, as in a fresh database.
        cast = make_cast(archive)
        assert upload(client, cast, "dinkes").get_json()["id"] == 1
    finally:
        shared.close()
