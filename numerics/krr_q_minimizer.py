"""krr's implicit regularizers minimized over {Xβ = y} in the primal, from the printed formulas.

An independent reference for the flows' limits: ``numerics.bregman_projection`` solves the
same problems in the dual, through the conjugates of ``numerics.legendre_potentials``; here
nothing conjugate is used.  The potentials are the paper's own:

* krr (20)-(21):  Q_{α,w0}(β) = Σ sᵢ q(βᵢ/sᵢ),  sᵢ = α² w0ᵢ²,  q(z) = 2 - √(4+z²) + z asinh(z/2);
  q'(z) = asinh(z/2) is (21)'s integrand and q''(z) = 1/√(4+z²).  (Theorem 4's Q_μ is this
  with α = μ, w0 = 𝟏.)  2 - √(4+z²) is evaluated as -z²/(2 + √(4+z²)) (no cancellation at small z).
* krr Theorem 3 / (60):  Q_α^D(β) = α^D Σ q_D(βᵢ/α^D),  q_D(t) = ∫₀ᵗ h_D⁻¹,
  h_D(z) = (1-z)^{-D/(D-2)} - (1+z)^{-D/(D-2)} on (-1, 1) (krr (59)).  h_D⁻¹(t) is found by a
  bracketing root finder in w = 1 - |h_D⁻¹(t)| (kept relative: on the support w ~ α^{D-2}), and
  q_D(t) = t·g - ∫₀ᵍ h_D (g = h_D⁻¹(t); integration by parts of ∫₀ᵗ h_D⁻¹ for increasing h_D),
  ∫₀ᵍ h_D = (D-2)/2 [(1-g)^{-2/(D-2)} + (1+g)^{-2/(D-2)} - 2];  q_D'' = 1/h_D'(g).
  ``tests/test_krr_flow_claims.py`` checks q_D against quadrature of h_D⁻¹.

Method: damped Newton on the equality-constrained problem with the diagonal Hessian H of the
potential, in its range-space form: dβ = H⁻¹(Xᵀμ - ∇Q), X H⁻¹ Xᵀ μ = (y - Xβ) + X H⁻¹ ∇Q (an
M × M system, well scaled even when H spans 60 orders of magnitude, as it does at small α),
the step length by a line search on the sign of the directional derivative (the potential is
convex along the line, so any t before the sign change decreases it; derivatives carry full
relative precision where differences of the potential's values would cancel).  Float64 first
(:func:`minimize_on_affine`), then, at ``dps`` digits, the same Newton in mpmath from the float64
point (:func:`polish`), where it converges quadratically.  The result's residual is the KKT
residual of the printed potential, ‖P ∇Q(β)‖₂ / max(1, ‖∇Q(β)‖₂), P the orthogonal projector
onto ker X: 0 exactly at the minimizer (the potentials are strictly convex, so KKT ⇔ argmin).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from dlncheck.numerics.results import LimitResult
from dlncheck.numerics.sparse_recovery import l2_minimizer_exact

# Newton iterations before giving up.  At α = 1e-30 (D = 2) the entries off the ℓ1 support fall
# from O(1) to α^{2(1-ρ)} by damped steps that shrink them by a bounded factor each (the entropy
# x log x is not self-concordant at small x); measured on checks.flow_strategies_krr's
# instances: at most ~250.
MAX_ITERATIONS = 2_000
# The line search looks for the sign change of the directional derivative: first by shrinking
# t by SHRINK from 1 (at most MAX_SHRINKS times: where the curvature is 1e-20 of the slope, as for
# Q_α^D at α = 1e-20, Newton's step overshoots by that factor), then by bisection.
SHRINK = 0.25
MAX_SHRINKS = 200
LINE_SEARCH_BISECTIONS = 30
# Near the minimizer the Newton step is the remaining distance to it (quadratic convergence):
# float64 stops, converged, after a full step of at most FLOAT64_CONVERGED_RTOL ‖β‖∞ (the error
# after it is of the order of its square).  (The KKT residual itself cannot tell convergence in
# float64: the gradient of an entry ~1e-15 carries the point's absolute rounding error ~1e-16
# as a relative error of 10%; at D > 2 the gradient is within α^{D-2} of ±1.)
FLOAT64_CONVERGED_RTOL = 1e-9
# Newton decrement² (stepᵀ H step) below which the full step is taken without a line search:
# close to the minimizer the directional derivative is dominated by the rounding of the
# feasibility correction, and Newton's full step is safe there.
FULL_STEP_DECREMENT = 1e-2
# At dps digits the polish stops at 10^-(dps - KKT_GUARD_DIGITS): Newton's last steps square
# the residual, so a few guard digits separate it from rounding.
KKT_GUARD_DIGITS = 8
MAX_POLISH_ITERATIONS = 60
KKT_RESIDUAL_KIND = "KKT residual ||P grad Q(beta)||_2 / max(1, ||grad Q(beta)||_2), P onto ker X, printed Q"


@dataclass(frozen=True)
class SeparablePotential:
    """Σ φᵢ(βᵢ): ``float64(beta)`` and ``mp(beta)`` return (value, ∇, diag ∇²), the latter in
    mpmath at the current precision."""

    name: str
    float64: Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]
    mp: Callable[[list], tuple]


def _mp(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def _log(q: Fraction) -> float:
    return math.log(q.numerator) - math.log(q.denominator)


def hypentropy(alpha: Fraction, w0: Sequence[Fraction]) -> SeparablePotential:
    """krr (20)-(21): Q_{α,w0}(β) = Σ sᵢ q(βᵢ/sᵢ), sᵢ = α² w0ᵢ² (module docstring)."""
    scales = [alpha * alpha * w * w for w in w0]
    s64 = np.exp(np.array([_log(s) for s in scales]))

    def float64(beta: np.ndarray):
        z = beta / s64
        root = np.hypot(2.0, z)
        small = np.abs(z) < 1.0
        head = np.where(small, -(np.where(small, z, 0.0) ** 2) / (2.0 + root), 2.0 - root)
        q = head + z * np.arcsinh(z / 2)  # krr (21)
        return float(math.fsum(s64 * q)), np.arcsinh(z / 2), 1.0 / (s64 * root)

    def mp(beta: list):
        values, grads, hess = [], [], []
        for s, b in zip(scales, beta, strict=True):
            s = _mp(s)
            z = b / s
            root = mpmath.sqrt(4 + z * z)
            head = -z * z / (2 + root) if abs(z) < 1 else 2 - root
            values.append(s * (head + z * mpmath.asinh(z / 2)))
            grads.append(mpmath.asinh(z / 2))
            hess.append(1 / (s * root))
        return mpmath.fsum(values), grads, hess

    return SeparablePotential(f"Q_(alpha,w0) of krr (20)-(21) at alpha = {alpha}", float64, mp)


def h_depth(g, depth: int):
    """krr (59): h_D(g) = (1-g)^{-D/(D-2)} - (1+g)^{-D/(D-2)} (mpmath)."""
    e = mpmath.mpf(depth) / (depth - 2)
    return (1 - g) ** (-e) - (1 + g) ** (-e)


def h_depth_inverse_gap(t, depth: int):
    """w = 1 - h_D⁻¹(|t|) in (0, 1] (mpmath): h_D(1 - w) = w^{-e} - (2 - w)^{-e}, e = D/(D-2),
    decreases in w and is bracketed by w_lo = (|t| + 1)^{-1/e} and w_hi = min(1, (|t| + 2^{-e})^{-1/e})
    ((2 - w)^{-e} lies in [2^{-e}, 1]); bisection-safeguarded Newton in log w."""
    e = mpmath.mpf(depth) / (depth - 2)
    a = abs(t)
    if a == 0:
        return mpmath.mpf(1)
    lo, hi = (
        mpmath.log((a + 1) ** (-1 / e)),
        mpmath.log(min(mpmath.mpf(1), (a + mpmath.mpf(2) ** (-e)) ** (-1 / e))),
    )
    log_a = mpmath.log(a)
    x = (lo + hi) / 2
    for _ in range(4 * mpmath.mp.prec):
        w = mpmath.exp(x)
        value = w ** (-e) - (2 - w) ** (-e)
        if value <= 0:
            hi = x
            x = (lo + hi) / 2
            continue
        f = mpmath.log(value) - log_a  # decreasing in x
        if f > 0:
            lo = x
        else:
            hi = x
        slope = -e * (w ** (-e) + w * (2 - w) ** (-e - 1)) / value  # d f / d log w
        nxt = x - f / slope
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2
        if abs(nxt - x) <= mpmath.mpf(2) ** (-mpmath.mp.prec + 4) * max(1, abs(x)):
            x = nxt
            break
        x = nxt
    return mpmath.exp(x)


def h_depth_inverse(t, depth: int):
    """(|h_D⁻¹(t)|, 1 - |h_D⁻¹(t)|) in mpmath, each to the working precision: the root g itself
    for |t| <= 1 (secant from h_D'(0)⁻¹|t|; g <= h_D⁻¹(1) < 1/2 there), the gap beyond it."""
    a = abs(t)
    if a == 0:
        return mpmath.mpf(0), mpmath.mpf(1)
    if a <= 1:
        g = mpmath.findroot(lambda x: h_depth(x, depth) - a, a * (depth - 2) / (2 * depth))
        return g, 1 - g
    w = h_depth_inverse_gap(a, depth)
    return 1 - w, w


def _h_small_float64(g: np.ndarray, e: float) -> np.ndarray:
    """h_D(g) for 0 <= g < 1 without cancellation at small g: e^a - e^b = e^b expm1(a - b)."""
    a, b = -e * np.log1p(-g), -e * np.log1p(g)
    return np.exp(b) * np.expm1(a - b)


def _h_inverse_float64(t: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(|h_D⁻¹(t)|, 1 - |h_D⁻¹(t)|) in float64, each with full relative precision: for |t| <= 1
    the root g is found directly (safeguarded Newton on [0, h_D⁻¹(1)] ⊂ [0, 1/2]), beyond it the
    gap w = 1 - g (in log w, the bracket of :func:`h_depth_inverse_gap`)."""
    e = depth / (depth - 2)
    a = np.abs(t)
    g_out, w_out = np.zeros_like(a), np.ones_like(a)
    small = (a > 0) & (a <= 1)
    if np.any(small):
        target = a[small]
        lo, hi = np.zeros_like(target), np.full_like(target, 0.5)  # h_D(1/2) > 1 for D >= 3
        g = target * (depth - 2) / (2 * depth)  # h_D'(0) = 2D/(D-2)
        for _ in range(100):
            f = _h_small_float64(g, e) - target
            lo, hi = np.where(f < 0, g, lo), np.where(f < 0, hi, g)
            slope = e * ((1 - g) ** (-e - 1) + (1 + g) ** (-e - 1))
            nxt = g - f / slope
            nxt = np.where((nxt > lo) & (nxt < hi), nxt, (lo + hi) / 2)
            done = np.abs(nxt - g) <= 4e-16 * np.abs(nxt)
            g = nxt
            if np.all(done):
                break
        g_out[small], w_out[small] = g, 1 - g
    large = a > 1
    if np.any(large):
        target = a[large]
        lo = -np.log1p(target) / e
        hi = np.minimum(0.0, -np.log(target + 2.0 ** (-e)) / e)
        log_t = np.log(target)
        x = (lo + hi) / 2
        for _ in range(200):
            w = np.exp(x)
            value = w ** (-e) - (2 - w) ** (-e)
            with np.errstate(divide="ignore", invalid="ignore"):
                f = np.where(value > 0, np.log(np.where(value > 0, value, 1.0)) - log_t, np.inf)
                lo, hi = np.where(f > 0, x, lo), np.where(f > 0, hi, x)
                slope = -e * (w ** (-e) + w * (2 - w) ** (-e - 1)) / value
                nxt = x - f / slope
            nxt = np.where((nxt > lo) & (nxt < hi) & np.isfinite(nxt), nxt, (lo + hi) / 2)
            done = np.abs(nxt - x) <= 4e-16 * np.maximum(1.0, np.abs(x))
            x = nxt
            if np.all(done):
                break
        w_out[large] = np.exp(x)
        g_out[large] = 1 - w_out[large]
    return g_out, w_out


def depth_potential(alpha: Fraction, depth: int) -> SeparablePotential:
    """krr Theorem 3 / (60): Q_α^D(β) = α^D Σ q_D(βᵢ/α^D), q_D = ∫ h_D⁻¹ (module docstring)."""
    if depth < 3:
        raise ValueError("Q_alpha^D is krr Theorem 3's potential: D >= 3")
    scale = alpha**depth
    s64 = math.exp(_log(scale))
    k, e = 2 / (depth - 2), depth / (depth - 2)

    def float64(beta: np.ndarray):
        t = beta / s64
        size, w = _h_inverse_float64(t, depth)
        g = np.sign(t) * size
        one_minus = np.where(t >= 0, w, 1 + size)
        one_plus = np.where(t >= 0, 1 + size, w)
        integral_h = (depth - 2) * (one_minus ** (-k) + one_plus ** (-k) - 2) / 2
        slope = e * (one_minus ** (-e - 1) + one_plus ** (-e - 1))  # h_D'(g)
        return float(math.fsum(s64 * (t * g - integral_h))), g, 1.0 / (s64 * slope)

    def mp(beta: list):
        s = _mp(scale)
        kk, ee = mpmath.mpf(2) / (depth - 2), mpmath.mpf(depth) / (depth - 2)
        values, grads, hess = [], [], []
        for b in beta:
            t = b / s
            size, w = h_depth_inverse(t, depth)
            g = size if t >= 0 else -size
            one_minus, one_plus = (w, 1 + size) if t >= 0 else (1 + size, w)
            integral_h = (depth - 2) * (one_minus ** (-kk) + one_plus ** (-kk) - 2) / 2
            values.append(s * (t * g - integral_h))
            grads.append(g)
            hess.append(1 / (s * ee * (one_minus ** (-ee - 1) + one_plus ** (-ee - 1))))
        return mpmath.fsum(values), grads, hess

    return SeparablePotential(f"Q_alpha^D of krr Theorem 3 at D = {depth}, alpha = {alpha}", float64, mp)


def _line_search(evaluate, step, slope: float):
    """The step length: 1 if the directional derivative is still <= 0 there, else the lower end
    of its sign change found by bisection; None if the direction is not a descent direction."""
    if not slope < 0:
        return None

    def derivative(t):
        with np.errstate(over="ignore", invalid="ignore"):
            _, g, _ = evaluate(t)
        d = float(g @ step)
        return d if math.isfinite(d) else math.inf

    t = _sign_change(derivative, 1.0, 0.0)
    return t if t > 0 else None


def _sign_change(derivative, one, zero):
    """The largest t found with derivative(t) <= 0 (the line search of the module docstring);
    ``zero`` if none."""
    t = one
    for _ in range(MAX_SHRINKS):
        if derivative(t) <= 0:
            break
        t *= SHRINK
    else:
        return zero
    if t == one:
        return one
    lo, hi = t, t / SHRINK
    for _ in range(LINE_SEARCH_BISECTIONS):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if derivative(mid) <= 0 else (lo, mid)
    return lo


def _kkt64(X: np.ndarray, grad: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(X.T, grad, rcond=None)
    return float(np.linalg.norm(grad - X.T @ coef) / max(1.0, np.linalg.norm(grad)))


def minimize_on_affine(
    potential: SeparablePotential, A: Sequence[Sequence[Fraction]], y: Sequence[Fraction]
) -> LimitResult:
    """argmin potential(β) s.t. Aβ = y in float64 by damped range-space Newton (module docstring).

    A's rows must be independent (``checks.flow_instances.row_basis``) and Aβ = y consistent.
    """
    start = time.perf_counter()
    X = np.array([[float(a) for a in row] for row in A])
    yv = np.array([float(v) for v in y])
    beta = np.array([float(v) for v in l2_minimizer_exact(A, y)])
    _, grad, hess = potential.float64(beta)
    iterations, stalled, last_move = 0, False, math.inf
    while iterations < MAX_ITERATIONS:
        iterations += 1
        hinv = 1.0 / hess
        schur = (X * hinv) @ X.T
        mu = np.linalg.solve(schur, (yv - X @ beta) + X @ (hinv * grad))
        step = hinv * (X.T @ mu - grad)
        decrement = float(step @ (hess * step))
        if decrement <= FULL_STEP_DECREMENT:
            t = 1.0
        else:
            t = _line_search(lambda t, b=beta, d=step: potential.float64(b + t * d), step, float(grad @ step))
            if t is None:
                stalled = True
                break
        last_move = float(np.max(np.abs(t * step))) / max(float(np.max(np.abs(beta))), np.finfo(float).tiny)
        beta = beta + t * step
        _, grad, hess = potential.float64(beta)
        if t == 1.0 and last_move <= FLOAT64_CONVERGED_RTOL:
            break
    residual = _kkt64(X, grad)
    converged = t == 1.0 and last_move <= FLOAT64_CONVERGED_RTOL and not stalled
    note = " (stopped: no descent direction in float64)" if stalled else ""
    return LimitResult(
        value=beta,
        residual=residual,
        residual_kind=KKT_RESIDUAL_KIND,
        converged=converged,
        message=f"{potential.name}: damped primal Newton (float64), last relative step {last_move:.1e}, "
        f"KKT residual {residual:.1e}, {iterations} iterations{note}",
        iterations=iterations,
        wall_s=time.perf_counter() - start,
    )


def polish(
    potential: SeparablePotential,
    A: Sequence[Sequence[Fraction]],
    y: Sequence[Fraction],
    start: Sequence[float],
    dps: int,
) -> LimitResult:
    """The same Newton in mpmath at ``dps`` digits from ``start`` (the float64 minimizer)."""
    t0 = time.perf_counter()
    with mpmath.workdps(dps):
        X = mpmath.matrix([[_mp(a) for a in row] for row in A])
        yv = mpmath.matrix([_mp(v) for v in y])
        m, n = X.rows, X.cols
        beta = mpmath.matrix([mpmath.mpf(float(v)) for v in start])
        gram_inv = mpmath.inverse(X * X.T)

        def kkt(grad):
            g = mpmath.matrix(grad)
            return mpmath.norm(g - X.T * (gram_inv * (X * g))) / max(mpmath.mpf(1), mpmath.norm(g))

        # start exactly feasible: the nearest point of {Xβ = y}
        beta = beta + X.T * (gram_inv * (yv - X * beta))
        _, grad, hess = potential.mp(list(beta))
        residual, iterations = kkt(grad), 0
        tolerance = mpmath.mpf(10) ** (-(dps - KKT_GUARD_DIGITS))
        while residual > tolerance and iterations < MAX_POLISH_ITERATIONS:
            iterations += 1
            hinv = [1 / h for h in hess]
            XH = mpmath.matrix(m, n)
            for i in range(m):
                for j in range(n):
                    XH[i, j] = X[i, j] * hinv[j]
            rhs = (yv - X * beta) + XH * mpmath.matrix(grad)
            mu = mpmath.lu_solve(XH * X.T, rhs)
            xtmu = X.T * mu
            step = mpmath.matrix([hinv[j] * (xtmu[j] - grad[j]) for j in range(n)])
            slope = mpmath.fsum(grad[j] * step[j] for j in range(n))
            decrement = mpmath.fsum(step[j] * step[j] / hinv[j] for j in range(n))
            t = mpmath.mpf(1)
            if decrement > FULL_STEP_DECREMENT:
                if not slope < 0:
                    break

                def derivative(t, b=beta, d=step):
                    _, g, _ = potential.mp(list(b + t * d))
                    return mpmath.fsum(g[j] * d[j] for j in range(n))

                t = _sign_change(derivative, mpmath.mpf(1), mpmath.mpf(0))
                if t == 0:
                    break
            beta = beta + t * step
            _, grad, hess = potential.mp(list(beta))
            residual = kkt(grad)
        converged = residual <= tolerance
        return LimitResult(
            value=tuple(beta),
            residual=float(residual),
            residual_kind="KKT residual of the printed potential at dps digits",
            converged=bool(converged),
            message=f"{potential.name}: damped primal Newton at {dps} digits from the float64 minimizer, "
            f"KKT residual {mpmath.nstr(residual, 3)} after {iterations} iterations",
            iterations=iterations,
            dps=dps,
            wall_s=time.perf_counter() - t0,
        )
