"""The migrations build exactly the schema the models describe, on this database."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from dms.db import (
    Base,
    alembic_config,
    make_engine,
    schema_is_current,
    upgrade_schema,
)


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


def test_the_request_hint_migration_downgrades_and_upgrades_again(database_url):
    engine = make_engine(database_url)
    try:
        command.downgrade(alembic_config(engine), "0014")
        assert "hinted_organisation_id" not in request_columns(engine)
        upgrade_schema(engine)
        assert "hinted_organisation_id" in request_columns(engine)
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def request_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("information_requests")}
