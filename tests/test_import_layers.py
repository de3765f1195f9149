"""The layers of design.md, checked on the source: evidence never imports engine, nothing but the CLI reaches the
workspace, and no two modules import each other in a circle (lazy and type-only imports included: a circle
hidden inside a function is still one the next reader has to untangle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "evidence", "workspace")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py")
             if "_data" not in p.parts]
    modules = {_module(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # `from engine.scheme import X` names the module engine.scheme; `from engine import cli` names engine.cli
        graph[name] = {m for m in _imports(path) if m in modules and m != name and not name.startswith(m + ".")}
    return graph


GRAPH = _graph()


def test_evidence_never_imports_engine_or_workspace() -> None:
    wrong = {(m, d) for m, deps in GRAPH.items() if m.startswith("evidence") for d in deps
             if d.startswith(("engine", "workspace"))}
    assert not wrong


def test_only_the_cli_reaches_the_workspace() -> None:
    wrong = {(m, d) for m, deps in GRAPH.items() if m.startswith("engine") and not m.startswith("engine.cli")
             for d in deps if d.startswith("workspace")}
    assert not wrong


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(GRAPH.get(node, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(GRAPH):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_import_circles() -> None:
    assert _cycle() is None, " → ".join(_cycle() or [])


@pytest.mark.parametrize("module", ["engine.authoring.rules_docs", "engine.authoring.rules_diff"])
def test_the_graph_sees_lazy_imports(module: str) -> None:
    # the check above would pass vacuously if function-level imports were not seen
    assert "engine.authoring.rule_words" in GRAPH[module]
