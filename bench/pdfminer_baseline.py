"""The ingest baseline: pdfminer.six alone, one file after another, in this process.

`python -m bench.pdfminer_baseline FILE...` reads each PDF the way
`pdfminer.high_level.extract_text` does (one `TextConverter` with default
`LAParams` per page, through `PDFPage.get_pages`), counts the pages pdfminer sees,
and prints one JSON object on stdout: per file its pages, characters, seconds and
error, plus the totals. The clock starts after the imports, so the interpreter's
start-up is not charged to the baseline. Logging and warnings are off, as in
dms's extraction child.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import time
import warnings
from pathlib import Path


def read_pdf(path: Path) -> tuple[int, int]:
    """Extract every page's text; (pages, characters)."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager(caching=True)
    out = io.StringIO()
    device = TextConverter(manager, out, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages = 0
    try:
        with path.open("rb") as stream:
            for page in PDFPage.get_pages(stream, password="", check_extractable=False):
                interpreter.process_page(page)
                pages += 1
    finally:
        device.close()
    return pages, len(out.getvalue())


def main(paths: list[str]) -> int:
    """Read the files in order; print the JSON answer."""
    import pdfminer.high_level  # noqa: F401 - the imports are not timed

    # As dms's extraction child does: pdfminer's warnings cost time and say nothing.
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    files = []
    started = time.perf_counter()
    for name in paths:
        began = time.perf_counter()
        entry = {"path": name, "pages": 0, "characters": 0, "error": ""}
        try:
            entry["pages"], entry["characters"] = read_pdf(Path(name))
        except Exception as error:  # noqa: BLE001 - a broken PDF is a result
            entry["error"] = f"{type(error).__name__}: {error}"[:300]
        entry["seconds"] = round(time.perf_counter() - began, 4)
        files.append(entry)
    answer = {
        "seconds": round(time.perf_counter() - started, 3),
        "pages": sum(entry["pages"] for entry in files),
        "files": files,
    }
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
