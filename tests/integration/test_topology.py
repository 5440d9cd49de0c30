"""Issue 18: the production topology on one machine. Debian's nginx (the site in
deploy/nginx/dms.conf, TLS included) in front of two `dms serve` processes on one
PostgreSQL, Redis (queue and login counts) and one `dms worker`; the blobs in a
folder (nginx sends downloads itself, X-Accel-Redirect) or in S3 (moto).

Citizens are told apart by their own source address (127.0.0.N: every 127/8
address is this machine), as nginx sees them. Skips with the reason when
PostgreSQL (DMS_TEST_DATABASE_URL), Redis or nginx (make nginx-deps) is absent."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import a_pdf
from tests.integration.test_cli import (  # noqa: F401 - fixtures
    DMS_SCRIPT,
    Instance,
    clean_environment,
    instance,
    ready,
)
from tests.integration.test_cli_search import redis_url

NGINX = "/usr/sbin/nginx"
SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "dms.conf"
HOST = "ppid.example.go.id"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Topology:
    instance: Instance
    nginx_port: int
    web_ports: list[int]
    tls: ssl.SSLContext
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def through_nginx(
        self, method: str, path: str, *, client: int = 1, headers=None, body=None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request through nginx over TLS from citizen 127.0.0.<client>."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.nginx_port,
            context=self.tls,
            source_address=(f"127.0.0.{client}", 0),
            timeout=30,
        )
        return _exchange(connection, method, path, headers, body)

    def direct(self, server: int, method: str, path: str, *, headers=None, body=None):
        """One request straight to web server 0 or 1, bypassing nginx."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.web_ports[server], timeout=30
        )
        return _exchange(connection, method, path, headers, body)


def _exchange(connection, method, path, headers, body):
    try:
        connection.request(
            method, path, body=body, headers={"Host": HOST, **(headers or {})}
        )
        reply = connection.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        connection.close()


def needs_the_services(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("the topology test needs PostgreSQL (DMS_TEST_DATABASE_URL)")
    if not os.path.exists(NGINX):
        pytest.skip("Debian's nginx is not installed (make nginx-deps)")
    return redis_url()


def nginx_config(folder: Path, nginx_port: int, web_ports: list[int], objects: Path):
    """deploy/nginx/dms.conf with this test's ports, certificate and folders."""
    site = SITE.read_text()
    site = site[site.index("upstream dms") :]
    plain = re.search(r"server \{\n    listen 80;.*?\n\}\n", site, re.S)
    site = site.replace(plain.group(0), "")
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in web_ports
    )
    site = re.sub(r"    server 127\.0\.0\.1:8000 [^\n]*\n", servers, site)
    site = site.replace("    listen [::]:443 ssl http2;\n", "")
    site = site.replace(
        "listen 443 ssl http2;", f"listen 127.0.0.1:{nginx_port} ssl http2;"
    )
    site = site.replace(
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(folder / "chain.pem")
    )
    site = site.replace(
        f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(folder / "key.pem")
    )
    site = site.replace("alias /var/lib/dms/objects/;", f"alias {objects}/;")
    temp = folder / "temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" client_body_temp_path {temp}/body;\n proxy_temp_path {temp}/proxy;\n"
        f" fastcgi_temp_path {temp}/fastcgi;\n uwsgi_temp_path {temp}/uwsgi;\n"
        f" scgi_temp_path {temp}/scgi;\n{site}}}\n"
    )


def start(topology: Topology, name: str, *args: str) -> None:
    log = open(topology.instance.root / f"{name}.log", "wb")  # noqa: SIM115
    topology.processes[name] = subprocess.Popen(
        [*args], env=topology.instance.process_env(), stdout=log, stderr=log
    )
    log.close()


def wait_until(condition, message: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@pytest.fixture
def topology(request, ready, tmp_path) -> Iterator[Topology]:
    queue = needs_the_services(ready.database_url)
    import redis

    redis.Redis.from_url(queue).flushdb()
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert(HOST, "127.0.0.1")
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "chain.pem"))
    tls = ssl.create_default_context()
    ca.configure_trust(tls)
    tls.check_hostname = False
    storage = ready.env["DMS_STORAGE_URL"]
    kind = getattr(request, "param", "file")
    if kind == "s3":
        storage = request.getfixturevalue("s3_storage_url")
    ready.env.update(
        DMS_QUEUE_URL=queue,
        DMS_RATELIMIT_STORAGE_URL=queue,
        DMS_TRUSTED_PROXIES="1",
        DMS_COOKIE_SECURE="true",
        DMS_STORAGE_URL=storage,
        DMS_X_ACCEL_REDIRECT="/_dms_objects/" if kind == "file" else "",
        DMS_PUBLIC_URL=f"https://{HOST}",
    )
    ready.ok("init")
    web_ports = [free_port(), free_port()]
    top = Topology(ready, free_port(), web_ports, tls)
    (tmp_path / "nginx.conf").write_text(
        nginx_config(tmp_path, top.nginx_port, web_ports, ready.storage_root)
    )
    try:
        for number, port in enumerate(web_ports):
            start(
                top,
                f"web{number}",
                str(DMS_SCRIPT),
                "serve",
                "--port",
                str(port),
                "--no-worker",
                "--threads",
                "4",
            )
        start(top, "worker", str(DMS_SCRIPT), "worker", "--workers", "1")
        start(
            top, "nginx", NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")
        )
        for number in range(2):
            wait_until(
                lambda n=number: top.direct(n, "GET", "/healthz")[0] == 200,
                f"web{number} did not start",
            )
        wait_until(
            lambda: top.through_nginx("GET", "/healthz")[0] == 200,
            "nginx did not start",
        )
        yield top
    finally:
        for process in top.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in top.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def officer_token(topology: Topology) -> str:
    instance = topology.instance
    instance.ok("user", "add", "kepala", "--role", "ppid_utama", "--org", "ppid-utama")
    return instance.ok("token", "create", "kepala").stdout.strip()


def upload(
    topology: Topology, server: int, token: str, content: bytes, title: str
) -> dict:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (
        ("title", title),
        ("category", "setiap_saat"),
        ("publish", "true"),
    ):
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="file"; filename="d.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    status, _, body = topology.direct(
        server,
        "POST",
        "/api/v1/documents",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        body=b"".join(parts),
    )
    assert status == 201, body[:300]
    return json.loads(body)


def found(topology: Topology, server: int, query: str) -> int:
    status, _, body = topology.direct(server, "GET", f"/api/v1/documents?q={query}")
    assert status == 200
    return json.loads(body)["total"]


@pytest.mark.parametrize("topology", ["file", "s3"], indirect=True)
def test_uploaded_through_one_server_downloadable_and_searchable_through_the_other(
    topology,
):
    token = officer_token(topology)
    content = a_pdf("Rencana tata ruang wilayah kabupaten")
    document = upload(topology, 0, token, content, "Rencana tata ruang")

    wait_until(lambda: found(topology, 1, "ruang") == 1, "the worker did not index it")
    status, _, body = topology.direct(1, "GET", document["download_url"])
    handed_to_nginx = bool(topology.instance.env["DMS_X_ACCEL_REDIRECT"])
    assert status == 200 and body == (b"" if handed_to_nginx else content)
    status, headers, body = topology.through_nginx("GET", document["download_url"])
    assert status == 200 and body == content
    assert headers["Content-Type"] == "application/pdf"
    status, headers, body = topology.through_nginx(
        "GET", document["download_url"], headers={"Range": "bytes=0-99"}
    )
    assert status == 206 and body == content[:100]


def test_nginx_sends_the_file_after_dms_has_said_yes(topology):
    token = officer_token(topology)
    content = a_pdf("Laporan realisasi anggaran")
    document = upload(topology, 0, token, content, "Laporan realisasi")

    status, headers, body = topology.direct(1, "GET", document["download_url"])
    assert status == 200 and body == b""
    accel = headers["X-Accel-Redirect"]
    assert accel.startswith("/_dms_objects/")
    status, headers, body = topology.through_nginx("GET", document["download_url"])
    assert status == 200 and body == content
    assert "X-Accel-Redirect" not in headers
    assert headers["ETag"] == f'"{document["versions"][0]["sha256"]}"'
    assert topology.through_nginx("GET", accel)[0] == 404  # internal only


def test_per_citizen_login_limits_hold_through_nginx_and_across_servers(topology):
    def wrong_login(client: int) -> int:
        body = json.dumps({"username": "nobody", "password": "salah"}).encode()
        return topology.through_nginx(
            "POST",
            "/api/v1/auth/token",
            client=client,
            headers={"Content-Type": "application/json", "X-Forwarded-For": "10.0.0.1"},
            body=body,
        )[0]

    one_citizen = [wrong_login(2) for _ in range(11)]
    twelve_citizens = [wrong_login(client) for client in range(3, 15)]

    assert one_citizen[:10] == [401] * 10
    assert one_citizen[10] == 429
    assert twelve_citizens == [401] * 12


def test_one_server_killed_the_other_keeps_answering(topology):
    victim = topology.processes["web0"]
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)

    statuses = [topology.through_nginx("GET", "/")[0] for _ in range(6)]

    assert statuses == [200] * 6
    assert topology.direct(1, "GET", "/healthz")[0] == 200
