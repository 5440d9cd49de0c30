"""What an upload may be, and how names are kept: pure functions, no I/O."""

from __future__ import annotations

import io
import struct
import zlib
from types import SimpleNamespace

import pytest

from dms.demo import pdf_bytes
from dms.documents.importer import title_from_filename
from dms.documents.services import clean_filename
from dms.documents.uploads import accepted_content_type, store_file
from dms.errors import EmptyFile, FileTooLarge, UnsupportedFileType
from dms.storage.memory import MemoryStorage
from dms.web.downloads import content_disposition


def a_png() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


class FakeSession:
    """What store_file uses of a session: its info dict, its database's name and
    the damage mark of a blob (none here)."""

    def __init__(self):
        self.info = {}

    def get_bind(self):
        return SimpleNamespace(dialect=SimpleNamespace(name="fake"))

    def get(self, _model, _key):
        return None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (pdf_bytes("x", ["y"]), "application/pdf"),
        (b"nama,jumlah\nA,1\nB,2\nC,3\n", "text/csv"),
        (b"Pengumuman hasil seleksi terbuka.\n", "text/plain"),
        (a_png(), "image/png"),
    ],
)
def test_published_formats_are_accepted_by_their_bytes(head, expected):
    assert accepted_content_type(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"\x7fELF\x02\x01\x01" + b"\0" * 64,
        b"MZ\x90\x00" + b"\0" * 64,
        b"#!/bin/sh\nrm -rf /\n",
    ],
)
def test_executables_and_scripts_are_refused(head):
    with pytest.raises(UnsupportedFileType):
        accepted_content_type(head)


def test_an_empty_file_is_refused():
    with pytest.raises(EmptyFile):
        accepted_content_type(b"")


def test_a_stored_file_is_remembered_for_clean_up_only_when_new():
    storage, session = MemoryStorage(), FakeSession()
    content = pdf_bytes("x", ["y"])

    first = store_file(session, storage, io.BytesIO(content), max_size=10**6)
    store_file(session, storage, io.BytesIO(content), max_size=10**6)

    assert session.info["dms.new_blobs"] == [first.sha256]
    assert first.size == len(content)


def test_a_file_over_the_limit_is_refused_and_not_stored():
    storage, session = MemoryStorage(), FakeSession()
    content = pdf_bytes("x", ["y"]) + b"\0" * 5000

    with pytest.raises(FileTooLarge):
        store_file(session, storage, io.BytesIO(content), max_size=1000)

    assert list(storage.keys()) == []
    assert "dms.new_blobs" not in session.info


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("laporan.pdf", "laporan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\opd\\laporan 2025.pdf", "laporan 2025.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ("", "dokumen"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_client_file_names_are_reduced_to_a_safe_base_name(given, kept):
    assert clean_filename(given) == kept


def test_the_content_disposition_keeps_utf8_and_gives_an_ascii_fallback():
    header = content_disposition('Laporan "Tahunan" – 2025.pdf')

    assert header == (
        'attachment; filename="Laporan _Tahunan_ _ 2025.pdf"; '
        "filename*=UTF-8''Laporan%20%22Tahunan%22%20%E2%80%93%202025.pdf"
    )


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("1728360418Informasi-tentang-peraturan.pdf", "Informasi tentang peraturan"),
        ("laporan_keuangan_2025.xlsx", "Laporan keuangan 2025"),
        ("1759660732_68e24abce50ca.pdf", "68e24abce50ca"),
    ],
)
def test_import_titles_come_from_file_names_without_timestamps(name, title):
    from pathlib import Path

    assert title_from_filename(Path(name)) == title
