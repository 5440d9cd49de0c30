"""How every room's pages show numbers and names: the template filters and
globals that public, workspace and admin templates share (registered once)."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, lazy_gettext

from dms.categories import BERKALA, SERTA_MERTA, SETIAP_SAAT

CATEGORY_NAMES = {
    BERKALA: lazy_gettext("Berkala"),
    SERTA_MERTA: lazy_gettext("Serta Merta"),
    SETIAP_SAAT: lazy_gettext("Setiap Saat"),
}
SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def human_size(size: int | None) -> str:
    """A byte count as people read it, in the chosen locale: '1,5 MB'."""
    if size is None:
        return ""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    shown = format_decimal(value, format="#,##0" if unit == 0 else "#,##0.#")
    return f"{shown} {SIZE_UNITS[unit]}"


def page_links(page, window: int = 2) -> list[int | None]:
    """The page numbers a pagination bar shows: first, last, and a window around
    the current one; None marks a gap."""
    last = max(1, -(-page.total // page.per_page))
    shown = {1, last, *range(page.page - window, page.page + window + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    links: list[int | None] = []
    for number in numbers:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def init_app(app: Flask) -> None:
    app.add_template_filter(human_size, "ukuran")
    app.add_template_global(page_links, "page_links")
    app.add_template_global(CATEGORY_NAMES, "category_names")
