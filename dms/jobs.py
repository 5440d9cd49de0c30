"""Background jobs with Huey: extraction and indexing after each commit, email
delivery after each commit that queued some (dms.mail), and periodic sweeps.

The queue follows ``queue_url``: empty means the embedded queue (a SQLite file in
the instance folder, no server), ``redis://...`` a Redis server, and ``immediate``
runs each job inline as it is queued (tests, and scripts that want to wait).
``dms worker`` consumes the queue; ``dms serve`` starts one beside itself when the
queue is embedded, so a laptop needs nothing else.

Jobs are idempotent and lossless: a document's lag behind the index is recorded
in its row (dms.indexing.tracking), so a job that fails, or a queue that loses
it, is made good by the periodic sweep. A busy index writer is retried by Huey.
"""

from __future__ import annotations

import logging
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from dms.archive import Archive
from dms.indexing.index import SearchIndex
from dms.indexing.indexer import Indexer, extraction_limits
from dms.settings import Settings

log = logging.getLogger(__name__)

IMMEDIATE = "immediate"
QUEUE_NAME = "dms"
INDEX_RETRIES = 5
INDEX_RETRY_DELAY_SECONDS = 10
# One sweep at a time, whatever starts it (the worker's start, the periodic task).
SWEEP_LOCK = "dms.sweep_index"


def make_huey(settings: Settings) -> Huey:
    """The queue ``settings.queue_url`` names. Results are not kept: nobody reads
    them, and Huey would otherwise store every job's return value forever."""
    url = settings.queue_url  # checked by load_settings
    if url == IMMEDIATE:
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if url:
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    path = embedded_queue_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)


def embedded_queue_path(settings: Settings) -> Path:
    return settings.instance_dir / "queue.sqlite3"


def is_embedded(settings: Settings) -> bool:
    return settings.queue_url == ""


class Jobs:
    """The archive's tasks on one Huey instance."""

    def __init__(self, archive: Archive, index: SearchIndex, huey: Huey | None = None):
        self.archive = archive
        self.indexer = Indexer(archive, index, extraction_limits(archive.settings))
        self.huey = huey or make_huey(archive.settings)
        task = self.huey.task
        self.index_documents = task(
            retries=INDEX_RETRIES,
            retry_delay=INDEX_RETRY_DELAY_SECONDS,
            name="dms.index_documents",
        )(self.indexer.refresh)
        self.sweep = self.huey.periodic_task(
            crontab(minute="*/5"), name="dms.sweep_index"
        )(self._sweep)
        self.rebuild = task(name="dms.rebuild_index")(self._rebuild)
        # Hourly, so a period ending today ends soon after local midnight
        # whatever the server's clock zone; a run that finds nothing is cheap.
        self.expire_exemptions = self.huey.periodic_task(
            crontab(minute="15"), name="dms.expire_exemptions"
        )(self._expire_exemptions)
        self.deliver_mail = task(name="dms.deliver_mail")(self._deliver_mail)
        # Every minute: the retries' backoff starts at one minute.
        self.retry_mail = self.huey.periodic_task(
            crontab(minute="*"), name="dms.retry_mail"
        )(self._retry_mail)

        # Hourly too, but each request is reminded at most once a local day.
        self.remind_requests = self.huey.periodic_task(
            crontab(minute="30"), name="dms.remind_requests"
        )(self._remind_requests)
        # Daily: once a semester has ended, its ringkasan akses informasi is
        # published; a run that finds it published already does nothing.
        self.publish_semester_summary = self.huey.periodic_task(
            crontab(hour="1", minute="30"), name="dms.publish_semester_summary"
        )(self._publish_semester_summary)

    def attach(self) -> Jobs:
        """Queue indexing for every document the archive commits a change to, and
        delivery for every commit that queued email."""
        self.archive.on_documents_changed = self.request_indexing
        self.archive.on_mail_queued = self.request_delivery
        return self

    def start_worker(self) -> None:
        """What a worker does before it takes jobs: drop the sweep lock a killed
        worker may have left (it would skip every later sweep), then catch up at
        once with whatever was missed while stopped. A sweep running on another
        host at that moment may then overlap this one, which is harmless."""
        if self.huey.flush_locks(SWEEP_LOCK):
            log.warning("dropped a sweep lock left by a stopped worker")
        self.sweep()

    def request_indexing(self, document_ids: set[int]) -> None:
        self.index_documents(sorted(document_ids))

    def request_delivery(self) -> None:
        """Deliver the email a transaction just committed, if mail is configured."""
        if not self.archive.settings.smtp_url:
            log.info("smtp_url is not set: queued email stays in the outbox unsent")
            return
        self.deliver_mail()

    def _deliver_mail(self):
        from dms.mail import deliver_pending

        report = deliver_pending(self.archive)
        if report.sent or report.failed:
            log.info("email: %d sent, %d failed", report.sent, report.failed)
        return report

    def _retry_mail(self):
        """Send what is due again; quiet when mail is not configured."""
        if self.archive.settings.smtp_url:
            return self._deliver_mail()
        return None

    def _sweep(self) -> int:
        """Catch up with the index lag, unless a sweep is running already: the
        start-up sweep of a large backlog may outlast the periodic one's period."""
        try:
            with self.huey.lock_task(SWEEP_LOCK):
                count = self.indexer.sweep()
        except TaskLockedException:
            log.info("a sweep is running already; this one is skipped")
            return 0
        if count:
            log.info("sweep indexed %d lagging document(s)", count)
        return count

    def _rebuild(self) -> int:
        return self.indexer.rebuild()

    def _expire_exemptions(self):
        """Flag exemptions ending within 30 working days, open the ended ones."""
        from dms.classification.exemptions import expire_exemptions

        report = expire_exemptions(self.archive)
        if report.warned or report.opened:
            log.info(
                "exemptions: %d flagged, %d opened",
                len(report.warned),
                len(report.opened),
            )
        return report

    def _remind_requests(self):
        """Email the officers of requests due within two working days or overdue."""
        from dms.requests.workflow import remind_requests

        report = remind_requests(self.archive)
        if report.reminded:
            log.info("reminded officers of %d request(s)", len(report.reminded))
        if report.objections:
            log.info("reminded the atasan of %d objection(s)", len(report.objections))
        return report

    def _publish_semester_summary(self):
        """Publish the last ended semester's request summary unless it exists."""
        from dms.monitoring.summary import publish_ended_semester

        return publish_ended_semester(self.archive)

    def consumer(self, workers: int):
        """A Huey consumer running this queue's jobs in threads (extraction itself
        runs in child processes, so threads keep every core busy)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread")
