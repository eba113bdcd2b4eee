"""The papers' conventions: each conversion makes two flows coincide (integrated, compared).

Every test integrates the same instance in two papers' conventions and compares the factors
at sampled times after converting time and alpha with the functions of numerics.conventions.
"""

from __future__ import annotations

import numpy as np
import pytest
from mpmath import mp, mpf

from dlncheck.numerics import conventions as cv
from dlncheck.numerics.factor_flows import integrate_factor_flow
from dlncheck.numerics.factor_flows_power import (
    HadamardPowerFlow,
    krr_initial_factors,
    krr_signed_flow,
    mil_positive_flow,
    mil_signed_flow,
    ms_positive_flow,
)
from dlncheck.numerics.factor_flows_product import mil_overparameterized_flow
from dlncheck.numerics.factor_flows_sensing import (
    krr_commuting_sensing_flow,
    krr_theorem4_initial_state,
    sensing_state_from_factors,
)
from dlncheck.numerics.weight_normalization import time_under_eq9

# Two integrations (BDF at rtol 1e-10: global error ~1e-8) compared at the same converted
# times: 1e-6 absolute on O(1) factors leaves two digits of margin.
TRAJECTORY_AGREEMENT = 1e-6
# Flow limits against an exact projection (default integrator: ~1e-8, up to 1.4e-7 measured).
LIMIT_AGREEMENT = 1e-6
# The same limits differ by O(1) when alpha is taken in the wrong convention.
WRONG_CONVENTION_GAP = 1e-2
# Width k = 20000 draws: sigma sqrt(k) and Delta(0) agree to O(1/sqrt(k)) ~ 1e-2 (3 sigma).
WIDTH_SAMPLING_TOL = 5e-2
CLOSED_FORM_DPS = 40  # the one-row entropy projection: 16 digits wanted, no cancellation

A = np.array([[0.9, -0.4, 0.3, 0.7, 0.2], [0.2, 0.8, -0.6, 0.1, 0.5]])
Y = np.array([0.5, -0.3])
TIMES = np.array([0.25, 1.0, 4.0, 16.0])


def sampled(model, x0, times):
    """Factors at the given times (rows), the run going on to the last one."""
    result = integrate_factor_flow(model, x0, sample_times=times, stop_when_converged=False, t_max=max(times))
    assert result.trajectory.states.shape[0] == len(times), result.message
    return result.trajectory.states


def test_loss_weights_are_each_papers_normalization():
    x = np.array([0.3, 0.1, 0.2, 0.05, 0.4])
    r = A @ x**2 - Y
    assert mil_positive_flow(A, Y, 2).loss(x) == pytest.approx(0.5 * r @ r)  # mil (6)
    assert ms_positive_flow(A, Y).loss(x) == pytest.approx(r @ r)  # ms Sec. I
    w = np.concatenate([x, x[::-1]])
    f = A @ (w[:5] ** 3 - w[5:] ** 3)
    assert krr_signed_flow(A, Y, 3).loss(w) == pytest.approx(np.sum((f - Y) ** 2))  # krr Sec. 2, (10)
    r3 = A @ x**3 - Y
    assert HadamardPowerFlow(A, Y, 3, cv.wn_loss_weight(3), False).loss(x) == pytest.approx(
        r3 @ r3 / 6
    )  # wn (9)


def test_ms_flow_at_t_is_mils_depth2_flow_at_2t():
    u0 = np.array([0.3, 0.1, 0.2, 0.05, 0.4])
    ms = sampled(ms_positive_flow(A, Y), u0, TIMES)
    mil = sampled(mil_positive_flow(A, Y, 2), u0, [cv.mil_time_from_ms_time(t) for t in TIMES])
    assert np.max(np.abs(ms - mil)) <= TRAJECTORY_AGREEMENT


@pytest.mark.parametrize("depth", [2, 3])
def test_krr_flow_at_t_is_mils_signed_flow_at_2t_with_the_same_factor_scale(depth):
    w0, alpha = np.array([1.0, -2.0, 0.5, 1.5, 0.8]), 0.3
    krr = sampled(
        krr_signed_flow(A, Y, depth), krr_initial_factors(cv.krr_alpha_from_factor_scale(alpha), w0), TIMES
    )
    u0 = alpha * w0  # mil's factors at the same scale
    mil = sampled(
        mil_signed_flow(A, Y, depth), np.concatenate([u0, u0]), [cv.mil_time_from_krr_time(t) for t in TIMES]
    )
    assert np.max(np.abs(krr - mil)) <= TRAJECTORY_AGREEMENT


def test_krr_printed_flows_run_at_half_the_speed_of_krrs_gradient_flow():
    w = krr_initial_factors(0.3, np.ones(5))
    printed = HadamardPowerFlow(A, Y, 3, cv.KRR_LOSS_WEIGHT / 2, signed=True)  # krr (50), (52)
    true_times = [cv.krr_time_from_printed_krr_time(t) for t in TIMES]
    assert np.max(np.abs(sampled(printed, w, TIMES) - sampled(krr_signed_flow(A, Y, 3), w, true_times))) <= (
        TRAJECTORY_AGREEMENT
    )


@pytest.mark.parametrize("depth", [2, 3])
def test_identical_factors_of_mil_4_at_t_are_the_reduced_flow_at_t_over_L(depth):
    x0 = np.array([0.3, 0.1, 0.2, 0.05, 0.4])
    over = sampled(mil_overparameterized_flow(A, Y, depth), np.tile(x0, depth), TIMES)
    times = [cv.mil_reduced_time_from_overparameterized_time(t, depth) for t in TIMES]
    reduced = sampled(mil_positive_flow(A, Y, depth), x0, times)
    assert np.max(np.abs(over[:, : x0.size] - reduced)) <= TRAJECTORY_AGREEMENT


def test_wn_normalization_gives_mils_identical_factor_flow_at_the_same_time():
    x0, depth = np.array([0.3, 0.1, 0.2, 0.05, 0.4]), 3
    wn = sampled(HadamardPowerFlow(A, Y, depth, cv.wn_loss_weight(depth), False), x0, TIMES)
    over = sampled(mil_overparameterized_flow(A, Y, depth), np.tile(x0, depth), TIMES)
    assert np.max(np.abs(wn - over[:, : x0.size])) <= TRAJECTORY_AGREEMENT


def test_krr_theorem4_sensing_flow_is_mils_signed_flow_at_t_and_krrs_at_t_over_2():
    a = 0.3
    mu = cv.krr_theorem4_mu_from_factor_scale(a)
    sensing = sampled(krr_commuting_sensing_flow(A, Y), krr_theorem4_initial_state(mu, 5), TIMES)
    mil = sampled(
        mil_signed_flow(A, Y, 2), np.full(10, a), [cv.mil_signed_time_from_sensing_time(t) for t in TIMES]
    )
    krr = sampled(krr_signed_flow(A, Y, 2), np.full(10, a), [cv.krr_time_from_sensing_time(t) for t in TIMES])
    for other in (mil, krr):
        u, v = other[:, :5], other[:, 5:]
        assert np.max(np.abs(sensing - np.hstack([u**2 - v**2, u**2 + v**2]))) <= TRAJECTORY_AGREEMENT


def test_krr_theorem4_mu_from_width_matches_delta0_of_gaussian_factors():
    d, width, alpha = 3, 20_000, 0.01
    rng = np.random.default_rng(5)
    U, V = alpha * rng.standard_normal((d, width)), alpha * rng.standard_normal((d, width))
    sigma = np.linalg.norm(U @ V.T) / d  # krr Sec. 6
    mu = cv.krr_theorem4_mu_from_width(sigma, width)
    big0 = sensing_state_from_factors(U, V)[d:]  # Delta(0) should be 2 mu^2 (krr (67))
    assert np.max(np.abs(big0 / (2 * mu**2) - 1)) <= WIDTH_SAMPLING_TOL


def _one_row_entropy_projection(a: np.ndarray, y: float, x0: np.ndarray) -> np.ndarray:
    """argmin B_E(x, x0) over {x >= 0: <a, x> = y}: x = x0 e^{a lambda}, sum a x0 e^{a lambda} = y."""
    with mp.workdps(CLOSED_FORM_DPS):
        a_mp, x_mp = [mpf(float(v)) for v in a], [mpf(float(v)) for v in x0]

        def f(lam):
            return mp.fsum(ai * xi * mp.exp(ai * lam) for ai, xi in zip(a_mp, x_mp, strict=True)) - mpf(
                float(y)
            )

        lo, hi = mpf(-1), mpf(1)
        while f(lo) > 0:
            lo *= 2
        while f(hi) < 0:
            hi *= 2
        for _ in range(4 * mp.prec):  # bisection: f is increasing, anderson stalls on e^{a lambda}
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if f(mid) > 0 else (mid, hi)
        lam = (lo + hi) / 2
        return np.array([float(xi * mp.exp(ai * lam)) for ai, xi in zip(a_mp, x_mp, strict=True)])


def test_ms_theorem_alpha_is_the_product_scale_not_the_factor_scale():
    """ms Theorem II.2's x^infinity(alpha) = argmin B_E(x, alpha 𝟙) is the flow from u0 = sqrt(alpha) 𝟙.

    Witness for ms Sec. I: from u_0(alpha) = alpha 𝟙 the flow ends at the projection of
    alpha^2 𝟙, not of alpha 𝟙 as printed there.
    """
    a, y, alpha = np.array([0.8, -0.3, 0.5, 1.2, -0.7]), 0.9, 1e-3
    target = _one_row_entropy_projection(a, y, np.full(5, alpha))
    u0 = np.full(5, cv.factor_scale_from_ms_theorem_alpha(alpha))
    converted = integrate_factor_flow(ms_positive_flow(a[None, :], np.array([y])), u0)
    assert converted.converged, converted.message
    assert np.linalg.norm(converted.limit - target) <= LIMIT_AGREEMENT * np.linalg.norm(target)
    as_printed = integrate_factor_flow(ms_positive_flow(a[None, :], np.array([y])), np.full(5, alpha))
    assert np.linalg.norm(as_printed.limit - target) >= WRONG_CONVENTION_GAP * np.linalg.norm(target)
    assert cv.ms_theorem_alpha_from_factor_scale(
        cv.factor_scale_from_ms_theorem_alpha(alpha)
    ) == pytest.approx(alpha)


def test_mil_and_krr_alpha_are_factor_scales_and_their_limits_coincide():
    """mil Thm 1.1 (u0 = v0 = alpha 𝟏) and krr Thm 1 (w(0) = alpha 𝟏) at one factor scale:
    the same limit (time rescaling does not move it); mil Fig. 4's axis is alpha^L."""
    a = 0.05
    mil = integrate_factor_flow(mil_signed_flow(A, Y, 2), np.full(10, cv.mil_alpha_from_factor_scale(a)))
    krr = integrate_factor_flow(
        krr_signed_flow(A, Y, 2), krr_initial_factors(cv.krr_alpha_from_factor_scale(a), np.ones(5))
    )
    assert mil.converged and krr.converged
    assert np.linalg.norm(mil.limit - krr.limit) <= LIMIT_AGREEMENT * np.linalg.norm(krr.limit)
    product0 = mil_positive_flow(A, Y, 3).product(np.full(5, a))
    assert np.allclose(product0, cv.mil_product_scale_from_factor_scale(a, 3))
    assert cv.ms_intro_alpha_from_factor_scale(a) == a


def test_time_conversion_is_the_ratio_of_loss_weights():
    assert cv.time_between_loss_weights(3.0, from_weight=1.0, to_weight=0.5) == 6.0
    assert cv.mil_time_from_ms_time(3.0) == cv.mil_time_from_krr_time(3.0) == 6.0
    assert cv.krr_time_from_printed_krr_time(3.0) == 1.5
    assert cv.krr_time_from_sensing_time(3.0) == 1.5
    assert cv.mil_reduced_time_from_overparameterized_time(3.0, 3) == 1.0


@pytest.mark.parametrize("depth", [2, 3, 5, 8])
def test_wn_eq9_time_is_the_loss_weight_conversion_from_the_other_wn_normalizations(depth):
    """wn (9) weights the loss by 1/(2L): the 1/2-loss of wn (2), (4), (6) runs L times faster,
    the unnormalized wn (22) 2L times; wn's wrapper is time_between_loss_weights."""
    t = 0.7
    assert cv.wn_loss_weight(depth) == 1 / (2 * depth)
    assert time_under_eq9(t, depth, "half") == pytest.approx(depth * t, rel=1e-15)
    assert time_under_eq9(t, depth, "unnormalized") == pytest.approx(2 * depth * t, rel=1e-15)
    assert time_under_eq9(t, depth, "half") == cv.time_between_loss_weights(
        t, from_weight=cv.WN_HALF_LOSS_WEIGHT, to_weight=cv.wn_loss_weight(depth)
    )
