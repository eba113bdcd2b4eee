"""The factor flows of mil, ms and krr: gradients, Jacobians, invariants, closed forms, GD.

Every model's right-hand side is checked against finite differences of its own loss (so each
is the true gradient flow of its paper's loss), every Jacobian against finite differences of
the right-hand side, and the integrator against conserved quantities, mil Appendix A's
reduction and one-row closed forms derived here (A a single row a: the limit solves one
scalar equation, solved in mpmath at an explicit precision).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from mpmath import mp, mpf

from dlncheck.numerics.factor_flows import integrate_factor_flow
from dlncheck.numerics.factor_flows_lsoda_baseline import lsoda_log_time_baseline
from dlncheck.numerics.factor_flows_power import (
    HadamardPowerFlow,
    krr_initial_factors,
    krr_signed_flow,
    mil_positive_flow,
    mil_signed_flow,
    ms_positive_flow,
)
from dlncheck.numerics.factor_flows_product import (
    krr_asymmetric_flow,
    mil_overparameterized_flow,
    mil_overparameterized_signed_flow,
    stack_factors,
)
from dlncheck.numerics.factor_flows_sensing import (
    krr_commuting_sensing_flow,
    krr_theorem4_initial_state,
    sensing_state_from_factors,
)
from dlncheck.numerics.gradient_descent import gradient_descent

# Central differences with h = 1e-6 (relative): truncation ~h^2 = 1e-12 and rounding
# ~eps/h = 1e-10 of the scale; 1e-6 leaves four digits of margin.
FINITE_DIFFERENCE_TOL = 1e-6
FD_STEP = 1e-6
# Limits of the default integrator (BDF, rtol 1e-10) against exact formulas: its global error
# is ~100 rtol, measured up to 1.4e-7 on drawn one-row instances (depth 3, alpha = 1e-8).
LIMIT_AGREEMENT = 1e-6
# Quantities conserved exactly by the flow drift by the integration error (rtol 1e-10 per
# step, global ~100x that): 1e-6 relative to their scale leaves two digits of margin.
CONSERVATION_TOL = 1e-6
# Two flows compared at the same sampled times (each with global error ~1e-8).
TRAJECTORY_AGREEMENT = 1e-6
# Digits for the one-row scalar equations: alpha = 1e-12 at depth 3 cancels 12 digits
# of x0^(2-L) = 1e12 against a lambda, and 16 more are wanted: 60 leaves ample room.
CLOSED_FORM_DPS = 60

# ----------------------------------------------------------------------------------------
# strategies


@st.composite
def gaussian_instances(draw, max_rows: int = 3, max_cols: int = 5):
    """(A, y) with A Gaussian / sqrt(M) and y Gaussian, drawn by seed and size."""
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(2, max_cols))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.standard_normal((rows, cols)) / np.sqrt(rows), rng.standard_normal(rows)


def log_uniform(low_exp: float, high_exp: float):
    """Positive scales drawn on a log scale, 10^e with e uniform in [low_exp, high_exp]."""
    return st.floats(low_exp, high_exp).map(lambda e: 10.0**e)


def positive_vectors(n: int, low_exp: float = -1.0, high_exp: float = 0.3):
    return st.lists(log_uniform(low_exp, high_exp), min_size=n, max_size=n).map(np.array)


def signed_vectors(n: int):
    signs = st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n).map(np.array)
    return st.tuples(signs, positive_vectors(n)).map(lambda sv: sv[0] * sv[1])


MODEL_FAMILIES = {
    "mil positive (15)": (lambda A, y, L: mil_positive_flow(A, y, L), 1, False),
    "mil signed (35)": (lambda A, y, L: mil_signed_flow(A, y, L), 2, False),
    "ms positive": (lambda A, y, L: ms_positive_flow(A, y), 1, False),
    "krr w± (10)": (lambda A, y, L: krr_signed_flow(A, y, L), 2, True),
    "mil L_over (4)": (lambda A, y, L: mil_overparameterized_flow(A, y, L), "L", False),
    "mil L_over± (5)": (lambda A, y, L: mil_overparameterized_signed_flow(A, y, L), "2L", False),
    "krr u⊙v (App. C)": (lambda A, y, L: krr_asymmetric_flow(A, y), 2, True),
    "krr δ/Δ (67)": (lambda A, y, L: krr_commuting_sensing_flow(A, y), "sensing", True),
}


def state_size(blocks, n: int, depth: int) -> int:
    return {"L": depth, "2L": 2 * depth, "sensing": 2}.get(blocks, blocks) * n


ALL_FAMILIES = tuple(sorted(MODEL_FAMILIES))


@st.composite
def model_states(draw, families=ALL_FAMILIES):
    """(model, state) for the given families, depth 2..4, states of either sign where allowed."""
    name = draw(st.sampled_from(families))
    build, blocks, signed_states = MODEL_FAMILIES[name]
    A, y = draw(gaussian_instances())
    depth = 2 if name.startswith(("ms", "krr u")) else draw(st.integers(2, 4))
    model = build(A, y, depth)
    n = state_size(blocks, A.shape[1], depth)
    x = draw(signed_vectors(n) if signed_states else positive_vectors(n))
    if blocks == "sensing":  # Delta >= |delta|
        x[A.shape[1] :] = np.abs(x[A.shape[1] :]) + np.abs(x[: A.shape[1]])
    return name, model, x


def central_difference(f, x: np.ndarray) -> np.ndarray:
    """Columns d f / d x_j by central differences with a relative step."""
    cols = []
    for j in range(x.size):
        h = FD_STEP * max(1.0, abs(x[j]))
        e = np.zeros_like(x)
        e[j] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(cols).T


# ----------------------------------------------------------------------------------------
# right-hand sides and Jacobians


GRADIENT_FLOWS = tuple(sorted(f for f in MODEL_FAMILIES if not f.startswith("krr δ/Δ")))


@settings(max_examples=60)
@given(model_states(GRADIENT_FLOWS))
def test_every_rhs_is_minus_the_gradient_of_its_papers_loss(case):
    """(krr (67) is not a gradient flow in (delta, Delta): see test_sensing_flow_is_the_factor_flow.)"""
    name, model, x = case
    gradient = central_difference(lambda z: np.array([model.loss(z)]), x)[0]
    scale = max(1.0, np.max(np.abs(gradient)))
    assert np.max(np.abs(model.rhs(x) + gradient)) <= FINITE_DIFFERENCE_TOL * scale, name


@settings(max_examples=60)
@given(model_states())
def test_every_analytic_jacobian_matches_finite_differences(case):
    name, model, x = case
    numeric = central_difference(model.rhs, x)
    scale = max(1.0, np.max(np.abs(numeric)))
    assert np.max(np.abs(model.jacobian(x) - numeric)) <= FINITE_DIFFERENCE_TOL * scale, name


@settings(max_examples=20)
@given(gaussian_instances(), st.integers(2, 4), st.data())
def test_mil_18_is_the_gradient_flow_of_mil_6(instance, depth, data):
    A, y = instance
    x = data.draw(positive_vectors(A.shape[1]))
    printed = -depth * (A.T @ (A @ x**depth - y)) * x ** (depth - 1)  # mil (18)
    assert np.allclose(mil_positive_flow(A, y, depth).rhs(x), printed, rtol=1e-12, atol=1e-14)


def test_mil_lemma_a2_identical_factors_move_at_one_Lth_of_the_reduced_speed():
    """Witness for mil Lemma A.2: printed x' = -grad L(x); derived x' = -(1/L) grad L(x)."""
    A, y, depth = np.array([[1.0, 2.0]]), np.array([1.0]), 3
    x = np.array([0.5, 0.25])
    over = mil_overparameterized_flow(A, y, depth).rhs(np.tile(x, depth)).reshape(depth, -1)
    reduced = mil_positive_flow(A, y, depth).rhs(x)
    # r = 0.125 + 0.03125 - 1 = -0.84375; factor velocity [A^T r] ⊙ x^2 = (0.2109375, 0.10546875)
    assert np.allclose(over, np.tile([0.2109375, 0.10546875], (depth, 1)), rtol=1e-15)
    assert np.allclose(reduced, depth * over[0], rtol=1e-15)


def test_krr_printed_w_flows_15_and_50_are_half_the_gradient_of_krr_loss():
    """Witness: krr (50) prints w_+' = -D X^T r ⊙ w_+^{D-1}; -dL/dw_+ is twice that."""
    X, y = np.array([[1.0, -1.0]]), np.array([1.0])
    w = np.array([0.5, 0.25, 0.5, 0.25])  # (w_+, w_-)
    for depth in (2, 3):
        model = krr_signed_flow(X, y, depth)
        wp, wm = w[:2], w[2:]
        r = X @ (wp**depth - wm**depth) - y
        printed = np.concatenate(
            [-depth * (X.T @ r) * wp ** (depth - 1), depth * (X.T @ r) * wm ** (depth - 1)]
        )  # krr (50), (52); for D = 2 krr (15) reads -2 X~^T r ⊙ w, the same
        assert np.allclose(model.rhs(w), 2 * printed, rtol=1e-15)


def test_krr_appendix_c_printed_12_squares_the_residual():
    """Witness: krr (11)-(12) give d|u|/dt = -2 sum_n r_n^2 sign(u) v x^(n) with d|u|/dt =
    -sign(u) u'; derived d|u|/dt = +sign(u) u' = -2 sum_n r_n sign(u) v x^(n)."""
    X, y = np.array([[1.0, 1.0]]), np.array([1.0])
    u, v = np.array([1.0, 0.5]), np.array([1.0, 0.5])
    r = X @ (u * v) - y  # 0.25
    derived = np.sign(u) * krr_asymmetric_flow(X, y).rhs(np.concatenate([u, v]))[:2]
    printed = -2 * (r**2) * np.sign(u) * v * X[0]
    assert np.allclose(derived, -2 * r * np.sign(u) * v * X[0], rtol=1e-15)
    assert not np.allclose(derived, printed)  # (-0.5, -0.25) versus (-0.125, -0.0625)


def test_sensing_flow_is_the_factor_flow_of_U_V():
    """krr (67) against the U, V flow of width k (columns of U, V are u ⊙ v factor pairs)."""
    rng = np.random.default_rng(7)
    X, y, width = rng.standard_normal((2, 3)), rng.standard_normal(2), 4
    U, V = rng.standard_normal((3, width)), rng.standard_normal((3, width))
    factor_model = krr_asymmetric_flow(np.repeat(X, width, axis=1), y)
    velocity = factor_model.rhs(np.concatenate([U.ravel(), V.ravel()]))
    dU, dV = velocity[: U.size].reshape(U.shape), velocity[U.size :].reshape(V.shape)
    d = 3
    expected = np.concatenate([np.sum(dU * V + U * dV, axis=1), np.sum(U * dU + V * dV, axis=1)])
    state = sensing_state_from_factors(U, V)
    assert np.allclose(krr_commuting_sensing_flow(X, y).rhs(state), expected, rtol=1e-12)
    assert state[:d].shape == (d,)


# ----------------------------------------------------------------------------------------
# one-row closed forms (derived: with g = a r(t) and R = ∫ r, each entry is a function of one
# scalar lambda proportional to R; the limit solves sum_i a_i p_i(lambda) = y)


def _solve_monotone(f, low, high):
    """Root of an increasing f on (low, high) by bisection at the current mp precision."""
    for _ in range(4 * mp.prec):
        mid = (low + high) / 2
        if f(mid) > 0:
            high = mid
        else:
            low = mid
        if high - low <= abs(mid) * mpf(2) ** (-mp.prec + 4):
            break
    return (low + high) / 2


def _bracket(f, low, high):
    """Move open endpoints (±inf or a pole) inward until f changes sign."""
    lo = -mpf(1) if low is None else low
    hi = mpf(1) if high is None else high
    step = mpf(1)
    while f(lo) > 0:
        lo = lo - step if low is None else low + (lo - low) / 2 if lo != low else low + mpf(10) ** -30
        step *= 2
    step = mpf(1)
    while f(hi) < 0:
        hi = hi + step if high is None else high - (high - hi) / 2
        step *= 2
    return lo, hi


def one_row_power_limit(a, y, depth, u0, v0=None):
    """Limit of the power flow (positive, or signed with v0) for the single row a, any c.

    L = 2:  u~ = u0^2 e^{a lambda},  v~ = v0^2 e^{-a lambda};
    L > 2:  u^{2-L} = u0^{2-L} - a lambda,  v^{2-L} = v0^{2-L} + a lambda  (so the
            entries are (.)^{-L/(L-2)}); lambda solves sum_i a_i (u~_i - v~_i) = y.
    """
    with mp.workdps(CLOSED_FORM_DPS):
        a = [mpf(float(v)) for v in a]
        u0 = [mpf(float(v)) for v in u0]
        v0 = None if v0 is None else [mpf(float(v)) for v in v0]
        L = depth

        def entries(lam):
            if L == 2:
                up = [u * u * mp.exp(ai * lam) for u, ai in zip(u0, a, strict=True)]
                vm = [] if v0 is None else [v * v * mp.exp(-ai * lam) for v, ai in zip(v0, a, strict=True)]
            else:
                e = mpf(L) / (L - 2)
                up = [(u ** (2 - L) - ai * lam) ** (-e) for u, ai in zip(u0, a, strict=True)]
                vm = (
                    []
                    if v0 is None
                    else [(v ** (2 - L) + ai * lam) ** (-e) for v, ai in zip(v0, a, strict=True)]
                )
            return [p - (vm[i] if vm else 0) for i, p in enumerate(up)]

        low = high = None
        if L > 2:  # keep every bracket positive
            bounds_hi = [u ** (2 - L) / ai for u, ai in zip(u0, a, strict=True) if ai > 0]
            bounds_lo = [u ** (2 - L) / ai for u, ai in zip(u0, a, strict=True) if ai < 0]
            if v0 is not None:
                bounds_hi += [-(v ** (2 - L)) / ai for v, ai in zip(v0, a, strict=True) if ai < 0]
                bounds_lo += [-(v ** (2 - L)) / ai for v, ai in zip(v0, a, strict=True) if ai > 0]
            high = min(bounds_hi) if bounds_hi else None
            low = max(bounds_lo) if bounds_lo else None

        def f(lam):
            if (high is not None and lam >= high) or (low is not None and lam <= low):
                return mp.inf if high is not None and lam >= high else -mp.inf
            return mp.fsum(ai * p for ai, p in zip(a, entries(lam), strict=True)) - mpf(float(y))

        lam = _solve_monotone(f, *_bracket(f, low, high))
        return np.array([float(p) for p in entries(lam)])


def one_row_pair_limit(a, y, plus0, minus0, scale):
    """Limit of sum-difference pairs: p = scale (P0 e^{a lambda} - Q0 e^{-a lambda}).

    Distinct depth-2 factors (x1, x2): P = (x1 + x2)^2, Q = (x1 - x2)^2, scale 1/4.
    krr (67): P = Delta + delta, Q = Delta - delta, scale 1/2.
    """
    with mp.workdps(CLOSED_FORM_DPS):
        a = [mpf(float(v)) for v in a]
        P0 = [mpf(float(v)) for v in plus0]
        Q0 = [mpf(float(v)) for v in minus0]
        s = mpf(scale)

        def entries(lam):
            return [
                s * (p * mp.exp(ai * lam) - q * mp.exp(-ai * lam)) for p, q, ai in zip(P0, Q0, a, strict=True)
            ]

        def f(lam):
            return mp.fsum(ai * p for ai, p in zip(a, entries(lam), strict=True)) - mpf(float(y))

        lam = _solve_monotone(f, *_bracket(f, None, None))
        return np.array([float(p) for p in entries(lam)])


ONE_ROW = np.array([[0.8, -0.3, 0.5, 1.2, -0.7]])
ONE_ROW_Y = np.array([0.9])


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("depth, alpha", [(2, 1e-2), (2, 1e-12), (3, 1e-3), (3, 1e-12), (4, 1e-4)])
def test_one_row_positive_flow_reaches_the_closed_form_limit(depth, alpha):
    result = integrate_factor_flow(mil_positive_flow(ONE_ROW, ONE_ROW_Y, depth), np.full(5, alpha))
    exact = one_row_power_limit(ONE_ROW[0], ONE_ROW_Y[0], depth, np.full(5, alpha))
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


@pytest.mark.parametrize("depth", [2, 3])
def test_one_row_signed_flow_u_minus_v_reaches_the_closed_form_limit(depth):
    u0, v0 = np.array([0.1, 0.2, 0.05, 0.1, 0.3]), np.array([0.2, 0.1, 0.1, 0.02, 0.1])
    result = integrate_factor_flow(mil_signed_flow(ONE_ROW, ONE_ROW_Y, depth), np.concatenate([u0, v0]))
    exact = one_row_power_limit(ONE_ROW[0], ONE_ROW_Y[0], depth, u0, v0)
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


def test_one_row_distinct_depth2_factors_reach_the_closed_form_limit():
    x1, x2 = np.array([0.3, 0.1, 0.2, 0.05, 0.4]), np.array([0.1, 0.3, 0.2, 0.5, 0.01])
    result = integrate_factor_flow(mil_overparameterized_flow(ONE_ROW, ONE_ROW_Y, 2), stack_factors(x1, x2))
    exact = one_row_pair_limit(ONE_ROW[0], ONE_ROW_Y[0], (x1 + x2) ** 2, (x1 - x2) ** 2, 0.25)
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


def test_one_row_sensing_flow_reaches_the_closed_form_limit_of_67():
    state = krr_theorem4_initial_state(0.05, 5)
    result = integrate_factor_flow(krr_commuting_sensing_flow(ONE_ROW, ONE_ROW_Y), state)
    delta0, big0 = state[:5], state[5:]
    exact = one_row_pair_limit(ONE_ROW[0], ONE_ROW_Y[0], big0 + delta0, big0 - delta0, 0.5)
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


def test_krr_theorem1_shape_w0_enters_as_alpha2_w0_squared():
    """krr Theorem 1 (general w0): beta = 2 alpha^2 w0^2 sinh(a lambda), a one-row closed form."""
    w0, alpha = np.array([1.0, -2.0, 0.5, 1.5, 0.8]), 0.1
    result = integrate_factor_flow(krr_signed_flow(ONE_ROW, ONE_ROW_Y, 2), krr_initial_factors(alpha, w0))
    weight = (alpha * w0) ** 2
    exact = one_row_pair_limit(ONE_ROW[0], ONE_ROW_Y[0], weight, weight, 1.0)  # p (e^z - e^-z)
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


def _well_separated(a: np.ndarray) -> bool:
    """Same-sign entries differ by NEAR_TIE or more (relative): near ties make the limit's split
    between them ill-conditioned (exact ties are fine: those entries move identically)."""
    for side in (a[a > 0], -a[a < 0]):
        ratios = np.diff(np.sort(side)) / np.sort(side)[:-1]
        if np.any((ratios > 0) & (ratios < NEAR_TIE)):
            return False
    return True


# Depth 3, alpha = 1e-8, y = 0.5: a = (1, -1, -1, 1 + 1e-13) splits the limit
# 0.2499976 : 0.2500024 (sensitivity ~2e7 to the gap; a drawn near tie failed at 1.02e-6),
# a = (1, -1, -1, 1.01) gives (1e-18, ..., 0.495): gaps of 1% or more are well conditioned.
NEAR_TIE = 1e-2


@st.composite
def mixed_sign_rows(draw, max_cols: int = 6):
    """A single row a with entries of both signs (so {x >= 0: <a, x> = y} is never empty)."""
    n = draw(st.integers(2, max_cols))
    magnitudes = draw(positive_vectors(n, -0.5, 0.3))
    signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
    signs[0], signs[1] = 1.0, -1.0
    row = signs * magnitudes
    assume(_well_separated(row))
    return row


def _check_one_row_positive(a, y, depth, alpha):
    result = integrate_factor_flow(
        mil_positive_flow(a[None, :], np.array([y]), depth), np.full(a.size, alpha)
    )
    exact = one_row_power_limit(a, y, depth, np.full(a.size, alpha))
    assert result.converged, result.message
    assert _relative_error(result.limit, exact) <= LIMIT_AGREEMENT


@settings(max_examples=8)
@given(mixed_sign_rows(), st.floats(0.2, 2.0), st.integers(2, 3), log_uniform(-8, -1))
@example(a=np.array([1.0, -1.0, -1.0, 1.0]), y=1.0, depth=3, alpha=1e-8)  # BDF's largest error seen
def test_one_row_positive_limits_over_drawn_rows_depths_and_log_alphas(a, y, depth, alpha):
    _check_one_row_positive(a, y, depth, alpha)


@pytest.mark.slow
@settings(max_examples=100)
@given(mixed_sign_rows(8), st.floats(0.05, 5.0), st.integers(2, 5), log_uniform(-12, 0))
def test_one_row_positive_limits_full_budget(a, y, depth, alpha):
    _check_one_row_positive(a, y, depth, alpha)


@pytest.mark.slow
@pytest.mark.parametrize("depth, alpha", [(2, 1e-6), (2, 1e-12), (3, 1e-6), (3, 1e-12), (4, 1e-6)])
def test_default_integrator_matches_tight_lsoda_on_a_sparse_instance(depth, alpha):
    """M = 10, N = 30, 3-sparse nonnegative x*: BDF at its defaults against LSODA at rtol 1e-11."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((10, 30)) / np.sqrt(10)
    x_star = np.zeros(30)
    x_star[:3] = np.abs(rng.standard_normal(3))
    model = mil_positive_flow(A, A @ x_star, depth)
    reference = integrate_factor_flow(model, np.full(30, alpha), method="LSODA", rtol=1e-11, atol=1e-13)
    result = integrate_factor_flow(model, np.full(30, alpha))
    assert reference.converged and result.converged, (reference.message, result.message)
    assert _relative_error(result.limit, reference.limit) <= LIMIT_AGREEMENT


# ----------------------------------------------------------------------------------------
# invariants and mil Appendix A


SMALL_A = np.array([[0.9, -0.4, 0.3, 0.7], [0.2, 0.8, -0.6, 0.1]])
SMALL_Y = np.array([0.5, -0.3])


@pytest.mark.parametrize("depth", [2, 3])
def test_identical_factors_stay_identical_and_follow_the_reduced_flow_at_t_over_L(depth):
    x0 = np.array([0.3, 0.1, 0.2, 0.05])
    times = np.array([0.5, 2.0, 8.0, 30.0])
    over = integrate_factor_flow(
        mil_overparameterized_flow(SMALL_A, SMALL_Y, depth),
        np.tile(x0, depth),
        sample_times=times,
        stop_when_converged=False,
        t_max=times[-1],
    )
    reduced = integrate_factor_flow(
        mil_positive_flow(SMALL_A, SMALL_Y, depth),
        x0,
        sample_times=times / depth,  # mil Lemma A.2 corrected: t_reduced = t / L
        stop_when_converged=False,
        t_max=times[-1] / depth,
    )
    factors = over.trajectory.states.reshape(len(times), depth, -1)
    assert np.max(np.abs(factors - factors[:, :1])) <= TRAJECTORY_AGREEMENT
    assert np.max(np.abs(factors[:, 0] - reduced.trajectory.states)) <= TRAJECTORY_AGREEMENT
    same_time = integrate_factor_flow(
        mil_positive_flow(SMALL_A, SMALL_Y, depth),
        x0,
        sample_times=times,
        stop_when_converged=False,
        t_max=times[-1],
    )
    assert np.max(np.abs(factors[:, 0] - same_time.trajectory.states)) > 1e-2  # Lemma A.2 as printed


@pytest.mark.parametrize("depth", [2, 3])
def test_distinct_factors_conserve_squared_gaps_entrywise_through_a_sign_change(depth):
    factors = np.array([[0.3, 0.1, 0.2, 0.05], [0.1, 0.3, 0.25, 0.5], [0.2, 0.2, 0.1, 0.3]])[:depth]
    result = integrate_factor_flow(mil_overparameterized_flow(SMALL_A, SMALL_Y, depth), factors.ravel())
    X = result.trajectory.states.reshape(len(result.trajectory.t), depth, -1)
    assert result.converged, result.message
    gaps = X[:, :, None, :] ** 2 - X[:, None, :, :] ** 2
    scale = np.max(X**2)
    assert np.max(np.abs(gaps - gaps[:1])) <= CONSERVATION_TOL * scale
    # the smallest factor crossed zero: products of distinct positive factors need not stay positive
    assert np.min(result.trajectory.product) < 0 < np.min(result.trajectory.product[0])


def test_signed_distinct_factors_conserve_gaps_within_u_and_within_v():
    u = np.array([[0.3, 0.1, 0.2, 0.05], [0.1, 0.3, 0.25, 0.5]])
    v = np.array([[0.2, 0.2, 0.1, 0.3], [0.05, 0.4, 0.1, 0.3]])
    result = integrate_factor_flow(
        mil_overparameterized_signed_flow(SMALL_A, SMALL_Y, 2), np.concatenate([u.ravel(), v.ravel()])
    )
    S = result.trajectory.states.reshape(len(result.trajectory.t), 4, -1)
    assert result.converged, result.message
    for k, l in ((0, 1), (2, 3)):
        gap = S[:, k] ** 2 - S[:, l] ** 2
        assert np.max(np.abs(gap - gap[0])) <= CONSERVATION_TOL * np.max(S**2)


def test_krr_u_v_conserves_u2_minus_v2_and_equal_magnitudes_stay_equal():
    u0, v0 = np.array([0.3, -0.1, 0.2, 0.05]), np.array([0.1, 0.3, -0.2, 0.05])
    result = integrate_factor_flow(krr_asymmetric_flow(SMALL_A, SMALL_Y), np.concatenate([u0, v0]))
    U, V = np.split(result.trajectory.states, 2, axis=1)
    assert result.converged, result.message
    gap = U**2 - V**2
    assert np.max(np.abs(gap - gap[0])) <= CONSERVATION_TOL * np.max(U**2 + V**2)
    # krr App. C: |u_i(0)| = |v_i(0)| (entries 2 and 3) stays so, and the signs do not flip
    assert np.max(np.abs(np.abs(U[:, 2:]) - np.abs(V[:, 2:]))) <= CONSERVATION_TOL
    assert np.all(np.sign(U[:, 2:]) == np.sign(u0[2:])) and np.all(np.sign(V[:, 2:]) == np.sign(v0[2:]))


@pytest.mark.parametrize("depth", [2, 3])
def test_signed_power_flow_conserves_its_pair_invariant(depth):
    """Derived from (35): L = 2, u ⊙ v is constant; L > 2, u^{2-L} + v^{2-L} is constant."""
    u0, v0 = np.array([0.3, 0.1, 0.2, 0.05]), np.array([0.1, 0.2, 0.2, 0.3])
    result = integrate_factor_flow(mil_signed_flow(SMALL_A, SMALL_Y, depth), np.concatenate([u0, v0]))
    U, V = np.split(result.trajectory.states, 2, axis=1)
    invariant = U * V if depth == 2 else U ** (2.0 - depth) + V ** (2.0 - depth)
    assert result.converged, result.message
    assert np.max(np.abs(invariant / invariant[0] - 1)) <= CONSERVATION_TOL
    assert np.allclose(result.trajectory.product, U**depth - V**depth)


# ----------------------------------------------------------------------------------------
# integrator behaviour


def test_a_flow_that_does_not_converge_in_time_says_so():
    result = integrate_factor_flow(mil_positive_flow(ONE_ROW, ONE_ROW_Y, 2), np.full(5, 1e-6), t_max=5.0)
    assert not result.converged
    assert "t_max" in result.message and result.t_reached == pytest.approx(5.0)
    assert result.residual > 1e-3


def test_lsoda_baseline_agrees_with_the_default_integrator():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((4, 12)) / 2.0
    x_star = np.zeros(12)
    x_star[[1, 5]] = [1.0, 0.5]
    y = A @ x_star
    reference = integrate_factor_flow(mil_positive_flow(A, y, 2), np.full(12, 1e-6))
    baseline = lsoda_log_time_baseline(A, y, 2, np.full(12, 1e-6))
    assert reference.converged and baseline.converged, (reference.message, baseline.message)
    assert _relative_error(baseline.limit, reference.limit) <= LIMIT_AGREEMENT


def test_restarted_clock_reaches_the_depth3_escape_at_alpha_1e_minus_12():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 10)) / 2.0
    x_star = np.zeros(10)
    x_star[[0, 3]] = [0.8, 0.4]
    result = integrate_factor_flow(mil_positive_flow(A, A @ x_star, 3), np.full(10, 1e-12))
    assert result.converged, result.message
    assert result.info["restarts"] >= 1
    assert result.t_reached > 1e11  # the escape time ~ alpha^-(L-2)


# ----------------------------------------------------------------------------------------
# gradient descent


GD_CASES = {
    "mil positive": (lambda: mil_positive_flow(SMALL_A, SMALL_Y, 2), np.array([0.3, 0.1, 0.2, 0.05])),
    "mil signed L=3": (lambda: mil_signed_flow(SMALL_A, SMALL_Y, 3), np.full(8, 0.3)),
    "mil L_over": (
        lambda: mil_overparameterized_flow(SMALL_A, SMALL_Y, 2),
        np.array([0.3, 0.1, 0.2, 0.05, 0.1, 0.3, 0.25, 0.5]),
    ),
    "krr u⊙v": (
        lambda: krr_asymmetric_flow(SMALL_A, SMALL_Y),
        np.array([0.3, -0.1, 0.2, 0.05, 0.1, 0.3, -0.2, 0.4]),
    ),
    "krr δ/Δ": (lambda: krr_commuting_sensing_flow(SMALL_A, SMALL_Y), krr_theorem4_initial_state(0.3, 4)),
    "ms": (lambda: ms_positive_flow(SMALL_A, SMALL_Y), np.full(4, 0.3)),
}


@pytest.mark.parametrize("name", sorted(GD_CASES))
def test_gradient_descent_with_a_small_step_tracks_the_flow_to_first_order(name):
    build, x0 = GD_CASES[name]
    model, horizon = build(), 2.0
    flow = integrate_factor_flow(model, x0, sample_times=[horizon], stop_when_converged=False, t_max=horizon)
    errors = []
    for step in (2e-3, 1e-3):
        gd = gradient_descent(model, x0, step=step, max_iterations=round(horizon / step))
        assert gd.t_reached == pytest.approx(horizon) and not gd.converged
        errors.append(np.max(np.abs(gd.info["state"] - flow.trajectory.states[-1])))
    assert errors[1] <= 2e-2 * max(1.0, np.max(np.abs(x0)))  # O(step) close
    assert 1.6 <= errors[0] / errors[1] <= 2.4  # and first order: halving the step halves it


def test_gradient_descent_converges_and_reports_its_cap():
    model = mil_positive_flow(ONE_ROW, ONE_ROW_Y, 2)
    done = gradient_descent(model, np.full(5, 0.3), step=1e-2, max_iterations=200_000)
    capped = gradient_descent(model, np.full(5, 0.3), step=1e-2, max_iterations=50)
    assert done.converged and done.residual <= 1e-10, done.message
    assert not capped.converged and "max_iterations" in capped.message and capped.steps == 50
    flow = integrate_factor_flow(model, np.full(5, 0.3))
    assert _relative_error(done.limit, flow.limit) <= 5e-2  # GD's O(step) shift of the limit


def test_sensing_gradient_step_is_gradient_descent_on_U_V_and_on_mils_signed_factors():
    """GD on U, V closes in (delta, Delta); with mu = a it is GD on mil's (u, v) at L = 2."""
    rng = np.random.default_rng(11)
    U, V, step = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), 0.05
    factor_model = krr_asymmetric_flow(np.repeat(SMALL_A, 3, axis=1), SMALL_Y)
    moved = np.concatenate([U.ravel(), V.ravel()]) + step * factor_model.rhs(
        np.concatenate([U.ravel(), V.ravel()])
    )
    U1, V1 = moved[: U.size].reshape(U.shape), moved[U.size :].reshape(V.shape)
    sensing = krr_commuting_sensing_flow(SMALL_A, SMALL_Y)
    assert np.allclose(
        sensing.gradient_step(sensing_state_from_factors(U, V), step), sensing_state_from_factors(U1, V1)
    )
    u, v = np.array([0.3, 0.1, 0.2, 0.4]), np.array([0.2, 0.3, 0.1, 0.1])
    mil = mil_signed_flow(SMALL_A, SMALL_Y, 2)
    w = np.concatenate([u, v]) + step * mil.rhs(np.concatenate([u, v]))
    assert np.allclose(
        sensing.gradient_step(np.concatenate([u**2 - v**2, u**2 + v**2]), step),
        np.concatenate([w[:4] ** 2 - w[4:] ** 2, w[:4] ** 2 + w[4:] ** 2]),
    )


def test_power_flow_rejects_zero_factors_at_the_edge():
    with pytest.raises(ValueError, match="nonzero"):
        integrate_factor_flow(mil_positive_flow(ONE_ROW, ONE_ROW_Y, 2), np.array([0.1, 0.0, 0.1, 0.1, 0.1]))
    with pytest.raises(ValueError, match="depth"):
        HadamardPowerFlow(ONE_ROW, ONE_ROW_Y, 1, 0.5, False)
