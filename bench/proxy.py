"""Download throughput behind nginx (issue 18): the same public file fetched
(a) through nginx with X-Accel-Redirect (dms checks access, nginx sends it),
(b) from nginx serving the blob file directly (the ceiling; goal a/b >= 0.9),
(c) from `dms serve` alone (waitress streams it).

    .venv/bin/python -m bench.proxy [--size-mb 256] [--repeat 5] [--keep]

A fresh temp instance (SQLite, a storage folder), one `dms serve` with
DMS_X_ACCEL_REDIRECT behind a private nginx (plain HTTP: TLS costs the same in
every case and would hide the difference), one without it for (c). Each case
reads the whole file `--repeat` times over one connection per read; the best
and the median MiB/s are printed and written as JSON (bench/results/proxy.json)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NGINX = "/usr/sbin/nginx"
DMS = Path(sys.executable).with_name("dms")
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_dms(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(DMS), *args], env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"dms {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def write_payload(path: Path, size_mb: int) -> None:
    line = b"arsip informasi publik daerah " * 34 + b"\n"
    block = (line * (MIB // len(line) + 1))[:MIB]
    with path.open("wb") as out:
        for _ in range(size_mb):
            out.write(block)


def nginx_conf(folder: Path, port: int, upstream: int, objects: Path) -> str:
    temp = folder / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{}}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fcgi; uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Host $host;
    }}
    location /_dms_objects/ {{ internal; alias {objects}/; }}
    location /direct/ {{ alias {objects}/; }}
  }}
}}
"""


def wait_for(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fetch(port, path, discard=True)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}{path}")


def fetch(port: int, path: str, discard: bool = False) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        reply = connection.getresponse()
        total = 0
        while chunk := reply.read(MIB):
            total += len(chunk)
        return reply.status, total
    finally:
        connection.close()


def throughput(cases: dict, size: int, repeat: int) -> dict:
    """MiB/s of each case; the cases take turns, so a busy moment of the machine
    falls on all of them alike."""
    rates: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (port, path) in cases.items():
            started = time.perf_counter()
            status, length = fetch(port, path)
            seconds = time.perf_counter() - started
            if status != 200 or length != size:
                raise SystemExit(f"{path}: status {status}, {length} of {size} bytes")
            rates[name].append(size / MIB / seconds)
    return {
        name: {"best_mib_s": max(r), "median_mib_s": statistics.median(r)}
        for name, r in rates.items()
    }


def upload(env: dict, port: int, token: str, payload: Path) -> dict:
    import requests

    with payload.open("rb") as body:
        reply = requests.post(
            f"http://127.0.0.1:{port}/api/v1/documents",
            headers={"Authorization": f"Bearer {token}"},
            data={"title": "Bench", "category": "berkala", "publish": "true"},
            files={"file": ("bench.txt", body, "text/plain")},
            timeout=600,
        )
    reply.raise_for_status()
    return reply.json()


def bench(args, folder: Path) -> dict:
    payload = folder / "payload.txt"
    write_payload(payload, args.size_mb)
    size = payload.stat().st_size
    objects = folder / "instance" / "objects"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DMS_")},
        "DMS_INSTANCE_DIR": str(folder / "instance"),
        "DMS_MAX_UPLOAD_MB": str(args.size_mb + 1),
        "TMPDIR": str(folder),
    }
    run_dms(env, "init")
    run_dms(env, "org", "add", "bench", "--name", "Bench", "--utama")
    run_dms(env, "user", "add", "bench", "--role", "ppid_utama", "--org", "bench")
    token = run_dms(env, "token", "create", "bench")
    accel_port, plain_port, nginx_port = free_port(), free_port(), free_port()
    accel_env = {
        **env,
        "DMS_TRUSTED_PROXIES": "1",
        "DMS_X_ACCEL_REDIRECT": "/_dms_objects/",
    }
    (folder / "nginx.conf").write_text(
        nginx_conf(folder, nginx_port, accel_port, objects)
    )
    children = [
        subprocess.Popen(
            [str(DMS), "serve", "--port", str(accel_port)],
            env=accel_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [str(DMS), "serve", "--port", str(plain_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]),
    ]
    try:
        for port in (accel_port, plain_port, nginx_port):
            wait_for(port)
        document = upload(env, plain_port, token, payload)
        sha = document["versions"][0]["sha256"]
        url = document["download_url"]
        cases = {
            "nginx_x_accel": (nginx_port, url),
            "nginx_direct": (nginx_port, f"/direct/{sha[:2]}/{sha[2:4]}/{sha}"),
            "dms_alone": (plain_port, url),
        }
        results = throughput(cases, size, args.repeat)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)
    ceiling = results["nginx_direct"]["median_mib_s"]
    return {
        "size_mb": args.size_mb,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "results": results,
        "x_accel_vs_direct": results["nginx_x_accel"]["median_mib_s"] / ceiling,
        "dms_alone_vs_direct": results["dms_alone"]["median_mib_s"] / ceiling,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--output", type=Path, default=Path("bench/results/proxy.json"))
    args = parser.parse_args(argv)
    if not Path(NGINX).exists():
        print(
            "bench.proxy: Debian's nginx is missing (make nginx-deps)", file=sys.stderr
        )
        return 1
    folder = Path(tempfile.mkdtemp(prefix="dms-bench-proxy-"))
    try:
        report = bench(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'case':<16} {'median MiB/s':>13} {'best MiB/s':>11}")
    for name, figures in report["results"].items():
        median, best = figures["median_mib_s"], figures["best_mib_s"]
        print(f"{name:<16} {median:>13.0f} {best:>11.0f}")
    verdict = "ok" if report["x_accel_vs_direct"] >= 0.9 else "FAIL"
    print(
        f"nginx+X-Accel / nginx direct = {report['x_accel_vs_direct']:.2f} "
        f"(goal >= 0.9: {verdict}); dms alone / nginx direct = "
        f"{report['dms_alone_vs_direct']:.2f}"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
