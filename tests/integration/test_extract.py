"""Text extraction over real corpus files, generated files and hostile files.

Every extraction runs in the confined child process, as in production.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from dms.indexing import extract as ex
from dms.indexing import ocr
from dms.indexing.extract import Limits, extract_text

pytestmark = pytest.mark.corpus

QUICK = Limits(timeout_seconds=60, ocr_max_pages=1)
BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".bin": "application/pdf",
    ".docx": ex.DOCX,
    ".xlsx": ex.XLSX,
    ".zip": ex.XLSX,
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


@pytest.fixture(scope="session")
def tesseract() -> None:
    """Skip, saying why, when Tesseract or its Indonesian language is missing."""
    missing = ocr.missing_ocr_requirement()
    if missing:
        pytest.skip(f"OCR tests need Tesseract with ind+eng: {missing}")


def real(corpus: Path, name: str) -> Path:
    return corpus / "real" / name


# -- each extractor on real or generated files --------------------------------


def test_pdf_text_layer_is_read_with_pdfminer_alone(corpus):
    result = extract_text(real(corpus, "UU_40_Tahun_1999_Pers.pdf"), "application/pdf")
    assert result.status == "ok"
    assert result.extractors == ("pdfminer",)
    assert result.pages == 11
    assert "kemerdekaan pers" in result.text.lower()
    assert result.characters == len(result.text) > 10_000


def test_encrypted_pdf_with_an_empty_user_password_is_read(corpus):
    name = "UU_14_Tahun_2008_Keterbukaan_Informasi_Publik.pdf"
    result = extract_text(real(corpus, name), "application/pdf")
    assert result.status == "ok"
    assert "Keterbukaan Informasi Publik" in result.text


def test_xlsx_cells_are_read_with_openpyxl(corpus):
    result = extract_text(real(corpus, "INFORMASI-BERKALA.xlsx"), ex.XLSX)
    assert result.status == "ok"
    assert result.extractors == ("openpyxl",)
    assert "Diumumkan Secara Berkala" in result.text


def test_docx_paragraphs_are_read_with_python_docx(corpus):
    result = extract_text(real(corpus, "Profil-VISI-MISI-FUNGSI.docx"), ex.DOCX)
    assert result.status == "ok"
    assert result.extractors == ("python-docx",)
    assert "Food Station Tjipinang Jaya" in result.text


def test_json_yields_its_string_values_without_markup(corpus):
    path = real(corpus, "ppid-bekasi-data-1080-berkala.json")
    result = extract_text(path, "application/json")
    assert result.status == "ok"
    assert "Struktur Organisasi BKPPD Kota Bekasi" in result.text
    assert "<p>" not in result.text


def test_pptx_slides_are_read_with_python_pptx(tmp_path):
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Laporan Layanan Informasi Publik"
    slide.placeholders[1].text = "Permohonan informasi diselesaikan tepat waktu"
    path = tmp_path / "laporan.pptx"
    presentation.save(path)
    result = extract_text(path, ex.PPTX)
    assert result.status == "ok"
    assert result.pages == 1
    assert "Permohonan informasi diselesaikan" in result.text


def test_odt_text_is_read_from_content_xml(tmp_path):
    path = tmp_path / "surat.odt"
    write_odt(path, "Keputusan <text:span>Kepala</text:span><text:s/>Dinas")
    result = extract_text(path, ex.ODT)
    assert result.status == "ok"
    assert result.extractors == ("defusedxml",)
    assert "Keputusan Kepala Dinas" in result.text


def test_html_keeps_visible_text_and_drops_scripts_and_styles(tmp_path):
    path = tmp_path / "halaman.html"
    path.write_text(
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><h1>Daftar Informasi Publik</h1><p>Tahun 2025</p></body></html>"
    )
    result = extract_text(path, "text/html")
    assert result.status == "ok"
    assert "Daftar Informasi Publik" in result.text
    assert "alert" not in result.text and "color" not in result.text


def test_csv_in_windows_1252_is_decoded(tmp_path):
    path = tmp_path / "anggaran.csv"
    path.write_bytes("kegiatan;biaya\nPelatihan café;1000\n".encode("cp1252"))
    result = extract_text(path, "text/csv")
    assert result.status == "ok"
    assert "Pelatihan café" in result.text


def test_legacy_word_file_fails_cleanly(corpus):
    path = corpus / "hostile" / "word2.doc"
    result = extract_text(path, "application/msword")
    assert (result.status, result.reason) == (
        "extraction_failed",
        "legacy format not supported",
    )


def test_empty_text_file_is_empty_not_failed(tmp_path):
    path = tmp_path / "kosong.txt"
    path.write_bytes(b"  \n")
    assert extract_text(path, "text/plain").status == "empty"


def write_odt(path: Path, paragraph: str) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
        'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0"><office:body><office:text>'
        f"<text:p>{paragraph}</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)


# -- OCR ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # scanned, no text layer at all
        ("PP-46-Tahun-2009-Batas-Pertanggungjawaban-Kerugian-Nuklir.pdf", "PERATURAN"),
        # scanned; the only text is the watermark 'jdih.bapeten.go.id'
        ("Bapeten_SE.1904.2019.pdf", "PENGAWAS TENAGA NUKLIR"),
        # fonts without a ToUnicode map: pdfminer gives only (cid:N) codes
        (
            "PP-29-Tahun-2009-Tata-Cara-Penentuan-Jumlah-Pembayaran-dan-Penyetoran-"
            "Penerimaan-Negara-Bukan-Pajak-yang-Terutang.pdf",
            "PERATURAN PEMERINTAH",
        ),
    ],
)
def test_pdf_pages_without_usable_text_are_read_by_ocr(
    corpus, tesseract, name, expected
):
    result = extract_text(real(corpus, name), "application/pdf", limits=QUICK)
    # QUICK OCRs one scanned page a pass: a longer scan is partial, not "ok".
    assert result.status in {"ok", "partial"}
    if result.status == "partial":
        assert 1 <= result.pages_done < result.pages
    assert result.extractors == ("pdfminer", "tesseract")
    assert expected in result.text.upper()
    assert "(cid:" not in result.text


@pytest.mark.parametrize("angle", [90, 180])
def test_a_page_scanned_on_its_side_or_upside_down_is_read_upright(
    corpus, tesseract, tmp_path, angle
):
    # A real page (the law's first articles) as an image-only scan, turned.
    law = real(corpus, "UU_14_Tahun_2008_Keterbukaan_Informasi_Publik.pdf")
    path = tmp_path / f"turned-{angle}.pdf"
    path.write_bytes(turned_scan(law, page=1, angle=angle))
    result = extract_text(path, "application/pdf", limits=QUICK)
    assert (result.status, result.extractors) == ("ok", ("pdfminer", "tesseract"))
    text = " ".join(result.text.split())
    assert "KETENTUAN UMUM" in text
    assert "Undang-Undang ini yang dimaksud dengan" in text


def turned_scan(source: Path, *, page: int, angle: int) -> bytes:
    """One page of ``source`` as an image-only PDF, its upper half, turned."""
    import pypdfium2

    document = pypdfium2.PdfDocument(source)
    try:
        image = document[page].render(scale=150 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    upper = image.crop((0, 0, image.width, image.height // 2))
    out = io.BytesIO()
    upper.rotate(angle, expand=True).save(out, format="PDF", resolution=150)
    return out.getvalue()


def test_scanned_pdf_without_ocr_is_empty_with_only_pdfminer(corpus):
    path = real(corpus, "PP-46-Tahun-2009-Batas-Pertanggungjawaban-Kerugian-Nuklir.pdf")
    result = extract_text(path, "application/pdf", limits=Limits(ocr=False))
    assert (result.status, result.extractors, result.pages) == (
        "empty",
        ("pdfminer",),
        4,
    )


def test_image_text_is_read_by_ocr(tmp_path, tesseract):
    path = tmp_path / "pengumuman.png"
    path.write_bytes(rendered_png("Pengumuman Pejabat Pengelola Informasi"))
    result = extract_text(path, "image/png", limits=QUICK)
    assert result.status == "ok"
    assert result.extractors == ("tesseract",)
    assert "Pejabat Pengelola Informasi" in result.text


def rendered_png(line: str) -> bytes:
    """A PNG of one line of large text, drawn by reportlab and rendered by pdfium."""
    import pypdfium2
    from reportlab.pdfgen import canvas

    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=(700, 120))
    page.setFont("Helvetica", 28)
    page.drawString(20, 50, line)
    page.save()
    document = pypdfium2.PdfDocument(pdf.getvalue())
    try:
        bitmap = document[0].render(scale=3)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


# -- hostile files and limits ------------------------------------------------------


def hostile_files() -> list[Path]:
    from tests.conftest import CORPUS

    folder = CORPUS / "hostile"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("path", hostile_files(), ids=lambda path: path.name)
def test_hostile_file_ends_cleanly_within_its_limits(corpus, path):
    limits = Limits(timeout_seconds=20, memory_bytes=512 * 2**20, ocr_max_pages=1)
    content_type = BY_EXTENSION.get(path.suffix, "application/octet-stream")
    result = extract_text(path, content_type, limits=limits)
    assert result.status in {"ok", "empty", "extraction_failed", "partial"}
    assert result.duration_seconds < limits.timeout_seconds + 5
    if result.status == "extraction_failed":
        assert result.reason and result.text == ""


def test_a_slow_extraction_is_killed_at_the_timeout(corpus):
    name = (
        "Perba-3-Tahun-2021-Standar-Kegiatan-Usaha-dan-Standar-Produk-Perizinan-"
        "Berusaha-Sektor-Ketenaganukliran.pdf"
    )
    started = time.monotonic()
    result = extract_text(
        real(corpus, name), "application/pdf", limits=Limits(timeout_seconds=1)
    )
    assert (result.status, result.reason) == (
        "extraction_failed",
        "timed out after 1 s",
    )
    assert time.monotonic() - started < 4


def test_the_jbig2_bomb_ends_within_a_one_second_limit(corpus):
    path = corpus / "hostile" / "bomb_giant.pdf"
    result = extract_text(path, "application/pdf", limits=Limits(timeout_seconds=1))
    assert result.status in {"ok", "empty", "extraction_failed"}
    assert result.duration_seconds < 3


def test_an_image_too_big_for_the_memory_limit_fails_cleanly(tmp_path):
    from PIL import Image

    path = tmp_path / "raksasa.png"
    Image.new("1", (9500, 9500), 1).save(path)  # 30 KB on disk, 90 MB decoded
    limits = Limits(memory_bytes=128 * 2**20, timeout_seconds=30)
    result = extract_text(path, "image/png", limits=limits)
    assert (result.status, result.reason) == (
        "extraction_failed",
        "memory limit exceeded",
    )


def test_output_is_capped_at_the_character_limit(corpus):
    path = real(corpus, "UU_40_Tahun_1999_Pers.pdf")
    result = extract_text(path, "application/pdf", limits=Limits(max_characters=500))
    assert result.status == "ok"
    assert result.characters == len(result.text) == 500


def test_a_zip_that_unpacks_too_far_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (3 * 2**20))
    limits = Limits(max_unpacked_bytes=2**20)
    result = extract_text(path, ex.DOCX, limits=limits)
    assert result.status == "extraction_failed"
    assert "zip bomb" in result.reason
