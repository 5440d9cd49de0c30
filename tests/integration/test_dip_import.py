"""`dms dip import`: a body's DIP spreadsheet (200 rows, 20 files made here)
comes in whole, or not at all, with every problem named by its row."""

from __future__ import annotations

import csv
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dms.documents.models import Document, DocumentVersion
from dms.onboarding.dip import COLUMNS
from tests.helpers import xlsx_bytes
from tests.integration import test_cli as harness
from tests.integration.test_cli import write_pdfs

clean_environment = harness.clean_environment
instance = harness.instance
ready = harness.ready

CATEGORIES = ("berkala", "setiap_saat")


def _rows(count: int, with_files: int) -> list[dict[str, str]]:
    rows = []
    for n in range(count):
        rows.append(
            {
                "judul": f"Informasi uji nomor {n:03d}",
                "ringkasan": f"Ringkasan informasi {n}",
                "kategori": CATEGORIES[n % 2],
                "tahun": str(2015 + n % 10),
                "unit": "Sekretariat",
                "penanggung_jawab": "Sekretaris",
                "bentuk": "electronic",
                "berkas": f"berkas-{n:03d}.pdf" if n < with_files else "",
            }
        )
    return rows


def _xlsx(path, rows, header=None):
    path.write_bytes(xlsx_bytes(header or list(COLUMNS), rows))
    return path


def _counts(ready):
    with ready.database() as session:
        return (
            session.scalar(select(func.count()).select_from(Document)),
            session.scalar(select(func.count()).select_from(DocumentVersion)),
        )


def _blobs(ready) -> list:
    root = ready.storage_root
    found = root.rglob("*") if root.exists() else []
    return [p for p in found if p.is_file() and not p.name.startswith(".")]


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "berkas"
    write_pdfs(folder, *(f"berkas-{n:03d}.pdf" for n in range(20)))
    return folder


def test_200_rows_and_20_files_come_in_and_show_in_the_dip(ready, tmp_path, files):
    sheet = _xlsx(tmp_path / "dip.xlsx", _rows(200, 20))

    result = ready.ok("dip", "import", sheet, "--org", "dinkes", "--files", files)

    assert "200 informasi diimpor ke dinkes (20 dengan berkas" in result.stdout
    assert _counts(ready) == (200, 20)
    with ready.api() as client:
        page = client.get("/opd/dinkes/dip").get_data(as_text=True)
    assert "Informasi uji nomor 000" in page
    assert "20 informasi terdaftar" in page


def test_a_dry_run_lists_the_rows_and_writes_nothing(ready, tmp_path, files):
    sheet = _xlsx(tmp_path / "dip.xlsx", _rows(5, 2))

    result = ready.ok(
        "dip", "import", sheet, "--org", "dinkes", "--files", files, "--dry-run"
    )

    assert "5 baris siap diimpor (2 dengan berkas)" in result.stdout
    assert "baris 6: Informasi uji nomor 004" in result.stdout
    assert _counts(ready) == (0, 0)


def test_every_bad_row_is_named_and_nothing_is_left_behind(ready, tmp_path, files):
    rows = _rows(30, 20)
    rows[3]["kategori"] = "rahasia"
    rows[7]["tahun"] = "20x5"
    rows[11]["berkas"] = "tidak-ada.pdf"
    rows[12]["berkas"] = "../../etc/passwd"
    sheet = _xlsx(tmp_path / "dip.xlsx", rows)

    result = ready.run("dip", "import", sheet, "--org", "dinkes", "--files", files)

    assert result.exit_code == 1
    assert "baris 5: Kategori 'rahasia' tidak dikenal" in result.output
    assert "baris 9: Tahun '20x5' tidak valid" in result.output
    assert "baris 13: Berkas 'tidak-ada.pdf' tidak ditemukan" in result.output
    assert "baris 14: Berkas '../../etc/passwd' tidak ditemukan" in result.output
    assert "4 masalah; tidak ada yang diimpor" in result.output
    assert _counts(ready) == (0, 0)
    assert _blobs(ready) == []


def test_a_row_the_archive_refuses_midway_undoes_the_files_already_stored(
    ready, tmp_path, files
):
    rows = _rows(20, 20)
    # Found on the check, refused when stored: not a type the archive takes.
    (files / "program.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 600)
    rows[-1]["berkas"] = "program.exe"
    sheet = _xlsx(tmp_path / "dip.xlsx", rows)

    result = ready.run("dip", "import", sheet, "--org", "dinkes", "--files", files)

    assert result.exit_code == 1
    assert "baris 21:" in result.output
    assert _counts(ready) == (0, 0)
    assert _blobs(ready) == []


def test_a_missing_column_and_formula_cells_are_refused(ready, tmp_path):
    no_category = _xlsx(
        tmp_path / "a.xlsx", _rows(3, 0), header=["judul", "tahun", "warna"]
    )
    formulas = tmp_path / "b.xlsx"
    _xlsx(formulas, _rows(3, 0))
    workbook = load_workbook(formulas)
    workbook.active["D3"] = "=1+1"
    workbook.save(formulas)

    missing = ready.run("dip", "import", no_category, "--org", "dinkes")
    formula = ready.run("dip", "import", formulas, "--org", "dinkes")

    assert "baris 1: Kolom wajib tidak ada: kategori." in missing.output
    assert "baris 1: Kolom tidak dikenal: warna." in missing.output
    assert "baris 3: Sel berisi rumus (=1+1)" in formula.output
    assert _counts(ready) == (0, 0)


def test_a_csv_formula_is_refused_too(ready, tmp_path):
    path = tmp_path / "dip.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["judul", "kategori", "tahun"])
        writer.writerow(['=HYPERLINK("http://x")', "berkala", "2024"])

    result = ready.run("dip", "import", path, "--org", "dinkes")

    assert result.exit_code == 1
    assert "baris 2: Sel berisi rumus" in result.output


def test_a_file_over_the_limit_and_a_zip_bomb_are_refused_unopened(ready, tmp_path):
    big = tmp_path / "besar.csv"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))

    too_big = ready.run("dip", "import", big, "--org", "dinkes")
    bombed = ready.run("dip", "import", bomb, "--org", "dinkes")

    assert too_big.exit_code == 1 and "terlalu besar (50 MB)" in too_big.output
    assert bombed.exit_code == 1 and "bom zip" in bombed.output
    assert _counts(ready) == (0, 0)


def test_the_template_has_every_column(ready, tmp_path):
    target = tmp_path / "templat.xlsx"

    ready.ok("dip", "template", "--output", target)

    header = [c.value for c in next(load_workbook(target).active.iter_rows())]
    assert header == list(COLUMNS)


def test_writing_the_dip_still_needs_an_output(ready):
    result = ready.run("dip")

    assert result.exit_code != 0
    assert "--output" in result.output
