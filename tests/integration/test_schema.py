"""The migrations build exactly the schema the models describe, on this database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dms.db import Base, make_engine, schema_is_current, upgrade_schema


def test_the_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def test_upgrading_an_up_to_date_schema_changes_nothing(database_url):
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        assert schema_is_current(engine)
    finally:
        engine.dispose()
