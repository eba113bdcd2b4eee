"""The papers' conventions (loss normalization, time scale, what alpha scales) and conversions.

Loss weights c in  E = c ||A p - y||^2  (checked against each paper's definition):

    mil  c = 1/2       mil (3), (4), (5), (6), (7)
    ms   c = 1         ms Sec. I: L(x) = sum_i (<a_i, x> - y_i)^2 = ||Ax - y||^2, L~(u) = L(u^{⊙2})
    krr  c = 1         krr Sec. 2: L(w) = sum_n (f(w, x_n) - y_n)^2; also Sec. 6 and (67)
    wn   c = 1/(2L)    wn (9), the loss of the weight_normalization* modules; the paper also
                       writes c = 1/2 (wn (2), (4), (6)) and c = 1 (wn (22))

Dimensions.  mil and wn: A in R^{M x N} (M measurements, N unknowns), the convention here.
ms writes A in R^{N x d} and krr X in R^{N x d}: their N is our M, their d our N.

Time.  The gradient flow of c E, started at the same factors, is the flow of c' E run at the
speed c/c':  x_c(t) = x_{c'}(t c / c').  Hence ms and krr flows at time t are mil's (same factors,
same depth) at time 2t.

Alpha.  "Factor scale a" below means every factor starts at a 𝟏 (positive models: x0 = a𝟏;
signed models: u0 = v0 = a𝟏).  mil's alpha (Theorem 1.1, (11); Sec. 4: x0 = alpha 𝟏) and krr's
(Sec. 2: w(0) = alpha w0, w0 = 𝟏) are factor scales.  ms uses two: its introduction sets
u_0(alpha) = alpha 𝟙 (a factor scale), but Theorem II.2 (and the displayed x^infinity(alpha) of
Sec. I) is the Bregman projection of alpha 𝟙 in the product x = u^{⊙2}: that alpha is the product
scale a^2 (see :func:`ms_theorem_alpha_from_factor_scale`).  krr Theorem 4's mu is set by
Delta(0) = 2 mu^2 (krr (67)); the w_± model with factor scale a has Delta(0) = 2 a^2.
"""

from __future__ import annotations

import math

MIL_LOSS_WEIGHT = 0.5  # mil (4)-(7): (1/2) ||A p - y||^2
MS_LOSS_WEIGHT = 1.0  # ms Sec. I: ||A u^{⊙2} - y||^2, no 1/2
KRR_LOSS_WEIGHT = 1.0  # krr Sec. 2: sum_n (f(w, x_n) - y_n)^2, no 1/2
WN_HALF_LOSS_WEIGHT = 0.5  # wn (2), (4), (6): (1/2) ||A x^{⊙L} - b||^2
WN_UNNORMALIZED_LOSS_WEIGHT = 1.0  # wn (22): ||A(u^{⊙L} - v^{⊙L}) - b||^2, no 1/2


def wn_loss_weight(depth: int) -> float:
    """wn (9): L(x) = 1/(2L) ||A x^{⊙L} - b||^2."""
    return 1.0 / (2.0 * depth)


# ----------------------------------------------------------------------------------------
# time


def time_between_loss_weights(t: float, *, from_weight: float, to_weight: float) -> float:
    """The time at which the flow of ``to_weight`` E is where the flow of ``from_weight`` E is at t.

    grad(c E) = (c/c') grad(c' E), so x_c(t) = x_{c'}(t c/c').
    """
    return t * from_weight / to_weight


def mil_time_from_ms_time(t: float) -> float:
    """ms's positive depth-2 flow at t equals mil's (15) (L = 2, same u0) at 2t (c: 1 vs 1/2)."""
    return time_between_loss_weights(t, from_weight=MS_LOSS_WEIGHT, to_weight=MIL_LOSS_WEIGHT)


def mil_time_from_krr_time(t: float) -> float:
    """krr's w_± flow (10) at t equals mil's signed flow (35) (L = D, same factors) at 2t."""
    return time_between_loss_weights(t, from_weight=KRR_LOSS_WEIGHT, to_weight=MIL_LOSS_WEIGHT)


def krr_time_from_printed_krr_time(t: float) -> float:
    """krr's printed (15), (50), (52), (55) are the flows of L/2: at t they are where krr's
    true gradient flow of L is at t/2."""
    return time_between_loss_weights(t, from_weight=KRR_LOSS_WEIGHT / 2, to_weight=KRR_LOSS_WEIGHT)


def mil_reduced_time_from_overparameterized_time(t: float, depth: int) -> float:
    """mil Lemma A.2, corrected: L identical factors of mil (4) at time t equal the reduced flow
    (15) at t/L.  Identical factors give x' = -[A^T r] ⊙ x^{L-1} (mil (39)), while
    -grad L(x) = -L [A^T r] ⊙ x^{L-1} (mil (18)); the lemma's "which is exactly grad L(x)"
    drops the factor L.  The identical-factor flow is the gradient flow of wn (9)."""
    return t / depth


def mil_signed_time_from_sensing_time(t: float) -> float:
    """krr (67) (delta' = -4 X^T r ⊙ Delta, Delta' = -4 X^T r ⊙ delta) at t equals mil's
    signed depth-2 flow (35) at the same t, with delta = u^2 - v^2, Delta = u^2 + v^2 and
    mu = the factor scale: mil's u' = -2 g u, v' = 2 g v give delta' = -4 g Delta, Delta' = -4 g delta."""
    return t


def krr_time_from_sensing_time(t: float) -> float:
    """krr (67) at t equals krr's w_± flow (3) at t/2 (the true flow of krr's L is twice mil's).

    krr Appendix G calls (67) "identical to the one derived in the proof of Theorem 1": that holds
    for the printed (15), (17) (half-speed); for the true gradient flow of krr (3) it is t/2."""
    mil_time = mil_signed_time_from_sensing_time(t)
    return mil_time / mil_time_from_krr_time(1.0)


# ----------------------------------------------------------------------------------------
# alpha


def mil_alpha_from_factor_scale(a: float) -> float:
    """mil Theorem 1.1, (11), Sec. 4.1: u0 = v0 = alpha 𝟏 (x0 = alpha 𝟏): alpha is the factor scale."""
    return a


def mil_product_scale_from_factor_scale(a: float, depth: int) -> float:
    """mil Fig. 4(a): its axis 'initialization = alpha^L' with u~0 = v~0 = alpha^L 𝟏."""
    return a**depth


def krr_alpha_from_factor_scale(a: float) -> float:
    """krr Sec. 2 and Theorems 1, 3: w(0) = alpha w0, with w0 = 𝟏 the factor scale is alpha."""
    return a


def ms_intro_alpha_from_factor_scale(a: float) -> float:
    """ms Sec. I: u_0(alpha) := alpha 𝟙, so the introduction's alpha is the factor scale."""
    return a


def ms_theorem_alpha_from_factor_scale(a: float) -> float:
    """ms Theorem II.2: x^infinity(alpha) = argmin B_E(x, alpha 𝟙) over {x >= 0: Ax = y}.

    The depth-2 positive flow from u0 = a𝟙 converges to the entropy Bregman projection of its
    own product x0 = u0^{⊙2} = a^2 𝟙 (mil Theorem 2.2, (19); the mirror map of ms's flow is
    log x, x' = -8 x ⊙ A^T r).  So Theorem II.2's alpha is a^2.  ms Sec. I states the same
    projection with u_0(alpha) = alpha 𝟙 (alpha, not alpha^2): true only at alpha = 1.
    """
    return a * a


def factor_scale_from_ms_theorem_alpha(alpha: float) -> float:
    """Inverse of :func:`ms_theorem_alpha_from_factor_scale`: u0 = sqrt(alpha) 𝟙."""
    return math.sqrt(alpha)


def krr_theorem4_mu_from_factor_scale(a: float) -> float:
    """krr (67): delta(0) = 0, Delta(0) = 2 mu^2.  The w_± model (or mil's signed L = 2 flow)
    from factor scale a has delta = w_+^2 - w_-^2 = 0, Delta = w_+^2 + w_-^2 = 2a^2: mu = a."""
    return a


def krr_theorem4_mu_from_width(sigma: float, width: int) -> float:
    """krr Theorem 4: mu^2 = (1/2) lim sigma(k) sqrt(k), sigma = ||M_{U,V}(0)||_F / d."""
    return math.sqrt(0.5 * sigma * math.sqrt(width))
