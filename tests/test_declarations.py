"""The declarations cache (checks/declarations.py): ``dlncheck list`` and ``show`` read the
claims' declarations without importing the claims, and never disagree with the registry."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dlncheck.checks import declarations as declarations_module
from dlncheck.checks.declarations import declarations, source_key, summary
from dlncheck.checks.registry import registry


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DLNCHECK_CACHE", str(folder))
    return folder


def test_the_cached_declarations_are_the_registrys(cache):
    expected = {cid: summary(claim) for cid, claim in registry().claims.items()}
    built = declarations()  # written now
    (written,) = cache.glob("declarations-*.json")
    read = declarations()  # read back from the file
    assert json.loads(json.dumps(expected, default=str)) == built == read
    assert json.loads(written.read_text(encoding="utf-8"))["key"] == source_key()
    assert list(read) == list(registry().claims), "catalogue order"


def test_a_second_command_reads_the_cache_without_the_numerical_libraries(cache, tmp_path):
    code = (
        "import sys\n"
        "from dlncheck.checks.declarations import declarations\n"
        "n = len(declarations())\n"
        "print(n, ','.join(m for m in ('sympy', 'scipy', 'hypothesis') if m in sys.modules))\n"
    )

    def run():
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    first, second = run(), run()
    assert first[0] == second[0] == str(len(registry().claims))
    assert "sympy" in first[1], "the first run builds the cache from the registry"
    assert second == [first[0]], "the second run reads the cache: no SymPy, SciPy or hypothesis"


def test_a_changed_source_changes_the_key(tmp_path, monkeypatch):
    source = tmp_path / "claims.py"
    source.write_text("x = 1\n")
    monkeypatch.setattr(declarations_module, "_package_roots", lambda: [tmp_path])
    before = source_key()
    source.write_text("x = 2\n")
    assert source_key() != before
    source.write_text("x = 1\n")
    assert source_key() == before


def test_a_corrupt_cache_file_is_rebuilt(cache):
    declarations()
    (written,) = cache.glob("declarations-*.json")
    written.write_text('{"key": "')
    assert declarations() == json.loads(json.dumps(declarations(), default=str))
    assert json.loads(written.read_text(encoding="utf-8"))["key"] == source_key()


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DLNCHECK_CACHE", str(blocker / "cache"))
    assert list(declarations()) == list(registry().claims)


def test_list_and_show_print_the_declarations(cache, capsys):
    from dlncheck.checks.cli import main

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    claim = registry().get("mil.thm1.1a")
    assert f"{len(registry().claims)} of " in out
    assert any(
        line.split()[:4] == [claim.id, claim.paper, str(claim.kind), str(claim.expected)]
        for line in out.splitlines()
    )
