"""mil Theorems 2.2/3.1 from the flows: g's minimizer, the g-competitor bounds, the rate along
trajectories."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dlncheck.checks.claims import mil_flow_characterization as mfc
from dlncheck.checks.context import RunContext
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_trajectory import TrajectoryBoundSearch
from dlncheck.derivations.bregman_divergence import divergence_of_potential
from dlncheck.derivations.bregman_potentials import L_SYMBOLIC
from dlncheck.derivations.bregman_projection import pythagoras_constancy
from dlncheck.derivations.derivation import Outcome
from dlncheck.numerics import mil_g
from dlncheck.numerics.enclosures import contains_rational


def test_g_minimizer_on_the_two_column_instance_is_the_closed_form():
    # A = (1 1), L = 4, x̃0 = (1, 16): stationarity 2 - 2 w_n z_n^{-1/2} = s forces z ∝ x̃0
    z = mil_g.g_minimizer(np.array([[1.0, 1.0]]), np.array([0.89]), np.log([1.0, 16.0]), 4)
    assert z is not None
    np.testing.assert_allclose(z, [89 / 1700, 1424 / 1700], rtol=1e-13)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(1, 9), min_size=3, max_size=3),
    st.lists(st.integers(-6, 0), min_size=3, max_size=3),
)
def test_g_minimizer_at_l2_is_the_entropy_projection(row, exponents):
    """At L = 2, g is the D_F objective (mil.thm2.2.algebra): two independent solvers must agree."""
    from dlncheck.checks.flow_command import float64_projection

    x0 = [10.0**e for e in exponents]
    raw = {
        "model": "positive",
        "A": [[str(a) for a in row]],
        "y": ["1"],
        "L": 2,
        "init": {"x0": [f"1e{e // 2}" if e % 2 == 0 else str(10.0 ** (e / 2)) for e in exponents]},
    }
    instance = parse_flow_instance(raw)
    prior = [float(u**2) for u in instance.u0]
    z = mil_g.g_minimizer(np.array([row], dtype=float), np.array([1.0]), np.log(prior), 2)
    projection = float64_projection(instance)
    assert z is not None and projection is not None
    np.testing.assert_allclose(z, np.asarray(projection.value, dtype=float), rtol=1e-9, atol=1e-15 * max(x0))


def test_exact_point_near_lands_exactly_in_s_plus():
    A = [[Fraction(1), Fraction(2), Fraction(-1, 3)], [Fraction(0), Fraction(1), Fraction(1)]]
    y = [Fraction(3, 2), Fraction(1)]
    point = mil_g.exact_point_near(A, y, [0.7, 0.3, 0.7])
    assert point is not None and all(v >= 0 for v in point)
    assert [sum(a * p for a, p in zip(row, point, strict=True)) for row in A] == y
    assert mil_g.exact_point_near(A, y, [-5.0, 0.0, 0.0]) is None  # the correction cannot fix a far point


def test_divergence_float_is_mil_21s_bregman_divergence():
    for depth in (2, 3, 5):
        z, x = [0.3, 1.7], [1.1, 0.02]
        expected = divergence_of_potential(
            depth,
            sp.Matrix([sp.Rational(3, 10), sp.Rational(17, 10)]),
            sp.Matrix([sp.Rational(11, 10), sp.Rational(1, 50)]),
        )
        value, scale = mil_g.divergence_float(z, x, depth)
        assert value == pytest.approx(float(expected), rel=1e-12)
        assert scale >= abs(value)


@pytest.mark.parametrize("depth", [2, L_SYMBOLIC])
def test_delta_is_constant_on_s_plus_only_because_of_the_flows_mirror_identity(depth):
    d = pythagoras_constancy(depth)
    assert d.outcome == Outcome.AGREES
    # before the flow's relation ∇F(x̃∞) - ∇F(x̃0) = Aᵀw is used, the difference is not 0
    assert sp.simplify(d.steps[1].expr) != 0


def test_theorem_2_2_as_printed_fails_at_the_algebra_instance_with_the_exact_limit_inside():
    bound = mfc.G_THEOREM_2_2
    instance = bound.parse(mfc.PAIR_OF_ARGMINS_EXAMPLE)
    result = bound.evaluate(instance, 30)
    assert result.status == "violated"
    limit = dict(result.quantities)["limit (certified)"]
    for enclosure, exact in zip(limit, (Fraction(1, 4), Fraction(16, 25)), strict=True):  # the D_F projection
        assert contains_rational(enclosure, exact)


def test_theorem_2_2_holds_for_constant_initialization_at_l4():
    """(19) is true for constant x̃(0): the certified audit must say so, not a float artefact."""
    from dlncheck.checks.limit_audit import escalate_limit

    raw = dict(mfc.PAIR_OF_ARGMINS_EXAMPLE, init={"alpha": "1/10"})
    bound = mfc.G_THEOREM_2_2
    assert escalate_limit(bound, bound.parse(raw)).status == "holds"


def test_signed_flow_is_the_positive_flow_of_the_doubled_matrix():
    instance = parse_flow_instance(mfc.SIGNED_EXAMPLE)
    pair = mfc._as_pair_flow(instance)
    assert pair.A == ((1, 1, -1, -1),) and pair.u0 == instance.u0 + instance.v0
    from dlncheck.checks.flow_command import float64_projection

    difference = np.asarray(float64_projection(instance).value, dtype=float)
    doubled = np.asarray(float64_projection(pair).value, dtype=float)
    np.testing.assert_allclose(doubled[:2] - doubled[2:], difference, rtol=1e-10)


def test_trajectory_search_can_fail():
    """A bound that is false along the flow (the rate's right side divided by 1000) must not pass."""

    def too_small(instance, raw, t, x):
        left, right, scale = mfc._rate_sides(instance, raw, t, x)
        return left, right / 1000, scale / 1000

    check = TrajectoryBoundSearch("false rate", "", mfc.positive_flow_instances, too_small, "")
    result = check.run(None, RunContext(budget=100, seed=0))
    assert result.verdict.value == "inconclusive" and result.evidence["violations"]


def test_rate_sides_are_lemma_2_6_integrated():
    """(D_F(z, x̃0) - D_F(z, x̃(t)))/(2L) = ∫₀ᵗ 𝓛: checked against a trapezoid sum on a trajectory."""
    from dlncheck.numerics.dual_flow import integrate_to_limit

    raw = {
        "model": "positive",
        "A": [["1", "2", "-1/2"]],
        "x_star": ["0", "1/2", "0"],
        "L": 3,
        "init": {"alpha": "1/2"},
    }
    instance = parse_flow_instance(raw)
    A = np.array([[1.0, 2.0, -0.5]])
    flow = integrate_to_limit(instance.reduction(), A, np.array([1.0]), rtol=1e-11, atol=1e-14)
    t, xs = flow.trajectory.t, flow.trajectory.product
    keep = np.isfinite(t)
    t, xs = t[keep], xs[keep]
    losses = np.array([0.5 * float((A @ x - 1.0) @ (A @ x - 1.0)) for x in xs])
    k = len(t) // 3
    integral = float(np.sum((losses[1 : k + 1] + losses[:k]) / 2 * np.diff(t[: k + 1])))
    _, right, _ = mfc._rate_sides(instance, raw, float(t[k]), xs[k])
    assert right * t[k] == pytest.approx(integral, rel=1e-3)
    assert not math.isnan(right)
