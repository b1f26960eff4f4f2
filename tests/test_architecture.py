"""The architecture as tests (docs/architecture.md explains it): the import graph of src/digibudget has no cycle and
keeps the layer rules, and modules and functions stay small enough to read.

Layer rules (an import of a module means any import of it, at module level or inside a function; an import only
for type checking, under ``if TYPE_CHECKING:``, is no import: it never runs):
1. nothing imports in a cycle (a lazy import inside a function counts: it hides a cycle, it does not remove it);
2. the web layer (digibudget.web) never imports ingest, sources, pipeline or fetch: it reads the store through
   queries and analyze, it does not load files;
3. queries and analyze never import sources: what they need of the vocabulary is in vocab;
4. only the command line (digibudget.cli) imports typer: library packages stay usable without a terminal;
5. every module stays under about 400 lines and every function under about 80, or says in its docstring why not
   (the marker "Long because:").
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = "digibudget"

# rules 2-4 as (importer prefix, forbidden prefix)
LAYER_RULES = [
    ("digibudget.web", "digibudget.ingest"), ("digibudget.web", "digibudget.sources"),
    ("digibudget.web", "digibudget.pipeline"), ("digibudget.web", "digibudget.fetch"),
    ("digibudget.queries", "digibudget.sources"), ("digibudget.analyze", "digibudget.sources"),
]
# known exceptions, each with the work that removes it (issue 15); a fixed one may simply be deleted from the list
KNOWN: dict[tuple[str, str], str] = {}


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 80
JUSTIFIED = "Long because:"
# too long, and being split by another branch (a fixed one may simply be deleted from the list)
KNOWN_LONG: dict[str, str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((SRC / PKG).rglob("*.py"))}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every module (of this package, or a top-level third-party name) that ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # 'from . import x' imports the submodule x when there is one
                sub = f"{target}.{alias.name}"
                yield sub if sub in known else target


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for other in node.orelse:
                yield other
                yield from _runtime_nodes(other)
            continue
        yield node
        yield from _runtime_nodes(node)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports_of(name, path, known)) - {name} for name, path in known.items()}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_import_graph_has_no_cycle() -> None:
    g = {m: {t for t in targets if _under(t, PKG)} for m, targets in graph().items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(g.get(m, ())):
            if state.get(t) == 1:
                cycles.append([*path[path.index(t):], t])
            elif t not in state:
                visit(t)
        path.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_layer_rules_hold() -> None:
    broken = sorted((m, t) for m, targets in graph().items() for t in targets
                    for importer, forbidden in LAYER_RULES
                    if _under(m, importer) and _under(t, forbidden) and (m, forbidden) not in KNOWN)
    assert not broken, broken


def test_only_the_command_line_imports_typer() -> None:
    users = sorted(m for m, targets in graph().items() if "typer" in targets or "click" in targets)
    assert [m for m in users if not _under(m, "digibudget.cli") and (m, "typer") not in KNOWN] == []


def test_the_checks_see_a_cycle_and_a_broken_rule(tmp_path: Path) -> None:
    """The graph reader finds relative, lazy and submodule imports (else the tests above could not fail)."""
    g = graph()
    assert "digibudget.findings" in g["digibudget.ingest"]  # 'from .findings import ...'
    assert "digibudget.sources.bulk_sql" in g["digibudget.ingest"]  # 'from .sources import bulk_sql'
    assert "digibudget.analyze.integral" in g["digibudget.cli.analysis"]  # a lazy import inside a function


def too_long() -> list[str]:
    """Modules and functions over the limits whose docstring does not say why."""
    out: list[str] = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        n = len(text.splitlines())
        if n > MAX_MODULE_LINES and JUSTIFIED not in (ast.get_docstring(tree) or "") and name not in KNOWN_LONG:
            out.append(f"{name}: {n} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if (length > MAX_FUNCTION_LINES and JUSTIFIED not in (ast.get_docstring(node) or "")
                        and f"{name}.{node.name}" not in KNOWN_LONG):
                    out.append(f"{name}.{node.name}: {length} lines")
    return out


def test_modules_and_functions_are_short_or_say_why() -> None:
    assert too_long() == []


def test_the_size_rule_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "MAX_FUNCTION_LINES", 5)
    assert any(".read" in entry for entry in too_long())


def _reachable(g: dict[str, set[str]], package: str) -> set[str]:
    todo = [m for m in g if _under(m, package)]
    seen: set[str] = set()
    while todo:
        for t in g.get(todo.pop(), ()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def test_the_server_loads_no_ingest_code_even_indirectly() -> None:
    """Not only no direct import: nothing the web layer imports, at any depth, reaches the loading code."""
    reached = _reachable(graph(), "digibudget.web")
    assert "digibudget.analyze.integral" in reached  # the walk does go deep
    assert sorted(m for m in reached if any(_under(m, p) for p in (
        "digibudget.ingest", "digibudget.sources", "digibudget.pipeline", "digibudget.fetch"))) == []
