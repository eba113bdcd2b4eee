"""Property checks: float64 negatives are escalated; only certified violations refute."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import arb
from hypothesis import strategies as st

from dlncheck.checks.audit import Audit, AuditResult, judge
from dlncheck.checks.claim import Claim, Kind
from dlncheck.checks.context import RunContext
from dlncheck.checks.counterexamples import stored_for
from dlncheck.checks.instances import InstanceSpec, ParamSpec
from dlncheck.checks.property import PropertyCheck
from dlncheck.checks.runner import run_claim
from dlncheck.checks.verdicts import Verdict
from dlncheck.numerics.enclosures import ball_precision

SPEC = InstanceSpec(params=(ParamSpec("t", "scalar", "an integer parameter"),))


def _instances():
    return st.integers(0, 20).map(lambda t: {"params": {"t": str(t)}})


def _claim(slack, evaluate) -> Claim:
    check = PropertyCheck("search", "synthetic", _instances, slack, "synthetic slack")
    return Claim(
        id="mil.eq10",
        paper="mil",
        label="synthetic",
        section="",
        statement="",
        kind=Kind.INEQUALITY,
        expected=Verdict.SUPPORTED,
        checks=(check,),
        audit=Audit(SPEC, evaluate, {"params": {"t": "0"}}, "synthetic"),
    )


def _t(instance) -> int:
    return int(instance.params["t"])


def _exact_margin(limit):
    def evaluate(instance, dps):
        return AuditResult(
            "mil.eq10",
            None,
            (),
            (judge("t", "<=", "limit", Fraction(limit - _t(instance))),),
            slack=Fraction(limit - _t(instance)),
        )

    return evaluate


@pytest.fixture
def ctx(tmp_path):
    return RunContext(budget=100, seed=0, counterexample_dirs=(tmp_path,))


def test_a_float64_negative_that_holds_at_high_precision_is_an_artefact(ctx):
    # float64 says t = 3 violates (a rounding artefact); the exact audit says every t holds
    claim = _claim(lambda inst: -1e-18 if _t(inst) == 3 else 1.0, _exact_margin(100))
    result = claim.checks[0].run(claim, ctx)
    assert result.verdict == Verdict.SUPPORTED
    assert result.evidence["float64_artefacts_dismissed"] >= 1
    assert result.evidence["float64_artefacts"][0]["instance"] == {"params": {"t": "3"}}


def test_a_certified_violation_refutes_and_is_stored_shrunk(ctx, tmp_path):
    claim = _claim(lambda inst: float(5 - _t(inst)), _exact_margin(5))
    result = claim.checks[0].run(claim, ctx)
    assert result.verdict == Verdict.REFUTED
    assert result.evidence["counterexample"] == {"params": {"t": "6"}}  # shrunk to the boundary
    stored = stored_for("mil.eq10", (tmp_path,))
    assert len(stored) == 1 and stored[0].record["instance"]["params"] == {"t": "6"}
    # the next run replays the stored file and re-derives the refutation from it
    rerun = run_claim(claim, ctx)
    replays = [c for c in rerun.checks if c.kind == "replay"]
    assert replays and replays[0].verdict == Verdict.REFUTED
    assert rerun.verdict == Verdict.REFUTED


def test_a_negative_that_no_precision_decides_is_inconclusive(ctx):
    def undecided(instance, dps):
        with ball_precision(dps):
            return AuditResult("mil.eq10", dps, (), (judge("a", "<=", "b", arb(0, 1)),))

    claim = _claim(lambda inst: -1.0, undecided)
    result = claim.checks[0].run(claim, ctx)
    assert result.verdict == Verdict.INCONCLUSIVE
    assert "precision exhausted" in result.summary


def test_the_smallest_slack_is_reported_with_its_instance(ctx):
    claim = _claim(lambda inst: float(30 - _t(inst)), _exact_margin(30))
    result = claim.checks[0].run(claim, ctx)
    assert result.verdict == Verdict.SUPPORTED
    assert result.evidence["min_slack_float64"] == "10.0"
    assert result.evidence["min_slack_instance"] == {"params": {"t": "20"}}
    assert result.evidence["instances_evaluated"] > 0


def test_the_same_seed_gives_the_same_evidence(tmp_path):
    claim = _claim(lambda inst: float(30 - _t(inst)) / 7, _exact_margin(30))
    runs = [
        claim.checks[0].run(claim, RunContext(budget=50, seed=11, counterexample_dirs=(tmp_path,)))
        for _ in range(2)
    ]
    assert runs[0].evidence == runs[1].evidence
