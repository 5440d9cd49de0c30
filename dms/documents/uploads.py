"""Accepting a file: sniff what the bytes are, refuse what we do not publish, store it.

The type comes from the bytes (libmagic), never from the name or the client. Generic
ZIP archives are refused: their contents cannot be vetted (type, exempt content),
indexed or previewed, and they are the usual vehicle for archive bombs; officers
upload the files inside one by one. Office and OpenDocument files, which are ZIP
containers, are recognised as what they are.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import BinaryIO

import magic
from sqlalchemy.orm import Session

from dms.blobs import claim_blob, record_new_blob
from dms.documents.integrity import clear_damage, is_damaged
from dms.errors import Conflict, EmptyFile, FileTooLarge, UnsupportedFileType
from dms.storage import Storage, StreamTooLarge

SNIFF_BYTES = 64 * 1024
_ENCRYPT_KEY = re.compile(rb"/Encrypt[\s/<\d]")

ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint"
    ),
    "application/vnd.oasis.opendocument.text": "OpenDocument Text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument Spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument Presentation",
    "application/rtf": "RTF",
    "text/rtf": "RTF",
    "text/plain": "Text",
    "text/csv": "CSV",
    "application/csv": "CSV",
    "text/html": "HTML",
    "application/json": "JSON",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
}
# libmagic names some types by older aliases; store the canonical one.
CANONICAL_TYPES = {"application/csv": "text/csv", "text/rtf": "application/rtf"}


# A PDF whose trailer names an /Encrypt dictionary; the trailer (or the xref
# stream that holds it) sits in the last bytes, or in the first of a linearised file.
PDF_TRAILER_BYTES = 64 * 1024
ENCRYPTED_PDF_WARNING = (
    "PDF ini terenkripsi atau dilindungi kata sandi: warga mungkin tidak dapat "
    "membukanya, dan teksnya tidak dapat dicari. Sebaiknya unggah versi tanpa "
    "enkripsi atau kata sandi."
)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    # Said to the uploader and kept with the version (an encrypted PDF); "" if none.
    warning: str = ""


def sniff_content_type(head: bytes) -> str:
    """The MIME type of a file, judged from its first bytes."""
    return magic.from_buffer(head, mime=True)


def accepted_content_type(head: bytes, only: Collection[str] | None = None) -> str:
    """The canonical type of an acceptable file (of `only`, when given);
    UnsupportedFileType otherwise."""
    if not head:
        raise EmptyFile("Berkas kosong (0 byte); pilih berkas yang berisi dokumen.")
    sniffed = sniff_content_type(head)
    if sniffed not in ACCEPTED_TYPES:
        raise UnsupportedFileType(_refusal(sniffed))
    content_type = CANONICAL_TYPES.get(sniffed, sniffed)
    if only is not None and content_type not in only:
        names = " atau ".join(sorted({ACCEPTED_TYPES[t] for t in only}))
        raise UnsupportedFileType(
            f"Jenis berkas {sniffed} tidak diterima di sini; unggah {names}."
        )
    return content_type


def _refusal(sniffed: str) -> str:
    if sniffed == "application/encrypted":
        return (
            "Berkas terenkripsi atau berkata sandi tidak dapat diterbitkan; "
            "unggah versi tanpa kata sandi."
        )
    if sniffed == "application/zip":
        return "Arsip ZIP tidak diterima; unggah berkas di dalamnya satu per satu."
    return (
        f"Jenis berkas {sniffed} tidak diterima. Unggah PDF, dokumen Office/"
        "OpenDocument, CSV, teks, HTML atau gambar."
    )


class _PrefixedReader:
    """A stream that replays the bytes already read for sniffing, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def store_file(
    session: Session,
    storage: Storage,
    fileobj: BinaryIO,
    *,
    max_size: int,
    only: Collection[str] | None = None,
) -> StoredFile:
    """Sniff and store an upload (of the types `only`, when given); a blob it
    creates is remembered for clean-up."""
    head = _read_head(fileobj)
    if len(head) > max_size:
        raise _too_large(max_size)
    content_type = accepted_content_type(head, only)
    try:
        result = storage.put(
            _PrefixedReader(head, fileobj),
            max_size=max_size,
            overwrite=lambda key: is_damaged(session, key),
        )
    except StreamTooLarge:
        raise _too_large(max_size) from None
    if result.created:
        record_new_blob(session, result.key)
    claim_blob(session, result.key)
    if is_damaged(session, result.key):
        # The same bytes again: the blob is whole now (rewritten, or put back).
        clear_damage(session, [result.key])
    if not result.created and not storage.exists(result.key):
        # A failed upload of the same bytes removed the blob after our put saw it.
        raise Conflict("Berkas yang sama sedang diunggah bersamaan; silakan ulangi.")
    warning = upload_warning(storage, result.key, result.size, content_type, head)
    return StoredFile(result.key, result.size, content_type, warning)


def upload_warning(
    storage: Storage, key: str, size: int, content_type: str, head: bytes
) -> str:
    """What the uploader should know about a file we accept: an encrypted PDF
    may not open for citizens, and its text cannot be searched."""
    if content_type != "application/pdf":
        return ""
    start = max(0, size - PDF_TRAILER_BYTES)
    tail = b"".join(storage.open_range(key, start, size - start))
    return ENCRYPTED_PDF_WARNING if is_encrypted_pdf(head, tail) else ""


def is_encrypted_pdf(head: bytes, tail: bytes) -> bool:
    """Whether a PDF's trailer (in its last or, linearised, first bytes) names an
    /Encrypt dictionary."""
    return any(_ENCRYPT_KEY.search(part) for part in (head, tail))


def _read_head(fileobj: BinaryIO) -> bytes:
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = fileobj.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _too_large(max_size: int) -> FileTooLarge:
    return FileTooLarge(f"Berkas melebihi batas unggah {max_size // (1024 * 1024)} MB.")
