"""Builders for tests of requests for information (permohonan)."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
NIK = "3604014507900001"  # Banten; born 5 July 1990 (a woman: day + 40)


def a_request(**changes) -> dict:
    """The fields of a complete request from a citizen."""
    fields = {
        "requester_kind": "person",
        "name": "Siti Aminah",
        "identity_number": NIK,
        "address": "Jl. Veteran No. 1, Kota Serang",
        "occupation": "Wiraswasta",
        "phone": "081234567890",
        "email": "siti@contoh.id",
        "information_requested": "Laporan realisasi anggaran Dinas Kesehatan 2025",
        "purpose": "Bahan penelitian skripsi",
        "how_to_obtain": "copy_soft",
        "delivery": "email",
    }
    fields.update(changes)
    return fields


def a_png() -> bytes:
    """A valid 1×1 PNG (a photo of an identity card, for the tests)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def wib(*parts: int) -> datetime:
    """A moment in Western Indonesian Time."""
    return datetime(*parts, tzinfo=WIB)


def answer_to(question: str) -> str:
    """The answer to a spam challenge's question ("Berapakah 3 ditambah 4?")."""
    first, second = re.search(r"(\d+) ditambah (\d+)", question).groups()
    return str(int(first) + int(second))
