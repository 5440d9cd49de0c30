"""Alembic environment: runs on the engine `dms.db.upgrade_schema` hands over,
or on the configured database when Alembic is run by hand."""

from alembic import context

from dms import (
    audit,  # noqa: F401  (registers the audit table)
    schema,  # noqa: F401  (registers every table)
)
from dms.db import Base, make_engine

target_metadata = Base.metadata


def _engine():
    engine = context.config.attributes.get("engine")
    if engine is None:
        from dms.settings import load_settings

        engine = make_engine(load_settings().database_url)
    return engine


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
