"""The archive's collaborators wired from Settings: database, storage, transactions.

The web app and the CLI both hold one Archive; services receive its session and
storage as arguments and never build their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dms.db import WRITES, make_engine, make_session_factory
from dms.documents.uploads import discard_new_blobs, forget_new_blobs
from dms.settings import Settings
from dms.storage import Storage, build_storage


@dataclass
class Archive:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    storage: Storage

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            storage=build_storage(settings.storage_url),
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit at the end, or roll back and drop new blobs."""
        session = self.session_factory()
        try:
            session.connection(execution_options={WRITES: True})
            yield session
            session.commit()
            forget_new_blobs(session)
        except BaseException:
            session.rollback()
            discard_new_blobs(session, self.storage)
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing it does is committed.

        Closing (not rolling back) keeps loaded objects readable afterwards, so a
        download can stream after the connection has gone back to the pool.
        """
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
