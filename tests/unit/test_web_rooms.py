"""dms/web is in rooms by audience, and the rooms share helpers by public names."""

from __future__ import annotations

import ast
from pathlib import Path

import dms.web

WEB = Path(dms.web.__file__).parent


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dms"):
            found += [
                f"{path.relative_to(WEB)}: {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


def test_no_web_module_imports_another_modules_private_name():
    found = [
        hit for path in sorted(WEB.rglob("*.py")) for hit in _private_imports(path)
    ]

    assert found == []


def test_the_rooms_are_packages_with_their_templates_beside_each_other():
    for room in ("api", "public", "workspace", "admin"):
        assert (WEB / room / "__init__.py").is_file(), room
    for room in ("public", "workspace", "admin"):
        assert any((WEB / "templates" / room).rglob("*.html")), room
    flat = {p.stem for p in WEB.glob("*.py")}
    assert flat <= {
        "__init__",
        "auth",
        "compression",
        "downloads",
        "errors",
        "forms",
        "i18n",
        "labels",
        "proxy",
        "security",
        "server",
    }
