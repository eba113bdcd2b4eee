"""The limits of the weight-normalized flows as Bregman projections, and wn's error bound.

The paper bounds the limits (Theorems 2.1, 2.3, through [7] = mil); its proofs characterize them:

* r² rates: by Corollary 3.14, x' = -||x||² ∇L(x) is the plain flow (10) in the time ∫||x||² dt,
  so its limit is [7]'s (the proof of Theorem 2.3 says as much): the Bregman projection
      x̃_∞ = argmin_{z ∈ S_+} D_F(z, x̃(0)),   F of wn (57),   S_+ = {z >= 0 : A z = b}.
* constant rates (η̃, 1): Lemma 3.8 makes (I - A^†A) of the limit's ∇F that of γ^L x̃(0) with
  γ = γ(r0, r_∞) of (43), so with Lemma 3.10 (proof of Theorem 2.1)
      x̃_∞ = argmin_{z ∈ S_+} D_F(z, γ(r0, r_∞)^L x̃(0)),   r_∞ = ||x̃_∞^{⊙1/L}||_2 = lim r(t),
  a fixed point in the scalar r_∞, solved here by bracketing.  (Theorem 2.1 prints
  r_∞ = ||x̃_∞||_2; its own (21) and Lemma 3.8, where r_∞ = lim r(t), need the 1/L power.)

Both rest on the proof of Theorem 2.1 (Lemma 3.10 needs the limits bounded away from 0, which
Lemma 3.9 derives from rows of A summing to 0).  The potentials' gradients diverge at 0, so the
projection has every entry > 0 wherever S_+ has a point with every entry > 0.  The signed model
is the positive one for [A, -A] (see :mod:`numerics.weight_normalization`).

The projections are computed by :mod:`numerics.bregman_projection` with mil's potentials of
:mod:`numerics.legendre_potentials`, because F of wn (57) *is* F of mil (21):

    wn (57):  F(x̃) = ½ ⟨x̃ ⊙ log x̃ - x̃, 1⟩ (L = 2),   L/(2(2-L)) ⟨x̃^{⊙2/L}, 1⟩ (L > 2)
    mil (21): F(x)  = ½ Σ xₙ log xₙ - xₙ       (L = 2),   L/(2(2-L)) Σ xₙ^{2/L}      (L > 2)

the same function of the same variable (wn's x̃ = x^{⊙L} is mil's product x), so D_F(z, q) and
its minimizer over S_+ agree term by term.  The dual quantities match as well: ∇F = ½ log x
(L = 2), x^{2/L-1}/(2-L) = -x^{-(L-2)/L}/(L-2) (L > 2), whose inverse is MilEntropy's
z(θ) = e^{2θ} and MilPower's z(θ) = ((L-2)(-θ))^{-L/(L-2)}; the conjugate
F*(∇F(z)) = ⟨∇F(z), z⟩ - F(z) = ½ Σ zₙ^{2/L} (L > 2; -zₙ^{2/L}/(L-2) + L zₙ^{2/L}/(2(L-2))),
½ Σ zₙ (L = 2), as both classes evaluate it (SymPy: the two F agree for symbolic L, the
inverse and the conjugate for L = 2, ..., 7 with θ = -s, s > 0; the tests check L = 2-5).
D_F(z, q) = F(z) - ⟨∇F(q), z⟩ + const, the objective that
:class:`~numerics.bregman_projection.ProjectionProblem` minimizes, so the minimizers coincide.

Also here: the error of wn (16) and both sides of the bound (14) with (19) (Theorem 2.1).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
from flint import arb, arb_mat
from mpmath import mp
from scipy.optimize import brentq, linprog

from dlncheck.numerics.bregman_projection import (
    FLOAT64_MAX_DIGITS_LOST,
    MAX_NEWTON_ITERATIONS,
    ProjectionProblem,
    project,
    refine,
)
from dlncheck.numerics.legendre_potentials import MilEntropy, MilPower
from dlncheck.numerics.results import LimitResult
from dlncheck.numerics.weight_normalization import WeightNormalizedModel, check_state, end_to_end_from_power
from dlncheck.numerics.weight_normalization_invariants import log_gamma, magnification

# ||u0|| = 1 up to the rounding of a float64 normalization (a few ulps, with margin).
UNIT_NORM_RTOL = 1e-12
# Relative feasibility ||A z - b||/||b|| of the returned float64 z (evaluated in float64) below
# which a projection counts as converged: a few hundred roundings of the M·N-term products.
PROJECTION_TOL = 1e-12
# Significant digits that identify a float64 (17 round-trip).  Every projection is refined in
# arb to at least these (plus the digits θ0 + Aᵀμ cancels, L > 2) and then rounded, so rounding
# to float64 is its only error: float64 Newton alone stops near 1e-11 (numerics.bregman_projection).
FLOAT64_DIGITS = 17
# Correct significant digits of a float64 correctly rounded from a certified ball.
ROUNDED_DIGITS = 15
# Bits by which one stage of the scale continuation (L > 2, see _descend_in_scale) lowers q: its
# start is the last solution times 2^-64, from which refine's Newton converged in every trial
# (2^-128 still did; one jump of 2^-228 did not).  A stage that fails is retried at half the step.
CONTINUATION_BITS = 64
# Relative accuracy of the scalar fixed point r_∞ (brentq's xtol, relative): below the flow's.
FIXED_POINT_RTOL = 1e-13
# Bracket search: multiply/divide r by this until the fixed-point equation changes sign.
BRACKET_FACTOR = 1.5
MAX_BRACKET_STEPS = 200
# HiGHS may return an "optimal" point violating A z = b by 1e-7 (STYLE.md): accept Q only if
# the point it comes from is feasible to this relative accuracy.
LP_FEASIBILITY_TOL = 1e-9


# ----------------------------------------------------------------------------------------
# Bregman projection onto S_+ for F of wn (57) (= mil (21))


def _exact_exp(log_value: float) -> Fraction:
    """e^{log_value} correctly rounded to 53 bits, as an exact rational at any scale.

    A float64 would underflow for the tiny scales γ^L x̃(0) of the constant-rate limit; the
    rational keeps the float64 rounding and nothing else.
    """
    with mp.workprec(53):
        mantissa, exponent = mp.exp(mp.mpf(log_value)).man_exp
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


def _rational(ball: arb) -> Fraction:
    """The midpoint of an arb ball, exactly (a dyadic rational)."""
    mantissa, exponent = ball.mid().man_exp()
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


def _wn_potential(q: tuple[Fraction, ...], depth: int) -> MilEntropy | MilPower:
    return MilEntropy(q) if depth == 2 else MilPower(q, depth)  # F of wn (57) = mil (21)


def wn_projection_problem(
    design: np.ndarray, b: np.ndarray, log_q: np.ndarray, depth: int
) -> ProjectionProblem:
    """argmin_{z >= 0, A z = b} D_F(z, q) for F of wn (57), posed for :mod:`numerics.bregman_projection`.

    F of (57) is mil (21) (module docstring): MilEntropy (L = 2), MilPower (L > 2), measured
    from q = e^{log_q}.  The float64 data are read exactly (``Fraction(float)``).
    """
    A_exact = tuple(tuple(Fraction(float(a)) for a in row) for row in np.asarray(design, dtype=float))
    b_exact = tuple(Fraction(float(v)) for v in np.asarray(b, dtype=float))
    q = tuple(_exact_exp(float(v)) for v in np.asarray(log_q, dtype=float))
    return ProjectionProblem(A_exact, b_exact, ((_wn_potential(q, depth), 1),))


def _digits_lost(log_q: np.ndarray, depth: int) -> float:
    """log10 max |θ0| for L > 2, |θ0| = q^{-(L-2)/L}/(L-2): the digits θ0 + Aᵀμ cancels.

    ``MilPower.float64_digits_lost`` before its ceiling, from log q so that no scale overflows.
    """
    k = (depth - 2) / depth
    return (float(np.max(-k * np.asarray(log_q, dtype=float))) - math.log(depth - 2)) / math.log(10)


def projection_digits(log_q: np.ndarray, depth: int) -> int | None:
    """Digits at which an L > 2 projection is computed beyond float64, or None (float64 suffices).

    For L > 2 an O(1) entry of z comes from θ = θ0 + Aᵀμ with |θ0| = q^{-(L-2)/L}/(L-2), a
    difference of numbers as large as max |θ0|: float64 loses log10 max |θ0| digits there, and
    :func:`numerics.bregman_projection.project` refuses more than FLOAT64_MAX_DIGITS_LOST.
    L = 2 works with θ = ½ log q + Aᵀμ, which loses nothing that matters.
    """
    if depth == 2:
        return None
    lost = max(0, math.ceil(_digits_lost(log_q, depth)))
    return None if lost <= FLOAT64_MAX_DIGITS_LOST else FLOAT64_DIGITS + lost


def bregman_projection(
    design: np.ndarray,
    b: np.ndarray,
    log_q: np.ndarray,
    depth: int,
    *,
    tol: float = PROJECTION_TOL,
    max_iter: int = MAX_NEWTON_ITERATIONS,
    lam0: np.ndarray | None = None,
    dps: int | None = None,
) -> LimitResult:
    """argmin_{z >= 0, A z = b} D_F(z, q) for F of wn (57), by :mod:`numerics.bregman_projection`.

    ``log_q`` is log q (tiny scales γ^L x̃(0) are formed as exact rationals, never as floats).
    Where float64 can carry the potential (:func:`projection_digits` is None): float64 Newton
    (:func:`~numerics.bregman_projection.project`, at most ``max_iter`` iterations), then
    :func:`~numerics.bregman_projection.refine` at ``dps`` digits (default FLOAT64_DIGITS) from
    its dual point, or from ``lam0`` if Newton failed.  Beyond float64 (L > 2, small q): the
    scale continuation of :func:`_descend_in_scale` at ``dps`` digits (default
    :func:`projection_digits`).  The returned z is float64, rounded from the refined one;
    ``converged`` needs the refinement's convergence and ||A z - b||/||b|| <= ``tol`` in float64.
    ``info['dual']`` holds μ with ∇F(z) = ∇F(q) + Aᵀμ (KKT).
    """
    started = time.perf_counter()
    problem = wn_projection_problem(design, b, log_q, depth)
    needed = projection_digits(log_q, depth)
    if needed is None:
        digits = dps if dps is not None else FLOAT64_DIGITS
        low = project(problem, max_iter)
        start = np.asarray(lam0, dtype=float) if not low.converged and lam0 is not None else low.info["dual"]
        high = refine(problem, start, digits)
        dual, iterations = _floats(high.info["dual"]), low.iterations + high.iterations
    else:
        digits = dps if dps is not None else needed
        high, dual, iterations = _descend_in_scale(problem, log_q, depth, digits)
    value = np.array([float(v.mid()) for v in high.value])
    certified = high.certified_digits
    b = np.asarray(b, dtype=float)
    feasibility = float(np.linalg.norm(np.asarray(design, dtype=float) @ value - b) / np.linalg.norm(b))
    return LimitResult(
        value=value,
        residual=high.residual,
        residual_kind=high.residual_kind,
        converged=high.converged and feasibility <= tol,
        message=f"refined at {digits} digits, rounded to float64: {high.message}"
        + ("" if feasibility <= tol else f"; float64 ||A z - b||/||b|| = {feasibility:.1e} > {tol:.0e}"),
        iterations=iterations,
        certified_digits=None if certified is None else min(certified, ROUNDED_DIGITS),
        dps=digits,
        wall_s=time.perf_counter() - started,
        info={"dual": dual},
    )


def _descend_in_scale(
    problem: ProjectionProblem, log_q: np.ndarray, depth: int, digits: int
) -> tuple[LimitResult, np.ndarray, int]:
    """The projection of q for L > 2 where float64 cannot carry ∇F(q): from 2^J q down to q.

    ∇F of (57) is homogeneous for L > 2: ∇F(c x) = c^{-k} ∇F(x), k = (L-2)/L.  So if z_s is the
    projection of 2^s q' (∇F(z_s) = ∇F(2^s q') + Aᵀμ_s), then ∇F(2^{-s} z_s) = ∇F(q') + Aᵀ(2^{sk} μ_s):
    D_F(·, 2^{-s} z_s) and D_F(·, q') differ on S_+ by a constant and have the same minimizer.
    Measured from 2^{-s} z_s, refine starts at μ = 0, the last solution scaled, exactly; a float64
    dual point would lose the cancelled digits of θ0 + Aᵀμ (refine takes its start in float64),
    and refine from μ = 0 at q itself overshoots (its line search doubles past the trust cap).
    2^J q is the largest scale float64 can carry (project, then refine); stages of
    CONTINUATION_BITS, halved when one fails, walk down.  Every stage runs at ``digits``: the
    error of a stage grows by 2^{sk} in the next, in all by 10^(digits lost - FLOAT64_MAX_DIGITS_LOST).
    Returns the last refinement, the dual μ of q (float64) and the Newton iterations.
    """
    k = (depth - 2) / depth
    q = problem.branches[0][0].x0
    above = (_digits_lost(log_q, depth) - FLOAT64_MAX_DIGITS_LOST) * math.log2(10) / k
    remaining = max(0, math.ceil(above)) + 1  # one bit of margin on the ceiling

    def posed(x0: tuple[Fraction, ...]) -> ProjectionProblem:
        return ProjectionProblem(problem.A_exact, problem.y_exact, ((_wn_potential(x0, depth), 1),))

    top = posed(tuple(v * 2**remaining for v in q))
    low = project(top)
    result = refine(top, low.info["dual"], digits)
    dual, iterations = _floats(result.info["dual"]), low.iterations + result.iterations
    step = CONTINUATION_BITS
    while remaining > 0 and result.converged:
        step = min(step, remaining)
        try:
            trial = refine(posed(tuple(_rational(v) / 2**step for v in result.value)), None, digits)
        except ArithmeticError:  # the start left F*'s domain θ < 0
            trial = None
        if trial is None or not trial.converged:
            if step == 1:
                message = f"scale continuation stalled at 2^{remaining} q"
                return replace(result, converged=False, message=message), dual, iterations
            step //= 2
            continue
        iterations += trial.iterations
        dual = dual * 2.0 ** (step * k) + _floats(trial.info["dual"])
        result, remaining = trial, remaining - step
    return result, dual, iterations


def _floats(column: arb_mat) -> np.ndarray:
    return np.array([float(column[i, 0].mid()) for i in range(column.nrows())])


# ----------------------------------------------------------------------------------------
# the limits of the two flows


def _log_power0(model: WeightNormalizedModel, state0: np.ndarray) -> tuple[float, np.ndarray]:
    r0 = float(state0[0])
    u0 = state0[1:]
    return r0, model.depth * (math.log(r0) + np.log(u0) - math.log(np.linalg.norm(u0)))


def _as_limit(model: WeightNormalizedModel, projection: LimitResult, started: float, **info) -> LimitResult:
    power = projection.value
    return LimitResult(
        value=end_to_end_from_power(model, power),
        residual=projection.residual,
        residual_kind=projection.residual_kind,
        converged=projection.converged,
        message=projection.message,
        iterations=projection.iterations,
        wall_s=time.perf_counter() - started,
        info={"factor_power": power, "dual": projection.info["dual"], **info},
    )


def r_squared_flow_limit(model: WeightNormalizedModel, state0) -> LimitResult:
    """The limit of the r² flow: argmin_{z ∈ S_+} D_F(z, x̃(0)) (wn Corollary 3.14, Theorem 2.3, [7]).

    ``value`` is the end-to-end vector; ``info['factor_power']`` the factor-space x̃_∞.
    """
    started = time.perf_counter()
    state0 = check_state(model, state0)
    _, log_q = _log_power0(model, state0)
    projection = bregman_projection(model.design, model.b, log_q, model.depth)
    return _as_limit(model, projection, started)


def _radius(power: np.ndarray, depth: int) -> float:
    """r = ||x̃^{⊙1/L}||_2 (wn (21))."""
    return float(np.linalg.norm(power ** (1 / depth)))


def constant_rate_flow_limit(
    model: WeightNormalizedModel, state0, *, r_guess: float | None = None
) -> LimitResult:
    """The limit of the (η̃, 1) flow: x̃_∞ = argmin_{z ∈ S_+} D_F(z, γ(r0, r_∞)^L x̃(0)) (wn Lemma 3.8).

    r_∞ solves φ(r) = ||P(γ(r0, r)^L x̃(0))^{⊙1/L}||_2 - r = 0 (P the Bregman projection).  The
    search starts at ``r_guess`` (default: r of the projection of x̃(0) itself, i.e. γ = 1),
    steps by BRACKET_FACTOR until φ changes sign, and refines with brentq.  φ > 0 as r -> 0 and
    φ -> -∞ as r -> ∞, so a root exists; uniqueness is not proven, and ``info`` records the bracket.
    Requires η_u = 1 and ||u0|| = 1, the hypotheses of Lemma 3.8.
    """
    started = time.perf_counter()
    state0 = check_state(model, state0)
    if model.rates != "constant":
        raise ValueError("constant_rate_flow_limit is for constant rates (η̃, 1); use r_squared_flow_limit")
    if model.eta_u != 1.0 or not math.isclose(np.linalg.norm(state0[1:]), 1.0, rel_tol=UNIT_NORM_RTOL):
        raise ValueError("Lemma 3.8 needs η_u = 1 and ||u0|| = 1 (rescale by Lemma 3.1 first)")
    r0, log_q0 = _log_power0(model, state0)

    def projection_at(r: float) -> LimitResult:
        log_q = log_q0 + model.depth * log_gamma(r0, r, model.eta)
        result = bregman_projection(model.design, model.b, log_q, model.depth)
        if not result.converged:
            raise ArithmeticError(f"Bregman projection at r = {r:.6g} failed: {result.message}")
        return result

    def phi(r: float) -> float:
        return _radius(projection_at(r).value, model.depth) - r

    r = r_guess if r_guess is not None else _radius(projection_at(r0).value, model.depth)
    value = phi(r)
    factor = BRACKET_FACTOR if value > 0 else 1 / BRACKET_FACTOR
    for _ in range(MAX_BRACKET_STEPS):
        r_next = r * factor
        value_next = phi(r_next)
        if (value_next > 0) != (value > 0):
            break
        r, value = r_next, value_next
    else:
        raise ArithmeticError("no sign change of the fixed-point equation of r_∞ was found")
    bracket = (min(r, r_next), max(r, r_next))
    r_inf = brentq(phi, *bracket, rtol=FIXED_POINT_RTOL)
    projection = projection_at(r_inf)
    return _as_limit(
        model,
        projection,
        started,
        r_inf=r_inf,
        gamma=math.exp(log_gamma(r0, r_inf, model.eta)),
        rho=float(magnification(r0, r_inf, model.eta)),
        bracket=bracket,
    )


# ----------------------------------------------------------------------------------------
# the error bound of Theorem 2.1 / [7]


def c_L(depth: int) -> float:
    """c_L of wn (15): 1 (L = 2), (L/2)^{L/(L-2)} (L > 2)."""
    return 1.0 if depth == 2 else (depth / 2) ** (depth / (depth - 2))


def error_eq16(beta_1: float, beta_min: float, Q: float, depth: int) -> float:
    """ε(β_1, β_min) of wn (16), as printed (L = 2: log(β_1/β_min)/log(Q/β_1); L > 2: with γ = 1 - 2/L)."""
    if depth == 2:
        return math.log(beta_1 / beta_min) / math.log(Q / beta_1)
    g = 1 - 2 / depth
    return depth * (beta_1**g - beta_min**g) / (2 * Q**g - depth * beta_1**g)


@dataclass(frozen=True)
class BoundSides:
    """Both sides of wn (14), ||x̃_∞||_{w,1} - Q <= ε Q, with ε of (19) (Theorem 2.1) or (16)."""

    lhs: float
    rhs: float
    hypothesis_holds: bool  # Q > c_L β_1^{2/L} for the (rescaled) β_1 used in ε
    Q: float
    epsilon: float
    rho: float


def weighted_l1_minimum(A: np.ndarray, b: np.ndarray, weights: np.ndarray) -> float:
    """Q = min_{z ∈ S_+} ||z||_{w,1} (wn Theorem from [7]) by HiGHS, with its feasibility checked."""
    result = linprog(weights, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    if result.status != 0:
        raise ArithmeticError(f"the LP for Q failed: {result.message}")
    infeasibility = np.linalg.norm(A @ result.x - b) / np.linalg.norm(b)
    if infeasibility > LP_FEASIBILITY_TOL:
        raise ArithmeticError(f"HiGHS point violates A z = b by {infeasibility:.1e} (relative)")
    return float(result.fun)


def theorem_2_1_bound_sides(
    model: WeightNormalizedModel, state0, limit_power: np.ndarray, *, rho: float = 1.0
) -> BoundSides:
    """The two sides of wn (14) at the error ε(ρ^{-L} β_1, ρ^{-L} β_min) of (19).

    w = x̃(0)^{2/L - 1}, β_1 = ||x̃(0)||_{w,1}, β_min = min_n w_n x̃_n(0).  ρ = 1 gives Theorem 2.3
    (r² rates) and [7]; ρ of (17) gives Theorem 2.1 (constant rates).  Positive model only.
    """
    if model.signed:
        raise ValueError("wn's bound (14) is for the positive model (S_+)")
    state0 = check_state(model, state0)
    L = model.depth
    _, log_q = _log_power0(model, state0)
    power0 = np.exp(log_q)
    w = power0 ** (2 / L - 1)
    Q = weighted_l1_minimum(model.A, model.b, w)
    beta_1 = float(w @ power0) * rho ** (-L)
    beta_min = float(np.min(w * power0)) * rho ** (-L)
    hypothesis = Q > c_L(L) * beta_1 ** (2 / L)
    eps = error_eq16(beta_1, beta_min, Q, L) if hypothesis else math.inf
    return BoundSides(float(w @ limit_power) - Q, eps * Q, hypothesis, Q, eps, rho)
