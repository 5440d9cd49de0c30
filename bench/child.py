"""Helper processes (`python -m bench.X`) that print their port, then serve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bench.progress import log

STOP_TIMEOUT = 15.0
# The folder that holds the `bench` package, so `python -m bench.X` finds it.
PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def terminate(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it lingers past STOP_TIMEOUT; wait for it."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PortPrinter:
    """Runs `python -m MODULE ARGS...`; its first stdout line is its port.

    Its own session, so a Ctrl-C reaches only the benchmark, which stops it.
    """

    def __init__(self, name: str, module: str, *args: str, log_path: Path, env=None):
        self.name = name
        self.command = [sys.executable, "-m", module, *args]
        self.log_path = log_path
        self.env = os.environ | (env or {})
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> PortPrinter:
        """Start it and wait for its port."""
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                self.command,
                stdout=subprocess.PIPE,
                stderr=log_file,
                env=self.env,
                cwd=PACKAGE_PARENT,
                start_new_session=True,
            )
        try:
            self.port = self._read_port()
        except BaseException:
            self.stop()
            raise
        log(f"{self.name} pid {self.process.pid} on {self.url}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _read_port(self) -> int:
        """The port the child prints once it listens."""
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} did not start: {tail}")
        return int(line)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers; safe to call more than once."""
        process, self.process = self.process, None
        if process is None:
            return
        terminate(process)
        process.stdout.close()
        log(f"{self.name} stopped")
