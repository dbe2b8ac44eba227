"""The package's modules import each other without a cycle.

Every ``import``/``from ... import`` inside ``mcp_ai_hub`` counts: the ones inside functions (a
lazy import still ties two modules together) and the ones under ``if TYPE_CHECKING:`` (a type
that needs the other module is the same coupling, and such a circle was how ``hub``, the job
manager, its store, outputs and backends used to hold each other).
"""

from __future__ import annotations

import ast
from pathlib import Path

import mcp_ai_hub

ROOT = Path(mcp_ai_hub.__file__).parent
PACKAGE = "mcp_ai_hub"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(name: str, source: str, modules: set[str], *, is_package: bool = False) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, name)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            # the deepest module the import names (``from x import y`` may import module x.y)
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith(PACKAGE):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    paths = sorted(ROOT.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {
        _module_name(p): _imports(_module_name(p), p.read_text(), modules, is_package=p.name == "__init__.py")
        for p in paths
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycles():
    graph = _graph()
    # Importing a.b.c runs a/__init__ and a/b/__init__ first; an edge to a parent package is
    # the normal shape of a package, not a cycle, as long as the __init__ files stay light.
    graph = {node: {t for t in targets if t not in _ancestors(node)} for node, targets in graph.items()}
    assert _cycles(graph) == []


def test_the_checker_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_function_level_and_type_checking_imports_count():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from mcp_ai_hub import hub\n"
        "def f():\n    from .jobs import manager\n"
    )
    modules = {"mcp_ai_hub", "mcp_ai_hub.hub", "mcp_ai_hub.jobs", "mcp_ai_hub.jobs.manager"}
    found = _imports("mcp_ai_hub.probe", source, modules)
    assert found == {"mcp_ai_hub", "mcp_ai_hub.hub", "mcp_ai_hub.jobs", "mcp_ai_hub.jobs.manager"}
