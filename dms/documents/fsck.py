"""Checking the archive's bytes against its records (`dms fsck`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.documents.integrity import blob_problem, clear_damage, mark_damaged
from dms.documents.models import DocumentVersion
from dms.documents.uploads import claim_unused_blob
from dms.requests.models import RequestAttachment, RequestFile
from dms.storage import ObjectNotFound, Storage

# A temp file or an orphan blob this old cannot belong to an upload still running
# (a blob is written before its transaction commits).
STALE_SECONDS = 3600


@dataclass(frozen=True)
class Damage:
    document_id: int
    version: int
    sha256: str
    problem: str  # "missing", "size" or "checksum"

    def describe(self) -> str:
        return (
            f"document {self.document_id} version {self.version}: "
            f"blob {self.sha256[:12]}… {PROBLEMS[self.problem]}"
        )


PROBLEMS = {
    "missing": "is missing from storage",
    "size": "has the wrong size",
    "checksum": "does not match its SHA-256",
}


@dataclass
class FsckReport:
    blobs_checked: int = 0
    versions_checked: int = 0
    damaged: list[Damage] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    intact: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.damaged


def check_archive(
    session: Session,
    storage: Storage,
    *,
    progress: Callable[[int], None] = lambda _bytes: None,
) -> FsckReport:
    """Verify every referenced blob (exists, size, SHA-256) and list the orphans."""
    report = FsckReport()
    versions_by_blob = _versions_by_blob(session)
    for sha256, versions in versions_by_blob.items():
        report.blobs_checked += 1
        report.versions_checked += len(versions)
        problem = blob_problem(storage, sha256, versions[0].size, progress)
        if problem:
            report.damaged.extend(
                Damage(v.document_id, v.number, sha256, problem) for v in versions
            )
        else:
            report.intact.append(sha256)
    referenced = set(versions_by_blob) | _request_file_blobs(session)
    report.orphans = sorted(set(storage.keys()) - referenced)
    return report


def _request_file_blobs(session: Session) -> set[str]:
    """The blobs of requests' identity and proxy files and of answers'
    attachments: not orphans either."""
    blobs = set(session.scalars(select(RequestFile.blob_sha256).distinct()))
    blobs |= set(session.scalars(select(RequestAttachment.blob_sha256).distinct()))
    session.rollback()
    return blobs


def _versions_by_blob(session: Session) -> dict[str, list]:
    """(document_id, number, size) of every version, by blob; the read transaction
    ends here, so hashing for hours holds back neither WAL checkpoints nor vacuum."""
    grouped: dict[str, list] = defaultdict(list)
    rows = session.execute(
        select(
            DocumentVersion.blob_sha256,
            DocumentVersion.document_id,
            DocumentVersion.number,
            DocumentVersion.size,
        ).order_by(DocumentVersion.document_id, DocumentVersion.number)
    ).all()
    session.rollback()
    for row in rows:
        grouped[row.blob_sha256].append(row)
    return grouped


def record_findings(session: Session, report: FsckReport) -> None:
    """Mark the damaged blobs, so downloads refuse them and officers see it, and
    clear the marks of blobs found intact (repaired by hand or from a backup)."""
    for damage in {d.sha256: d for d in report.damaged}.values():
        mark_damaged(session, damage.sha256, damage.problem)
    clear_damage(session, report.intact)


def repair(session: Session, storage: Storage, report: FsckReport) -> None:
    """Delete stale orphan blobs (re-checked just before) and stale temp files.

    Run it in a write transaction: each orphan is claimed like an upload's
    clean-up does, so an upload reusing it meanwhile keeps it.

    An orphan younger than STALE_SECONDS is kept: it may be the blob of an upload
    whose transaction has not committed yet. Damaged versions cannot be repaired
    from here: their bytes are gone; they stay reported (and marked damaged) until an
    officer uploads the same bytes again or they are restored from a backup.
    """
    cutoff = datetime.now(UTC) - timedelta(seconds=STALE_SECONDS)
    for key in report.orphans:
        if not claim_unused_blob(session, key):
            report.repaired.append(f"kept blob {key}: a version uses it now")
        elif not _written_before(storage, key, cutoff):
            report.repaired.append(f"kept orphan blob {key}: written under an hour ago")
        else:
            storage.delete(key)
            report.repaired.append(f"removed orphan blob {key}")
    remove_temp = getattr(storage, "remove_temp_files", None)
    if remove_temp is not None:
        for path in remove_temp(STALE_SECONDS) or []:
            report.repaired.append(f"removed stale temp file {path}")


def _written_before(storage: Storage, key: str, cutoff) -> bool:
    try:
        return storage.stat(key).modified < cutoff
    except ObjectNotFound:
        return False
