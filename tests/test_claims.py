"""The proof-checking suite: one test per registered claim.

Each test re-derives the claim's verdict from evidence computed in this run (derivations,
property searches, audits) or replayed from a stored counterexample, and compares it with
the verdict the project recorded for the claim.
"""

from __future__ import annotations

import pytest

from dlncheck.checks.context import FULL_BUDGET, RunContext
from dlncheck.checks.counterexamples import PACKAGE_DIR, replay, stored_for
from dlncheck.checks.instances import parse_instance
from dlncheck.checks.registry import registry
from dlncheck.checks.runner import run_claim
from dlncheck.checks.verdicts import Verdict

REGISTRY = registry()
CLAIM_IDS = list(REGISTRY.claims)
FAST_IDS = [cid for cid in CLAIM_IDS if not REGISTRY.claims[cid].slow]
# Only property checks depend on the seed and the budget; the rest is re-derived identically.
# Searches whose verdict depends on the seed and the budget.  The float64 flow integrations
# ("flow convergence", "trajectory property") draw at most 20 instances whatever the budget, and at
# seeds 2 and 3 they meet instances (L = 5, nearly parallel columns) where the float64 integration
# stops short, which makes them inconclusive: they join this list with a precise-integration
# fallback (numerics.dual_flow_precise).
SEARCHED_KINDS = ("property", "limit property")
SEARCHED_IDS = [
    cid for cid in CLAIM_IDS if any(c.kind in SEARCHED_KINDS for c in REGISTRY.claims[cid].checks)
]


def _explain(result) -> str:
    return "; ".join(f"{c.check}: {c.verdict}: {c.summary}" for c in result.checks)


@pytest.mark.parametrize("claim_id", FAST_IDS)
def test_claim_rederives_expected_verdict(claim_id, run_context):
    claim = REGISTRY.claims[claim_id]
    result = run_claim(claim, run_context)
    assert result.verdict == claim.expected, _explain(result)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("claim_id", SEARCHED_IDS)
def test_claim_rederives_expected_verdict_at_full_budget(claim_id, seed, tmp_path):
    claim = REGISTRY.claims[claim_id]
    ctx = RunContext(budget=FULL_BUDGET, seed=seed, counterexample_dirs=(tmp_path, PACKAGE_DIR))
    result = run_claim(claim, ctx)
    assert result.verdict == claim.expected, _explain(result)


@pytest.mark.parametrize("claim_id", [c for c in CLAIM_IDS if REGISTRY.claims[c].expected == Verdict.REFUTED])
def test_refuted_claim_has_a_stored_counterexample_that_replays(claim_id):
    claim = REGISTRY.claims[claim_id]
    stored = stored_for(claim_id, (PACKAGE_DIR,))
    assert stored, f"{claim_id} is expected refuted but no counterexample is stored"
    for item in stored:
        assert replay(claim, item).verdict == Verdict.REFUTED, item.path.name


@pytest.mark.parametrize("claim_id", [c for c in CLAIM_IDS if REGISTRY.claims[c].expected != Verdict.REFUTED])
def test_unrefuted_claim_has_no_stored_counterexample(claim_id):
    assert not stored_for(claim_id, (PACKAGE_DIR,))


@pytest.mark.parametrize("claim_id", [c for c in CLAIM_IDS if REGISTRY.claims[c].audit is not None])
def test_audit_example_is_valid_and_decided(claim_id):
    claim = REGISTRY.claims[claim_id]
    example = claim.audit.example
    if "model" in example:  # a flow instance: audited at its limit by the claim's LimitBound
        bound = claim.audit.limit_bound
        result = bound.evaluate(bound.parse(example), example.get("dps") or claim.audit.default_dps)
    else:
        instance = parse_instance(example, claim.audit.spec, claim_id)
        result = claim.audit.evaluate(instance, instance.dps or claim.audit.default_dps)
    assert result.status in ("holds", "violated"), result.lines(20)
    if claim.expected in (Verdict.VERIFIED, Verdict.SUPPORTED):
        assert result.status == "holds", result.lines(20)
