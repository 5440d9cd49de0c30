"""The import graph of dms/: cycles between packages, private names imported across
modules, and imports that point up the layer list.

    python tools/import_graph.py [--graph]

Every import counts, at module level or inside a function, except those under
`if TYPE_CHECKING:` (names for annotations only: they never run). A "package" is a
direct child of dms/ (a sub-package such as dms/documents/ or a top module such as
dms/settings.py). Exit status 1 when anything is wrong, so `make lint` fails.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "dms"

# Lowest first. A package may import from its own layer and the layers below it, never
# from a layer above. Every child of dms/ must be listed, so a new one must be placed.
LAYERS: list[tuple[str, ...]] = [
    ("settings", "errors", "db"),
    ("output",),
    ("audit", "numbering", "mail"),
    ("accounts",),
    ("workdays",),
    ("storage", "blobs"),
    ("categories",),
    ("documents",),
    ("indexing",),
    ("classification",),
    ("requests",),
    ("monitoring",),
    ("organisations",),
    ("onboarding",),
    ("schema",),
    ("jobs", "archive"),
    ("demo", "backup"),
    ("cli", "web"),
    ("migrations", "__main__"),
]

# dms/__init__.py holds the version only; anyone may import it.
ROOT_MODULE = "dms"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT_MODULE


def all_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(ROOT.rglob("*.py"))
        if "versions" not in path.relative_to(ROOT).parts
    }


def resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module name of a (possibly relative) `from` import."""
    if level == 0:
        return target or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


class Imports:
    """Every dms import in one module: edges (module -> module) and private names."""

    def __init__(self, modules: dict[str, Path]) -> None:
        self.modules = modules
        self.edges: dict[str, set[str]] = defaultdict(set)
        self.private: list[str] = []

    def owner(self, name: str) -> str | None:
        """The longest known module that `name` is or lies in."""
        while name:
            if name in self.modules:
                return name
            name = name.rpartition(".")[0]
        return None

    def scan(self, module: str, path: Path, root: Path = ROOT) -> None:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        aliases: dict[str, str] = {}
        where = path.relative_to(root.parent)
        for node in walk_runtime(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != "dms":
                        continue
                    target = self.owner(alias.name)
                    if target:
                        self.edges[module].add(target)
                        if alias.asname:
                            aliases[alias.asname] = target
            elif isinstance(node, ast.ImportFrom):
                base = resolve(module, is_package, node.level, node.module)
                if base.split(".")[0] != "dms":
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in self.modules:
                        target = full
                        aliases[alias.asname or alias.name] = full
                    else:
                        target = self.owner(base)
                        if is_private(alias.name) and target != module:
                            self.private.append(
                                f"{where}:{node.lineno}: {module} imports "
                                f"{alias.name} from {target}"
                            )
                    if target:
                        self.edges[module].add(target)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and is_private(node.attr)
                and aliases[node.value.id] != module
            ):
                self.private.append(
                    f"{where}:{node.lineno}: {module} uses "
                    f"{aliases[node.value.id]}.{node.attr}"
                )


def walk_runtime(tree: ast.AST):
    """Every node, leaving out the bodies of `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def package_graph(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            a, b = package_of(source), package_of(target)
            if a != b and b != ROOT_MODULE:
                graph[a].add(b)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_problems(
    edges: dict[str, set[str]], packages: set[str]
) -> tuple[list[str], list[str]]:
    level = {name: i for i, group in enumerate(LAYERS) for name in group}
    unknown = sorted(p for p in packages if p != ROOT_MODULE and p not in level)
    upward = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            a, b = package_of(source), package_of(target)
            if a in level and b in level and level[b] > level[a]:
                upward.append(f"{source} ({a}) imports {target} ({b}), a higher layer")
    return unknown, upward


def main(argv: list[str]) -> int:
    modules = all_modules()
    imports = Imports(modules)
    for module, path in modules.items():
        imports.scan(module, path)
    graph = package_graph(imports.edges)
    found = cycles(graph)
    packages = {package_of(m) for m in modules}
    unknown, upward = layer_problems(imports.edges, packages)

    if "--graph" in argv:
        for package in sorted(graph):
            print(f"{package} -> {', '.join(sorted(graph[package]))}")
    for component in found:
        inner = [
            f"{a}->{b}" for a in component for b in sorted(graph[a]) if b in component
        ]
        print(f"cycle: {' '.join(component)} ({'; '.join(inner)})")
    for line in imports.private:
        print(f"private: {line}")
    for name in unknown:
        print(f"layers: dms/{name} is not in LAYERS (tools/import_graph.py)")
    for line in upward:
        print(f"layers: {line}")
    print(
        f"{len(found)} cycles, {len(imports.private)} private imports, "
        f"{len(unknown) + len(upward)} layer problems"
    )
    return 1 if found or imports.private or unknown or upward else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
