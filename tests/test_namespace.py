"""Installed, the project is the one package ``dlncheck`` (issue 13): its floors are
``dlncheck.numerics``, ``dlncheck.derivations`` and ``dlncheck.checks``, and the repository's
top-level folders are not importable by their own names outside it."""

from __future__ import annotations

import subprocess
import sys

import dlncheck
import dlncheck.checks
import dlncheck.derivations
import dlncheck.numerics


def _run(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_floors_are_subpackages_of_dlncheck():
    for floor in (dlncheck.checks, dlncheck.derivations, dlncheck.numerics):
        assert floor.__name__.rpartition(".")[0] == "dlncheck", floor.__name__


def test_the_floors_are_not_top_level_packages_outside_the_repository(tmp_path):
    for name in ("checks", "derivations", "numerics"):
        result = _run(f"import {name}", tmp_path)
        assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr, (name, result.stderr)
    result = _run("import dlncheck.checks.cli, dlncheck.numerics, dlncheck.derivations", tmp_path)
    assert result.returncode == 0, result.stderr


def test_python_minus_m_dlncheck_is_the_command_line(tmp_path):
    argv = [sys.executable, "-m", "dlncheck", "--version"]
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"dlncheck {dlncheck.__version__}", result


def test_help_imports_none_of_the_numerical_libraries(tmp_path):
    """``dlncheck --help`` parses its options without SymPy, SciPy, NumPy, mpmath, python-flint or
    hypothesis: each command imports what it uses when it runs (bench/bench_cli_startup.py times it)."""
    code = (
        "import sys\n"
        "from dlncheck.checks.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('sympy', 'scipy', 'numpy', 'mpmath', 'flint', 'hypothesis')\n"
        "print('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "loaded:", result.stdout[-300:]
