"""A process's resident memory from /proc (Linux), sampled in a thread."""

from __future__ import annotations

import threading
from pathlib import Path

KIB = 1024
SAMPLE_SECONDS = 0.05


def status_kib(pid: int, field: str) -> int:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM...) in KiB; 0 once gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0])
    return 0


def rss_bytes(pid: int) -> int:
    """The resident set size now."""
    return status_kib(pid, "VmRSS") * KIB


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak RSS (VmHWM) of a process we own; False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """Polls a process's RSS every 50 ms while in a `with` block; keeps the peak.

    On exit it also reads the kernel's own high-water mark (VmHWM), reset on
    entry, which catches a spike shorter than the polling interval.
    """

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self.kernel_peak: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._hwm_reset = False

    def __enter__(self) -> RssSampler:
        """Reset the kernel's peak, take a first sample, start polling."""
        self._hwm_reset = reset_peak(self.pid)
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop polling; take a last sample and read the kernel's peak."""
        self._stop.set()
        self._thread.join()
        self._sample()
        if self._hwm_reset:
            self.kernel_peak = status_kib(self.pid, "VmHWM") * KIB

    def _poll(self) -> None:
        """The thread: one sample per interval until stopped."""
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        """Read the RSS now and keep the highest."""
        self.peak = max(self.peak, rss_bytes(self.pid))
        self.samples += 1


def children_of(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (from /proc/*/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def tree_rss_bytes(pid: int) -> int:
    """The resident set size of a process and all its descendants, now."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += rss_bytes(current)
        pending += children_of(current)
    return total


class TreeRssSampler(RssSampler):
    """An RssSampler for a process that runs to its end.

    The kernel's high-water mark (VmHWM) vanishes with the process, so it is read
    at every poll rather than on exit (`hwm_peak`). It also keeps the peak of the
    total RSS of the process and its descendants (`tree_peak`; polled only, the
    kernel keeps no mark for a tree). Walking /proc for the children costs a few
    ms, so it polls every 100 ms.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(pid, interval)
        self.tree_peak = 0
        self.hwm_peak = 0

    def _sample(self) -> None:
        super()._sample()
        self.hwm_peak = max(self.hwm_peak, status_kib(self.pid, "VmHWM") * KIB)
        self.tree_peak = max(self.tree_peak, tree_rss_bytes(self.pid))
