"""The server-drawn SVG charts: named images, text labels, escaped, no styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dms.monitoring.charts import Chart, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def a_chart(**changes) -> Chart:
    values = {
        "chart_id": "grafik-uji",
        "title": "Permohonan per bulan",
        "description": "Jumlah permohonan setiap bulan.",
        "labels": ["Jan", "Feb", "Mar"],
        "values": [3, 0, 12],
        "x_label": "Bulan",
        "y_label": "Permohonan",
    }
    values.update(changes)
    return Chart(**values)


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_every_chart_is_an_image_named_by_its_title_and_description():
    for svg in (
        bar_chart(a_chart()),
        bar_chart(a_chart(), horizontal=True),
        line_chart(a_chart()),
    ):
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "grafik-uji-judul grafik-uji-uraian"
        assert root.find(f"{SVG}title").get("id") == "grafik-uji-judul"
        assert root.find(f"{SVG}title").text == "Permohonan per bulan"
        assert root.find(f"{SVG}desc").text == "Jumlah permohonan setiap bulan."


def test_labels_and_values_are_text_and_nothing_is_styled():
    svg = str(bar_chart(a_chart()))
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]

    for expected in ("Jan", "Feb", "Mar", "3", "12", "Bulan", "Permohonan"):
        assert expected in texts
    assert "style=" not in svg and "<script" not in svg
    assert len(parse(svg).findall(f"{SVG}rect")) == 4  # background and 3 bars


def test_the_same_data_draws_the_same_bytes():
    assert str(line_chart(a_chart())) == str(line_chart(a_chart()))
    assert str(bar_chart(a_chart())) == str(bar_chart(a_chart()))


def test_text_is_escaped():
    hostile = '<script>alert("x")</script> & "kutip"'
    svg = str(
        bar_chart(
            a_chart(title=hostile, description=hostile, labels=[hostile] * 3),
            horizontal=True,
        )
    )

    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == hostile


def test_colours_reach_4_5_to_1_against_white():
    svg = str(line_chart(a_chart())) + str(bar_chart(a_chart()))
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg)) - {"#ffffff"}

    assert colours
    for colour in colours:
        assert contrast(colour, "#ffffff") >= 4.5, colour


def test_an_empty_or_zero_series_still_draws():
    assert parse(bar_chart(a_chart(labels=[], values=[]))).get("role") == "img"
    assert parse(line_chart(a_chart(values=[0, 0, 0]))).get("role") == "img"


def test_numbers_follow_the_formatter_given():
    chart = a_chart(values=[1234.5, 2, 3], decimals=1)
    assert "1.234,5" in str(bar_chart(chart))
    english = a_chart(values=[1234.5, 2, 3], formatter=lambda v, d: f"{v:,.1f}")
    assert "1,234.5" in str(bar_chart(english))


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_whole_number_ticks_never_repeat():
    for values in ([1, 0, 0], [0, 0, 0], [5, 2, 3], [13, 0, 1]):
        root = parse(bar_chart(a_chart(values=values)))
        ticks = [
            t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"
        ]
        assert len(ticks) == 5 == len(set(ticks)), (values, ticks)
        assert all(tick.isdigit() for tick in ticks)
