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
from dms.documents.uploads import discard_unused_blobs, take_new_blobs
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
            take_new_blobs(session)
        except BaseException:
            session.rollback()
            self._discard(take_new_blobs(session))
            raise
        finally:
            session.close()

    def _discard(self, keys: list[str]) -> None:
        """Delete the blobs a failed transaction created, unless something uses them.

        Runs as its own write transaction so that it queues behind any upload that
        is reusing one of these blobs (see uploads.claim_blob).
        """
        if keys:
            with self.transaction() as session:
                discard_unused_blobs(session, self.storage, keys)

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
