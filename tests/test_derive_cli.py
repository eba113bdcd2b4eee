"""dlncheck derive: derivations shown step by step; undecided ones fail loudly."""

from __future__ import annotations

import json

import sympy as sp

from dlncheck.checks import derive_command
from dlncheck.checks.cli import main
from dlncheck.derivations.derivation import Derivation, Outcome, Part


def _run(capsys, *argv):
    code = main([*argv, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_prints_steps_and_the_agreement(capsys):
    code, out, _ = _run(capsys, "derive", "mil.eq31")
    assert code == 0
    assert "[agrees]" in out and "g'(c_n) = phi'(w_c)" in out and "reduces to 0" in out


def test_derive_shows_a_difference_with_its_witness_and_correction(capsys):
    code, out, _ = _run(capsys, "derive", "mil.lemA.2")
    assert code == 0
    assert "[differs]" in out and "witness:" in out and "corrected:" in out


def test_derive_latex_uses_sympys_printer(capsys):
    code, out, _ = _run(capsys, "derive", "mil.eq31", "--latex")
    assert code == 0 and "\\frac{2 \\delta}{\\delta + 2}" in out


def test_derive_json_holds_every_derivation(capsys, tmp_path):
    path = tmp_path / "d.json"
    code, _, _ = _run(capsys, "derive", "mil.eq30", "--json", str(path))
    doc = json.loads(path.read_text())
    assert code == 0
    assert [d["outcome"] for d in doc["derivations"]] == ["agrees", "agrees"]
    assert doc["derivations"][0]["derivation"]["steps"]


def test_derive_unknown_id_is_a_one_line_error(capsys):
    code, _, err = _run(capsys, "derive", "mil.eq999")
    assert code == 2 and err.count("\n") == 1 and "unknown claim id" in err


def test_an_undecided_derivation_makes_derive_fail_loudly(capsys, monkeypatch):
    undecided = Derivation.from_parts(
        [
            Part(
                "a residual SymPy cannot reduce",
                Outcome.INCONCLUSIVE,
                sp.Integer(1),
                sp.Symbol("r"),
                printed=sp.Integer(1),
            )
        ],
        title="a residual SymPy cannot reduce",
        steps=(),
    )
    monkeypatch.setattr(
        derive_command,
        "run_derivations",
        lambda reg, cid, note=None: [derive_command.DerivationRun(cid, "c", undecided)],
    )
    code, out, _ = _run(capsys, "derive", "mil.eq31")
    assert code == 1
    assert "inconclusive: could not simplify; residual r" in out


def test_coverage_lists_each_symbolic_catalogue_id(capsys):
    code, out, _ = _run(capsys, "derive", "--coverage", "--paper", "mil")
    assert "mil.eq31" in out and "derived" in out
    assert code == 0 and "0 missing" in out
