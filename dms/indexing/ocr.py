"""OCR with Tesseract, and the judgement of when a PDF page needs it.

Tesseract runs as a subprocess of the extraction child, so it shares the child's
process group (killed together on timeout) and its address-space limit.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator

TESSERACT = "tesseract"
LANGUAGES = "ind+eng"
# Pages are rasterised no larger than this on either side, whatever the DPI asks.
MAX_SIDE_PIXELS = 6000
# Tesseract's automatic page segmentation with orientation and script detection
# (OSD, osd.traineddata, shipped with Debian's tesseract-ocr): a page scanned on
# its side or upside down is turned before it is read. Mode 3 (no OSD) read
# pages turned 90 or 180 degrees as letter soup; same time per page either way.
PAGE_SEGMENTATION = "1"
MIN_WORDS = 10
MIN_WORD_LETTER_SHARE = 0.5

_CID = re.compile(r"\(cid:\d+\)")
_WORD = re.compile(r"[^\W\d_]{3,}")


class OcrUnavailable(RuntimeError):
    """Tesseract, or one of its languages, is not installed."""


class OcrTimeout(RuntimeError):
    """Tesseract ran past the time left for the extraction."""


def missing_ocr_requirement() -> str | None:
    """Why OCR cannot run here (binary or language missing), or None if it can."""
    if shutil.which(TESSERACT) is None:
        return "the tesseract binary is not installed (Debian: tesseract-ocr)"
    listed = subprocess.run(
        [TESSERACT, "--list-langs"], capture_output=True, text=True, check=False
    )
    languages = set(listed.stdout.split())
    for language in LANGUAGES.split("+"):
        if language not in languages:
            return f"the Tesseract language '{language}' is not installed"
    return None


def without_glyph_codes(text: str) -> str:
    """Text with `(cid:N)` codes (glyphs without a Unicode mapping) removed."""
    return _CID.sub("", text)


def word_count(text: str) -> int:
    """Words of three letters or more, ignoring `(cid:N)` glyph codes."""
    return len(_WORD.findall(_CID.sub(" ", text)))


def needs_ocr(text: str, boilerplate: frozenset[str] = frozenset()) -> bool:
    """True when a page's text layer is empty, boilerplate only, or garbage.

    Garbage is `(cid:N)` codes or a bad OCR layer of scattered single letters: few
    of its letters belong to real words.
    """
    kept = [line for line in _lines(text) if line not in boilerplate]
    body = _CID.sub(" ", "\n".join(kept))
    words = _WORD.findall(body)
    if len(set(words)) < MIN_WORDS:
        return True
    letters = sum(character.isalpha() for character in body)
    return sum(map(len, words)) < MIN_WORD_LETTER_SHARE * letters


def repeated_lines(pages: list[str]) -> frozenset[str]:
    """Lines found on most pages of a document: watermarks, headers, footers."""
    if len(pages) < 2:
        return frozenset()
    counts: dict[str, int] = {}
    for text in pages:
        for line in set(_lines(text)):
            counts[line] = counts.get(line, 0) + 1
    return frozenset(line for line, n in counts.items() if n * 2 > len(pages))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def ocr_image_bytes(image: bytes, *, deadline: float) -> str:
    """The text Tesseract reads in one encoded image (PNM, PNG...)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OcrTimeout("no time left for OCR")
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", "-l", LANGUAGES, "--psm", PAGE_SEGMENTATION],
            input=image,
            capture_output=True,
            timeout=remaining,
            check=False,
            env=_tesseract_environment(),
        )
    except FileNotFoundError:
        raise OcrUnavailable("the tesseract binary is not installed") from None
    except subprocess.TimeoutExpired:
        raise OcrTimeout("tesseract timed out") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed: {message[-1] if message else '?'}")
    return done.stdout.decode("utf-8", "replace")


def _tesseract_environment() -> dict[str, str]:
    # One thread per page: workers already use every core, and OpenMP threads
    # would each reserve address space under the child's limit.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def render_pdf_pages(
    path: os.PathLike, page_numbers: list[int], *, dpi: int
) -> Iterator[tuple[int, bytes]]:
    """Each chosen page of a PDF as a greyscale PGM image, rendered with pdfium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(os.fspath(path))
    try:
        for number in page_numbers:
            page = document[number]
            try:
                yield number, _render_page(page, dpi)
            finally:
                page.close()
    finally:
        document.close()


def _render_page(page, dpi: int) -> bytes:
    width, height = page.get_size()
    scale = min(dpi / 72, MAX_SIDE_PIXELS / max(width, height, 1))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PPM")
        return buffer.getvalue()
    finally:
        bitmap.close()


def image_frames(path: os.PathLike, *, max_frames: int) -> Iterator[bytes]:
    """The first frames of an image file, each as a greyscale PGM, via Pillow."""
    from PIL import Image, ImageSequence

    with Image.open(path) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= max_frames:
                break
            buffer = io.BytesIO()
            _bounded(frame.convert("L")).save(buffer, format="PPM")
            yield buffer.getvalue()


def _bounded(image):
    longest = max(image.size)
    if longest <= MAX_SIDE_PIXELS:
        return image
    factor = MAX_SIDE_PIXELS / longest
    return image.resize((int(image.width * factor), int(image.height * factor)))


def count_frames(path: os.PathLike) -> int:
    """How many frames (pages) an image file holds."""
    from PIL import Image

    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)
