"""Entry point: `python -m bench.run [--size-mb N] [--storage file|s3] [--keep]`.

Starts a real `dms serve` on a fresh instance, uploads a generated file, then
compares downloading it through the API with reading it straight from storage,
while watching the server's resident memory. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from bench import measure, report, s3
from bench.child import PortPrinter
from bench.measure import ApiClient, Uploaded
from bench.payload import MIB, write_payload
from bench.procstat import SAMPLE_SECONDS, RssSampler, rss_bytes
from bench.progress import log
from bench.server import DmsServer, dms_env, prepare_instance
from dms.settings import load_settings
from dms.storage import build_storage

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "latest.json"
UPLOAD_HEADROOM_MB = 16


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024, help="file size in MiB")
    parser.add_argument("--storage", choices=("file", "s3"), default="file")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    if args.size_mb < 1 or args.repeat < 1:
        parser.error("--size-mb and --repeat must be at least 1")
    return args


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    """A fresh temp folder, removed afterwards unless `keep`."""
    path = Path(tempfile.mkdtemp(prefix="dms-bench-"))
    log(f"workspace {path}")
    try:
        yield path
    finally:
        if keep:
            log(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def storage_env(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    """Extra environment for the storage: none for files; a moto bucket for s3."""
    if kind == "file":
        yield {}
        return
    with s3.moto_server(folder / "moto.log") as moto:
        yield {"DMS_STORAGE_URL": s3.storage_url(moto.port), **s3.FAKE_CREDENTIALS}


def benchmark(args: argparse.Namespace, folder: Path) -> dict:
    """Set up, upload, download and measure; the results dict."""
    payload = folder / "payload.txt"
    log(f"writing a {args.size_mb} MiB payload")
    write_payload(payload, args.size_mb * MIB)
    with storage_env(args.storage, folder) as extra:
        env = dms_env(folder / "instance", args.size_mb + UPLOAD_HEADROOM_MB, extra)
        log("dms init, org add, user add, token create")
        token = prepare_instance(env)
        uploaded, upload = upload_phase(env, folder, token, payload)
        download = download_phase(args, env, folder, token, uploaded, payload)
    results = {
        "config": config(args),
        "download": download["results"],
        "upload": {
            "seconds": round(uploaded.seconds, 2),
            "mib_s": round(uploaded.size / MIB / uploaded.seconds, 1),
        },
        "server_rss_mib": {"upload": upload["server"], "download": download["rss"]},
        "client_rss_mib": upload["client"],
        "goals": {"ratio_min": report.RATIO_GOAL, "rss_max_mib": report.RSS_GOAL_MIB},
    }
    results["passed"] = report.verdicts(results)
    return results


def upload_phase(env: dict, folder: Path, token: str, payload: Path):
    """A fresh server's RSS after start-up and while it receives the upload."""
    with DmsServer(env, folder / "server-upload.log") as server:
        baseline, client_before = rss_bytes(server.pid), rss_bytes(os.getpid())
        log(f"server RSS after start-up {baseline / MIB:.1f} MiB; uploading")
        with RssSampler(server.pid) as server_rss, RssSampler(os.getpid()) as own:
            uploaded = ApiClient(server.url, token).upload(payload)
        log(f"uploaded document {uploaded.document_id} in {uploaded.seconds:.1f} s")
    figures = {
        "server": report.rss_figures(baseline, server_rss),
        "client": report.rss_figures(client_before, own),
    }
    return uploaded, figures


def download_phase(args, env: dict, folder: Path, token: str, uploaded, payload):
    """A fresh server's RSS while it serves the downloads, and the timings."""
    storage = build_storage(load_settings(env=env).storage_url)
    ceiling = PortPrinter(
        "HTTP ceiling", "bench.ceiling", str(payload), log_path=folder / "ceiling.log"
    )
    with DmsServer(env, folder / "server-download.log") as server, ceiling:
        client = ApiClient(server.url, token)
        baseline = rss_bytes(server.pid)
        log(f"server restarted, RSS after start-up {baseline / MIB:.1f} MiB")
        with RssSampler(server.pid) as rss:
            digest, etag = client.verified_download(uploaded)
            log(f"timing {args.repeat} runs of each way of reading, alternating")
            timings = measure.alternate(
                readers(storage, client, ceiling.url, uploaded),
                args.repeat,
                uploaded.size,
            )
    return {
        "results": report.download_results(timings, digest == etag),
        "rss": report.rss_figures(baseline, rss),
    }


def readers(storage, client: ApiClient, ceiling_url: str, uploaded: Uploaded):
    """The three timed ways of reading the file, by name."""
    plain = requests.Session()
    return {
        "storage": lambda: measure.timed_storage_read(storage, uploaded),
        "API": lambda: client.timed_download(uploaded),
        "ceiling": lambda: measure.timed_get(plain, ceiling_url, uploaded.size),
    }


def config(args: argparse.Namespace) -> dict:
    """What was run, where."""
    return {
        "size_mb": args.size_mb,
        "size_bytes": args.size_mb * MIB,
        "storage": args.storage,
        "repeat": args.repeat,
        "aggregate": "median of runs (best also given); ratios of the medians",
        "download_chunk_bytes": measure.DOWNLOAD_CHUNK,
        "rss_sample_seconds": SAMPLE_SECONDS,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table, write the JSON. Exit 130 on Ctrl-C."""
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the folder removed.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with workspace(args.keep) as folder:
            results = benchmark(args, folder)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except RuntimeError as exc:
        log(f"failed: {exc}")
        return 1
    report.write_json(results, args.output)
    print(report.table(results))
    print(f"\nJSON: {args.output}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM handler: unwind as a Ctrl-C would."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
