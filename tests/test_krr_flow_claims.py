"""krr's flow claims (issue 12): the independent primal minimizer, the flow-vs-argmin search,
the limit bounds of Theorems 1-3 and the families in α and k, each shown able to fail."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from cli_support import assert_one_line_error, run_cli
from hypothesis import HealthCheck, given, settings

from dlncheck.checks.claims import krr_alpha_families as families
from dlncheck.checks.claims import krr_flow_limits as limits
from dlncheck.checks.claims import krr_width as width
from dlncheck.checks.context import RunContext
from dlncheck.checks.flow_characterization import ArgminReference, FlowArgminSearch
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import row_basis
from dlncheck.checks.flow_strategies_krr import krr_flow_instances, krr_theorem2_instances
from dlncheck.checks.numeric_family import power_law_exponent_from_logs
from dlncheck.checks.verdicts import Verdict
from dlncheck.numerics.enclosures import ball, ball_precision, lower, upper
from dlncheck.numerics.krr_q_minimizer import (
    depth_potential,
    h_depth,
    h_depth_inverse,
    hypentropy,
    minimize_on_affine,
    polish,
)

TWO_ROWS = {"A": [["1", "2", "3"], ["1/2", "-1", "1/4"]], "x_star": ["1", "0", "-1/2"]}
# agreement of two independent 40-digit computations of the same limit (primal Newton against
# the certified dual projection): 30 digits leaves 10 for their last steps' rounding
HIGH_PRECISION_AGREEMENT = mpmath.mpf(10) ** -30


def _krr(depth: int, alpha: str, w0: list[str] | None = None) -> dict:
    raw = {"model": "krr", **TWO_ROWS, "L": depth, "init": {"alpha": alpha}}
    if w0 is not None:
        raw["params"] = {"w0": w0}
    return raw


# ------------------------------------------------------------------------------ the primal minimizer


@pytest.mark.parametrize("t", ["1e-3", "2", "-5", "1e20"])
@pytest.mark.parametrize("depth", [3, 5])
def test_q_depth_is_the_integral_of_the_inverse_of_h_depth(t, depth):
    """q_D(t) = ∫₀ᵗ h_D⁻¹ (krr (60)): the closed form by parts against quadrature of h_D⁻¹."""
    with mpmath.workdps(30):
        value = depth_potential(Fraction(1), depth).mp([mpmath.mpf(t)])[0]

        def inverse(u):
            size, _ = h_depth_inverse(u, depth)
            return size if u >= 0 else -size

        ends = [0, mpmath.mpf(t)] if abs(mpmath.mpf(t)) < 10 else [0, 1, 10, 1e5, mpmath.mpf(t)]
        quadrature = mpmath.quad(inverse, ends)
        assert abs(value - quadrature) <= mpmath.mpf(10) ** -12 * abs(quadrature)
        # and h_D⁻¹ inverts h_D
        size, gap = h_depth_inverse(mpmath.mpf(t), depth)
        assert abs(h_depth(size, depth) - abs(mpmath.mpf(t))) <= mpmath.mpf(10) ** -20 * abs(mpmath.mpf(t))
        assert abs(1 - size - gap) <= mpmath.mpf(10) ** -25


@pytest.mark.parametrize(
    "raw",
    [_krr(2, "1e-3", ["1", "2", "1/2"]), _krr(2, "1e-30"), _krr(2, "100"), _krr(3, "1e-2"), _krr(4, "1e-1")],
    ids=["D2 shaped", "D2 rich", "D2 kernel", "D3", "D4"],
)
def test_primal_minimizer_of_the_printed_potential_is_the_certified_projection(raw):
    """The primal Newton on the printed Q (no conjugate) and the certified dual projection agree
    to 30 digits: two independent computations of the same argmin."""
    from dlncheck.checks.flow_command import certified_projection

    instance = parse_flow_instance(raw)
    A, y = row_basis(instance.A, instance.y)
    potential = families.printed_potential(instance)
    start = minimize_on_affine(potential, A, y)
    assert start.converged, start.message
    result = polish(potential, A, y, start.value, 40)
    assert result.converged, result.message
    certified = certified_projection(instance, 40)
    with mpmath.workdps(50):
        reference = [families.to_mp(v) for v in certified.value]
        scale = max(abs(v) for v in reference)
        assert (
            max(abs(a - b) for a, b in zip(result.value, reference, strict=True))
            <= HIGH_PRECISION_AGREEMENT * scale
        )


def test_primal_minimizer_of_a_different_potential_is_elsewhere():
    """The check can tell potentials apart: Q with α in place of α² (the scale a slip would give)
    has a different minimizer on the same instance."""
    instance = parse_flow_instance(_krr(2, "1e-4"))
    A, y = row_basis(instance.A, instance.y)
    right = minimize_on_affine(hypentropy(instance.alpha, [1, 1, 1]), A, y).value
    slipped = minimize_on_affine(hypentropy(Fraction(1, 10**2), [1, 1, 1]), A, y).value  # scale α, not α²
    assert np.max(np.abs(right - slipped)) > 1e-3


# ------------------------------------------------------------------------------ flow against argmin


def test_flow_argmin_search_supports_theorem_1_general():
    claim = next(c for c in _claims() if c.id == "krr.thm1.general")
    search = next(c for c in claim.checks if isinstance(c, FlowArgminSearch))
    result = search.run(claim, RunContext(budget=100, seed=3))
    assert result.verdict == Verdict.SUPPORTED, result.summary
    assert result.evidence["instances_evaluated"] == 10
    assert result.evidence["min_slack"] > 0.99  # float64 flows agree to ~1e-9, far inside 1e-6


def test_flow_argmin_search_is_inconclusive_against_a_wrong_argmin():
    """Against the minimizer of a wrong potential (α instead of α²) the same integrated flows
    disagree, and the check says so: it can fail."""
    claim = next(c for c in _claims() if c.id == "krr.thm1.general")
    search = next(c for c in claim.checks if isinstance(c, FlowArgminSearch))

    def wrong_argmin(raw):
        instance = parse_flow_instance(raw)
        A, y = row_basis(instance.A, instance.y)
        alpha = math.sqrt(float(instance.alpha))  # Q_(sqrt(alpha)): the scale alpha, not alpha^2
        shape = [u / instance.alpha for u in instance.u0]
        result = minimize_on_affine(hypentropy(Fraction(alpha), shape), A, y)
        return ArgminReference(np.asarray(result.value), result.converged, result.message)

    wrong = replace(search, argmin=wrong_argmin)
    result = wrong.run(claim, RunContext(budget=100, seed=3))
    assert result.verdict == Verdict.INCONCLUSIVE
    assert "from the argmin" in result.summary


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(krr_flow_instances())
def test_drawn_krr_instances_parse_and_stay_in_the_float64_range(raw):
    instance = parse_flow_instance(raw)
    assert instance.model == "krr"
    if instance.depth > 2:
        assert all(w == 1 for w in families.krr_shape(instance))
        assert (instance.depth - 2) * -math.log10(float(instance.alpha)) <= 4 + 1e-9


# ------------------------------------------------------------------------------ the limit bounds


def test_theorem_1_bound_holds_at_the_example_and_fails_at_a_point_that_is_not_the_argmin():
    bound = limits.THEOREM_1_BOUND
    raw = _krr(2, "1e-3", ["1", "2", "1/2"])
    result = bound.evaluate(bound.parse(raw), 40)
    assert result.status == "holds", result.lines(12)
    instance = bound.parse(raw)
    # a feasible point that is not the argmin (the min-l2 solution) in place of the limit
    from dlncheck.numerics.sparse_recovery import l2_minimizer_exact

    A, y = row_basis(instance.A, instance.y)
    with ball_precision(40):
        fake = [ball(v) for v in l2_minimizer_exact(A, y)]
        left, right = limits._argmin_sides(instance, tuple(fake), True)
        assert left > right  # Q at the min-l2 point exceeds Q at the independent argmin


def test_theorem_3_bound_holds_at_its_example():
    bound = limits.THEOREM_3_BOUND
    result = bound.evaluate(bound.parse(_krr(3, "1e-2")), 60)
    assert result.status == "holds", result.lines(12)


def test_theorem_1_bound_refuses_the_depth_3_model_and_a_single_point_set():
    from dlncheck.checks.errors import InstanceError

    with pytest.raises(InstanceError, match="depth-2 model"):
        limits.THEOREM_1_BOUND.parse(_krr(3, "1e-1"))
    square = {"model": "krr", "A": [["1", "0"], ["0", "1"]], "y": ["1", "1"], "L": 2, "init": {"alpha": "1"}}
    with pytest.raises(InstanceError, match="full column rank"):
        limits.THEOREM_1_BOUND.parse(square)


def test_q_depth_interval_encloses_the_point_value():
    with ball_precision(30):
        for t in ("1e-3", "2", "1e20"):
            enclosure = limits._q_depth_interval(ball(Fraction(t)), 3)
            with mpmath.workdps(40):  # the tolerance added at 40 digits, not rounded to 53 bits
                point = depth_potential(Fraction(1), 3).mp([mpmath.mpf(t)])[0]
                assert (
                    lower(enclosure) - mpmath.mpf(10) ** -25 * abs(point)
                    <= point
                    <= upper(enclosure) + mpmath.mpf(10) ** -25 * abs(point)
                )


THEOREM_2_EXAMPLE = {**_krr(2, "1e-40"), "params": {"epsilon": "1/2"}}


def test_theorem_2_audit_holds_with_slack_near_epsilon_over_one_plus_epsilon(tmp_path, capsys):
    path = tmp_path / "t2.json"
    path.write_text(json.dumps(THEOREM_2_EXAMPLE))
    code, out, err = run_cli(capsys, "audit", "krr.thm2", "--instance", str(path), "--dps", "30")
    assert code == 0, out + err
    assert "holds" in out
    result = limits.THEOREM_2_BOUND.evaluate(limits.THEOREM_2_BOUND.parse(THEOREM_2_EXAMPLE), 30)
    slack = result.slack
    assert abs(float(lower(slack)) - 1 / 3) < 1e-6  # ε/(1+ε): the limit's l1 norm is the minimum's


def test_theorem_2_refuses_alpha_above_its_threshold(tmp_path, capsys):
    raw = {**THEOREM_2_EXAMPLE, "init": {"alpha": "1e-2"}}
    path = tmp_path / "t2.json"
    path.write_text(json.dumps(raw))
    code, _, err = run_cli(capsys, "audit", "krr.thm2", "--instance", str(path))
    assert_one_line_error(err, "hypothesis alpha <=", code=code)


def test_theorem_2_needs_epsilon(tmp_path, capsys):
    raw = _krr(2, "1e-40")
    path = tmp_path / "t2.json"
    path.write_text(json.dumps(raw))
    code, _, err = run_cli(capsys, "audit", "krr.thm2", "--instance", str(path))
    assert_one_line_error(err, "params.epsilon", code=code)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(krr_theorem2_instances())
def test_drawn_theorem_2_instances_satisfy_its_hypotheses(raw):
    instance = limits.THEOREM_2_BOUND.parse(raw)  # raises on a violated hypothesis
    assert 0 < instance.epsilon < instance.N


def test_theorem_2_bound_is_violated_by_a_limit_far_from_the_l1_minimum():
    instance = limits.THEOREM_2_BOUND.parse(THEOREM_2_EXAMPLE)
    with ball_precision(30):
        left, right = limits._theorem2_sides(instance, (ball(2), ball(0), ball(0)), True)
    assert left > right


# ------------------------------------------------------------------------------ families


def test_power_law_exponent_from_logs_recovers_the_exponent():
    logs = [-k * math.log(10) for k in (1000, 2000, 3000)]
    ys = [math.exp(0.002 * v) * 7 for v in logs]
    assert abs(power_law_exponent_from_logs(logs, ys) - 0.002) < 1e-12


def test_a_family_with_the_wrong_rate_is_not_as_stated():
    run = families.FamilyRun("x", 3, ("1e-1", "1e-2", "1e-3"), (1e-1, 1e-2, 1e-3), 1.0, 3.0)
    assert not run.as_stated
    assert families.FamilyRun("x", 3, ("1e-1", "1e-2"), (1e-3, 1e-6), 3.0, 3.0).as_stated
    assert not families.FamilyRun("x", 3, ("1e-1", "1e-2"), (1e-6, 1e-3), 3.0, 3.0).as_stated  # rising


def test_one_row_limit_is_the_certified_projection_where_both_reach():
    from dlncheck.checks.flow_command import certified_projection

    raw = {
        "model": "krr",
        "A": [["1", "1001/1000"]],
        "x_star": ["1/4", "0"],
        "L": 2,
        "init": {"alpha": "1e-100"},
    }
    instance = parse_flow_instance(raw)
    scalar = families._one_row_limit(instance, 40)
    certified = certified_projection(instance, 40)
    with mpmath.workdps(50):
        for a, b in zip(scalar, certified.value, strict=True):
            assert abs(a - families.to_mp(b)) <= mpmath.mpf(10) ** -30 * max(abs(a), mpmath.mpf(10) ** -60)


def test_nearly_parallel_columns_need_an_exponentially_small_alpha_at_depth_2():
    """ρ = 1000/1001: the distance to β*_ℓ1 falls like α^{2(1-ρ)} = α^{0.002} (derived)."""
    family = families.family_instance("nearly parallel", [["1", "1001/1000"]], ["1/4", "0"])
    minimizer, rho = families.l1_data(family)
    assert rho == Fraction(1000, 1001)
    run = families._family_run(
        family, 2, ("1e-1001", "1e-2002", "1e-3003"), families._rich_limit, minimizer, float(2 * (1 - rho))
    )
    assert run.as_stated, run.to_json()
    assert run.distances[0] > 1e-3  # at α = 1e-1001 still 1% away


def test_escape_time_grows_like_log_one_over_alpha():
    family = families.family_instance("one row", [["1", "2", "3"]], ["0", "1", "0"])
    times = [families._escape_time(family.A, family.y, a) for a in (1e-4, 1e-12, 1e-20)]
    assert times[0] < times[1] < times[2]
    slope = (times[2] - times[1]) / (8 * math.log(10))
    assert abs(slope * 4 * 6 - 1) < 0.01  # m = ||X^T y||_inf = 6


def test_wishart_gram_has_the_stated_scale():
    gram = width._wishart_gram(np.random.default_rng(0), 6, 10**6)
    assert np.allclose(np.diag(gram) / 10**6, 1, atol=0.01)
    assert np.max(np.abs(gram - np.diag(np.diag(gram)))) < 10 * 10**3  # off-diagonal ~ sqrt(k)


def test_commuting_width_flow_tends_to_the_q_mu_solution():
    family = families.family_instance("two rows", TWO_ROWS["A"], TWO_ROWS["x_star"])
    target = width._q_mu_argmin(family, Fraction(1, 2))
    near = width._width_distance(family, 10**8, 0.5 / 10**8, target, 0)
    far = width._width_distance(family, 10**2, 0.5 / 10**2, target, 0)
    assert near < 1e-2 < far


def _claims():
    from dlncheck.checks.claim import declared

    return declared()
