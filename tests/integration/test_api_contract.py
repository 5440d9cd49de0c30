"""The API answers as its OpenAPI description says: schemathesis generates
requests for every operation against a live server on the demo archive, as an
anonymous citizen and as the PPID Utama, and checks that nothing answers 5xx,
that every status is documented and every JSON body fits its schema.

Bounded: 20 examples per operation and a time limit per run (about a minute
each here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.integration.test_cli import (  # noqa: F401 - fixtures
    Instance,
    clean_environment,
    instance,
)

pytest.importorskip("schemathesis", reason="schemathesis is in the test extras")
requests = pytest.importorskip("requests", exc_type=ImportError)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
EXAMPLES = 20
RUN_SECONDS = 420
# What the demo prints as its users' password (tests/integration/test_cli.py).
DEMO_PASSWORD = "demo-ppid-2026"


@pytest.fixture
def live_demo(instance: Instance):
    """The demo archive served by waitress on a free port; its base URL."""
    from dms.web import create_app
    from dms.web.server import make_server

    instance.env["DMS_QUEUE_URL"] = "immediate"
    instance.ok("init")
    instance.ok("demo")
    overrides = {k[4:].lower(): v for k, v in instance.env.items()}
    overrides.pop("instance_dir", None)
    app = create_app({"instance_dir": instance.env["DMS_INSTANCE_DIR"], **overrides})
    server = make_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    host, port = server.socket.getsockname()[:2]
    yield f"http://{host}:{port}", instance.root
    server.trigger.pull_trigger(lambda: [d.close() for d in list(server._map.values())])
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()
    app.extensions["dms"].close()


def schemathesis(live, *extra: str) -> subprocess.CompletedProcess:
    """Run it from the test's folder: it keeps a cache where it runs."""
    base, folder = live
    command = [
        str(SCHEMATHESIS) if SCHEMATHESIS.exists() else shutil.which("schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--max-examples",
        str(EXAMPLES),
        "--checks",
        CHECKS,
        "--request-timeout",
        "30",
        "--generation-deterministic",
        "--no-color",
        *extra,
    ]
    env = {**os.environ, "SCHEMATHESIS_TELEMETRY": "false"}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=folder,
    )


def assert_conforms(run: subprocess.CompletedProcess) -> None:
    tail = "\n".join(run.stdout.splitlines()[-80:])
    assert run.returncode == 0, f"schemathesis found failures:\n{tail}\n{run.stderr}"
    assert "generated" in run.stdout, tail


def test_the_api_answers_an_anonymous_caller_as_it_describes(live_demo):
    assert_conforms(schemathesis(live_demo))


def test_the_api_answers_the_ppid_utama_as_it_describes(live_demo):
    token = requests.post(
        f"{live_demo[0]}/api/v1/auth/token",
        json={"username": "utama", "password": DEMO_PASSWORD},
        timeout=30,
    ).json()["token"]

    run = schemathesis(
        live_demo,
        "--header",
        f"Authorization: Bearer {token}",
        # Revoking the token in use would leave the rest of the run anonymous.
        "--exclude-name",
        "DELETE /auth/token",
    )

    assert_conforms(run)


def test_every_rate_limited_operation_documents_429(app):
    from dms.web.api.openapi import RATE_LIMITED, openapi_document
    from dms.web.security import limiter

    marked = limiter._marked_for_limiting  # the views the limiter decorates
    limited = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        name = f"{view.__module__}.{view.__name__}.{view.__name__}"
        if rule.rule.startswith("/api/v1/") and name in marked:
            path = _shape(rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                limited.add((method.lower(), path))

    assert limited, "the limiter marks the login and request views"
    assert limited == {(method, _shape(path)) for method, path in RATE_LIMITED}
    paths = openapi_document()["paths"]
    for method, path in RATE_LIMITED:
        assert "429" in paths[path][method]["responses"], (method, path)


def _shape(path: str) -> str:
    """The path with every parameter (Flask's <x:y> or OpenAPI's {y}) as {}."""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)
