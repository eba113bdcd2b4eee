"""The reduction of the diagonal flows to the dual variable λ, against direct integration."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from dlncheck.numerics.dual_reduction import (
    dual_vector_field,
    pair_as_signed,
    positive_reduction,
    signed_reduction,
)

# Both sides are integrated by scipy at rtol 1e-11; their difference is integration error.
DIRECT_RTOL = 1e-11
AGREEMENT = 1e-7


def _instance(seed: int, m: int = 3, n: int = 5):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) / np.sqrt(m)
    x = np.zeros(n)
    x[:2] = [1.0, 0.5]
    return A, A @ x


def _reduced_product(reduction, A, y, t_end):
    sol = solve_ivp(
        lambda _t, lam: dual_vector_field(reduction, A, y, lam)[0],
        (0, t_end),
        np.zeros(A.shape[0]),
        method="Radau",
        rtol=DIRECT_RTOL,
        atol=1e-14,
    )
    return reduction.product(A.T @ sol.y[:, -1])[0]


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_positive_reduction_reproduces_the_factor_flow_of_mil_18(depth):
    """x' = -L[Aᵀ(A x^L - y)] ⊙ x^{L-1} (mil (18)) integrated directly, vs x̃ = p(Aᵀλ(t))."""
    A, y = _instance(depth)
    x0 = np.array([0.3, 0.5, 0.2, 0.4, 0.25])

    def factor_flow(_t, x):
        return -depth * (A.T @ (A @ x**depth - y)) * x ** (depth - 1)

    t_end = 3.0
    direct = solve_ivp(factor_flow, (0, t_end), x0, method="Radau", rtol=DIRECT_RTOL, atol=1e-14).y[:, -1]
    reduction = positive_reduction([Fraction(v) for v in x0], depth, rate=depth * depth)
    reduced = _reduced_product(reduction, A, y, t_end)
    assert np.max(np.abs(reduced - direct**depth)) <= AGREEMENT


@pytest.mark.parametrize("depth", [2, 3])
def test_signed_reduction_reproduces_the_flow_of_mil_35(depth):
    A, y = _instance(10 + depth)
    u0 = np.array([0.3, 0.5, 0.2, 0.4, 0.25])
    v0 = np.array([0.2, 0.1, 0.3, 0.35, 0.15])
    n = len(u0)

    def flow(_t, w):
        u, v = w[:n], w[n:]
        g = A.T @ (A @ (u**depth - v**depth) - y)
        return np.concatenate([-depth * g * u ** (depth - 1), depth * g * v ** (depth - 1)])

    t_end = 2.0
    w = solve_ivp(flow, (0, t_end), np.concatenate([u0, v0]), method="Radau", rtol=DIRECT_RTOL, atol=1e-14).y
    direct = w[:n, -1] ** depth - w[n:, -1] ** depth
    reduction = signed_reduction([Fraction(v) for v in u0], [Fraction(v) for v in v0], depth, depth * depth)
    assert np.max(np.abs(_reduced_product(reduction, A, y, t_end) - direct)) <= AGREEMENT


def test_u_times_v_model_is_the_signed_depth_2_model_with_shifted_initialization():
    """u' = -[Aᵀr]⊙v, v' = -[Aᵀr]⊙u (krr Appendix C) against pair_as_signed (k = 1, kL = 2)."""
    A, y = _instance(7)
    u0 = np.array([0.3, 0.5, 0.2, 0.4, 0.25])
    v0 = np.array([0.1, 0.5, 0.6, 0.2, 0.05])
    n = len(u0)

    def flow(_t, w):
        u, v = w[:n], w[n:]
        g = A.T @ (A @ (u * v) - y)
        return np.concatenate([-g * v, -g * u])

    t_end = 2.5
    w = solve_ivp(flow, (0, t_end), np.concatenate([u0, v0]), method="Radau", rtol=DIRECT_RTOL, atol=1e-14).y
    reduction = pair_as_signed([Fraction(v) for v in u0], [Fraction(v) for v in v0], rate=2.0)
    assert np.max(np.abs(_reduced_product(reduction, A, y, t_end) - w[:n, -1] * w[n:, -1])) <= AGREEMENT


def test_reduction_keeps_tiny_initializations_representable():
    """α = 1e-150: α² underflows nothing because the state is log p0 - g."""
    reduction = positive_reduction([Fraction(1, 10**150)] * 3, 2, rate=4.0)
    x, dx = reduction.product(np.array([-300.0, -345.0, 0.0]))
    assert x[2] == pytest.approx(1e-300, rel=1e-12)  # p0 = α² itself, representable at the edge
    assert x[1] == pytest.approx(np.exp(-300 * np.log(10) + 345), rel=1e-12)
    assert np.all(dx <= 0)
