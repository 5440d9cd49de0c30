"""Checking the archive's bytes against its records (`dms fsck`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.blobs import claim_unused_blob, referenced_blobs
from dms.documents.integrity import blob_problem, clear_damage, mark_damaged
from dms.documents.models import DocumentVersion
from dms.output.sizes import byte_size
from dms.storage import ObjectNotFound, Storage, StorageBusy

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


@dataclass(frozen=True)
class Leftover:
    """A blob no record refers to, or a temp file, left by a crashed write."""

    kind: str  # "orphan" or "temp"
    name: str  # the blob's key, or the temp file's path
    size: int

    def describe(self) -> str:
        size = byte_size(self.size)
        if self.kind == "orphan":
            what = f"orphan blob {self.name} ({size}) is referenced by "
            return what + "no version, request file or attachment"
        return f"temp file {self.name} ({size}) left by an interrupted upload"


@dataclass
class FsckReport:
    blobs_checked: int = 0
    versions_checked: int = 0
    damaged: list[Damage] = field(default_factory=list)
    leftovers: list[Leftover] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    intact: list[str] = field(default_factory=list)
    # Uploads were in progress: only leftovers older than STALE_SECONDS counted.
    busy: bool = False

    @property
    def orphans(self) -> list[str]:
        return [item.name for item in self.leftovers if item.kind == "orphan"]

    @property
    def healthy(self) -> bool:
        return not self.damaged and not self.leftovers


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
    report.leftovers, report.busy = find_leftovers(session, storage)
    return report


def find_leftovers(session: Session, storage: Storage) -> tuple[list[Leftover], bool]:
    """Orphan blobs and temp files, with their sizes, and whether writes were in
    progress. Looked for while holding the storage's write lease alone, where the
    store has one (no upload can be between its blob and its row then); else, or
    while uploads run, only what is older than STALE_SECONDS counts."""
    lease = getattr(storage, "write_lease", None)
    if lease is not None:
        try:
            with lease(exclusive=True):
                return _leftovers(session, storage, older_than=0), False
        except StorageBusy:
            return _leftovers(session, storage, older_than=STALE_SECONDS), True
    return _leftovers(session, storage, older_than=STALE_SECONDS), False


def _leftovers(session: Session, storage: Storage, *, older_than: float) -> list:
    referenced = referenced_blobs(session)
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than)
    found = []
    for key in sorted(set(storage.keys()) - referenced):
        try:
            info = storage.stat(key)
        except ObjectNotFound:
            continue  # claimed and removed meanwhile
        if older_than == 0 or info.modified < cutoff:
            found.append(Leftover("orphan", key, info.size))
    temp_files = getattr(storage, "temp_files", None)
    for path in temp_files(older_than) if temp_files else []:
        try:
            found.append(Leftover("temp", str(path), path.stat().st_size))
        except FileNotFoundError:
            continue
    return found


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


def repair(
    session: Session, storage: Storage, report: FsckReport, *, exclusive: bool
) -> None:
    """Delete the leftovers found (each orphan re-checked just before) and
    forget them in the report.

    Run it in a write transaction: each orphan is claimed like an upload's
    clean-up does, so an upload reusing it meanwhile keeps it. With `exclusive`
    (the caller holds the storage's write lease alone: no upload is between its
    blob and its row) every leftover goes; without (a store with no lease, S3),
    an orphan younger than STALE_SECONDS is kept: it may be the blob of an upload
    whose transaction has not committed yet. Damaged versions cannot be repaired
    from here: their bytes are gone; they stay reported (and marked damaged) until
    an officer uploads the same bytes again or they are restored from a backup.
    """
    lease = getattr(storage, "deletion_lease", None)
    try:
        with lease(exclusive=True) if lease else nullcontext():
            _remove_leftovers(session, storage, report, exclusive)
    except StorageBusy:
        report.repaired.append(
            "kept every orphan blob: a backup (or another clean-up) is running, "
            "and its copy of the database may name them; run dms fsck --repair "
            "again after it"
        )


def _remove_leftovers(session, storage, report: FsckReport, exclusive: bool) -> None:
    cutoff = datetime.now(UTC) - timedelta(seconds=STALE_SECONDS)
    kept = []
    for item in report.leftovers:
        if item.kind == "temp":
            Path(item.name).unlink(missing_ok=True)
            report.repaired.append(
                f"removed temp file {item.name} ({byte_size(item.size)})"
            )
        elif not claim_unused_blob(session, item.name):
            report.repaired.append(f"kept blob {item.name}: a version uses it now")
        elif not exclusive and not _written_before(storage, item.name, cutoff):
            kept.append(item)
            report.repaired.append(
                f"kept orphan blob {item.name}: written under an hour ago"
            )
        else:
            storage.delete(item.name)
            report.repaired.append(
                f"removed orphan blob {item.name} ({byte_size(item.size)})"
            )
    report.leftovers = kept


def _written_before(storage: Storage, key: str, cutoff) -> bool:
    try:
        return storage.stat(key).modified < cutoff
    except ObjectNotFound:
        return False
