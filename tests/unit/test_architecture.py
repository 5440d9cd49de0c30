"""The package structure holds: no import cycle between the packages of dms/, no
module importing another module's `_private` name, every package placed in a layer
and importing nothing above it (tools/import_graph.py, also run by `make lint`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "import_graph.py"


@pytest.fixture(scope="module")
def graph():
    spec = importlib.util.spec_from_file_location("import_graph", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    imports = module.Imports(module.all_modules())
    for name, path in imports.modules.items():
        imports.scan(name, path)
    return module, imports


def test_no_cycle_between_packages(graph):
    module, imports = graph
    assert module.cycles(module.package_graph(imports.edges)) == []


def test_no_private_name_imported_across_modules(graph):
    _module, imports = graph
    assert imports.private == []


def test_every_package_is_in_a_layer_and_imports_nothing_above_it(graph):
    module, imports = graph
    packages = {module.package_of(name) for name in imports.modules}
    unknown, upward = module.layer_problems(imports.edges, packages)
    assert unknown == []
    assert upward == []


def test_the_tool_sees_a_cycle_and_a_private_import(tmp_path, graph):
    """The checks are not vacuous: a two-package cycle and a `_private` import in a
    scratch tree are reported."""
    module, _imports = graph
    root = tmp_path / "dms"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "__init__.py").write_text("")
    (root / "a" / "__init__.py").write_text("from dms.b.x import _hidden\n")
    (root / "b" / "__init__.py").write_text("")
    (root / "b" / "x.py").write_text("def f():\n    from dms import a\n_hidden = 1\n")
    modules = {module.module_name(path, root): path for path in root.rglob("*.py")}
    imports = module.Imports(modules)
    for name, path in modules.items():
        imports.scan(name, path, root=root)
    assert module.cycles(module.package_graph(imports.edges)) == [["a", "b"]]
    assert len(imports.private) == 1
    unknown, _upward = module.layer_problems(imports.edges, {"a", "b"})
    assert unknown == ["a", "b"]
