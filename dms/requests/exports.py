"""Requests as rows for officers' exports: personal data masked (DOMAIN.md §4).

The name keeps its initials, the identity number its last four characters, the
email its first letter and domain, the phone its last three digits; the address
and the requester's own words are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dms.output.tables import csv_text
from dms.requests.models import InformationRequest
from dms.requests.service import STATE_LABELS, masked_identity
from dms.requests.workflow import OUTCOME_LABELS

HEADER = (
    "Nomor pendaftaran",
    "Diterima",
    "Saluran",
    "Nama (disamarkan)",
    "Nomor identitas (disamarkan)",
    "Email (disamarkan)",
    "Telepon (disamarkan)",
    "Ringkasan",
    "OPD tujuan",
    "Status",
    "Jatuh tempo",
    "Diperpanjang sampai",
    "Dijawab",
    "Hasil",
)


def masked_name(name: str) -> str:
    """'Siti Aminah' -> 'S*** A***'."""
    return " ".join(f"{word[0]}***" for word in name.split() if word)


def masked_email(email: str) -> str:
    """'siti@contoh.id' -> 's***@contoh.id'."""
    if "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


def masked_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    return "***" + "".join(digits[-3:]) if digits else ""


def masked_rows(
    requests: Iterable[InformationRequest], timezone: str
) -> list[tuple[str, ...]]:
    zone = ZoneInfo(timezone)
    rows = []
    for found in requests:
        answered = (
            found.answered_at.astimezone(zone).date() if found.answered_at else None
        )
        rows.append(
            (
                found.number,
                found.received_at.astimezone(zone).date().isoformat(),
                found.channel,
                masked_name(found.name),
                masked_identity(found.identity_number),
                masked_email(found.email),
                masked_phone(found.phone),
                found.subject,
                ", ".join(
                    d.organisation.name for d in found.dispositions if d.organisation
                ),
                STATE_LABELS[found.state],
                found.due_on.isoformat(),
                found.extended_due_on.isoformat() if found.extended_due_on else "",
                answered.isoformat() if answered else "",
                OUTCOME_LABELS.get(found.outcome or "", ""),
            )
        )
    return rows


def masked_csv(requests: Iterable[InformationRequest], timezone: str) -> str:
    """CSV text; cells a spreadsheet would run as a formula are neutralised."""
    return csv_text(HEADER, masked_rows(requests, timezone))
