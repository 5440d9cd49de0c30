"""`dms dip` and `dms dik`: the registers written as XLSX, PDF or JSON files."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.conftest import Cast
from tests.integration import test_cli as harness
from tests.integration.test_registers import SECRETS, build_world

# The harness's fixtures, under their names (assigned, not imported: ruff F811).
clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready


@pytest.fixture
def registers(ready: harness.Instance) -> harness.Instance:
    """The initialised instance with the registers' documents and exemptions."""
    ready.ok("org", "add", "bpbd", "--name", "Badan Penanggulangan Bencana Daerah")
    ready.ok("user", "add", "utama", "--role", "ppid_utama", "--org", "ppid-utama")
    token = ready.ok("token", "create", "utama").stdout.strip()
    with ready.api() as client:
        build_world(
            client, Cast({"utama": token}), client.application.extensions["dms"]
        )
    return ready


def test_dip_for_one_organisation_writes_an_xlsx_named_by_its_extension(
    registers, tmp_path
):
    target = tmp_path / "dip-dinkes.xlsx"

    result = registers.ok("dip", "--org", "dinkes", "--output", target)

    assert "Daftar Informasi Publik — Dinas Kesehatan: 2 entri" in result.stdout
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "Daftar Informasi Publik — Dinas Kesehatan"
    assert [sheet["B4"].value, sheet["B5"].value] == [
        "Profil Dinas Kesehatan",
        "Rencana Kerja",
    ]


def test_dik_writes_a_pdf_with_none_of_the_exempt_content(registers, tmp_path):
    target = tmp_path / "daftar"

    registers.ok("dik", "--format", "pdf", "-o", target)

    text = extract_text(target)
    assert "Daftar Informasi yang Dikecualikan — Konsolidasi" in text
    assert "Rekam Medis Pasien" in text and "Nota Dinas Internal" in text
    for secret in SECRETS:
        assert secret not in text


def test_dip_and_dik_as_json_on_standard_output(registers):
    dip = json.loads(registers.ok("dip", "--format", "json", "-o", "-").stdout)
    dik = json.loads(
        registers.ok("dik", "--org", "bpbd", "--format", "json", "-o", "-").stdout
    )

    assert dip["org"] is None and dip["total"] == 4
    assert [item["title"] for item in dik["items"]] == ["Berkas Dibuka", "Data Korban"]
    assert dik["org"]["slug"] == "bpbd"


def test_the_installed_command_writes_the_dik_as_xlsx(registers, tmp_path):
    target = tmp_path / "dik.xlsx"

    done = registers.script("dik", "--org", "dinkes", "--output", target)

    assert done.returncode == 0, done.stderr
    sheet = load_workbook(io.BytesIO(target.read_bytes())).active
    assert sheet["B4"].value == "Rekam Medis Pasien"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("dip", "--org", "tidak-ada", "-o", "x.xlsx"), "tidak ditemukan"),
        (("dik", "-o", "daftar.txt"), "sebutkan --format xlsx|pdf|json"),
        (("dip", "--format", "csv", "-o", "x.csv"), "--format"),
        (("dip",), "--output"),
    ],
)
def test_a_bad_register_command_fails_in_one_line_and_writes_nothing(
    ready, tmp_path, monkeypatch, args, fragment
):
    monkeypatch.chdir(tmp_path)

    harness.assert_fails_in_one_line(ready.run(*args), fragment)

    assert not [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".txt")]


def test_an_unwritable_output_fails_in_one_line(registers, tmp_path):
    result = registers.run("dip", "-o", tmp_path / "tidak-ada" / "dip.pdf")

    harness.assert_fails_in_one_line(result, "tidak dapat menulis")
