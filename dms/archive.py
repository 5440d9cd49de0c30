"""The archive's collaborators wired from Settings: database, storage, transactions.

The web app and the CLI both hold one Archive; services receive its session and
storage as arguments and never build their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dms import (
    mail,
    schema,  # noqa: F401  (every table, for relationships)
)
from dms.blobs import discard_unused_blobs, take_new_blobs, take_released_blobs
from dms.db import WRITES, make_engine, make_session_factory
from dms.indexing import tracking
from dms.settings import Settings
from dms.storage import Storage, StorageBusy, build_storage

log = logging.getLogger(__name__)


@dataclass
class Archive:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    storage: Storage
    # Told, after each commit, which documents changed (the job queue listens).
    on_documents_changed: Callable[[set[int]], None] | None = None
    # Told, after a commit that queued email, to have it delivered (the job queue).
    on_mail_queued: Callable[[], None] | None = None
    # Without DMS_PUBLIC_URL, the address of the web request being served (the
    # web app sets it); the command line and the worker have none.
    request_url: Callable[[], str] | None = None
    # Set while this process holds the storage's write lease exclusively.
    _exclusive: bool = False

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        engine = make_engine(settings.database_url)
        session_factory = make_session_factory(engine)
        tracking.install(session_factory)
        mail.install(session_factory)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=session_factory,
            storage=build_storage(settings.storage_url),
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit at the end, or roll back and drop new blobs.

        It holds the storage's write lease (shared) throughout, so that fsck never
        takes a blob written here, before its row commits, for a leftover."""
        with self._write_lease():
            yield from self._transaction()

    def _write_lease(self):
        lease = getattr(self.storage, "write_lease", None)
        if lease is None or self._exclusive:
            return nullcontext()
        return lease()

    @contextmanager
    def exclusive_storage(self) -> Iterator[None]:
        """Hold the storage's write lease alone (StorageBusy while any write
        transaction is open); this process's transactions meanwhile skip it."""
        lease = getattr(self.storage, "write_lease", None)
        with lease(exclusive=True) if lease else nullcontext():
            self._exclusive = True
            try:
                yield
            finally:
                self._exclusive = False

    def _transaction(self) -> Iterator[Session]:
        session = self.session_factory()
        session.info[mail.SITE_URL] = self.site_url()
        try:
            session.connection(execution_options={WRITES: True})
            yield session
            session.commit()
            take_new_blobs(session)
        except BaseException:
            session.rollback()
            tracking.forget_changes(session)
            mail.forget_queued(session)
            take_released_blobs(session)
            self._discard(take_new_blobs(session))
            raise
        finally:
            session.close()
        self.request_indexing(tracking.take_changed_ids(session))
        if mail.take_queued(session):
            self._announce_mail()
        self._release(take_released_blobs(session))

    def site_url(self) -> str:
        """The portal's address for links in email: DMS_PUBLIC_URL, else the
        current web request's; "" from a command line or worker without it."""
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        return self.request_url() if self.request_url is not None else ""

    def request_indexing(self, document_ids: set[int]) -> None:
        """Pass committed changes on (or documents found lagging); a failure
        here must not undo the commit: the database still records the lag and
        the sweep will catch up."""
        if not document_ids or self.on_documents_changed is None:
            return
        try:
            self.on_documents_changed(document_ids)
        except Exception:  # noqa: BLE001 - logged; the sweep recovers
            log.exception("could not queue indexing of documents %s", document_ids)

    def _announce_mail(self) -> None:
        """Ask for delivery of the mail just committed; a failure here leaves it
        in the outbox, where the periodic retry finds it."""
        if self.on_mail_queued is None:
            return
        try:
            self.on_mail_queued()
        except Exception:  # noqa: BLE001 - logged; the periodic retry recovers
            log.exception("could not queue delivery of email")

    def _discard(self, keys: list[str]) -> None:
        """Delete the blobs a failed transaction created, unless something uses them.

        Runs as its own write transaction so that it queues behind any upload that
        is reusing one of these blobs (see blobs.claim_blob).
        """
        if keys:
            with self.transaction() as session:
                discard_unused_blobs(session, self.storage, keys)

    def _release(self, keys: list[str]) -> None:
        """After a commit that removed rows referring to these blobs: delete the
        ones nothing refers to any more, unless a backup is running (its copy of
        the database may still name them). A failure here must not undo the
        commit: the blob stays, and `dms fsck --repair` removes it later."""
        if not keys:
            return
        lease = getattr(self.storage, "deletion_lease", None)
        try:
            with lease(exclusive=True) if lease else nullcontext():
                self._discard(keys)
        except StorageBusy:
            log.info(
                "a backup is running: blobs %s are left for dms fsck --repair", keys
            )
        except Exception:  # noqa: BLE001 - logged; fsck --repair recovers
            log.exception("could not delete released blobs %s", keys)

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
