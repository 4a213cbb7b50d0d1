"""The layering rules of ``runtime/jsinterop``, checked from the source (run by the test suite).

``python tools/architecture.py [PACKAGE_DIR]`` prints every violation and exits 1 when there is one:

- an import cycle between the package's modules (every import counts: at the top, inside functions,
  under ``TYPE_CHECKING``);
- a production module (anything outside ``testing/`` and ``tool/``, the host-side folders) importing
  from ``testing/``; a shim that keeps an old module path working may, when the line says ``# shim``;
- a page-side module (anything outside ``tool/``, ``testing/`` and ``__main__``) importing the host-only
  toolchain ``tool/`` (the page must never import it); a shim may, when the line says ``# shim``;
- a module importing another module's ``_private`` name;
- an import inside a function (or under ``TYPE_CHECKING``) without a comment saying why, on the line or
  the line above (e.g. "only present in Pyodide").
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Graph", "check", "import_graph", "main"]


@dataclass
class Graph:
    """The package's modules and the imports between them."""

    package: str
    files: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _module_name(root: Path, package: str, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def _resolve(graph: Graph, current: str, is_package: bool, node: ast.ImportFrom) -> str | None:
    """The absolute module an ``ImportFrom`` names, or None when it is outside the package."""
    if node.level == 0:
        base = node.module or ""
    else:
        parts = current.split(".")
        if not is_package:
            parts = parts[:-1]
        if node.level > 1:
            parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    return base if base == graph.package or base.startswith(graph.package + ".") else None


def _commented(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or on the line above the block of imports it belongs to."""
    if "#" in lines[lineno - 1]:
        return True
    above = lineno - 2
    while above >= 0 and lines[above].strip().startswith(("import ", "from ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph(root: Path, package: str | None = None) -> Graph:
    """Read every module under ``root`` (the package's folder) into a :class:`Graph`, noting the
    private-name, testing and uncommented-local-import problems on the way."""
    package = package or root.name
    graph = Graph(package)
    for path in sorted(root.rglob("*.py")):
        graph.files[_module_name(root, package, path)] = path
    for name, path in graph.files.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source, filename=str(path))
        is_package = path.name == "__init__.py"
        edges = graph.edges.setdefault(name, set())
        host_side = name.startswith((f"{package}.testing", f"{package}.tool")) or name == f"{package}.__main__"
        production = not host_side
        nested: set[int] = set()
        for outer in ast.walk(tree):
            if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
                    isinstance(outer, ast.If) and _is_type_checking(outer.test)):
                for inner in ast.walk(outer):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        nested.add(id(inner))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            where = f"{path.relative_to(root.parent)}:{node.lineno}"
            if id(node) in nested and not _commented(lines, node.lineno):
                graph.problems.append(f"{where}: an import inside a function (or under TYPE_CHECKING) needs a "
                                      "comment saying why it is not at the top")
            targets: list[tuple[str, list[str]]] = []
            if isinstance(node, ast.Import):
                targets = [(a.name, []) for a in node.names
                           if a.name == package or a.name.startswith(package + ".")]
            else:
                base = _resolve(graph, name, is_package, node)
                if base is None:
                    continue
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    if submodule in graph.files:
                        targets.append((submodule, []))
                    else:
                        targets.append((base, [alias.name]))
            for target, names in targets:
                if target not in graph.files:
                    graph.problems.append(f"{where}: imports '{target}', which is not a module of the package")
                    continue
                if target != name:
                    edges.add(target)
                if production and target.startswith(f"{package}.testing") and "# shim" not in lines[node.lineno - 1]:
                    graph.problems.append(f"{where}: production module '{name}' imports from the test helpers "
                                          f"('{target}')")
                if production and target.startswith(f"{package}.tool") and "# shim" not in lines[node.lineno - 1]:
                    graph.problems.append(f"{where}: page-side module '{name}' imports the host-only toolchain "
                                          f"('{target}')")
                for imported in names:
                    if imported.startswith("_") and not imported.startswith("__"):
                        graph.problems.append(f"{where}: '{name}' imports the private name '{imported}' of "
                                              f"'{target}'")
    return graph


def _cycles(graph: Graph) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a cycle to show."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph.edges):
        if node not in index:
            visit(node)
    return groups


def _package_of(module: str) -> str:
    return module.rsplit(".", 1)[0]


def check(root: Path, package: str | None = None) -> list[str]:
    """Every violation of the rules under ``root``, as readable lines (empty when there is none).

    A package's ``__init__`` importing its own submodules (the public face re-exporting them) is how
    Python packages are built, not a cycle; every other edge counts."""
    graph = import_graph(root, package)
    problems = list(graph.problems)
    init_edges = {(src, dst) for src, dsts in graph.edges.items() for dst in dsts
                  if graph.files[src].name == "__init__.py" and dst.startswith(src + ".")}
    for src, dst in init_edges:
        graph.edges[src].discard(dst)
    for group in _cycles(graph):
        problems.append("import cycle between " + ", ".join(group))
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the violations of the package at ``argv[0]`` (default: runtime/jsinterop); 1 when any."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "runtime" / "jsinterop"
    problems = check(root)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
