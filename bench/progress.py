"""Progress lines on stderr for the long steps (a GiB takes a while)."""

from __future__ import annotations

import sys
import time

MIB = 1024 * 1024


def log(message: str) -> None:
    """One line of progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Progress:
    """Reports a byte count every 10 % of `total`, with the running rate."""

    def __init__(self, label: str, total: int):
        self.label = label
        self.total = max(total, 1)
        self.count = 0
        self.started = time.perf_counter()
        self._next_step = 10

    def update(self, count: int) -> None:
        """Add `count` bytes; print a line when a 10 % step is crossed."""
        self.count += count
        percent = self.count * 100 // self.total
        if percent >= self._next_step and percent < 100:
            self._next_step = percent // 10 * 10 + 10
            self._report(percent)

    def done(self) -> None:
        """Print the final line."""
        self._report(100)

    def _report(self, percent: int) -> None:
        elapsed = time.perf_counter() - self.started
        rate = self.count / MIB / elapsed if elapsed else 0.0
        log(
            f"  {self.label}: {percent:3d} % {self.count / MIB:,.0f} MiB "
            f"({rate:,.0f} MiB/s)"
        )
