"""How the `dms` commands get their Archive (through click's context, opened once
per command and closed when it ends), and the shape of the dms/cli package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dms.cli
from dms.archive import Archive
from tests.integration.test_cli import (  # noqa: F401 - fixtures
    Instance,
    clean_environment,
    instance,
    ready,
)

CLI_DIR = Path(dms.cli.__file__).parent


@pytest.fixture
def archive_events(monkeypatch) -> list[str]:
    """ "open" and "close" as the commands open and close real Archives."""
    events: list[str] = []
    real_open = Archive.open
    real_close = Archive.close

    def opening(settings):
        events.append("open")
        return real_open(settings)

    def closing(self):
        events.append("close")
        real_close(self)

    monkeypatch.setattr(Archive, "open", staticmethod(opening))
    monkeypatch.setattr(Archive, "close", closing)
    return events


@pytest.mark.parametrize(
    "args",
    [
        ("fsck",),
        ("reindex",),
        ("search", "anggaran"),
        ("org", "add", "bpbd", "--name", "BPBD", "--parent", "ppid-utama"),
        ("calendar", "list", "--year", "2026"),
        ("exemption", "list"),
        ("mail", "list"),
        ("requests", "list"),
        ("report", "requests", "--year", "2026"),
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_a_command_opens_one_archive_and_closes_it(ready, archive_events, args):
    ready.ok(*args)
    assert archive_events == ["open", "close"]


def test_a_command_that_fails_still_closes_its_archive(ready, archive_events):
    result = ready.run("org", "add", "dinkes", "--name", "Dinas Kesehatan")
    assert result.exit_code == 1
    assert archive_events == ["open", "close"]


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "set", "2026-13-01", "--name", "Libur"),
        ("calendar", "remove", "besok"),
        ("dip", "--output", "register.txt"),
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_bad_input_fails_before_the_archive_is_opened(
    ready, archive_events, tmp_path, args
):
    args = [str(tmp_path / a) if a == "register.txt" else a for a in args]
    result = ready.run(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith("dms: ")
    assert archive_events == []
    assert not (tmp_path / "register.txt").exists()


def test_importing_the_cli_imports_no_flask():
    code = (
        "import sys, dms.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask',) or m.startswith('dms.web')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` in that file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_no_cli_module_imports_a_private_name_or_the_package_back():
    modules = sorted(CLI_DIR.glob("*.py"))
    assert {p.stem for p in modules} >= {"__init__", "context", "instance", "search"}
    for path in modules:
        for module, name in _imports(path):
            where = f"{path.name}: from {module} import {name}"
            assert not name.startswith("_"), where
            if path.name != "__init__.py":
                assert module != "dms.cli", where
