"""krr Appendix H decided from the flows: the closed form at d = 1, the integrated lifted flow,
the certified audits, the sampled checks (Theorem 9, Lemmas 12-13, (80)-(86), Corollary 10)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from flint import ctx as flint_ctx
from hypothesis import HealthCheck, Phase, given, seed, settings

from dlncheck.checks import flow_strategies_krr_factorization as strategies
from dlncheck.checks import lifted_flow_evaluations as evaluations
from dlncheck.checks.audit import HOLDS, VIOLATED, escalate
from dlncheck.checks.context import RunContext
from dlncheck.checks.counterexamples import PACKAGE_DIR
from dlncheck.checks.instances import parse_instance
from dlncheck.checks.lifted_flow_audit import EXAMPLE, SCALAR_SPEC, scalar_audit, scalar_flow, scalar_slack
from dlncheck.checks.sampled_bound_search import Evaluation, SampledBoundSearch
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import krr_appendix_h as h
from dlncheck.derivations import krr_lifted_scalar_flow
from dlncheck.derivations.derivation import Outcome
from dlncheck.numerics import lifted_factorization_scalar as sc
from dlncheck.numerics.enclosures import lower, upper
from dlncheck.numerics.lifted_factorization_flow import LiftedFlowProblem, integrate_lifted_flow

EXAMPLE_FLOW = sc.ScalarLiftedFlow.from_factors(
    Fraction(1),
    Fraction(1, 2),
    (Fraction(3), Fraction(0)),
    (Fraction(0), Fraction(3)),
    Fraction(9),
    Fraction(0),
)


def _as_problem(flow: sc.ScalarLiftedFlow) -> LiftedFlowProblem:
    p, q, r = flow.gram_uv
    M0 = np.array([[float(p), float(r)], [float(r), float(q)]])
    return LiftedFlowProblem(np.array([[[float(flow.c)]]]), np.array([float(flow.y_star)]), M0)


def _quick(examples: int = 15):
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate,),
    )


# ------------------------------------------------------------ the closed form against the integrated flow


def test_closed_form_at_d1_is_derived_from_the_gradient_flow():
    assert krr_lifted_scalar_flow.closed_form().outcome == Outcome.AGREES


@pytest.mark.parametrize("y_star", [Fraction(1, 2), Fraction(-3, 10), Fraction(2)])
def test_integrated_flow_reaches_the_closed_form_deviations(y_star):
    flow = sc.ScalarLiftedFlow.from_factors(
        Fraction(1),
        y_star,
        (Fraction(3), Fraction(1, 5)),
        (Fraction(-1, 10), Fraction(3)),
        Fraction(9),
        Fraction(1),
    )
    closed = sc.closed_form(flow, sc.FLOAT)
    path = integrate_lifted_flow(_as_problem(flow), 9.0, 1.0)
    assert path.converged
    assert path.dev_F[-1] == pytest.approx(closed.dev_F_limit, rel=1e-9)
    assert path.tk_gap_F[-1] == pytest.approx(closed.tk_gap_limit, rel=1e-7)
    assert path.tk_gap_F.max() <= closed.tk_gap_sup * (1 + 1e-9)  # the closed-form upper bound of the sup


def test_closed_form_integral_80_is_enclosed_and_converged():
    """sqrt(Lambda) int ||W||_op |r| dt: the float trapezoid is converged and lies in the arb enclosure."""
    flow = EXAMPLE_FLOW
    closed = sc.closed_form(flow, sc.FLOAT)
    i80 = sc.integral_80(flow, closed, sc.FLOAT)
    assert sc.integral_80(flow, closed, sc.FLOAT, pieces=8 * sc.RIEMANN_PIECES) == pytest.approx(
        i80, rel=1e-7
    )
    with flint_ctx.workprec(200):
        enclosure = sc.integral_80(flow, sc.closed_form(flow, sc.arb_backend()), sc.arb_backend())
    assert float(enclosure.lower()) <= i80 <= float(enclosure.upper())
    # the printed (80) fails here by a factor near 2 sqrt 2 (velocity factor 4, ||Xbar||^2 = ||X||^2/2)
    assert 2.5 < closed.dev_F_limit / i80 < 2 * math.sqrt(2)


def test_arb_enclosures_contain_the_float_values():
    with flint_ctx.workprec(120):
        be = sc.arb_backend()
        balls = sc.closed_form(EXAMPLE_FLOW, be)
    floats = sc.closed_form(EXAMPLE_FLOW, sc.FLOAT)
    for name in ("L", "dev_F_limit", "tk_gap_limit", "tk_gap_sup", "int_g", "W0_op"):
        ball, value = getattr(balls, name), getattr(floats, name)
        assert abs(float(ball.mid()) - value) <= 1e-12 * max(abs(value), 1e-300) + float(ball.rad()), name


# ------------------------------------------------------------------ certified audits


def test_audit_example_holds_for_theorem9_and_violates_80_and_82():
    instance = parse_instance(EXAMPLE, SCALAR_SPEC)
    assert scalar_audit("krr.thm9", ("first bound", "second bound")).evaluate(instance, 30).status == HOLDS
    for name in ("(80)", "(82)"):
        result = scalar_audit("x", (name,)).evaluate(instance, 30)
        assert result.status == VIOLATED, name
        assert upper(result.relations[0].margin) < 0  # certified: the whole enclosure is below 0


def test_audit_refuses_an_instance_outside_the_hypotheses():
    raw = json.loads(json.dumps(EXAMPLE))
    raw["params"]["y_star"] = "5"  # |y(0) - y*| = 5 > the threshold 9 (1 - sqrt(4/5)) ~ 0.95
    result = scalar_audit("krr.thm9", ("first bound",)).evaluate(parse_instance(raw, SCALAR_SPEC), 30)
    assert result.status == "inadmissible"
    raw["params"]["y_star"] = "1/2"
    raw["params"]["gamma"] = "3"  # mu = 9 <= 4 Lambda gamma / lambda = 12
    result = scalar_audit("krr.thm9", ("first bound",)).evaluate(parse_instance(raw, SCALAR_SPEC), 30)
    assert result.status == "inadmissible"


def test_float_slack_agrees_with_the_certified_slack():
    instance = parse_instance(EXAMPLE, SCALAR_SPEC)
    for names in (("first bound",), ("(80)",)):
        certified = escalate(scalar_audit("x", names), instance, slack_digits=3).slack
        assert (
            float(lower(certified)) - 1e-3 <= scalar_slack(names)(instance) <= float(upper(certified)) + 1e-3
        )


@pytest.mark.parametrize(
    "claim_id, check", [("krr.lem12", "80--as-printed"), ("krr.thm9.proof", "82--as-printed")]
)
def test_stored_counterexamples_still_violate(claim_id, check):
    files = sorted(PACKAGE_DIR.glob(f"{claim_id}--{check}--*.json"))
    assert files, f"no stored counterexample for {claim_id}"
    relation = "(80)" if "80" in check else "(82)"
    for path in files:
        record = json.loads(path.read_text())
        instance = parse_instance(record["instance"], SCALAR_SPEC, claim_id)
        assert escalate(scalar_audit(claim_id, (relation,)), instance).status == VIOLATED


@_quick(25)
@seed(3)
@given(strategies.scalar_lifted_instances())
def test_scalar_strategy_draws_instances_inside_the_hypotheses_exactly(raw):
    flow = scalar_flow(parse_instance(raw, SCALAR_SPEC))
    margins = sc.hypothesis_margins(flow)
    assert all(m >= 0 for m in margins.values()), margins
    assert flow.mu > 4 * flow.gamma


# ------------------------------------------------------------------ the float64 searches can fail


def _ctx(budget: int = 20) -> RunContext:
    return RunContext(budget=budget, write_counterexamples=False)


def test_sampled_search_reports_a_confirmed_violation_as_inconclusive():
    search = SampledBoundSearch(
        "always violated",
        "",
        strategies.wishart_instances,
        lambda raw, tight: Evaluation(-0.5, note="test"),
        "",
        "",
    )
    result = search.run(None, _ctx())  # type: ignore[arg-type]
    assert result.verdict == Verdict.INCONCLUSIVE
    assert "violation" in result.evidence


def test_lemma13_search_catches_a_radius_that_is_too_small():
    """At radius 2 sqrt(kd) (not 8) the event has probability ~ 1/2: the sampled check must not support it."""
    search = SampledBoundSearch(
        "Lemma 13 at radius 2",
        "",
        strategies.wishart_instances,
        lambda raw, tight: evaluations.lemma13_evaluation(raw, tight, radius_factor=2.0),
        "",
        "",
    )
    assert search.run(None, _ctx()).verdict == Verdict.INCONCLUSIVE  # type: ignore[arg-type]


def test_lemma13_search_supports_the_lemma():
    search = SampledBoundSearch(
        "Lemma 13", "", strategies.wishart_instances, evaluations.lemma13_evaluation, "", ""
    )
    assert search.run(None, _ctx()).verdict == Verdict.SUPPORTED  # type: ignore[arg-type]


def test_bartlett_gram_has_the_wishart_mean():
    rng = np.random.default_rng(0)
    draws = np.array([strategies.bartlett_gram(rng, 3, 50) for _ in range(4000)])
    assert np.allclose(draws.mean(axis=0), 50 * np.eye(3), atol=0.6)  # sd of an entry mean ~ 10/sqrt(4000)


@_quick(6)
@seed(5)
@given(strategies.lifted_flow_instances(max_dim=2))
def test_integrated_flows_keep_theorem9(raw):
    result = evaluations.theorem9_evaluation(("first", "second"))(raw, False)
    assert result.admissible
    assert math.isnan(result.slack) or result.slack > 0


@_quick(6)
@seed(5)
@given(strategies.lifted_flow_instances(max_dim=1))
def test_integrated_flows_at_d1_violate_half_of_the_first_bound(raw):
    result = evaluations.theorem9_evaluation(("first", "second"))(raw, False)
    assert result.admissible
    if math.isnan(result.slack):
        return
    q = result.quantities
    # at d = 1 the first bound has room ~1/3 on these flows (krr.thm9's findings): half of it is violated
    assert q["sup ||W - W0||_F"] > 0.5 * q["first bound"]


@_quick(4)
@seed(7)
@given(strategies.gaussian_initialization_instances())
def test_corollary10_instances_meet_the_corrected_hypotheses(raw):
    result = evaluations.corollary10_evaluation(raw, False)
    assert result.admissible, result.note
    assert result.slack > 0


def test_corollary10_constants_dominate_theorem9_at_a_point():
    """The explicit (69)-(70) against Theorem 9's bounds at r0 = sqrt((89) corrected), (90)'s mu, gamma."""
    lam, Lam, d, N, Y, alpha, k = 1.0, 2.0, 2, 3, 0.7, 0.05, 10**6
    C = {
        n: float(v.subs({h.lam: lam, h.Lam: Lam, h.d: d, h.NN: N, h.Y: Y}))
        for n, v in h.corollary10_explicit_constants().items()
    }
    E = math.sqrt(2 * Y**2 + 256 * k * d**2 * N * Lam * alpha**4)
    mu, gamma = alpha**2 * k, 8 * alpha**2 * math.sqrt(2 * k * d)
    first, second = evaluations.theorem9_bounds(E, mu, gamma, lam, Lam)
    assert first <= C["C1a"] / (alpha * math.sqrt(k)) + C["C1b"] * alpha * (1 + 1e-12)
    assert second <= C["C2a"] / (alpha**3 * k**1.5) + C["C2b"] / (alpha * math.sqrt(k)) + C["C2c"] * alpha


def test_corrected_chains_and_lemma13_algebra_are_derived():
    for derive in (
        h.corrected_chain_80_81,
        h.corrected_chain_82_87,
        h.corollary10_corrected,
        h.lemma13_from_wainwright,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__
