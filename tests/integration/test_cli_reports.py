"""`dms report`: the annual report, the request statistics and the semester
summary from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.fixtures_banten import build_banten_2024
from tests.integration import test_cli as harness

# The harness's fixtures, under their names (assigned, not imported: ruff F811).
clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready


@pytest.fixture
def banten(ready: harness.Instance) -> harness.Instance:
    with ready.api() as client:
        build_banten_2024(client.application.extensions["dms"])
    return ready


def test_request_statistics_as_json_on_standard_output(banten):
    body = json.loads(
        banten.ok("report", "requests", "--year", "2024", "--format", "json").stdout
    )

    assert body["total"]["received"] == 325
    assert body["total"]["granted_total"] == 311 and body["total"]["refused"] == 16


def test_a_semester_as_csv(banten):
    out = banten.ok(
        "report", "requests", "--year", "2024", "--semester", "1", "--format", "csv"
    ).stdout

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["month"] for r in rows] == ["1", "2", "3", "4", "5", "6", "total"]
    assert rows[-1]["received"] == "150"


def test_the_annual_report_as_pdf_xlsx_and_json(banten, tmp_path):
    pdf, xlsx = tmp_path / "laporan.pdf", tmp_path / "laporan.xlsx"

    banten.ok("report", "annual", "--year", "2024", "--format", "pdf", "-o", pdf)
    banten.ok("report", "annual", "--year", "2024", "--format", "xlsx", "-o", xlsx)
    body = json.loads(banten.ok("report", "annual", "--year", "2024").stdout)

    text = extract_text(pdf)
    assert "LAPORAN LAYANAN INFORMASI PUBLIK TAHUN 2024" in text and "325" in text
    assert load_workbook(xlsx).sheetnames[0] == "Permohonan per bulan"
    assert body["year"] == 2024 and body["statistics"]["total"]["received"] == 325


def test_a_binary_format_needs_an_output_file(ready):
    result = ready.run("report", "annual", "--year", "2024", "--format", "pdf")

    assert result.exit_code == 1
    assert "--output" in result.stderr


def test_the_summary_is_published_once(banten):
    first = banten.ok("report", "summary", "--year", "2024", "--semester", "1")
    second = banten.ok("report", "summary", "--year", "2024", "--semester", "1")

    assert "diterbitkan" in first.stdout
    assert "sudah ada" in second.stdout
