"""One kernel per concept (issue 13): one enclosure type, python-flint's balls, and precision
set through ``workprec``/``workdps`` contexts, never saved and restored by hand."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FOLDERS = ("dlncheck", "numerics", "derivations", "checks")


def _modules():
    for folder in PACKAGE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_uses_mpmaths_interval_context():
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "mpmath":
                found += [f"{name}:{node.lineno}" for alias in node.names if alias.name == "iv"]
            if isinstance(node, ast.Attribute) and node.attr == "iv":
                found.append(f"{name}:{node.lineno}")
    assert found == [], "enclosures are python-flint balls (numerics/enclosures.py): " + ", ".join(found)


def test_precision_is_never_saved_and_restored_by_hand():
    """A global precision (python-flint's ``ctx``, mpmath's ``mp``) is changed inside a
    ``workprec``/``workdps`` block only, which restores it whatever happens; storing the old
    value in a variable to put it back later is the hand-written pattern this replaces."""
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
                value = node.value
                if value.attr in ("prec", "dps") and getattr(value.value, "id", "") in ("ctx", "mp", "iv"):
                    if any(isinstance(t, ast.Name) and t.id.startswith("saved") for t in node.targets):
                        found.append(f"{name}:{node.lineno}")
    assert found == [], "use ctx.workprec / mp.workprec: " + ", ".join(found)


def test_guard_bits_are_converted_by_one_function():
    """``digits_to_bits`` is the one decimal -> binary precision conversion."""
    found = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name != "digits_to_bits":
                if "bits" in node.name and ("digit" in node.name or "dps" in node.name):
                    found.append(f"{name}:{node.lineno} {node.name}")
    assert found == [], ", ".join(found)
