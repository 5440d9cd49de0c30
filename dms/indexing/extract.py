"""Text extraction by sniffed MIME type, isolated in a child process.

`extract_text` starts `python -m dms.indexing.extract` in a new session, with an
address-space limit, and kills the whole process group (Tesseract included) when the
wall-clock limit passes. Whatever a hostile file does, the caller gets an
`Extraction`: ok, empty, or extraction_failed with a reason.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

from dms.indexing import ocr

OK, EMPTY, FAILED, PARTIAL = "ok", "empty", "extraction_failed", "partial"
LEGACY_REASON = "legacy format not supported"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
LEGACY_TYPES = frozenset(
    {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}
)
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/tiff", "image/webp"}
)
LABELS = {
    "application/pdf": "PDF",
    DOCX: "DOCX",
    XLSX: "XLSX",
    PPTX: "PPTX",
    ODT: "ODT",
    ODS: "ODS",
    ODP: "ODP",
    "text/html": "HTML",
    "application/json": "JSON",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_IMAGE_PIXELS = 100_000_000
# The child may write this much to a file (its stderr); more means a runaway.
MAX_CHILD_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How long, how much memory and how much output one extraction may take."""

    timeout_seconds: float = 120.0
    memory_bytes: int = 1024 * 1024 * 1024
    max_characters: int = 5_000_000
    ocr: bool = True
    # Scanned pages OCR-ed in one pass; the rest wait for the next pass (partial).
    ocr_max_pages: int = 50
    ocr_dpi: int = 200
    max_unpacked_bytes: int = 256 * 1024 * 1024
    # One page's OCR stops at this limit (that page keeps its text layer).
    ocr_page_seconds: float = 60.0
    # A pass starts no new page after this long (None: 0.9 of timeout_seconds);
    # the pages left make the text partial, and a later pass reads on.
    ocr_budget_seconds: float | None = None

    @classmethod
    def for_budget(cls, budget_seconds: float, page_seconds: float) -> Limits:
        """Limits whose hard timeout leaves room for the budget and a last page."""
        return cls(
            timeout_seconds=max(120.0, budget_seconds + page_seconds + 60.0),
            ocr_page_seconds=page_seconds,
            ocr_budget_seconds=budget_seconds,
        )


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Extraction:
    """What extraction made of one file."""

    status: str
    text: str
    pages: int | None
    characters: int
    extractors: tuple[str, ...]
    duration_seconds: float
    reason: str = ""
    # While partial: the pages read, counted from the document's first page.
    pages_done: int | None = None


class ExtractionFailed(Exception):
    """A file that cannot be read, with a reason fit for the record."""


def extract_text(
    data_path: Path,
    content_type: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    start_page: int = 0,
) -> Extraction:
    """Extract the text of a file (of a PDF, from `start_page` on) in a confined
    child process; never raises."""
    started = time.monotonic()
    outcome = _run_child(Path(data_path), content_type, limits, start_page)
    text = outcome.get("text", "")[: limits.max_characters]
    return Extraction(
        status=outcome["status"],
        text=text,
        pages=outcome.get("pages"),
        characters=len(text),
        extractors=tuple(outcome.get("extractors", ())),
        duration_seconds=round(time.monotonic() - started, 3),
        reason=outcome.get("reason", ""),
        pages_done=outcome.get("pages_done"),
    )


# -- the parent side ---------------------------------------------------------


def _run_child(path: Path, content_type: str, limits: Limits, start_page: int) -> dict:
    request = json.dumps(
        {
            "path": str(path),
            "content_type": content_type,
            "limits": asdict(limits),
            "start_page": start_page,
        }
    ).encode()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "dms.indexing.extract"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,
        )
        try:
            output, _ = child.communicate(request, timeout=limits.timeout_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            return _failure(f"timed out after {limits.timeout_seconds:g} s")
        finally:
            _kill_group(child)  # grandchildren left behind by a finished child
        return _child_outcome(child.returncode, output, _tail(errors))


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.communicate()


def _tail(stream, size: int = 4096) -> str:
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - size))
    return stream.read().decode("utf-8", "replace")


def _child_outcome(returncode: int, output: bytes, errors: str) -> dict:
    if returncode == 0:
        try:
            return json.loads(output)
        except ValueError:
            return _failure("extractor returned an unreadable answer")
    if "MemoryError" in errors or "bad_alloc" in errors or "memory" in errors.lower():
        return _failure("memory limit exceeded")
    if returncode < 0:
        return _failure(f"extractor crashed ({signal.Signals(-returncode).name})")
    last = errors.strip().splitlines()[-1:] or ["no message"]
    return _failure(f"extractor crashed: {last[0][:200]}")


def _failure(reason: str) -> dict:
    return {"status": FAILED, "text": "", "reason": reason}


# -- the child side ----------------------------------------------------------


@dataclass
class _Reading:
    """What a reader learns besides the text: page count, tools used, notes."""

    limits: Limits
    deadline: float
    start_page: int = 0
    # No OCR runs past this: the parent kills the child at timeout_seconds.
    hard_deadline: float = float("inf")
    pages: int | None = None
    pages_done: int | None = None
    extractors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _child_main() -> None:
    request = json.load(sys.stdin)
    limits = Limits(**request["limits"])
    _confine(limits)
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # a library's stray print must not corrupt the answer
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    result = extract_here(
        Path(request["path"]),
        request["content_type"],
        limits,
        start_page=request.get("start_page", 0),
    )
    json.dump(result, answer)
    answer.close()


def _confine(limits: Limits) -> None:
    import resource

    memory = limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(
        resource.RLIMIT_FSIZE, (MAX_CHILD_FILE_BYTES, MAX_CHILD_FILE_BYTES)
    )


def extract_here(
    path: Path, content_type: str, limits: Limits, *, start_page: int = 0
) -> dict:
    """Extract in this process (the child's work); a dict ready for JSON."""
    # By default leave a tenth of the time to stop OCR early and answer with what
    # was read.
    budget = limits.ocr_budget_seconds
    if budget is None:
        budget = 0.9 * limits.timeout_seconds
    now = time.monotonic()
    reading = _Reading(
        limits, now + budget, start_page, now + 0.95 * limits.timeout_seconds
    )
    try:
        text = _collect(_read(path, content_type, reading), limits.max_characters)
    except ExtractionFailed as failure:
        return _answer(FAILED, "", reading, str(failure))
    except MemoryError:
        return _answer(FAILED, "", reading, "memory limit exceeded")
    except RecursionError:
        return _answer(FAILED, "", reading, "document nested too deeply")
    except Exception as error:  # noqa: BLE001  (a hostile file may raise anything)
        label = LABELS.get(content_type, content_type)
        detail = (str(error).strip().splitlines() or [""])[0]
        reason = f"not a valid {label}: {type(error).__name__}: {detail}"
        return _answer(FAILED, "", reading, reason[:300])
    status = OK if text.strip() else EMPTY
    if reading.pages_done is not None and reading.pages_done < (reading.pages or 0):
        status = PARTIAL
    return _answer(status, text, reading, "; ".join(reading.notes))


def _answer(status: str, text: str, reading: _Reading, reason: str) -> dict:
    return {
        "status": status,
        "text": text,
        "pages": reading.pages,
        "pages_done": reading.pages_done,
        "extractors": reading.extractors,
        "reason": reason,
    }


def _collect(pieces: Iterable[str], limit: int) -> str:
    parts, size = [], 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return "".join(parts)[:limit]


def _read(path: Path, content_type: str, reading: _Reading) -> Iterator[str]:
    if content_type in LEGACY_TYPES:
        raise ExtractionFailed(LEGACY_REASON)
    if content_type in IMAGE_TYPES:
        return _read_image(path, reading)
    reader = READERS.get(content_type)
    if reader is None:
        raise ExtractionFailed(f"no extractor for {content_type}")
    return reader(path, reading)


# -- PDF: pdfminer.six, then Tesseract for pages without usable text ----------


def _read_pdf(path: Path, reading: _Reading) -> Iterator[str]:
    """The text of the pages from reading.start_page up to where this pass got
    (reading.pages_done): every page, unless OCR ran out of pages or time."""
    reading.extractors.append("pdfminer")
    texts, parsed = _pdfminer_pages(path, reading)
    reading.pages = len(texts)
    start = min(reading.start_page, len(texts))
    boilerplate = ocr.repeated_lines(texts[:parsed])
    scanned = [n for n in range(start, parsed) if ocr.needs_ocr(texts[n], boilerplate)]
    done = len(texts)
    if scanned and reading.limits.ocr:
        chosen = scanned[: reading.limits.ocr_max_pages]
        done = _ocr_pdf_pages(path, texts, chosen, reading)
        if done == len(texts) and len(scanned) > len(chosen):
            done = scanned[len(chosen)]  # read on from there next pass
    reading.pages_done = done
    for text in texts[start:done]:
        yield ocr.without_glyph_codes(text)


def _pdfminer_pages(path: Path, reading: _Reading) -> tuple[list[str], int]:
    """Each page's text, and how many pages were parsed before the output cap."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage

    texts: list[str] = []
    parsed, budget = 0, reading.limits.max_characters
    try:
        with path.open("rb") as stream:
            pages = PDFPage.get_pages(stream, password="", check_extractable=False)
            for page in pages:
                if budget <= 0:  # keep counting pages, stop parsing them
                    texts.append("")
                    continue
                texts.append(_page_text(page))
                parsed, budget = parsed + 1, budget - len(texts[-1])
    except PDFPasswordIncorrect:
        raise ExtractionFailed("encrypted PDF (a password is needed)") from None
    except PDFEncryptionError as error:
        raise ExtractionFailed(f"encrypted PDF ({error})") from None
    return texts, parsed


_PDF_TOOLS: dict[str, object] = {}


def _page_text(page) -> str:
    import io

    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    manager = _PDF_TOOLS.setdefault("manager", PDFResourceManager(caching=True))
    out = io.StringIO()
    device = TextConverter(manager, out, laparams=LAParams())
    try:
        PDFPageInterpreter(manager, device).process_page(page)
    finally:
        device.close()
    return out.getvalue()


def _ocr_pdf_pages(
    path: Path, texts: list[str], numbers: list[int], reading: _Reading
) -> int:
    """OCR the chosen pages in order; the first page this pass did not reach
    (all pages when it reached the end)."""
    import pypdfium2

    images = ocr.render_pdf_pages(path, numbers, dpi=reading.limits.ocr_dpi)
    stopped: list[int] = []
    try:
        for number, text in _ocr_each(images, reading, stopped):
            if ocr.word_count(text) > ocr.word_count(texts[number]):
                texts[number] = text
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionFailed("encrypted PDF (a password is needed)") from None
        reading.notes.append(f"OCR skipped: pdfium cannot render the page ({error})")
    return stopped[0] if stopped else len(texts)


def _ocr_each(
    images: Iterable[tuple[int, bytes]],
    reading: _Reading,
    stopped: list[int] | None = None,
) -> Iterator[tuple[int, str]]:
    """OCR each image, each within the per-page limit, starting no new one once
    the pass's budget is spent (at least one per pass, so every pass gets on);
    the image it stopped before goes into `stopped`, and the notes say why."""
    for count, (key, image) in enumerate(images):
        if count and time.monotonic() >= reading.deadline:
            reading.notes.append("OCR stopped at the time limit")
            if stopped is not None:
                stopped.append(key)
            return
        page_limit = time.monotonic() + reading.limits.ocr_page_seconds
        try:
            text = ocr.ocr_image_bytes(
                image, deadline=min(page_limit, reading.hard_deadline)
            )
        except ocr.OcrUnavailable as error:
            reading.notes.append(f"OCR unavailable: {error}")
            return
        except ocr.OcrTimeout:
            if page_limit > reading.hard_deadline:  # the whole pass's time is up
                reading.notes.append("OCR stopped at the time limit")
                if stopped is not None:
                    stopped.append(key)
                return
            reading.notes.append(f"OCR of page {key + 1} stopped at its time limit")
            continue
        if "tesseract" not in reading.extractors:
            reading.extractors.append("tesseract")
        yield key, text


# -- images: Tesseract only ---------------------------------------------------


def _read_image(path: Path, reading: _Reading) -> Iterator[str]:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    if not reading.limits.ocr:
        raise ExtractionFailed("OCR is switched off")
    try:
        reading.pages = ocr.count_frames(path)
        frames = list(ocr.image_frames(path, max_frames=reading.limits.ocr_max_pages))
    except Image.DecompressionBombError:
        raise ExtractionFailed("image too large (decompression bomb?)") from None
    except (UnidentifiedImageError, OSError) as error:
        raise ExtractionFailed(f"not a valid image: {error}") from None
    texts = [text for _, text in _ocr_each(enumerate(frames), reading)]
    if "tesseract" not in reading.extractors and reading.notes:
        raise ExtractionFailed(reading.notes[0])
    yield "\n\f".join(texts)


# -- Office Open XML and OpenDocument (ZIP containers) ------------------------


def _checked_zip(path: Path, label: str, reading: _Reading) -> None:
    """Refuse encrypted, legacy, broken or bomb-sized containers before parsing."""
    with path.open("rb") as stream:
        head = stream.read(len(OLE_MAGIC))
    if head == OLE_MAGIC:
        if ENCRYPTED_OOXML_MARK in path.read_bytes()[:1_000_000]:
            raise ExtractionFailed(f"encrypted {label} (password protected)")
        raise ExtractionFailed(f"not a valid {label} (an older binary Office file)")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ExtractionFailed(f"not a valid {label}: {error}") from None
    if unpacked > reading.limits.max_unpacked_bytes:
        raise ExtractionFailed(
            f"{label} unpacks to {unpacked // 2**20} MiB, over the "
            f"{reading.limits.max_unpacked_bytes // 2**20} MiB limit (zip bomb?)"
        )


def _read_docx(path: Path, reading: _Reading) -> Iterator[str]:
    import docx
    from docx.oxml.ns import qn

    _checked_zip(path, "DOCX", reading)
    reading.extractors.append("python-docx")
    body = docx.Document(str(path)).element.body
    run_text = (qn("w:t"), qn("w:tab"), qn("w:br"))
    for paragraph in body.iter(qn("w:p")):
        parts = (_docx_node_text(node) for node in paragraph.iter(*run_text))
        yield "".join(parts) + "\n"


def _docx_node_text(node) -> str:
    if node.tag.endswith("}t"):
        return node.text or ""
    return "\t" if node.tag.endswith("}tab") else "\n"


def _read_xlsx(path: Path, reading: _Reading) -> Iterator[str]:
    import openpyxl

    _checked_zip(path, "XLSX", reading)
    reading.extractors.append("openpyxl")
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield f"{sheet.title}\n"
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    yield "\t".join(cells) + "\n"
    finally:
        workbook.close()


def _read_pptx(path: Path, reading: _Reading) -> Iterator[str]:
    import pptx

    _checked_zip(path, "PPTX", reading)
    reading.extractors.append("python-pptx")
    slides = pptx.Presentation(str(path)).slides
    reading.pages = len(slides)
    for slide in slides:
        yield from _shape_texts(slide.shapes)
        if slide.has_notes_slide:
            yield slide.notes_slide.notes_text_frame.text + "\n"
        yield "\f"


def _shape_texts(shapes) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "shapes", None) is not None:  # a group
            yield from _shape_texts(shape.shapes)
        if shape.has_text_frame:
            yield shape.text_frame.text + "\n"
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells) + "\n"


ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_BREAKS = {f"{{{ODF_TEXT}}}{name}": "\n" for name in ("p", "h", "line-break")}
ODF_BREAKS |= {f"{{{ODF_TEXT}}}s": " ", f"{{{ODF_TEXT}}}tab": "\t"}


def _read_opendocument(path: Path, reading: _Reading, *, label: str) -> Iterator[str]:
    from defusedxml import ElementTree

    _checked_zip(path, label, reading)
    reading.extractors.append("defusedxml")
    with zipfile.ZipFile(path) as archive:
        try:
            content = archive.read("content.xml")
        except KeyError:
            raise ExtractionFailed(f"not a valid {label}: no content.xml") from None
    yield from _odf_text(ElementTree.fromstring(content))


def _odf_text(element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        yield from _odf_text(child)
        yield ODF_BREAKS.get(child.tag, "")
        if child.tail:
            yield child.tail


# -- HTML, JSON and plain text -------------------------------------------------


def _decode(data: bytes) -> str:
    """Bytes as text: a BOM if there is one, else UTF-8, else cp1252, else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_bytes(path: Path, reading: _Reading) -> bytes:
    with path.open("rb") as stream:
        # Four bytes per character covers any UTF-8 text up to the output cap.
        return stream.read(4 * reading.limits.max_characters)


class _HTMLText(HTMLParser):
    SKIPPED = frozenset({"script", "style", "noscript", "template", "svg"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS or tag == "td":
            self.parts.append("\n" if tag != "td" else "\t")

    def handle_data(self, data) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document or fragment, scripts and styles dropped."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip() + "\n"


def _read_html(path: Path, reading: _Reading) -> Iterator[str]:
    reading.extractors.append("html.parser")
    yield html_to_text(_decode(_read_bytes(path, reading)))


def _read_plain(path: Path, reading: _Reading) -> Iterator[str]:
    # libmagic calls JSON longer than its sniffing window text/plain.
    if _decode(_read_head(path)).lstrip().startswith(("{", "[")):
        return _read_json(path, reading)
    reading.extractors.append("text")
    return iter([_decode(_read_bytes(path, reading))])


def _read_head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(64)


def _read_json(path: Path, reading: _Reading) -> Iterator[str]:
    raw = _decode(_read_bytes(path, reading))
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        reading.extractors.append("text")
        yield raw
        return
    reading.extractors.append("json")
    for value in _json_strings(document):
        yield (html_to_text(value) if "<" in value else value) + "\n"


def _json_strings(value) -> Iterator[str]:
    """Every string value in a JSON document, in order (keys are field names)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


READERS: dict[str, Callable[[Path, _Reading], Iterator[str]]] = {
    "application/pdf": _read_pdf,
    DOCX: _read_docx,
    XLSX: _read_xlsx,
    PPTX: _read_pptx,
    ODT: partial(_read_opendocument, label="ODT"),
    ODS: partial(_read_opendocument, label="ODS"),
    ODP: partial(_read_opendocument, label="ODP"),
    "text/html": _read_html,
    "text/plain": _read_plain,
    "text/csv": _read_plain,
    "application/csv": _read_plain,
    "application/json": _read_json,
}


if __name__ == "__main__":
    _child_main()
