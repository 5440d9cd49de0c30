"""Bulk import of files and folders into one organisation (`dms import`)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from dms.accounts.models import Organisation
from dms.accounts.roles import SYSTEM
from dms.documents import services
from dms.documents.models import Document, DocumentVersion
from dms.errors import DomainError, ValidationError
from dms.storage import StorageError

if TYPE_CHECKING:  # the Archive hands itself in; it is a layer above
    from dms.archive import Archive

# Many PPID sites prefix uploads with a Unix timestamp: "1728360418Informasi-...".
TIMESTAMP_PREFIX = re.compile(r"^\d{10}(?=\D)")


@dataclass
class ImportSummary:
    added: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Every regular file under the paths, hidden ones left out, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if _importable(p, path)))
        elif path.is_file():
            found.append(path)
        else:
            raise ValidationError(f"Tidak ditemukan: {path}")
    return found


def _importable(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return path.is_file() and not path.is_symlink() and not hidden


def title_from_filename(path: Path) -> str:
    """A readable title: no extension, no timestamp prefix, spaces for separators."""
    name = Path(display_name(path))
    stem = TIMESTAMP_PREFIX.sub("", name.stem)
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name.name


def display_name(path: Path) -> str:
    """The file name as storable text: bytes that are not UTF-8 become U+FFFD."""
    # A name from a Windows ZIP can hold cp1252 bytes, which Python keeps as lone
    # surrogates that no database driver can encode.
    return os.fsencode(path.name).decode("utf-8", errors="replace")


def import_files(
    archive: Archive,
    files: list[Path],
    *,
    org_slug: str,
    category: str,
    year: int | None = None,
    publish: bool | None = None,
    progress: Callable[[Path], None] = lambda _path: None,
) -> ImportSummary:
    """Import each file as a document, one transaction per file."""
    summary = ImportSummary()
    organisation_id = _organisation_id(archive, org_slug)
    for path in files:
        try:
            added = _import_one(
                archive, path, organisation_id, org_slug, category, year, publish
            )
        except (DomainError, StorageError, OSError) as exc:
            summary.failed.append((path, getattr(exc, "message", None) or str(exc)))
        else:
            (summary.added if added else summary.skipped).append(path)
        progress(path)
    return summary


def _organisation_id(archive: Archive, slug: str) -> int:
    with archive.reading() as session:
        found = session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    if found is None:
        raise ValidationError(f"Organisasi '{slug}' tidak dikenal.", "org")
    return found


def _import_one(archive, path, organisation_id, org_slug, category, year, publish):
    digest = _sha256_of(path)
    with archive.transaction() as session:
        held = _holders(session, organisation_id, digest)
        lagging = {d.id for d in held if d.indexed_revision != d.index_revision}
        if not held:
            with path.open("rb") as fileobj:
                services.create_document(
                    session,
                    archive.storage,
                    actor=SYSTEM,
                    fileobj=fileobj,
                    filename=display_name(path),
                    fields=services.NewDocument(
                        title=title_from_filename(path),
                        category=category,
                        org_slug=org_slug,
                        year=year,
                        publish=publish,
                    ),
                    max_size=archive.settings.max_upload_bytes,
                )
    if held:
        # A run killed after its commit, before the index: index them now.
        archive.request_indexing(lagging)
        return False
    return True


def _holders(session, organisation_id: int, digest: str) -> list[Document]:
    """The documents of this organisation that already hold these bytes."""
    holding = select(DocumentVersion.document_id).where(
        DocumentVersion.blob_sha256 == digest
    )
    return list(
        session.scalars(
            select(Document).where(
                Document.organisation_id == organisation_id,
                Document.id.in_(holding),
            )
        )
    )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in _chunks(fh):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(fh, size: int = 1024 * 1024) -> Iterator[bytes]:
    while chunk := fh.read(size):
        yield chunk
