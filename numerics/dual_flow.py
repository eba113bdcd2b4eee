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
2. **Tail** (t → ∞): once the residual A x - y is at the level where its float64 rounding
   (~1e-16 ‖y‖), amplified by 1 + t, dominates Radau's error estimate, Radau's step collapses
   (below ``TAIL_SWITCH_STEP`` in τ).  The rest of the way is not integrated: (★) is the
   gradient flow of a strictly convex function of λ, so its limit is the solution of the
   flow's own stationarity condition A x(Aᵀλ) = y, which Newton's method finds from the
   integrated state (the x of (★), from the flow's closed form, not from any paper's
   potential).  Its steps are extended (t = 1, 2, 4, … times the Newton step while the
   residual keeps falling): on a face of S₊ (``numerics.positive_face``) λ has no finite
   limit, the forced coordinates decay like e^{-g}, and plain Newton would gain only a factor
   e per step.  The tail's samples are marked in ``info["tail_samples"]``; ``t_reached`` is
   where the error-controlled integration ended.

Stopping test.  Near the limit (★) is linear, λ(∞) - λ(t) ≈ -J⁻¹λ', so the remaining change
of x is δx = diag(dx/dg) Aᵀ(-J⁻¹λ').  With D = |dx/dg| and B = A D^{1/2}, δx = D^{1/2} w with
w the minimum-norm solution of B w = λ'/kL, computed by least squares on B (condition number
√cond(J), where a solve with J itself would lose all digits).  The flow has arrived when
‖δx‖ ≤ ``rtol_limit`` ‖x‖.  The reported limit is the state the flow reached.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable

import numpy as np
import scipy.linalg
from scipy.integrate import Radau

from numerics.dual_reduction import DiagonalReduction, dual_jacobian, dual_vector_field
from numerics.results import FlowResult, Trajectory
from numerics.weighted_normal_equations import solve_weighted_normal

RTOL = 1e-8  # Radau's local error tolerance on λ in phase 1
ATOL = 1e-10  # guards λ ≈ 0 at the start; λ grows like log(1/α) or α^{-(L-2)}
LIMIT_RTOL = 1e-9  # default: remaining relative change of x at which the flow has arrived (the
# least-squares estimate itself is only good to ~1e-10 relative in float64)
TAU_MAX = 690.0  # τ = ln(1 + t): t up to e^690 ≈ 1e300, the float64 horizon
# A Radau step in τ below this means rounding noise in A x - y controls the error estimate.
TAIL_SWITCH_STEP = 1e-3
# ... but only once the relative residual is this small (early on, small steps are the
# transient, not rounding).
TAIL_SWITCH_RESIDUAL = 1e-6
MAX_TAIL_STEPS = 200
MAX_EXTENSION = 2.0**30  # the tail's step extension tries 1, 2, 4, ... times the Newton step
MAX_STEPS = 5_000
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
) -> FlowResult:
    """Integrate (★) from λ = 0 until the stopping test says the limit is reached."""
    start = time.perf_counter()
    A = np.asarray(A, dtype=float)
    y = np.asarray(y, dtype=float)
    m = A.shape[0]

    def field(tau: float, lam: np.ndarray) -> np.ndarray:
        dlam, _, _ = dual_vector_field(reduction, A, y, lam)
        return math.exp(tau) * np.nan_to_num(dlam, nan=np.inf)

    def jacobian(tau: float, lam: np.ndarray) -> np.ndarray:
        _, _, dx = dual_vector_field(reduction, A, y, lam)
        return math.exp(tau) * dual_jacobian(reduction, A, np.nan_to_num(dx))

    taus, lams, tail_flags = [0.0], [np.zeros(m)], [False]
    steps, converged, remaining = 0, False, math.inf
    message = ""
    solver = Radau(field, 0.0, np.zeros(m), TAU_MAX, rtol=rtol, atol=atol, jac=jacobian)
    tau, lam = 0.0, np.zeros(m)
    switched_at = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=scipy.linalg.LinAlgWarning)
        while steps < max_steps:  # phase 1
            failure = solver.step()
            steps += 1
            if failure is not None or solver.status == "failed":
                break
            tau, lam = solver.t, solver.y.copy()
            taus.append(tau)
            lams.append(lam)
            tail_flags.append(False)
            if progress is not None:
                progress(math.expm1(tau), steps)
            if steps % CHECK_EVERY == 0 or solver.status != "running":
                remaining = remaining_change(reduction, A, y, lam)
                if remaining <= rtol_limit:
                    converged = True
                    break
            if solver.status != "running":
                break
            if (
                solver.step_size < TAIL_SWITCH_STEP
                and _relative_residual(reduction, A, y, lam) < TAIL_SWITCH_RESIDUAL
            ):
                break
        if not converged and steps < max_steps:
            switched_at = tau
            for _ in range(MAX_TAIL_STEPS):
                lam = _extended_newton_step(reduction, A, y, lam)
                if lam is None:
                    lam = lams[-1]
                    break
                steps += 1
                taus.append(math.inf)
                lams.append(lam)
                tail_flags.append(True)
                remaining = remaining_change(reduction, A, y, lam)
                if remaining <= rtol_limit:
                    converged = True
                    break
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
        wall_s=time.perf_counter() - start,
        info={
            "dual": lam,
            "tail_from_t": None if switched_at is None else math.expm1(switched_at),
            "tail_samples": np.array(tail_flags),
            "remaining_change": remaining,
        },
    )


def remaining_change(reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray) -> float:
    """‖δx‖ / ‖x‖ with δx = diag(dx/dg) Aᵀ(-J⁻¹λ'), J⁻¹ applied by ``solve_weighted_normal``."""
    dlam, x, dx = dual_vector_field(reduction, A, y, lam)
    if not (np.all(np.isfinite(dlam)) and np.all(np.isfinite(dx))):
        return math.inf
    step = solve_weighted_normal(A, np.abs(dx), dlam / reduction.rate)
    scale = float(np.linalg.norm(x))
    return float(np.linalg.norm(dx * (A.T @ step))) / scale if scale > 0 else math.inf


def _extended_newton_step(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray
) -> np.ndarray | None:
    """One Newton step on A x(Aᵀλ) = y, halved or extended by doubling on the residual norm."""
    dlam, _, dx = dual_vector_field(reduction, A, y, lam)
    step = solve_weighted_normal(A, np.abs(dx), dlam / reduction.rate)  # J⁻¹(-λ') up to sign
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


def _relative_residual(reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray) -> float:
    x = reduction.product(A.T @ lam)[0]
    value = float(np.linalg.norm(A @ x - y)) / max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    return value if math.isfinite(value) else math.inf
