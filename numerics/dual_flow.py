"""Integrating the reduced flow (★) λ' = kL (A x(Aᵀλ) - y) to its limit in float64.

(★) is derived in ``numerics.dual_reduction``: M-dimensional whatever N is, with the
Jacobian J = kL A diag(dx/dg) Aᵀ in closed form.  Its stiffness is extreme: J's eigenvalues
run from O(1) down to the size of the smallest entries of x (1e-18 at α = 1e-2 on a
20 × 14 instance already), and the entries that go to 0 do so algebraically (like 1/t), so the
limit is reached only at t ~ 1e10 and beyond.  Two phases:

1. **Trajectory** (error-controlled): scipy's Radau IIA (order 5, L-stable) with the analytic
   Jacobian, in the log time τ = ln(1 + t) (dλ/dτ = (1 + t) λ'), in which algebraic decay is
   smooth and escape times like log(1/α) are crossed in O(1) steps.  Radau's local error
   control keeps the samples accurate to ``rtol``.
2. **Tail** (t → ∞).  The rest of the way is not integrated: (★) is the gradient flow of a
   strictly convex function of λ, so its limit is the solution of the flow's own stationarity
   condition A x(Aᵀλ) = y, which Newton's method finds from the integrated state (the x of
   (★), from the flow's closed form, not from any paper's potential).  The tail is tried once
   the flow has crossed its escape and fits the data to ``TAIL_TRY_RESIDUAL`` (relative
   residual), and again after every further fall of the residual by ``TAIL_RETRY_FACTOR``;
   when Newton does not reach the stopping test from there, the integration goes on.  It is
   taken unconditionally when Radau's step collapses (below ``TAIL_SWITCH_STEP`` in τ: float64
   rounding of A x - y, amplified by 1 + t, then dominates Radau's error estimate) or Radau
   stops.  Newton's steps are extended (t = 1, 2, 4, … times the step while the residual keeps
   falling): on a face of S₊ (``numerics.positive_face``) λ has no finite limit, the forced
   coordinates decay like e^{-g}, and plain Newton would gain only a factor e per step.  The
   tail's samples are marked in ``info["tail_samples"]``; ``t_reached`` is where the
   error-controlled integration ended.

   Since the limit is a fixed point of (★), the accuracy of the path does not enter it:
   :func:`flow_limit` integrates with the loose ``LIMIT_PATH_RTOL`` (a few times fewer steps)
   and repeats at ``RTOL`` only if that run does not arrive.

Shifted variables (``numerics.power_shift``).  A ``start`` other than λ = 0 and a ``metric`` G
(symmetric positive definite) integrate λ' = kL G (A x(Aᵀλ) - y) instead: that is (★) itself
written in the variable η of an invertible linear change λ = λ_s + Rη (then A, y are RᵀA, Rᵀy
and G = (RᵀR)⁻¹), so times and states are the model's.  The tail and the stopping test do not
see G: the limit is the solution of the same stationarity condition.

Stopping test.  Near the limit (★) is linear, λ(∞) - λ(t) ≈ -J⁻¹λ', so the remaining change
of x is δx = diag(dx/dg) Aᵀ(-J⁻¹λ').  With D = |dx/dg| and B = A D^{1/2}, δx = -D^{1/2} B⁺ r,
r = A x - y, from the SVD of B (condition number √cond(J), where a solve with J itself would
lose all digits), over the singular directions where r rises above its own rounding error
(:func:`_newton_direction`).  The flow has arrived when ‖δx‖ ≤ ``rtol_limit`` ‖x‖; the tail
then takes one more Newton step if it lowers the residual.  The reported limit is the state
the flow reached.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.integrate import Radau

from dlncheck.numerics.dual_reduction import DiagonalReduction, dual_jacobian, dual_vector_field
from dlncheck.numerics.results import FlowResult, Trajectory

RTOL = 1e-8  # Radau's local error tolerance on λ in phase 1 (trajectories)
# ... when only the limit is wanted (flow_limit): on 228 random instances (20 x 14 and 200 x 60,
# positive and signed, L = 2 with α down to 1e-12, L = 3 down to 1e-4) every run at 1e-4
# arrived within 4e-10 of the projection; at 1e-3 a twelfth did not arrive.
LIMIT_PATH_RTOL = 1e-4
ATOL = 1e-10  # guards λ ≈ 0 at the start; λ grows like log(1/α) or α^{-(L-2)}
LIMIT_RTOL = 1e-9  # default: remaining relative change of x at which the flow has arrived (the
# least-squares estimate itself is only good to ~1e-10 relative in float64)
START_STEP = 1e-6  # first step in τ from a given start (scipy's own choice from λ = 0 is near it)
TAU_MAX = 690.0  # τ = ln(1 + t): t up to e^690 ≈ 1e300, the float64 horizon
# A Radau step in τ below this means rounding noise in A x - y controls the error estimate.
TAIL_SWITCH_STEP = 1e-3
# ... but only once the relative residual is this small (early on, small steps are the
# transient, not rounding).
TAIL_SWITCH_RESIDUAL = 1e-6
# Newton on the stationarity condition is also tried as soon as the relative residual falls
# below TAIL_TRY_RESIDUAL (and again after each further fall by TAIL_RETRY_FACTOR): when it
# converges the limit is reached without integrating the slow approach; when it does not, the
# integration goes on from where it was.
TAIL_TRY_RESIDUAL = 1e-3
TAIL_RETRY_FACTOR = 100.0
MAX_TAIL_STEPS = 200
MAX_EXTENSION = 2.0**30  # the tail's step extension tries 1, 2, 4, ... times the Newton step
MAX_STEPS = 5_000
# Rounding error of r = A x - y, in units of eps·‖|A||x| + |y|‖ (a few ulps per entry of the
# M·N-term sums, with margin): components of r below it carry no information.
RESIDUAL_ROUNDING = 8.0
CHECK_EVERY = 5  # phase-1 steps between stopping tests (each costs a least-squares solve)


def integrate_to_limit(
    reduction: DiagonalReduction,
    A: np.ndarray,
    y: np.ndarray,
    *,
    rtol_limit: float = LIMIT_RTOL,
    rtol: float = RTOL,
    atol: float = ATOL,
    max_steps: int = MAX_STEPS,
    keep_trajectory: bool = True,
    progress: Callable[[float, int], None] | None = None,
    start: np.ndarray | None = None,
    metric: np.ndarray | None = None,
) -> FlowResult:
    """Integrate (★) from λ = ``start`` (default 0) until the stopping test says the limit is reached.

    ``metric``: G in λ' = kL G (A x - y), for a flow written in shifted variables (module docstring).
    """
    wall_start = time.perf_counter()
    A = np.asarray(A, dtype=float)
    y = np.asarray(y, dtype=float)
    m = A.shape[0]
    lam0 = np.zeros(m) if start is None else np.array(start, dtype=float)
    G = None if metric is None else np.asarray(metric, dtype=float)

    def field(tau: float, lam: np.ndarray) -> np.ndarray:
        dlam, _, _ = dual_vector_field(reduction, A, y, lam)
        if G is not None:
            dlam = G @ dlam
        return math.exp(tau) * np.nan_to_num(dlam, nan=np.inf)

    def jacobian(tau: float, lam: np.ndarray) -> np.ndarray:
        _, _, dx = dual_vector_field(reduction, A, y, lam)
        jac = dual_jacobian(reduction, A, np.nan_to_num(dx))
        return math.exp(tau) * (jac if G is None else G @ jac)

    taus, lams, tail_flags = [0.0], [lam0.copy()], [False]
    steps, converged, remaining = 0, False, math.inf
    message = ""
    # scipy's first-step heuristic, 0.01‖λ‖/‖λ'‖, would leap far past e^τ's range from a start
    # of size α^{-(L-2)}; from λ = 0 it picks about START_STEP itself
    first_step = None if start is None else START_STEP
    solver = Radau(
        field, 0.0, lam0.copy(), TAU_MAX, rtol=rtol, atol=atol, jac=jacobian, first_step=first_step
    )
    tau, lam = 0.0, lam0.copy()
    switched_at, tail = None, None
    # ‖δx‖ ≥ ‖A δx‖/‖A‖_F = ‖r‖/‖A‖_F to first order (A x(λ + δλ) = y): while that lower
    # bound exceeds the target the least-squares estimate of δx need not be computed.
    a_norm = max(float(np.linalg.norm(A)), np.finfo(float).tiny)
    next_tail_try = TAIL_TRY_RESIDUAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=scipy.linalg.LinAlgWarning)
        while steps < max_steps:  # phase 1
            failure = solver.step()
            steps += 1
            if failure is not None or solver.status == "failed":
                break
            if not _finite_state(reduction, A, solver.y):
                # scipy's Radau accepts a step whose error estimate is NaN (it only rejects
                # error > 1): such a step left x's domain (θ ≤ 0 for L > 2).  Restart from the
                # last accepted state with a tenth of the step.
                solver = Radau(
                    field,
                    tau,
                    lam,
                    TAU_MAX,
                    rtol=rtol,
                    atol=atol,
                    jac=jacobian,
                    first_step=max(solver.step_size, 1e-12) / 10,
                )
                continue
            tau, lam = solver.t, solver.y.copy()
            taus.append(tau)
            lams.append(lam)
            tail_flags.append(False)
            if progress is not None:
                progress(math.expm1(tau), steps)
            residual, x_norm = _residual_and_size(reduction, A, y, lam)
            if (steps % CHECK_EVERY == 0 or solver.status != "running") and (
                residual * float(np.linalg.norm(y)) <= rtol_limit * x_norm * a_norm
            ):
                remaining = remaining_change(reduction, A, y, lam)
                if remaining <= rtol_limit:
                    converged = True
                    break
            if solver.status != "running":
                break
            collapsed = solver.step_size < TAIL_SWITCH_STEP and residual < TAIL_SWITCH_RESIDUAL
            if collapsed or residual < next_tail_try:
                tail = _newton_tail(reduction, A, y, lam, rtol_limit)
                if tail.converged or collapsed:
                    break
                # not yet in Newton's reach: integrate on, and try again when the residual
                # has fallen by another TAIL_RETRY_FACTOR
                tail, next_tail_try = None, residual / TAIL_RETRY_FACTOR
        if tail is None and not converged and steps < max_steps:
            # Radau stopped (failed or reached TAU_MAX): finish on the stationarity condition
            tail = _newton_tail(reduction, A, y, lam, rtol_limit)
    if tail is not None:
        switched_at = tau
        steps += len(tail.lams)
        taus.extend([math.inf] * len(tail.lams))
        lams.extend(tail.lams)
        tail_flags.extend([True] * len(tail.lams))
        converged, remaining = tail.converged, tail.remaining
        lam = tail.lams[-1] if tail.lams else lam
    if converged:
        message = f"converged: estimated remaining relative change of x {remaining:.1e}"
    elif steps >= max_steps:
        message = f"stopped after {max_steps} steps before the limit was reached"
    else:
        message = f"did not reach the limit (estimated remaining relative change {remaining:.1e})"
    if switched_at is not None:
        message += f"; Newton on the flow's stationarity condition from t = {math.expm1(switched_at):.3e}"
    _, x, _ = dual_vector_field(reduction, A, y, lam)
    y_norm = max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    trajectory = None
    if keep_trajectory:
        lam_arr = np.array(lams)
        products = np.array([reduction.product(A.T @ row)[0] for row in lam_arr])
        trajectory = Trajectory(
            t=np.expm1(np.array(taus)), states=lam_arr, product=products, state_names=("lambda",)
        )  # the tail's samples have t = inf: they approximate the limit, not a time
    return FlowResult(
        limit=x,
        t_reached=math.expm1(tau),
        converged=converged,
        message=message,
        residual=float(np.linalg.norm(A @ x - y)) / y_norm,
        steps=steps,
        trajectory=trajectory,
        wall_s=time.perf_counter() - wall_start,
        info={
            "dual": lam,
            "tail_from_t": None if switched_at is None else math.expm1(switched_at),
            "tail_samples": np.array(tail_flags),
            "remaining_change": remaining,
        },
    )


def flow_limit(
    reduction: DiagonalReduction,
    A: np.ndarray,
    y: np.ndarray,
    *,
    rtol_limit: float = LIMIT_RTOL,
    progress: Callable[[float, int], None] | None = None,
    start: np.ndarray | None = None,
    metric: np.ndarray | None = None,
) -> FlowResult:
    """The limit of (★) only: a loose path (``LIMIT_PATH_RTOL``), then ``RTOL`` if it fails.

    ``start`` and ``metric`` as in :func:`integrate_to_limit` (shifted variables).
    """
    common = {"keep_trajectory": False, "progress": progress, "start": start, "metric": metric}
    first = integrate_to_limit(reduction, A, y, rtol_limit=rtol_limit, rtol=LIMIT_PATH_RTOL, **common)
    if first.converged:
        return first
    second = integrate_to_limit(reduction, A, y, rtol_limit=rtol_limit, rtol=RTOL, **common)
    return FlowResult(
        limit=second.limit,
        t_reached=second.t_reached,
        converged=second.converged,
        message=second.message + f" (repeated at rtol {RTOL:g} after: {first.message})",
        residual=second.residual,
        steps=first.steps + second.steps,
        trajectory=None,
        wall_s=first.wall_s + second.wall_s,
        info=second.info,
    )


def remaining_change(reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray) -> float:
    """‖δx‖ / ‖x‖ for the linearized remaining change δx of :func:`_newton_direction`."""
    direction = _newton_direction(reduction, A, y, lam)
    if direction is None:
        return math.inf
    _, change, x = direction
    scale = float(np.linalg.norm(x))
    return float(np.linalg.norm(change)) / scale if scale > 0 else math.inf


def _newton_direction(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Newton's step Δ on A x(Aᵀλ) = y, the change of x it predicts, and x; None if not finite.

    With D = |dx/dg|, B = A D^{1/2} = U S Vᵀ and r = A x - y: Δ = (A D Aᵀ)⁺ r = U S⁻² Uᵀ r and
    δx = -D AᵀΔ = -D^{1/2} V S⁻¹ Uᵀ r, over the singular directions whose component of r,
    |u_jᵀ r|, exceeds the rounding error of r itself (``RESIDUAL_ROUNDING`` · eps ·
    ‖|A| |x| + |y|‖): a smaller component may be rounding alone, and divided by a tiny s_j it
    would swamp both.  This matters on a face of S₊ (``numerics.positive_face``), where the
    forced coordinates' D falls below 1e-50 and B is numerically rank deficient: a full solve
    gives an astronomically large Δ, while what remains of x is only the forced coordinates'
    own tiny values.
    """
    dlam, x, dx = dual_vector_field(reduction, A, y, lam)
    if not (np.all(np.isfinite(dlam)) and np.all(np.isfinite(dx))):
        return None
    r = dlam / reduction.rate
    root_d = np.sqrt(np.abs(dx))
    U, S, Vt = np.linalg.svd(A * root_d, full_matrices=False)
    coefficients = U.T @ r
    floor = RESIDUAL_ROUNDING * np.finfo(float).eps * float(np.linalg.norm(np.abs(A) @ np.abs(x) + np.abs(y)))
    keep = (S > 0) & (np.abs(coefficients) > floor)
    scaled = coefficients[keep] / S[keep]
    step = U[:, keep] @ (scaled / S[keep])
    change = -root_d * (Vt[keep].T @ scaled)
    return step, change, x


@dataclass
class _Tail:
    lams: list[np.ndarray]
    converged: bool
    remaining: float


def _newton_tail(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray, rtol_limit: float
) -> _Tail:
    """Extended Newton steps on A x(Aᵀλ) = y from λ until the stopping test passes (or stalls).

    Once it passes, one more step is taken if it lowers the residual: Newton converges
    quadratically there, so it costs one solve and leaves the limit at float64's floor.
    """
    lams: list[np.ndarray] = []
    remaining = remaining_change(reduction, A, y, lam)
    for _ in range(MAX_TAIL_STEPS):
        if remaining <= rtol_limit:
            polished = _extended_newton_step(reduction, A, y, lam)
            if polished is not None:
                after = remaining_change(reduction, A, y, polished)
                if after <= remaining:
                    lams.append(polished)
                    remaining = after
            return _Tail(lams, True, remaining)
        nxt = _extended_newton_step(reduction, A, y, lam)
        if nxt is None:
            break
        lam = nxt
        lams.append(lam)
        remaining = remaining_change(reduction, A, y, lam)
    return _Tail(lams, remaining <= rtol_limit, remaining)


def _extended_newton_step(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray
) -> np.ndarray | None:
    """One Newton step on A x(Aᵀλ) = y, halved or extended by doubling on the residual norm."""
    direction = _newton_direction(reduction, A, y, lam)
    if direction is None:
        return None
    step = direction[0]
    base = _relative_residual(reduction, A, y, lam)
    t, best = 1.0, None
    while t >= 2.0**-40:
        value = _relative_residual(reduction, A, y, lam + t * step)
        if value < base:
            best = (value, t)
            break
        t /= 2
    if best is None:
        return None
    while best[1] < MAX_EXTENSION:
        value = _relative_residual(reduction, A, y, lam + 2 * best[1] * step)
        if not value < best[0]:
            break
        best = (value, 2 * best[1])
    return lam + best[1] * step


def _finite_state(reduction: DiagonalReduction, A: np.ndarray, lam: np.ndarray) -> bool:
    x, dx = reduction.product(A.T @ lam)
    return bool(np.all(np.isfinite(x)) and np.all(np.isfinite(dx)))


def _residual_and_size(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray
) -> tuple[float, float]:
    """(‖A x - y‖/‖y‖, ‖x‖) at λ; the residual is inf where x is not finite."""
    x = reduction.product(A.T @ lam)[0]
    value = float(np.linalg.norm(A @ x - y)) / max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    size = float(np.linalg.norm(x))
    return (value, size) if math.isfinite(value) and math.isfinite(size) else (math.inf, math.inf)


def _relative_residual(reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray) -> float:
    return _residual_and_size(reduction, A, y, lam)[0]
