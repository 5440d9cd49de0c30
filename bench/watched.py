"""A command run to completion as a child process: timed, its memory sampled.

Used for `dms import`, `dms reindex` and the pdfminer baseline. The child gets its
own session (a Ctrl-C reaches only the bench, which stops it), its stdout and
stderr go to files in the workspace, and a line of progress (elapsed time, RSS)
goes to stderr every HEARTBEAT_SECONDS so a long step is visibly alive.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.child import PACKAGE_PARENT, terminate
from bench.payload import MIB
from bench.procstat import TreeRssSampler, rss_bytes, tree_rss_bytes
from bench.progress import log

HEARTBEAT_SECONDS = 60.0


@dataclass(frozen=True)
class Finished:
    """How a watched command ended, how long it took, how much memory it held."""

    returncode: int
    seconds: float
    peak_rss: int
    tree_peak_rss: int
    stdout: str
    stderr_path: Path

    def stderr_tail(self, lines: int = 15) -> str:
        """The end of its stderr, for error messages."""
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.strip().splitlines()[-lines:])

    def rss_mib(self) -> dict:
        """The peaks in MiB: the process itself, and with its children."""
        return {
            "peak": round(self.peak_rss / MIB, 1),
            "peak_with_children": round(self.tree_peak_rss / MIB, 1),
        }


def run_watched(
    name: str, command: list[str], env: dict, folder: Path, slug: str
) -> Finished:
    """Run `command` to its end; stdout/stderr in folder/slug.out and .err."""
    out_path, err_path = folder / f"{slug}.out", folder / f"{slug}.err"
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=err,
            cwd=PACKAGE_PARENT,
            start_new_session=True,
        )
    try:
        with TreeRssSampler(process.pid) as rss:
            _wait(name, process, started)
    except BaseException:
        terminate(process)
        raise
    seconds = time.perf_counter() - started
    return Finished(
        returncode=process.returncode,
        seconds=seconds,
        peak_rss=max(rss.peak, rss.hwm_peak),
        tree_peak_rss=max(rss.tree_peak, rss.peak, rss.hwm_peak),
        stdout=out_path.read_text(errors="replace"),
        stderr_path=err_path,
    )


def _wait(name: str, process: subprocess.Popen, started: float) -> None:
    """Wait for the process, with a heartbeat line now and then."""
    while True:
        try:
            process.wait(HEARTBEAT_SECONDS)
            return
        except subprocess.TimeoutExpired:
            log(
                f"  {name}: running for {time.perf_counter() - started:.0f} s, RSS "
                f"{rss_bytes(process.pid) / MIB:.0f} MiB "
                f"({tree_rss_bytes(process.pid) / MIB:.0f} MiB with children)"
            )
