"""A real `dms serve` process on a free local port, set up with the `dms` command."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.child import terminate
from bench.progress import log

HOST = "127.0.0.1"
ORG = "bench"
USERNAME = "bench"
START_TIMEOUT = 60.0


def dms_command() -> str:
    """The `dms` script of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "dms"
    found = str(beside) if beside.exists() else shutil.which("dms")
    if found is None:
        raise RuntimeError("the dms command is not installed (make install)")
    return found


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def dms_env(instance_dir: Path, max_upload_mb: int, extra: dict[str, str]) -> dict:
    """The environment of every `dms` call: a fresh instance, a big enough limit."""
    env = dict(os.environ)
    env.update(
        DMS_INSTANCE_DIR=str(instance_dir),
        DMS_MAX_UPLOAD_MB=str(max_upload_mb),
        # waitress and werkzeug spill request bodies here; cleaned up with the rest
        TMPDIR=str(instance_dir / "tmp"),
    )
    env.update(extra)
    return env


def run_dms(env: dict, *args: str) -> str:
    """Run one `dms` subcommand; its stdout, or RuntimeError with its stderr."""
    done = subprocess.run(
        [dms_command(), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"dms {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def prepare_instance(env: dict) -> str:
    """init, an organisation, a PPID Utama user; return a new API token for them."""
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    run_dms(env, "init")
    run_dms(env, "org", "add", ORG, "--name", "Bench", "--utama")
    run_dms(env, "user", "add", USERNAME, "--role", "ppid_utama", "--org", ORG)
    return run_dms(env, "token", "create", USERNAME).splitlines()[-1].strip()


class DmsServer:
    """`dms serve` as a child process; stopped on exit from the `with` block."""

    def __init__(self, env: dict, log_path: Path, extra_args: tuple[str, ...] = ()):
        self.env = env
        self.log_path = log_path
        self.extra_args = extra_args
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """The server's process id (the `dms` script execs Python directly)."""
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def __enter__(self) -> DmsServer:
        """Start `dms serve` and wait until /healthz answers."""
        command = [dms_command(), "serve", "--host", HOST, "--port", str(self.port)]
        command += self.extra_args
        with self.log_path.open("wb") as log_file:
            # Own session: a Ctrl-C reaches only us, and we stop the server.
            self.process = subprocess.Popen(
                command,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        """Poll /healthz until it answers 200; fail if the process dies first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dms serve exited early: {self.log_tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).ok:
                    log(f"server pid {self.pid} ready on {self.url}")
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"dms serve not ready after {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers; safe to call more than once."""
        process, self.process = self.process, None
        if process is None:
            return
        terminate(process)
        log("server stopped")

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])
