"""The four legal categories of public information (DOMAIN.md §2)."""

from __future__ import annotations

BERKALA = "berkala"
SERTA_MERTA = "serta_merta"
SETIAP_SAAT = "setiap_saat"
DIKECUALIKAN = "dikecualikan"

CATEGORIES = (BERKALA, SERTA_MERTA, SETIAP_SAAT, DIKECUALIKAN)


def is_exempt(category: str) -> bool:
    """Whether documents of this category are closed to the public."""
    return category == DIKECUALIKAN


def publishes_at_once(category: str) -> bool:
    """Serta merta information is announced immediately, without an approval queue."""
    return category == SERTA_MERTA
