"""Accessible SVG charts drawn on the server: no script, no style attributes.

Each chart is an image with a name and a description (role="img", <title> and
<desc> named by aria-labelledby); its axis and value labels are text, so a
reader can zoom without blur. The page shows the same numbers in a table beside
it: the chart is a picture of the table, never the only copy of the data.
Colours reach at least 4.5:1 against the white background. The output depends
only on the arguments, so the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# #1d4f91 on white is 8.3:1, #222222 on white 15.9:1, #595959 on white 7.0:1.
BAR = "#1d4f91"
INK = "#222222"
GRID = "#595959"
FONT = 'font-family="sans-serif" font-size="13"'
WIDTH = 520
# Room around the plot: the left margin holds the y labels (or, lying down,
# the category names), the bottom one the x labels and the axis name.
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 56
BAR_ROW = 26
LONG_LABEL = 28


@dataclass(frozen=True)
class Chart:
    """What any chart needs: an id unique in the page, its name and description,
    the category labels, their values, and the names of both axes."""

    chart_id: str
    title: str
    description: str
    labels: Sequence[str]
    values: Sequence[float]
    x_label: str = ""
    y_label: str = ""
    decimals: int = 0
    # How a number is written; the default is Indonesian (1.234,5).
    formatter: Callable[[float, int], str] | None = None

    def number(self, value: float) -> str:
        return (self.formatter or _number)(value, self.decimals)


def bar_chart(chart: Chart, *, horizontal: bool = False) -> Markup:
    """Bars: upright for a series such as months, lying down for a ranking whose
    labels are long (organisations, titles)."""
    if horizontal:
        return _horizontal_bars(chart)
    return _upright_bars(chart)


def line_chart(chart: Chart) -> Markup:
    """A line through the values, each point marked and labelled with its value."""
    height = 280
    plot = _Plot(LEFT, TOP, WIDTH - LEFT - RIGHT, height - TOP - BOTTOM)
    top = _scale_top(chart.values, chart.decimals)
    step = plot.width / max(len(chart.values), 1)
    points = [
        (plot.x + step * (i + 0.5), plot.y_of(value, top))
        for i, value in enumerate(chart.values)
    ]
    parts = [*_value_axis(plot, top, chart), *_category_labels(plot, chart, step)]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>'
        )
    for (x, y), value in zip(points, chart.values, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BAR}"/>')
        parts.append(_text(x, y - 8, chart.number(value), "middle"))
    return _svg(chart, height, parts)


def _upright_bars(chart: Chart) -> Markup:
    height = 280
    plot = _Plot(LEFT, TOP, WIDTH - LEFT - RIGHT, height - TOP - BOTTOM)
    top = _scale_top(chart.values, chart.decimals)
    step = plot.width / max(len(chart.values), 1)
    parts = [*_value_axis(plot, top, chart), *_category_labels(plot, chart, step)]
    for i, value in enumerate(chart.values):
        y = plot.y_of(value, top)
        x = plot.x + step * i + step * 0.15
        parts.append(_rect(x, y, step * 0.7, plot.bottom - y))
        parts.append(_text(x + step * 0.35, y - 4, chart.number(value), "middle"))
    return _svg(chart, height, parts)


def _horizontal_bars(chart: Chart) -> Markup:
    left = 200
    height = TOP + BAR_ROW * max(len(chart.values), 1) + 40
    plot = _Plot(left, TOP, WIDTH - left - 48, BAR_ROW * max(len(chart.values), 1))
    top = _scale_top(chart.values, chart.decimals)
    parts = [
        _line(plot.x, plot.y, plot.x, plot.bottom),
        _text(plot.x + plot.width / 2, height - 8, chart.x_label, "middle"),
    ]
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = plot.y + BAR_ROW * i
        length = plot.width * (value / top if top else 0)
        parts.append(_text(plot.x - 6, y + 17, _short(label), "end"))
        parts.append(_rect(plot.x, y + 4, length, BAR_ROW - 8))
        parts.append(_text(plot.x + length + 4, y + 17, chart.number(value), "start"))
    return _svg(chart, height, parts)


@dataclass(frozen=True)
class _Plot:
    x: float
    y: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def y_of(self, value: float, top: float) -> float:
        return self.bottom - (self.height * value / top if top else 0)


def _value_axis(plot: _Plot, top: float, chart: Chart) -> list[str]:
    """The axes, four ticks on the value axis, and the names of both axes."""
    parts = [
        _line(plot.x, plot.bottom, plot.x + plot.width, plot.bottom),
        _line(plot.x, plot.y, plot.x, plot.bottom),
    ]
    for i in range(5):
        value = top * i / 4
        y = plot.y_of(value, top)
        parts.append(_line(plot.x - 4, y, plot.x, y))
        parts.append(_text(plot.x - 6, y + 4, chart.number(value), "end"))
    parts.append(
        _text(plot.x + plot.width / 2, plot.bottom + 44, chart.x_label, "middle")
    )
    middle = plot.y + plot.height / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" '
        f'text-anchor="middle" fill="{INK}" {FONT}>{escape(chart.y_label)}</text>'
    )
    return parts


def _category_labels(plot: _Plot, chart: Chart, step: float) -> list[str]:
    return [
        _text(plot.x + step * (i + 0.5), plot.bottom + 18, label, "middle")
        for i, label in enumerate(chart.labels)
    ]


def _scale_top(values: Sequence[float], decimals: int = 0) -> float:
    """The top of the value axis: four equal steps of 1, 2 or 5 times a power of
    ten, whole numbers when the values are (so no two ticks read the same)."""
    highest = max(values, default=0)
    smallest = 1.0 if decimals == 0 else 10.0**-decimals
    step = smallest
    while step * 4 < highest:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10
            step *= factor
            if step * 4 >= highest:
                break
    return step * 4


def _svg(chart: Chart, height: int, parts: list[str]) -> Markup:
    title_id, desc_id = f"{chart.chart_id}-judul", f"{chart.chart_id}-uraian"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'id="{escape(chart.chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">'
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(chart.description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>'
    )
    return Markup(head + "".join(parts) + "</svg>")


def _text(x: float, y: float, content: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" '
        f"{FONT}>{escape(content)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{BAR}"/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    # Indonesian: a dot groups thousands, a comma marks decimals.
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _short(label: str) -> str:
    """A long name cut for the chart; the table beside it has it whole."""
    if len(label) <= LONG_LABEL:
        return label
    return label[: LONG_LABEL - 1].rstrip() + "\u2026"
