"""No code and no test takes "today" from the host's clock: the machine running
the archive, or its tests, may be anywhere. Today is settings.local_today()
(tests: tests.helpers.local_today()); a moment is dms.db.utcnow()."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST_CLOCK = re.compile(
    r"\bdate\.today\(\)|\bdatetime\.today\(\)|\bdatetime\.utcnow\(\)"
    r"|\bdatetime\.now\(\s*\)|\btime\.localtime\("
)


def test_no_module_reads_the_host_clocks_date():
    offenders = []
    for folder in ("dms", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if HOST_CLOCK.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line}")
    assert offenders == [], "\n".join(offenders)
