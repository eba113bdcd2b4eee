"""The floors of ``dlncheck.layers``, enforced: every import of every module, read from its source
(imports inside functions and under ``TYPE_CHECKING`` included), goes to its own floor or one
below, and no chain of imports comes back to where it started. No exception list."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path

import pytest

import dlncheck
from dlncheck.layers import FLOORS, floor_of

ROOTS = ("dlncheck", "dlncheck.numerics", "dlncheck.derivations", "dlncheck.checks")


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name, with its source file."""
    found: dict[str, Path] = {}
    for root in ROOTS:
        package = importlib.import_module(root)
        found[root] = Path(package.__file__)
        for info in pkgutil.walk_packages(package.__path__, prefix=root + "."):
            found[info.name] = Path(importlib.util.find_spec(info.name).origin)
    return found


def _resolve(name: str) -> str:
    """The module an imported dotted name lives in (``pkg.mod.attr`` -> ``pkg.mod``)."""
    known = modules()
    while name not in known and "." in name:
        name = name.rpartition(".")[0]
    return name


@cache
def imports() -> dict[str, frozenset[str]]:
    """The dlncheck modules each module imports."""
    known = modules()
    graph: dict[str, frozenset[str]] = {}
    for module, path in known.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = module if is_package else module.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            targets.update(_resolve(n) for n in names if n == "dlncheck" or n.startswith("dlncheck."))
        targets.discard(module)
        graph[module] = frozenset(targets)
    return graph


def test_every_module_is_on_exactly_one_floor():
    unplaced = [m for m in modules() if floor_of(m) is None]
    assert not unplaced, f"place these modules in dlncheck.layers.FLOORS: {unplaced}"
    entries = [e for _, floor in FLOORS for e in floor]
    assert len(entries) == len(set(entries)), "an entry of FLOORS is listed twice"
    stale = [e for e in entries if not e.endswith(".*") and e not in modules()]
    assert not stale, f"FLOORS names modules that do not exist: {stale}"


def test_the_walk_sees_the_whole_package():
    names = modules()
    assert "dlncheck.checks.cli" in names and "dlncheck.numerics.bregman_projection" in names
    assert sum(n.startswith("dlncheck.checks.claims.") for n in names) >= 20
    assert imports()["dlncheck.checks.cli"] >= {"dlncheck.checks.registry", "dlncheck.checks.runner"}


def test_no_import_goes_up_a_floor():
    upward = [
        f"{m} ({FLOORS[floor_of(m)][0]}) imports {t} ({FLOORS[floor_of(t)][0]})"
        for m, targets in sorted(imports().items())
        for t in sorted(targets)
        if floor_of(t) is not None and floor_of(m) is not None and floor_of(t) > floor_of(m)
    ]
    assert not upward, "\n".join(upward)


def _circles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle():
    circles = _circles(dict(imports()))
    assert not circles, "\n".join(" <-> ".join(c) for c in circles)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}, [["a", "b", "c"]]),
        ({"a": frozenset({"b"}), "b": frozenset(), "c": frozenset({"b"})}, []),
    ],
)
def test_the_circle_finder_finds_circles(graph, expected):
    assert _circles(graph) == expected


def test_the_floor_table_reads_prefixes_and_single_modules():
    assert floor_of("dlncheck.numerics.enclosures") == 1 and floor_of("dlncheck.numerics") == 1
    assert floor_of("dlncheck.checks.claims.mil_recovery") == floor_of("dlncheck.checks.claims")
    assert floor_of("dlncheck.checks.no_such_module") is None
    assert dlncheck.__name__ == "dlncheck"
