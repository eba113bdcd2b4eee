"""Claims about a flow's limit audited at flow instances (``checks.limit_audit``), and the
property search over drawn flow instances that decides them."""

from __future__ import annotations

import json
import math

import pytest
from cli_support import assert_one_line_error, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from dlncheck.checks.claims.main_theorem_bounds import THEOREM_1_1_BOUND, THEOREM_2_1_BOUND
from dlncheck.checks.flow_strategies import positive_flow_instances, signed_flow_instances
from dlncheck.checks.limit_audit import FLOAT_SLACK_UNCERTAINTY
from dlncheck.numerics import enclosures

# The issue's example: A = (1, 2, 3), y = 2, L = 2, alpha = 1e-3.
EXAMPLE = {"model": "positive", "A": [["1", "2", "3"]], "y": ["2"], "L": 2, "init": {"alpha": "1e-3"}}
# float64 against the certified slack: a finite float64 slack claims FLOAT_SLACK_UNCERTAINTY
# (checks.limit_audit's error model); this is what the test holds it to.
FLOAT_SLACK_AGREEMENT = FLOAT_SLACK_UNCERTAINTY


def _file(tmp_path, data) -> str:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_theorem_2_1_fails_on_the_issue_example_with_a_certified_margin(tmp_path, capsys):
    """ε = ||x̃∞||₁ - 2/3 = 2.589e-3 (the limit puts 7.6e-3 on the column of 2) against
    c_2 ||x0||_2^2 = 3 (1 + e) 1e-6: violated by a factor of 232, certified."""
    out_json = tmp_path / "audit.json"
    code, out, err = run_cli(
        capsys,
        "audit",
        "mil.thm2.1b",
        "--instance",
        _file(tmp_path, EXAMPLE),
        "--dps",
        "40",
        "--json",
        str(out_json),
    )
    assert code == 1, err
    assert "status: violated" in out and "Krawczyk test passed" in out
    doc = json.loads(out_json.read_text())
    assert doc["status"] == "violated"
    slack = float(doc["slack"].split(" ")[0])
    assert slack == pytest.approx(-231.09045, rel=1e-6)


def test_theorem_1_1_fails_on_the_signed_example_with_a_certified_margin(tmp_path, capsys):
    """The same data for the flow of L^± (u0 = v0 = 1e-3): ε = 2.589e-3 against 2.231e-5."""
    data = {**EXAMPLE, "model": "signed"}
    code, out, err = run_cli(
        capsys, "audit", "mil.thm1.1b", "--instance", _file(tmp_path, data), "--dps", "40"
    )
    assert code == 1, err
    assert "status: violated" in out and "normalized slack = -115.04488" in out


def test_a_single_point_of_s_plus_leaves_no_gap(tmp_path, capsys):
    """A invertible: S₊ = {A⁻¹y}, the limit is that point, ε = 0 <= c_L ||x0||: holds."""
    data = {
        "model": "positive",
        "A": [["2", "1"], ["1", "3"]],
        "x_star": ["1", "1/2"],
        "L": 3,
        "init": {"alpha": "1/10"},
    }
    code, out, err = run_cli(
        capsys, "audit", "mil.thm2.1b", "--instance", _file(tmp_path, data), "--dps", "30"
    )
    assert code == 0, err
    assert "status: holds" in out


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (
            {"model": "positive", "A": [["1", "1"]], "y": ["-1"], "L": 2, "init": {"alpha": "1/10"}},
            ["S₊ ≠ ∅"],
        ),
        ({**EXAMPLE, "model": "signed"}, ["speaks of the flow(s) positive", "'signed'"]),
        ({**EXAMPLE, "init": {"alpha": "0"}}, ["init.alpha"]),
        ({**EXAMPLE, "claim": "mil.thm1.1b"}, ["mil.thm1.1b"]),
    ],
    ids=["empty-positive-set", "wrong-model", "zero-initialization", "other-claim"],
)
def test_instances_outside_the_theorem_are_refused_in_one_line(tmp_path, capsys, data, fragments):
    code, out, err = run_cli(capsys, "audit", "mil.thm2.1b", "--instance", _file(tmp_path, data))
    assert_one_line_error(err, *fragments, code=code)
    assert out == ""


def test_a_claim_without_a_limit_audit_refuses_flow_instances(tmp_path, capsys):
    code, _, err = run_cli(capsys, "audit", "mil.eq30", "--instance", _file(tmp_path, EXAMPLE))
    assert_one_line_error(err, "not a flow instance", code=code)


@settings(max_examples=60, deadline=None)
@given(st.one_of(positive_flow_instances(), signed_flow_instances()))
def test_float64_slack_agrees_with_the_certified_slack(raw):
    """The search's float64 slack is the certified one up to the projection's accuracy, or NaN
    where float64 cannot tell (then the search escalates)."""
    bound = THEOREM_2_1_BOUND if raw["model"] == "positive" else THEOREM_1_1_BOUND
    instance = bound.parse(raw)
    float_slack = bound.float_slack(instance)
    result = bound.evaluate(instance, 30)
    assert result.slack is not None, result.notes
    certified = float(enclosures.midpoint(result.slack))
    if math.isfinite(float_slack):
        assert abs(float_slack - certified) <= FLOAT_SLACK_AGREEMENT * max(1.0, abs(certified)), float_slack
    if result.status != "undecided":  # undecided at 30 digits: the search climbs the ladder
        assert (certified < 0) == (result.status == "violated")


def test_flow_convergence_is_inconclusive_when_the_integrated_limit_lands_elsewhere(monkeypatch):
    """The check compares the integrated limit with the characterization: move the latter and
    every instance must be reported (never supported)."""
    from dataclasses import replace

    import dlncheck.checks.flow_command
    from dlncheck.checks.context import RunContext
    from dlncheck.checks.flow_convergence import FlowConvergenceSearch
    from dlncheck.checks.registry import registry

    real = dlncheck.checks.flow_command.float64_projection

    def moved(instance):
        result = real(instance)
        return replace(result, value=result.value * (1 + 1e-3))

    monkeypatch.setattr(dlncheck.checks.flow_command, "float64_projection", moved)
    claim = registry().claims["mil.thm2.1a"]
    check = next(c for c in claim.checks if isinstance(c, FlowConvergenceSearch))
    result = check.run(claim, RunContext(budget=100, seed=0))
    assert result.verdict.value == "inconclusive", result.summary
    assert "from the characterized one" in result.summary
    assert result.evidence["instances_evaluated"] == 10


def test_output_cut_short_by_its_reader_ends_without_a_traceback(tmp_path):
    """`dlncheck audit ... | head -1`: the closed pipe raised BrokenPipeError from print.  The
    reader here closes before the command starts writing, so the pipe is always broken."""
    import subprocess
    import sys

    argv = [
        sys.executable,
        "-m",
        "dlncheck.checks.cli",
        "audit",
        "mil.thm2.1b",
        "--instance",
        _file(tmp_path, EXAMPLE),
    ]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def _true_l1_gap_bound():
    """min ‖z‖₁ <= ‖x̃∞‖₁ over S₊ (true: x̃∞ ∈ S₊), whose slack tends to 0 as α → 0 (mil
    Theorem 2.1's limit approaches the ℓ1 minimizer): a supported search that is tight."""
    from dataclasses import replace

    def sides(instance, limit, intervals):
        gap, _ = THEOREM_2_1_BOUND.sides(instance, limit, intervals)  # ‖x̃∞‖₁ - min ‖z‖₁ >= 0
        if gap is None:
            return None, None
        total = sum(abs(x) for x in limit)
        return total - gap, total

    return replace(
        THEOREM_2_1_BOUND, claim_id="test.l1gap", sides=sides, left_name="min ||z||_1", right_name="||x̃∞||_1"
    )


def test_a_supported_limit_search_follows_its_closest_instance_as_alpha_goes_to_0():
    from dlncheck.checks.claim import Claim, Kind
    from dlncheck.checks.context import RunContext
    from dlncheck.checks.limit_audit import alpha_family, limit_search
    from dlncheck.checks.verdicts import Verdict

    bound = _true_l1_gap_bound()
    raw = {"model": "positive", "A": [["1", "2", "3"]], "y": ["2"], "L": 2, "init": {"alpha": "1"}}
    family = alpha_family(bound, raw)
    assert [a for a, _ in family][:3] == ["1", "1e-1", "1e-2"]
    slacks = [s for _, s in family]
    assert slacks[0] > 0.1 and slacks[-1] < 1e-3 * slacks[0]  # the limit approaches the ℓ1 minimizer

    search = limit_search(bound, lambda: positive_flow_instances(max_depth=2), "test")
    claim = Claim(
        id="test.l1gap",
        paper="mil",
        label="",
        section="",
        statement="",
        kind=Kind.INEQUALITY,
        expected=Verdict.SUPPORTED,
        checks=(search,),
    )
    result = search.run(claim, RunContext(budget=20, seed=0, write_counterexamples=False))
    assert result.verdict == Verdict.SUPPORTED, result.summary
    assert "as α → 0" in result.summary and result.evidence["alpha_family"]
