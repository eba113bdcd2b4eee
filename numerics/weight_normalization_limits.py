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

Also here: the error of wn (16) and both sides of the bound (14) with (19) (Theorem 2.1).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from mpmath import mp
from scipy.optimize import brentq, linprog

from numerics.results import LimitResult
from numerics.weight_normalization import WeightNormalizedModel, check_state, end_to_end_from_power
from numerics.weight_normalization_invariants import log_gamma, magnification

# ||u0|| = 1 up to the rounding of a float64 normalization (a few ulps, with margin).
UNIT_NORM_RTOL = 1e-12
# Relative feasibility ||A z - b||/||b|| accepted from the dual Newton method: a few hundred
# roundings of the M·N-term products.
PROJECTION_TOL = 1e-12
# Largest change of log z per Newton step (see _step_cap).
MAX_LOG_CHANGE = 2.0
# For L > 2, float64 suffices while the dual's cancellation costs at most this many digits
# (16 - 4 = 12 left, comfortably below PROJECTION_TOL).
FLOAT64_CANCELLATION_DIGITS = 4
# Guard digits of the high-precision polish beyond the 17 of a float64 result.
POLISH_GUARD_DIGITS = 8
POLISH_MAX_ITER = 200
# Float64 Newton hands over to the polish when STALL_WINDOW iterations did not halve the
# residual (with dps given only; the continuation keeps such solves warm-started, near λ).
STALL_WINDOW = 5
# The polish aims below PROJECTION_TOL: its result is rounded to float64 afterwards.
POLISH_TOL_FACTOR = 1e-2
# Continuation in the scale of q (L > 2): stages of e^2 in q, each solved to a loose accuracy
# that is enough for a warm start.
CONTINUATION_STEP = 2.0
CONTINUATION_TOL = 1e-6
# Armijo constant and halving limit of the damped Newton line search.
ARMIJO = 1e-4
MAX_HALVINGS = 60
# Relative accuracy of the scalar fixed point r_∞ (brentq's xtol, relative): below the flow's.
FIXED_POINT_RTOL = 1e-13
# Bracket search: multiply/divide r by this until the fixed-point equation changes sign.
BRACKET_FACTOR = 1.5
MAX_BRACKET_STEPS = 200
# HiGHS may return an "optimal" point violating A z = b by 1e-7 (STYLE.md): accept Q only if
# the point it comes from is feasible to this relative accuracy.
LP_FEASIBILITY_TOL = 1e-9


# ----------------------------------------------------------------------------------------
# Bregman projection onto S_+ for F of wn (57)


def _primal(design: np.ndarray, log_q: np.ndarray, lam: np.ndarray, depth: int) -> np.ndarray | None:
    """z(λ) = (∇F)^{-1}(∇F(q) + A^T λ), or None outside the dual domain (L > 2).

    L = 2:  log z = log q + 2 A^T λ.
    L > 2:  z^{-k} = q^{-k} - (L - 2) A^T λ with k = (L - 2)/L, which must stay > 0.
    """
    shift = design.T @ lam
    with np.errstate(over="ignore"):  # an overflowing trial step is rejected, not an error
        if depth == 2:
            z = np.exp(log_q + 2 * shift)
        else:
            k = (depth - 2) / depth
            base = np.exp(-k * log_q) - (depth - 2) * shift
            if np.any(base <= 0) or not np.all(np.isfinite(base)):
                return None
            z = base ** (-1 / k)
    return z if np.all(np.isfinite(z)) else None


def _step_cap(design: np.ndarray, log_q: np.ndarray, lam: np.ndarray, step: np.ndarray, depth: int) -> float:
    """The factor (<= 1) that limits a Newton step to change no entry of z by more than e^2.

    From a far-off start (a tiny scale γ^L x̃(0)) the full Newton step overshoots by many orders
    of magnitude, beyond what halving can repair; capped steps walk there in O(log) iterations.
    """
    shift = design.T @ step
    if depth == 2:
        change = 2 * float(np.max(np.abs(shift)))  # |Δ log z|
    else:
        k = (depth - 2) / depth
        base = np.exp(-k * log_q) - (depth - 2) * (design.T @ lam)
        change = float(np.max(np.abs((depth - 2) * shift / base))) / k  # ~ |Δ log z|
    return 1.0 if change <= MAX_LOG_CHANGE else MAX_LOG_CHANGE / change


def _dual_objective(z: np.ndarray, b: np.ndarray, lam: np.ndarray, depth: int) -> float:
    """ψ(λ) = Σ F*(∇F(q) + A^T λ) - b·λ, where F*(∇F(z)) = z^{2/L}/2 for F of (57)."""
    return 0.5 * float(np.sum(z ** (2 / depth))) - float(b @ lam)


def bregman_projection(
    design: np.ndarray,
    b: np.ndarray,
    log_q: np.ndarray,
    depth: int,
    *,
    tol: float = PROJECTION_TOL,
    max_iter: int = 500,
    lam0: np.ndarray | None = None,
    dps: int | None = None,
) -> LimitResult:
    """argmin_{z >= 0, A z = b} D_F(z, q) for F of wn (57), by damped Newton on the dual.

    The dual ψ(λ) = Σ F*(∇F(q) + A^T λ) - b·λ is convex with ∇ψ = A z(λ) - b and
    ∇²ψ = A diag(1/F''(z)) A^T = A diag(L z^{2 - 2/L}) A^T; its minimizer gives the projection.
    ``log_q`` is log q (so tiny scales γ^L x̃(0) need not be formed).  ``info['dual']`` holds λ.
    With ``dps`` (L > 2), the float64 result is polished by Newton steps whose z(λ) and residual
    are computed at ``dps`` digits (mpmath, local context); :func:`projection_digits` says how
    many are needed.  The returned z is float64 either way.

    For L > 2 and a small q without a warm start ``lam0``, the scale is approached by
    continuation: q e^c for c from -max log q down to 0 in steps of CONTINUATION_STEP, each
    stage started from the last one's λ scaled by e^{k Δc} (exact for the q^{-k} part).
    """
    started = time.perf_counter()
    design = np.asarray(design, dtype=float)
    b = np.asarray(b, dtype=float)
    log_q = np.asarray(log_q, dtype=float)
    lam = np.zeros(design.shape[0]) if lam0 is None else np.array(lam0, dtype=float)
    iterations = 0
    if depth > 2 and lam0 is None and float(np.max(log_q)) < -CONTINUATION_STEP:
        k = (depth - 2) / depth
        offsets = np.arange(-float(np.max(log_q)), 0.0, -CONTINUATION_STEP)
        for offset in offsets:
            shifted = log_q + offset
            digits = projection_digits(shifted, depth)
            stage = _solve(design, b, shifted, depth, lam, CONTINUATION_TOL, max_iter, digits)
            iterations += stage.iterations
            if not stage.converged:
                break
            step = min(CONTINUATION_STEP, offset)
            lam = stage.lam * math.exp(k * step)  # predictor for q e^{offset - step}
    final = _solve(design, b, log_q, depth, lam, tol, max_iter, dps)
    return LimitResult(
        value=final.z,
        residual=final.residual,
        residual_kind="relative feasibility ||A z - b||/||b||",
        converged=final.converged,
        message=final.message,
        iterations=iterations + final.iterations,
        dps=dps if depth > 2 else None,
        wall_s=time.perf_counter() - started,
        info={"dual": final.lam},
    )


@dataclass(frozen=True)
class _Stage:
    z: np.ndarray
    lam: np.ndarray
    residual: float
    converged: bool
    message: str
    iterations: int


def _solve(design, b, log_q, depth, lam, tol, max_iter, dps) -> _Stage:
    """Damped Newton on the dual in float64 from λ, then (dps given, L > 2) the polish."""
    z = _primal(design, log_q, lam, depth)
    if z is None:
        lam = np.zeros(design.shape[0])
        z = _primal(design, log_q, lam, depth)
    norm_b = float(np.linalg.norm(b))
    value = _dual_objective(z, b, lam, depth)
    residual = float(np.linalg.norm(design @ z - b)) / norm_b
    message = f"not converged: {max_iter} Newton iterations"
    converged, iteration, history = False, 0, [residual]
    while iteration < max_iter:
        iteration += 1
        if residual <= tol:
            converged, message = True, f"converged: ||A z - b||/||b|| = {residual:.1e}"
            break
        grad = design @ z - b
        hess = (design * (depth * z ** (2 - 2 / depth))) @ design.T
        try:
            step = -np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        cap = _step_cap(design, log_q, lam, step, depth)
        step = step * cap
        slope = float(grad @ step)
        if slope >= 0:  # no descent direction left in float64: λ is as good as it gets
            message = f"not converged: Newton stalled at ||A z - b||/||b|| = {residual:.1e}"
            break
        t = 1.0
        for _ in range(MAX_HALVINGS):
            trial_lam = lam + t * step
            trial_z = _primal(design, log_q, trial_lam, depth)
            if trial_z is not None:
                trial_value = _dual_objective(trial_z, b, trial_lam, depth)
                trial_residual = float(np.linalg.norm(design @ trial_z - b)) / norm_b
                # Armijo on ψ; near the solution ψ = (large b·λ) - (large) loses the decrease to
                # rounding, so a sufficient decrease of ||∇ψ|| = ||A z - b|| is accepted too.
                if trial_value <= value + ARMIJO * t * slope or trial_residual <= (1 - ARMIJO * t) * residual:
                    break
            t *= 0.5
        else:
            message = "not converged: the Newton line search stalled"
            break
        lam, z, value, residual = trial_lam, trial_z, trial_value, trial_residual
        history.append(residual)
        if dps is not None and len(history) > STALL_WINDOW and residual > 0.5 * history[-1 - STALL_WINDOW]:
            message = f"float64 Newton stalled at ||A z - b||/||b|| = {residual:.1e}"
            break  # float64 has given what it can: the polish takes over
    if dps is not None and depth > 2 and not converged:
        z, lam, converged, message, extra = _polish(design, b, log_q, depth, lam, dps, tol)
        iteration += extra
        residual = float(np.linalg.norm(design @ z - b)) / norm_b
    return _Stage(z, lam, residual, converged, message, iteration)


def projection_digits(log_q: np.ndarray, depth: int) -> int | None:
    """Working digits that make :func:`bregman_projection` accurate for L > 2, or None (float64).

    For L > 2 an O(1) entry of z comes from z^{-k} = q^{-k} - (L-2)(A^T λ)_n, a difference of
    numbers as large as max q^{-k} (= α^{-(L-2)}-ish for a small start): float64 loses
    log10(max q^{-k}) of its digits there.  L = 2 works with log z = log q + 2 A^T λ, which
    loses nothing that matters.
    """
    if depth == 2:
        return None
    magnitude = float(np.max(-(depth - 2) / depth * np.asarray(log_q))) / math.log(10)
    if magnitude <= FLOAT64_CANCELLATION_DIGITS:
        return None
    return 17 + POLISH_GUARD_DIGITS + math.ceil(magnitude)


def _polish(design, b, log_q, depth, lam, dps: int, tol: float):
    """Damped Newton on A z(λ) = b with z(λ) and the residual at ``dps`` digits, steps from float64."""
    norm_b = float(np.linalg.norm(b))
    n = design.shape[1]
    with mp.workdps(dps):
        minus_k = -mp.mpf(depth - 2) / depth
        power = -mp.mpf(depth) / (depth - 2)  # z = base^{-1/k}
        columns = [[mp.mpf(float(v)) for v in design[:, j]] for j in range(n)]  # float64 data is exact
        rows = [[mp.mpf(float(v)) for v in row] for row in design]
        b_mp = [mp.mpf(float(v)) for v in b]
        q_k = [mp.exp(minus_k * mp.mpf(float(v))) for v in log_q]

        def evaluate(lam_mp):
            base = [q_k[j] - (depth - 2) * mp.fdot(columns[j], lam_mp) for j in range(n)]
            if any(v <= 0 for v in base):
                return None
            z = [v**power for v in base]
            res = np.array([float(mp.fdot(row, z) - bm) for row, bm in zip(rows, b_mp, strict=True)])
            psi = mp.fsum(v ** (mp.mpf(2) / depth) for v in z) / 2 - mp.fdot(b_mp, lam_mp)  # ψ
            return np.array([float(v) for v in z]), res, _floats(base), psi

        lam_mp = [mp.mpf(float(v)) for v in lam]
        start = evaluate(lam_mp)
        if start is None:  # the float64 λ is outside the domain at this precision: start at λ = 0
            lam_mp = [mp.mpf(0)] * len(lam_mp)
            start = evaluate(lam_mp)
        z_f, res_f, base_f, psi = start
        for iteration in range(1, POLISH_MAX_ITER + 1):
            residual = float(np.linalg.norm(res_f)) / norm_b
            if residual <= tol * POLISH_TOL_FACTOR:
                message = f"converged at {dps} digits: ||A z - b||/||b|| = {residual:.1e}"
                return z_f, _floats(lam_mp), True, message, iteration
            hess = (design * (depth * z_f ** (2 - 2 / depth))) @ design.T
            step = np.linalg.lstsq(hess, -res_f, rcond=None)[0]
            change = float(np.max(np.abs((depth - 2) * (design.T @ step) / base_f))) * depth / (depth - 2)
            t = 1.0 if change <= MAX_LOG_CHANGE else MAX_LOG_CHANGE / change  # as in _step_cap
            for _ in range(MAX_HALVINGS):
                trial_lam = [v + mp.mpf(float(t * d)) for v, d in zip(lam_mp, step, strict=True)]
                trial = evaluate(trial_lam)
                if trial is not None and (
                    trial[3] <= psi + ARMIJO * t * float(res_f @ step)
                    or np.linalg.norm(trial[1]) <= (1 - ARMIJO * t) * np.linalg.norm(res_f)
                ):
                    break
                t *= 0.5
            else:
                message = f"polish at {dps} digits stalled at {residual:.1e}"
                return z_f, _floats(lam_mp), False, message, iteration
            lam_mp, (z_f, res_f, base_f, psi) = trial_lam, trial
    return z_f, _floats(lam_mp), False, f"polish at {dps} digits did not converge", POLISH_MAX_ITER


def _floats(values) -> np.ndarray:
    return np.array([float(v) for v in values])


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
    projection = bregman_projection(
        model.design, model.b, log_q, model.depth, dps=projection_digits(log_q, model.depth)
    )
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
    dual: dict[str, np.ndarray | None] = {"lam": None}

    def project(r: float) -> LimitResult:
        log_q = log_q0 + model.depth * log_gamma(r0, r, model.eta)
        dps = projection_digits(log_q, model.depth)
        result = bregman_projection(model.design, model.b, log_q, model.depth, lam0=dual["lam"], dps=dps)
        if not result.converged:  # a warm start far from this scale can fail: retry cold
            result = bregman_projection(model.design, model.b, log_q, model.depth, dps=dps)
        if not result.converged:
            raise ArithmeticError(f"Bregman projection at r = {r:.6g} failed: {result.message}")
        dual["lam"] = result.info["dual"]
        return result

    def phi(r: float) -> float:
        return _radius(project(r).value, model.depth) - r

    r = r_guess if r_guess is not None else _radius(project(r0).value, model.depth)
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
    projection = project(r_inf)
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
