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
