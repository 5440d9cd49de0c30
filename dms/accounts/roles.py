"""The roles an officer may hold, and the system actor of the command line."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN = "admin"
PPID_UTAMA = "ppid_utama"
PPID_PELAKSANA = "ppid_pelaksana"
ATASAN_PPID = "atasan_ppid"
ROLES = (ADMIN, PPID_UTAMA, PPID_PELAKSANA, ATASAN_PPID)


@dataclass(frozen=True)
class SystemActor:
    """The operator at the command line: acts with the PPID Utama's authority."""

    id: None = None
    username: str = "system"
    role: str = PPID_UTAMA
    organisation_id: None = None
    organisation: None = None
    is_active: bool = True


SYSTEM = SystemActor()
