"""mil's function g of Theorem 2.2 (19)/(28) and its minimizer over S₊ = {z ≥ 0 : Az = y}.

mil (19), (28): for a prior x̃0 > 0 and depth L,

    g_{x̃0}(z) = Σ_n z_n (log z_n - 1 - log x̃0_n)                 (L = 2),
    g_{x̃0}(z) = Σ_n 2 z_n - L z_n^{2/L} x̃0_n^{1-2/L}              (L > 2),

with z log z = 0 at z = 0.  Each term is strictly convex on z ≥ 0 (for L > 2, z^{2/L} is
concave), so g has one minimizer over a nonempty S₊.  Theorem 2.2 says the flow's limit is
that minimizer; the flow's limit is in fact the D_F projection of mil (21) (the proof's own
second line), and the two differ for L > 2 unless x̃0 is constant (mil.thm2.2.algebra).  This
module computes g's minimizer *independently* of the projection code, so that the two can be
compared: Newton's method on the dual of min g s.t. Az = y.

Stationarity of the Lagrangian at s = Aᵀλ (derived from (28)):

    L = 2:   log z - log x̃0 = s                 =>  z = x̃0 e^{s};
    L > 2:   2 - 2 w z^{2/L - 1} = s, w = x̃0^{1-2/L}   =>  z = (2w / (2 - s))^{L/(L-2)},  s < 2.

The dual function φ(λ) = Σ_n h_n((Aᵀλ)_n) - λᵀy with h_n(s) = s z_n(s) - g_n(z_n(s)) (the
convex conjugate) is convex; its gradient is A z(Aᵀλ) - y and its Hessian A diag(z') Aᵀ.
This is hand-written: SciPy's general minimizers do not keep s < 2 and lose the small entries
of z that α ≪ 1 produces; the iteration below is thirty lines.

``exact_point_near`` rounds a float64 point onto S₊ exactly (rational arithmetic), so a
minimizer computed in float64 becomes a certified competitor z ∈ S₊.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from dlncheck.numerics.basic_solutions import solve_exact

# Newton on the dual stops at ‖A z - y‖ <= RESIDUAL_TOLERANCE · ‖y‖: float64 evaluates the
# residual to ~1e-16 ‖A‖‖z‖; 1e-13 leaves a factor 1000 for the conditioning of small A.
RESIDUAL_TOLERANCE = 1e-13
MAX_NEWTON_STEPS = 200
# s = Aᵀλ must stay below 2 (L > 2): a step is shortened until max s <= 2 - S_MARGIN·|2 - s_old|.
S_MARGIN = 0.5
# Armijo's sufficient decrease, with the dual value's own rounding (a few ulps) forgiven: near
# the solution the decrease is below float64's resolution of φ.
ARMIJO = 1e-4
ROUNDING = 8 * 2.0**-52


def g_terms_float(z: Sequence[float], prior: Sequence[float], depth: int) -> list[float]:
    """The terms of g_{x̃0}(z), mil (28), in float64 (z log z = 0 at z = 0)."""
    out = []
    for zn, xn in zip(z, prior, strict=True):
        if zn == 0:
            out.append(0.0)
        elif depth == 2:
            out.append(zn * (math.log(zn) - 1 - math.log(xn)))
        else:
            out.append(2 * zn - depth * zn ** (2 / depth) * xn ** (1 - 2 / depth))
    return out


def g_terms_interval(z: Sequence, prior: Sequence, depth: int) -> list:
    """The terms of mil (28) in python-flint balls at the current precision (``z`` and ``prior``
    balls, or exact numbers made balls by ``enclosures.ball``); None if an entry's enclosure
    reaches below 0 where g is not defined."""
    from dlncheck.numerics.enclosures import ball

    out = []
    for zn, xn in zip(z, prior, strict=True):
        zn = ball(zn)
        if zn.is_zero():
            out.append(ball(0))
            continue
        if not zn > 0:
            return None
        xn = ball(xn)
        if depth == 2:
            out.append(zn * (zn.log() - 1 - xn.log()))
        else:
            power = (zn.log() * 2 / depth).exp()
            out.append(2 * zn - depth * power * (xn.log() * (1 - ball(2) / depth)).exp())
    return out


def _primal(s: np.ndarray, log_prior: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """z(s) and dz/ds (module docstring)."""
    if depth == 2:
        z = np.exp(log_prior + s)
        return z, z
    exponent = depth / (depth - 2)
    log_w = (1 - 2 / depth) * log_prior
    z = np.exp(exponent * (math.log(2) + log_w - np.log(2 - s)))
    return z, z * exponent / (2 - s)


def _conjugate(s: np.ndarray, log_prior: np.ndarray, depth: int) -> float:
    z, _ = _primal(s, log_prior, depth)
    return float(np.sum(s * z) - math.fsum(g_terms_float(z, np.exp(log_prior), depth)))


def g_minimizer(A: np.ndarray, y: np.ndarray, log_prior: np.ndarray, depth: int) -> np.ndarray | None:
    """argmin g_{x̃0} over {Az = y} in float64 by dual Newton (module docstring), with A of full
    row rank; None if Newton does not reach ``RESIDUAL_TOLERANCE`` (e.g. S₊ confined to a face,
    where the dual minimizer is at infinity)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # trial steps may overflow: rejected
        return _dual_newton(A, y, log_prior, depth)


def _dual_newton(A: np.ndarray, y: np.ndarray, log_prior: np.ndarray, depth: int) -> np.ndarray | None:
    lam = np.zeros(A.shape[0])
    scale = float(np.linalg.norm(y)) or 1.0
    for _ in range(MAX_NEWTON_STEPS):
        s = A.T @ lam
        z, dz = _primal(s, log_prior, depth)
        grad = A @ z - y
        if not np.all(np.isfinite(grad)):
            return None
        if np.linalg.norm(grad) <= RESIDUAL_TOLERANCE * scale:
            return z
        try:
            step = np.linalg.solve((A * dz) @ A.T, grad)
        except np.linalg.LinAlgError:
            return None
        value = _conjugate(s, log_prior, depth) - lam @ y
        t = 1.0
        for _ in range(60):
            trial = lam - t * step
            s_trial = A.T @ trial
            if depth == 2 or np.all(s_trial <= 2 - S_MARGIN * np.abs(2 - s)):
                new = _conjugate(s_trial, log_prior, depth) - trial @ y
                if math.isfinite(new) and new <= value - ARMIJO * t * float(grad @ step) + ROUNDING * abs(
                    value
                ):
                    break
            t /= 2
        else:
            return None
        lam = trial
    return None


def exact_point_near(
    A: Sequence[Sequence[Fraction]], y: Sequence[Fraction], z: Sequence[float]
) -> tuple[Fraction, ...] | None:
    """A point of S₊ = {z ≥ 0 : Az = y} near ``z``, exactly: z rounded to rationals, plus the
    least-norm correction Aᵀ(AAᵀ)⁻¹(y - A z) in rational arithmetic (A of full row rank); None if
    the corrected point has a negative entry."""
    point = [Fraction(float(v)) for v in z]
    delta = [yi - sum(a * p for a, p in zip(row, point, strict=True)) for row, yi in zip(A, y, strict=True)]
    gram = [[sum(a * b for a, b in zip(r1, r2, strict=True)) for r2 in A] for r1 in A]
    weights = solve_exact(gram, delta)
    if weights is None:
        return None
    corrected = tuple(p + sum(A[i][n] * weights[i] for i in range(len(A))) for n, p in enumerate(point))
    return corrected if all(v >= 0 for v in corrected) else None


def divergence_float(z: Sequence[float], x: Sequence[float], depth: int) -> tuple[float, float]:
    """D_F(z, x) of mil (20)-(21) in float64, and the sum of its terms' magnitudes (the scale
    of its rounding error):

        L = 2:  D_F(z, x) = ½ Σ_n z_n log(z_n / x_n) - z_n + x_n,
        L > 2:  D_F(z, x) = Σ_n L/(2(2-L)) (z_n^{2/L} - x_n^{2/L}) - x_n^{2/L-1} (z_n - x_n)/(2-L).
    """
    terms = []
    for zn, xn in zip(z, x, strict=True):
        if depth == 2:
            terms.append(0.5 * ((zn * math.log(zn / xn) if zn > 0 else 0.0) - zn + xn))
        else:
            p = 2 / depth
            c = depth / (2 * (2 - depth))
            terms.append(c * (zn**p - xn**p) - xn ** (p - 1) * (zn - xn) / (2 - depth))
    return math.fsum(terms), math.fsum(abs(t) for t in terms)
