"""File sizes as the command line prints them."""

from __future__ import annotations


def byte_size(size: float) -> str:
    """'13 B', '6.8 KB', '3.0 MB' (GB at most), for the command line."""
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
