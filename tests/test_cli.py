"""The dlncheck command line: behaviour, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from cli_support import assert_one_line_error, run_cli

from dlncheck.checks.registry import registry
from dlncheck.checks.verdicts import Verdict


def _write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_list_shows_registered_claims_and_coverage(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert "mil.lemA.2" in out and "refuted" in out
    assert f"{len(registry().claims)} of 202 catalogue claims have checks" in out


def test_list_all_includes_catalogue_ids_without_checks(capsys):
    code, out, _ = run_cli(capsys, "list", "--all", "--paper", "wn")
    assert code == 0 and "wn.fig1" in out and "(experiment: not yet recomputed)" in out
    reg = registry()
    for cid in (c for c in reg.catalogue if c not in reg.claims and reg.catalogue[c]["paper"] == "wn"):
        assert cid in out


def test_check_writes_json_and_exits_0_when_verdicts_match(capsys, tmp_path):
    target = tmp_path / "results.json"
    code, out, _ = run_cli(capsys, "check", "krr.eq.q", "mil.lemA.2", "--json", str(target), "--no-progress")
    assert code == 0
    doc = json.loads(target.read_text())
    assert doc["all_match_expected"] is True and doc["seed"] == 0
    assert {c["claim"]: c["verdict"] for c in doc["claims"]} == {
        "krr.eq.q": "verified",
        "mil.lemA.2": "refuted",
    }
    assert set(doc["versions"]) >= {"sympy", "mpmath", "numpy", "scipy", "hypothesis", "python"}
    assert "krr.eq.q" in out


def test_check_exits_1_when_a_verdict_differs(capsys, monkeypatch):
    reg = registry()
    wrong = dataclasses.replace(reg.get("krr.eq.q"), expected=Verdict.REFUTED)
    monkeypatch.setitem(reg.claims, "krr.eq.q", wrong)
    code, out, _ = run_cli(capsys, "check", "krr.eq.q", "--no-progress")
    assert code == 1 and "NO" in out


def test_check_table_fits_100_columns_and_ends_with_counts_per_paper(capsys):
    code, out, _ = run_cli(capsys, "check", "krr.eq.q", "mil.lem2.7.combine", "mil.eq42", "--no-progress")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100, out
    line = next(line for line in out.splitlines() if line.startswith("mil.lem2.7.combine"))
    assert "refuted + uses refuted (1)" in line  # the refuted ids are in `show`
    # the columns of the README's table "Current results"
    last = out.splitlines()[-1]
    assert last == "verified/supported/refuted/inconclusive by paper: mil 0/0/2/0, krr 1/0/0/0"


@pytest.mark.parametrize(
    ("claim_id", "shown", "audited"),
    [
        ("mil.lemA.2", "exact rational arithmetic", "exact rational arithmetic"),
        (
            "mil.eq42",  # a formula audit: exact here because every value at its point is rational
            "exact rational arithmetic where every value is rational, else interval arithmetic",
            "exact rational arithmetic",
        ),
        ("krr.lem5", "interval arithmetic", "interval arithmetic at 30 digits"),
    ],
)
def test_show_and_audit_name_the_same_arithmetic(capsys, tmp_path, claim_id, shown, audited):
    claim = registry().get(claim_id)
    _, out, _ = run_cli(capsys, "show", claim_id, "--no-progress")
    assert f"audit ({shown}): " in out
    path = _write(tmp_path, "inst.json", claim.audit.example)
    _, out, _ = run_cli(capsys, "audit", claim_id, "--instance", str(path), "--dps", "30")
    assert f"audit of {claim_id} ({audited})" in out


def test_show_prints_statement_checks_and_evidence(capsys):
    code, out, _ = run_cli(capsys, "show", "krr.eq.q", "--no-progress")
    assert code == 0
    for text in ("arcsinh", "check [symbolic] antiderivative", "latest verdict: verified"):
        assert text in out


def test_list_reports_the_latest_verdicts_after_a_check(capsys):
    run_cli(capsys, "check", "krr.eq.q", "--no-progress")
    _, out, _ = run_cli(capsys, "list", "--paper", "krr")
    line = next(line for line in out.splitlines() if line.startswith("krr.eq.q"))
    assert re.search(r"verified\s+verified", line), line


@pytest.mark.parametrize("claim_id", [c for c, cl in registry().claims.items() if cl.audit is not None])
def test_audit_of_each_example_instance(capsys, tmp_path, claim_id):
    claim = registry().get(claim_id)
    path = _write(tmp_path, "inst.json", claim.audit.example)
    code, out, err = run_cli(capsys, "audit", claim_id, "--instance", str(path), "--dps", "40")
    assert code in (0, 1), err
    assert f"audit of {claim_id}" in out and "status:" in out


def test_audit_prints_both_sides_to_the_requested_digits(capsys, tmp_path):
    path = _write(
        tmp_path, "inst.json", {"params": {"beta": ["3", "-1/2"], "epsilon": "1/4", "log_alpha_gap": "1/2"}}
    )
    code, out, _ = run_cli(capsys, "audit", "krr.lem5", "--instance", str(path), "--dps", "50")
    assert code == 0
    line = next(line for line in out.splitlines() if "Q_alpha(beta)/ln(1/alpha^2) =" in line)
    mantissa = line.split("=")[1].split("±")[0].strip()
    assert len(mantissa.replace(".", "").replace("-", "").lstrip("0")) >= 45


def test_audit_of_a_violating_instance_exits_1(capsys, tmp_path):
    path = _write(tmp_path, "inst.json", {"A": [["2"]], "y": ["1"], "depth": 3, "init": {"x0": ["1"]}})
    code, out, _ = run_cli(capsys, "audit", "mil.lemA.2", "--instance", str(path))
    assert code == 1 and "violated" in out


def test_audit_with_too_few_digits_says_how_many_are_needed(capsys, tmp_path):
    # alpha is e^{-1} rounded to 70 digits: the hypothesis alpha <= alpha_1 = e^{-1} is decided
    # only with more than 70 digits
    alpha = "0.3678794411714423215955237701614608674458111310317678345078368016974614"
    path = _write(tmp_path, "inst.json", {"params": {"beta": ["1"], "epsilon": "1/2", "alpha": alpha}})
    code, _, err = run_cli(capsys, "audit", "krr.lem5", "--instance", str(path), "--dps", "30")
    assert code == 2
    assert_one_line_error(err)
    assert "precision too low" in err and "--dps 60" in err
    code, out, _ = run_cli(capsys, "audit", "krr.lem5", "--instance", str(path), "--dps", "100")
    assert code == 0 and "status: holds" in out


def test_audit_of_an_instance_outside_the_hypotheses_is_refused(capsys, tmp_path):
    path = _write(tmp_path, "inst.json", {"params": {"beta": ["1"], "epsilon": "1/2", "alpha": "1/2"}})
    code, _, err = run_cli(capsys, "audit", "krr.lem5", "--instance", str(path))
    assert code == 2
    assert_one_line_error(err)
    assert "violates a hypothesis" in err


@pytest.mark.parametrize(
    ("claim_id", "content", "message"),
    [
        ("mil.lemA.2", '{"A": [[1, 2]], ', "malformed JSON"),
        (
            "mil.lemA.2",
            {"A": [["1", "2"], ["1"]], "y": ["1", "1"], "depth": 2, "init": {"x0": ["1", "1"]}},
            "ragged",
        ),
        ("mil.lemA.2", {"A": [["1"]], "y": ["1", "2"], "depth": 2, "init": {"x0": ["1"]}}, "y has length 2"),
        ("mil.lemA.2", {"A": [["1"]], "y": ["inf"], "depth": 2, "init": {"x0": ["1"]}}, "non-finite"),
        ("mil.lemA.2", {"A": [["1"]], "y": ["1"], "depth": 2, "init": {"x0": ["-1"]}}, "must be positive"),
        (
            "mil.lemA.2",
            {"A": [["1"]], "y": ["1"], "depth": 2, "init": {"factors": [["1"], ["2"]]}},
            "not accepted",
        ),
        ("mil.lemA.2", {"A": [["1"]], "y": ["1"], "init": {"x0": ["1"]}}, "missing key"),
        ("krr.lem5", {"params": {"beta": ["1"], "epsilon": "0", "log_alpha": "-1"}}, "must be positive"),
        ("krr.lem5", {"params": {"beta": ["1"], "epsilon": "1"}}, "exactly one of"),
        ("krr.lem5", {"claim": "mil.eq10", "params": {}}, "for claim 'mil.eq10'"),
    ],
)
def test_bad_instance_files_give_one_line_errors(capsys, tmp_path, claim_id, content, message):
    path = _write(tmp_path, "bad.json", content)
    code, _, err = run_cli(capsys, "audit", claim_id, "--instance", str(path))
    assert code == 2
    assert_one_line_error(err)
    assert message in err


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "mil.nope", "--no-progress"),
        ("show", "mil.nope"),
        ("audit", "mil.nope", "--instance", "x.json"),
        ("show", "wn.fig1"),  # an experiment claim: in the catalogue, no checks yet
        ("check", "--budget", "0"),
        ("check", "--seed", "-1"),
        ("check", "--paper", "xyz"),
        ("audit", "krr.lem5"),
        ("audit", "krr.lem5", "--instance", "does-not-exist.json"),
        ("frobnicate",),
        (),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert_one_line_error(err)


def test_json_into_a_missing_folder_fails_before_running(capsys, tmp_path):
    code, out, err = run_cli(capsys, "check", "krr.eq.q", "--json", str(tmp_path / "no" / "r.json"))
    assert code == 2 and out == ""
    assert_one_line_error(err)


def test_report_writes_one_latex_file_per_paper(capsys, tmp_path):
    results = tmp_path / "r.json"
    run_cli(capsys, "check", "krr.eq.q", "mil.lemA.2", "--json", str(results), "--no-progress")
    code, _, _ = run_cli(capsys, "report", "--from-json", str(results), "--out", str(tmp_path / "rep"))
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "rep").iterdir())
    assert written == ["krr.tex", "mil.tex", "ms.tex", "wn.tex"]  # every paper with registered claims
    text = (tmp_path / "rep" / "mil.tex").read_text()
    assert "\\begin{document}" in text and "refuted" in text


def test_report_from_a_file_that_is_not_results_is_refused(capsys, tmp_path):
    path = _write(tmp_path, "x.json", {"schema": "other"})
    code, _, err = run_cli(capsys, "report", "--from-json", str(path), "--out", str(tmp_path / "rep"))
    assert code == 2
    assert_one_line_error(err)
    assert not (tmp_path / "rep").exists()
