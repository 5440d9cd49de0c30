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


# UU KIP Ps. 9(3): berkala information is announced at least every six months.
DEFAULT_REFRESH_MONTHS = 6
MAX_REFRESH_MONTHS = 6

LABELS = {
    BERKALA: "Berkala",
    SERTA_MERTA: "Serta Merta",
    SETIAP_SAAT: "Setiap Saat",
    DIKECUALIKAN: "Dikecualikan",
}
# The categories the public ever sees.
PUBLIC_LABELS = {code: label for code, label in LABELS.items() if code != DIKECUALIKAN}
