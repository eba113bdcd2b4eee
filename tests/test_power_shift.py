"""The exact shift of ``numerics.power_shift``: float64 flow limits and projections at L > 2, α ≪ 1.

Unshifted, float64 cancels (L - 2) log10(1/α) digits and refuses beyond 6; shifted, the flow
limit and the projection agree with each other and with the unshifted problem refined at 40
digits (``refine``, started from the shifted solution mapped back exactly) down to α = 1e-40.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest
from flint import arb
from flint import ctx as flint_ctx
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import gaussian_sparse_data
from dlncheck.numerics.bregman_projection import ProjectionError, ProjectionProblem, project, refine
from dlncheck.numerics.dual_reduction import (
    Branch,
    DiagonalReduction,
    dual_jacobian,
    dual_vector_field,
)
from dlncheck.numerics.legendre_potentials import MilPower
from dlncheck.numerics.power_shift import (
    MIN_DUAL_MARGIN,
    ShiftError,
    branch_costs,
    shifted_flow,
    shifted_projection,
)

# Norm-wise agreement (relative to ‖x‖∞) that the float64 solves must reach: both stop near
# 1e-10 (see tests/test_flow_limits.py), and 1e-8 leaves two digits of margin.
FLOAT64_AGREEMENT = 1e-8
REFERENCE_DIGITS = 40  # digits of the arbitrary-precision reference (refine)


def sensing_data(seed: int, m: int, n: int, s: int, signed: bool) -> dict:
    """A Gaussian/√M matrix and an s-sparse x* (entries ±[0.5, 2]) as exact decimal strings."""
    return gaussian_sparse_data(seed, m, n, s, "random" if signed else "nonnegative")


def flow_instance(seed, m, n, s, model, depth, log10_alpha, init=None):
    data = sensing_data(seed, m, n, s, signed=model == "signed")
    data |= {"model": model, "L": depth, "init": init or {"alpha": f"1e{log10_alpha}"}}
    return parse_flow_instance(data)


def reference_digits(depth: int, log10_alpha: int) -> int:
    """``refine``'s target: 40 digits plus the (L - 2) log10(1/α) that θ0 + Aᵀμ cancels."""
    return REFERENCE_DIGITS + (depth - 2) * -log10_alpha


def gap(a, b) -> float:
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(np.asarray(a, dtype=float) - b)) / np.max(np.abs(b)))


@st.composite
def small_sensing_problems(draw):
    """(seed, M, N, s, model, L, log10 α): M in 3..5, N in 6..10, α from 1e-8 down to 1e-40."""
    m = draw(st.integers(3, 5))
    return (
        draw(st.integers(0, 10**6)),
        m,
        draw(st.integers(6, 10)),
        draw(st.integers(1, m)),
        draw(st.sampled_from(["positive", "signed"])),
        draw(st.sampled_from([3, 4])),
        draw(st.integers(-40, -8)),
    )


@settings(max_examples=60, deadline=None)
@given(problem=small_sensing_problems())
# found while developing the shift: a certificate dual tight off the support (Newton had to climb
# from θ ~ 1 to ~c), a "zero" reduced cost made exact at 1e-17·c, and refine's residual norm
# underflowing at α = 1e-40, L = 4
@example(problem=(1, 4, 8, 2, "signed", 3, -16))
@example(problem=(863120, 4, 10, 1, "signed", 4, -24))
@example(problem=(649415, 5, 8, 4, "positive", 4, -40))
def test_shifted_flow_limit_and_projection_agree_with_the_40_digit_refinement(problem):
    depth, log10_alpha = problem[5], problem[6]
    instance = flow_instance(*problem)
    flow = shifted_flow(instance.reduction(), instance.A, instance.y).limit()
    unshifted = instance.projection()
    shifted = shifted_projection(unshifted)
    proj = project(shifted.problem)
    assert flow.converged and proj.converged, (flow.message, proj.message)
    start = None if proj.info["dual"] is None else shifted.original_dual(proj.info["dual"])
    reference = refine(unshifted, start, reference_digits(depth, log10_alpha))
    assert reference.converged, reference.message
    exact = [float(v.mid()) for v in reference.value]
    assert gap(flow.limit, proj.value) <= FLOAT64_AGREEMENT
    assert gap(flow.limit, exact) <= FLOAT64_AGREEMENT
    assert gap(proj.value, exact) <= FLOAT64_AGREEMENT


def test_unshifted_float64_refuses_what_the_shift_solves():
    """α = 1e-30, L = 3: 30 digits cancel; the plain projection refuses, the shifted one converges."""
    instance = flow_instance(5, 5, 10, 2, "signed", 3, -30)
    with pytest.raises(ProjectionError, match="shifted dual"):
        project(instance.projection())
    assert project(shifted_projection(instance.projection()).problem).converged


@pytest.mark.parametrize("model", ["positive", "signed"])
def test_offsets_are_the_exact_reduced_costs_and_vanish_on_the_support(model):
    """θ̂_u = c_u - Aᵀν₀, θ̂_v = c_v + Aᵀν₀ in Fractions: ≥ 0, 0 on the active branch of S,
    ≥ MIN_DUAL_MARGIN·c off it; A x* = y exactly; A'_S = [I; 0] and y' = [x*_S; 0] exactly."""
    instance = flow_instance(2, 5, 9, 2, model, 3, -30)
    shift = shifted_flow(instance.reduction(), instance.A, instance.y).shift
    c = branch_costs(tuple(u**3 for u in instance.u0), 3)
    assert set(c) == {Fraction(10**30)}
    columns = list(zip(*instance.A, strict=True))
    At_nu = [sum((a * v for a, v in zip(col, shift.dual, strict=True)), Fraction(0)) for col in columns]
    assert shift.offset_u == tuple(ci - g for ci, g in zip(c, At_nu, strict=True))
    branches = [(shift.offset_u, 1)]
    if model == "signed":
        assert shift.offset_v == tuple(ci + g for ci, g in zip(c, At_nu, strict=True))
        branches.append((shift.offset_v, -1))
    for offset, sign in branches:
        for n, value in enumerate(offset):
            active = any(k == n and sg == sign for k, sg in zip(shift.support, shift.signs, strict=True))
            assert value == 0 if active else value >= Fraction(MIN_DUAL_MARGIN) * c[n] * Fraction(999, 1000)
    rows = [
        sum((a * x for a, x in zip(row, shift.minimizer, strict=True)), Fraction(0)) for row in instance.A
    ]
    assert tuple(rows) == instance.y
    k = len(shift.support)
    assert np.array_equal(shift.A[:, list(shift.support)], np.eye(instance.A.__len__(), k))
    assert np.array_equal(shift.y[:k], [float(shift.minimizer[j]) for j in shift.support])
    assert not shift.y[k:].any()


@pytest.mark.parametrize("model", ["positive", "signed"])
def test_the_shifted_flow_from_the_model_start_is_the_model_flow_in_time(model):
    """η' = kL G (A'x - y') from η(0) = R⁻¹ν₀/s reproduces (★) from λ = 0 at every t (α = 1e-2,
    where float64 still integrates (★) itself)."""
    instance = flow_instance(3, 4, 8, 2, model, 3, -2)
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    reduction = instance.reduction()
    shifted = shifted_flow(reduction, instance.A, instance.y)
    G = shifted.metric

    def model_field(t, lam):
        return dual_vector_field(reduction, A, y, lam)[0]

    def model_jacobian(t, lam):
        return dual_jacobian(reduction, A, dual_vector_field(reduction, A, y, lam)[2])

    def shifted_field(t, eta):
        return G @ dual_vector_field(shifted.reduction, shifted.A, shifted.y, eta)[0]

    def shifted_jacobian(t, eta):
        dx = dual_vector_field(shifted.reduction, shifted.A, shifted.y, eta)[2]
        return G @ dual_jacobian(shifted.reduction, shifted.A, dx)

    times = [1.0, 10.0, 100.0, 1000.0]  # c = 100: the support escapes near t ~ 10²
    options = {"method": "Radau", "t_eval": times, "rtol": 1e-9, "atol": 1e-12}
    plain = solve_ivp(model_field, (0, times[-1]), np.zeros(len(y)), jac=model_jacobian, **options)
    moved = solve_ivp(shifted_field, (0, times[-1]), shifted.model_start, jac=shifted_jacobian, **options)
    assert plain.success and moved.success
    for k in range(len(times)):
        x_plain = reduction.product(A.T @ plain.y[:, k])[0]
        x_moved = shifted.reduction.product(shifted.A.T @ moved.y[:, k])[0]
        assert gap(x_moved, x_plain) <= 1e-7, times[k]


def test_non_uniform_initialization_weighs_the_shift_by_each_cost():
    """Signed, u0 ≠ v0 and varying per coordinate (α·[1/2, 2]): the LP is weighted by c_n."""
    rng = np.random.default_rng(11)
    u0 = [f"{v:.3f}e-20" for v in rng.uniform(0.5, 2.0, 9)]
    v0 = [f"{v:.3f}e-20" for v in rng.uniform(0.5, 2.0, 9)]
    instance = flow_instance(11, 4, 9, 2, "signed", 3, -20, init={"u0": u0, "v0": v0})
    flow = shifted_flow(instance.reduction(), instance.A, instance.y).limit()
    shifted = shifted_projection(instance.projection())
    proj = project(shifted.problem)
    assert len(set(branch_costs(tuple(u**3 for u in instance.u0), 3))) > 1
    reference = refine(
        instance.projection(), shifted.original_dual(proj.info["dual"]), reference_digits(3, -20)
    )
    exact = [float(v.mid()) for v in reference.value]
    assert flow.converged and proj.converged and reference.converged
    assert max(gap(flow.limit, exact), gap(proj.value, exact)) <= FLOAT64_AGREEMENT


def test_irrational_costs_are_rounded_far_below_the_support_scale():
    """p0 = 2·10⁻⁹⁰ is no cube: c = p0^{-1/3} is rounded within 2^-128; signed model (S± always
    has a strictly positive point, so the unrestricted problem is the right one)."""
    instance = flow_instance(4, 4, 8, 2, "signed", 3, -30)
    p0 = (Fraction(2, 10**90),) * 8
    (c,) = set(branch_costs(p0, 3))
    assert abs(float(c) - 2 ** (-1 / 3) * 1e30) <= 1e-15 * float(c)
    rate = instance.reduction().rate
    reduction = DiagonalReduction("signed", Branch(3, p0), Branch(3, p0), rate)
    flow = shifted_flow(reduction, instance.A, instance.y).limit()
    unshifted = ProjectionProblem(instance.A, instance.y, ((MilPower(p0, 3), 1), (MilPower(p0, 3), -1)))
    shifted = shifted_projection(unshifted)
    proj = project(shifted.problem)
    reference = refine(unshifted, shifted.original_dual(proj.info["dual"]), reference_digits(3, -30))
    exact = [float(v.mid()) for v in reference.value]
    assert flow.converged and proj.converged and reference.converged, reference.message
    assert max(gap(flow.limit, proj.value), gap(proj.value, exact)) <= FLOAT64_AGREEMENT


def test_a_branch_with_offset_c_is_the_unshifted_branch():
    """Branch(offset = c) evaluates θ = c + s h like Branch itself, in float64 and in arb."""
    p0 = tuple(Fraction(k, 7) ** 4 for k in range(1, 6))
    plain, offset = Branch(4, p0), Branch(4, p0, branch_costs(p0, 4))
    h = np.linspace(-0.5, 0.5, 5)
    for a, b in zip(plain.value(h), offset.value(h), strict=True):
        assert np.allclose(a, b, rtol=1e-14, atol=0)
    with flint_ctx.workprec(200):
        balls = [arb(v) for v in h]
        for a, b in zip(plain.value_arb(balls)[0], offset.value_arb(balls)[0], strict=True):
            assert abs(a - b) < arb(10) ** -55


def test_depth_two_has_nothing_to_shift():
    instance = flow_instance(0, 4, 8, 2, "positive", 2, -30)
    with pytest.raises(ShiftError, match="L > 2"):
        shifted_flow(instance.reduction(), instance.A, instance.y)


@pytest.mark.parametrize("model", ["positive", "signed"])
def test_mid_size_instance_agrees_at_alpha_1e_minus_30(model):
    """N = 200, M = 60, s = 8, L = 3, α = 1e-30; one shift serves the flow and the projection."""
    instance = flow_instance(0, 60, 200, 8, model, 3, -30)
    shifted = shifted_flow(instance.reduction(), instance.A, instance.y)
    flow = shifted.limit()
    problem = instance.projection()
    assert problem.columns is None  # S₊ has a strictly positive point: the shift can be shared
    proj = project(shifted_projection(problem, shifted.shift).problem)
    assert flow.converged and proj.converged
    assert gap(flow.limit, proj.value) <= FLOAT64_AGREEMENT
    assert flow.info["theta_digits"] >= 12


def bench_instance(n: int, m: int, s: int, depth: int, alpha: str, seed: int, model: str):
    """bench/bench_flow_limits.py's ``instance``: x* ≥ 0 on s columns ([0.5, 2]), signed flips every other."""
    data = gaussian_sparse_data(seed, m, n, s, "alternate" if model == "signed" else "nonnegative")
    data |= {"model": model, "L": depth, "init": {"alpha": alpha}}
    return parse_flow_instance(data)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["positive", "signed"])
def test_large_instance_flow_limit_and_projection_at_alpha_1e_minus_30(model):
    """N = 1000, M = 150, s = 10, L = 3, α = 1e-30 (the bench instance): ~3-6 s of exact LP
    set-up (certificate, dual with margin), then ~0.3 s each for the float64 flow limit and
    projection; the instance itself takes ~4 s to parse."""
    instance = bench_instance(1000, 150, 10, 3, "1e-30", 0, model)
    start = time.perf_counter()
    shifted = shifted_flow(instance.reduction(), instance.A, instance.y)
    setup = time.perf_counter() - start
    flow = shifted.limit()
    proj = project(shifted_projection(instance.projection(), shifted.shift).problem)
    assert flow.converged and proj.converged, (flow.message, proj.message)
    assert gap(flow.limit, proj.value) <= FLOAT64_AGREEMENT
    support = np.flatnonzero(np.abs(proj.value) > 1e-3)
    assert set(support) == set(shift_support := shifted.shift.support), shift_support
    assert setup + flow.wall_s + proj.wall_s <= 60.0
    assert math.isfinite(flow.residual) and flow.residual <= 1e-9
