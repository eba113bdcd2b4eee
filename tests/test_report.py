"""LaTeX reports are valid LaTeX: balanced, escaped, and compiling where pdflatex exists."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from dlncheck.checks.registry import registry
from dlncheck.checks.report import escape_text, paper_report
from dlncheck.checks.runner import run_claim, with_taint

REGISTRY = registry()


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from dlncheck.checks.context import RunContext
    from dlncheck.checks.counterexamples import PACKAGE_DIR

    ctx = RunContext(budget=50, seed=0, counterexample_dirs=(tmp_path_factory.mktemp("cx"), PACKAGE_DIR))
    done = with_taint([run_claim(c, ctx) for c in REGISTRY.claims.values()], REGISTRY)
    return {r.claim_id: r.to_json() for r in done}


def _reports(results) -> dict[str, str]:
    header = {"started": "2026-01-01", "seed": 0, "budget": 50, "version": "test"}
    return {
        paper: paper_report(paper, [c for c in REGISTRY.claims.values() if c.paper == paper], results, header)
        for paper in ("mil", "krr")
    }


def _balanced(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("text", ["50% of $x_1$ & {y} # ~ ^ \\ < > |", "x̃ ⊙ y ± 1 ≤ α", "日本"])
def test_escaped_text_is_ascii_and_balanced(text):
    out = escape_text(text)
    assert out.isascii() and _balanced(out)


def test_reports_are_balanced_and_contain_every_claim(results):
    for paper, text in _reports(results).items():
        assert _balanced(text), paper
        assert text.count("\\begin{") == text.count("\\end{")
        assert text.isascii()
        for claim in REGISTRY.claims.values():
            if claim.paper == paper:
                assert escape_text(claim.id) in text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_reports_compile_with_pdflatex(results, tmp_path):
    for paper, text in _reports(results).items():
        source = tmp_path / f"{paper}.tex"
        source.write_text(text)
        run = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stdout[-3000:]
        assert (tmp_path / f"{paper}.pdf").exists()


def test_reasons_for_no_derivation_are_listed_escaped():
    from dlncheck.checks.report import no_derivation_section

    text = no_derivation_section({"krr.sec5.claims": "an experiment's figure: 50% of runs, not a formula"})
    assert "Claims with no symbolic derivation" in text and "50\\% of runs" in text and _balanced(text)
    assert no_derivation_section({}) == ""
