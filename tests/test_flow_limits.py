"""Integrated flow limits against the papers' Bregman projections, float64 and arb."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import gaussian_sparse_data
from dlncheck.numerics.bregman_projection import project, refine
from dlncheck.numerics.dual_flow import integrate_to_limit
from dlncheck.numerics.positive_face import EmptyPositiveSetError
from dlncheck.numerics.sparse_recovery import InfeasibleSystemError

# float64: the flow's stopping test and the projection's Newton both stop near 1e-10 relative
# (least-squares solves with condition √cond(Hessian)); 1e-8 leaves two digits of margin.
FLOAT64_AGREEMENT = 1e-8


def sparse_nonnegative_instance(seed: int, m: int, n: int, s: int, signed: bool = False) -> dict:
    """A Gaussian/√M instance as exact decimal strings, with y = A x* computed exactly."""
    return gaussian_sparse_data(seed, m, n, s, "random" if signed else "nonnegative")


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    depth=st.sampled_from([2, 3]),
    log10_alpha=st.integers(-12, -1),
    model=st.sampled_from(["positive", "signed", "krr"]),
)
def test_integrated_limit_agrees_with_the_projection_in_float64(seed, depth, log10_alpha, model):
    if depth == 3:
        # float64 is refused beyond (L - 2) log10(1/α) = 6 cancelled digits (FLOAT64_MAX_DIGITS_LOST)
        log10_alpha = max(log10_alpha, -6)
    _agree_in_float64(seed, depth, log10_alpha, model)


def test_positive_limit_on_a_singleton_face_is_the_unique_nonnegative_solution():
    """Gaussian A, 2-sparse x* ≥ 0: S₊ = {x*}, so flow and projection both give x* (face LP)."""
    data = sparse_nonnegative_instance(0, 8, 14, 2) | {"model": "positive", "L": 3, "init": {"alpha": "1e-1"}}
    instance = parse_flow_instance(data)
    face = instance.face()
    assert face.exact and len(face.forced) == 12
    x_star = np.array([float(v) for v in data["x_star"]])
    result = project(instance.projection())
    assert result.converged and np.max(np.abs(result.value - x_star)) <= 1e-12
    _agree_in_float64(0, 3, -1, "positive")


def _inner(row, w) -> Fraction:
    return sum((a * b for a, b in zip(row, w, strict=True)), Fraction(0))


def test_forced_zeros_of_the_positive_face_carry_an_exact_certificate():
    """Rechecked in Fractions: w ⟂ y, (Aᵀw)_P = 0 on the free coordinates, > 0 on the forced ones."""
    data = sparse_nonnegative_instance(0, 8, 14, 2) | {"model": "positive", "L": 2, "init": {"alpha": "1e-1"}}
    instance = parse_flow_instance(data)
    face = instance.face()
    assert face.exact and face.forced, face.message
    w = face.certificate
    columns = list(zip(*instance.A, strict=True))
    assert _inner(instance.y, w) == 0
    assert all(_inner(columns[k], w) > 0 for k in face.forced)
    assert all(_inner(columns[k], w) == 0 for k in face.free(instance.N))


def test_empty_positive_set_is_refused_with_an_exact_farkas_vector():
    """z₂ + z₃ = -2 has no solution z ≥ 0: one line, and an exact w with Aᵀw ≥ 0, <y, w> < 0."""
    A, y = [["1", "1", "0"], ["0", "1", "1"]], ["1", "-2"]
    data = {"model": "positive", "A": A, "y": y, "L": 3, "init": {"alpha": "1e-2"}}
    instance = parse_flow_instance(data)
    with pytest.raises(EmptyPositiveSetError) as raised:
        instance.projection()
    error = raised.value
    assert isinstance(error, InfeasibleSystemError)
    assert "no nonnegative solution" in str(error) and "Farkas" in str(error) and "\n" not in str(error)
    w = error.certificate.w
    columns = list(zip(*instance.A, strict=True))
    assert all(_inner(column, w) >= 0 for column in columns)
    assert _inner(instance.y, w) == error.certificate.inner_product < 0


def _agree_in_float64(seed: int, depth: int, log10_alpha: int, model: str) -> None:
    data = sparse_nonnegative_instance(seed, 8, 14, 2, signed=model != "positive")
    data |= {"model": model, "L": depth, "init": {"alpha": f"1e{log10_alpha}"}}
    instance = parse_flow_instance(data)
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    flow = integrate_to_limit(instance.reduction(), A, y, keep_trajectory=False)
    proj = project(instance.projection())
    assert flow.converged and proj.converged, (flow.message, proj.message)
    gap = np.max(np.abs(flow.limit - proj.value)) / np.max(np.abs(proj.value))
    assert gap <= FLOAT64_AGREEMENT


def test_trajectory_loss_decreases_monotonically_along_the_integrated_flow():
    """A gradient flow never increases its loss; the samples of the error-controlled phase obey it."""
    data = sparse_nonnegative_instance(3, 6, 10, 2) | {"model": "positive", "L": 2, "init": {"alpha": "1e-4"}}
    instance = parse_flow_instance(data)
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    flow = integrate_to_limit(instance.reduction(), A, y)
    traj = flow.trajectory
    controlled = ~flow.info["tail_samples"]
    losses = np.array([np.linalg.norm(A @ x - y) for x in traj.product[controlled]])
    # rounding of A x - y bounds how flat the loss can be resolved
    assert np.all(np.diff(losses) <= 1e-12 * np.linalg.norm(y))
    assert traj.t[0] == 0 and np.all(np.diff(traj.t[controlled]) > 0)


def test_one_row_projection_matches_the_scalar_equation_at_60_digits():
    """One row a > 0, L = 2: z_n = x0_n e^{2 a_n μ} with Σ a_n z_n = y (mil (21) KKT), by findroot."""
    a = [Fraction(1), Fraction(1, 2), Fraction(3, 2)]
    x0 = Fraction(1, 10**20)
    data = {"model": "positive", "A": [[str(v) for v in a]], "y": ["1"], "L": 2, "init": {"alpha": "1e-10"}}
    instance = parse_flow_instance(data)
    problem = instance.projection()
    result = refine(problem, project(problem).info["dual"], 60)
    assert result.converged
    with mpmath.workdps(80):

        def mp(q):
            return mpmath.mpf(q.numerator) / q.denominator

        # the log of the constraint is nearly linear in μ, so Newton from the dominant term converges
        mu = mpmath.findroot(
            lambda m: mpmath.log(sum(mp(ai) * mp(x0) * mpmath.exp(2 * mp(ai) * m) for ai in a)), 15
        )
        exact = [mp(x0) * mpmath.exp(2 * mp(ai) * mu) for ai in a]
        for ball, ref in zip(result.value, exact, strict=True):
            assert abs(mpmath.mpf(ball.mid().str(70, radius=False)) - ref) <= mpmath.mpf(10) ** -58 * abs(ref)


def test_signed_projection_refined_at_50_digits_for_alpha_1e_minus_30_agrees_with_float64():
    data = sparse_nonnegative_instance(5, 6, 12, 2, signed=True) | {
        "model": "signed",
        "L": 2,
        "init": {"alpha": "1e-30"},
    }
    instance = parse_flow_instance(data)
    low = project(instance.projection())
    high = refine(instance.projection(), low.info["dual"], 50)
    assert high.converged and high.residual <= 1e-50
    mids = np.array([float(v.mid()) for v in high.value])
    assert np.max(np.abs(mids - low.value)) <= FLOAT64_AGREEMENT * np.max(np.abs(mids))


def test_krawczyk_certifies_the_signed_projection_of_a_small_rational_instance():
    data = {
        "model": "signed",
        "A": [["1", "1/2", "-1/3", "2"], ["0", "1", "1", "-1/2"]],
        "x_star": ["1", "0", "0", "-1/2"],
        "L": 2,
        "init": {"alpha": "1e-30"},
    }
    problem = parse_flow_instance(data).projection()
    result = refine(problem, project(problem).info["dual"], 50)
    assert result.converged and result.info["krawczyk"]
    assert result.certified_digits is not None and result.certified_digits >= 50
    # every certified ball is tight: its radius is below 10^-50 of its midpoint
    assert all(ball.rad() <= abs(ball.mid()) * mpmath.mpf(10) ** -50 for ball in result.value)


@pytest.mark.slow
@pytest.mark.parametrize("log10_alpha", [-2, -6, -12])
def test_large_instance_flow_and_projection_agree(log10_alpha):
    data = sparse_nonnegative_instance(0, 150, 1000, 10) | {
        "model": "positive",
        "L": 2,
        "init": {"alpha": f"1e{log10_alpha}"},
    }
    instance = parse_flow_instance(data)
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    flow = integrate_to_limit(instance.reduction(), A, y, keep_trajectory=False)
    proj = project(instance.projection())
    assert flow.converged and proj.converged
    assert np.max(np.abs(flow.limit - proj.value)) <= FLOAT64_AGREEMENT * np.max(np.abs(proj.value))
