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
2. **Tail** (fixed-point phase): once the residual A x - y is at the level where its float64
   rounding (~1e-16 ‖y‖), amplified by 1 + t, dominates Radau's error estimate, Radau's step
   collapses (below ``TAIL_SWITCH_STEP`` in τ).  From there the integration continues with
   linearly implicit (Rosenbrock) Euler steps λ ← λ + h (I - hJ)⁻¹ λ' whose step h doubles
   every accepted step.  This L-stable method converges to the flow's unique fixed point
   (J is negative definite), which is the limit; the samples of this phase are marked and
   are not error-controlled.

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
TAIL_FIRST_STEP = 1.0  # first step of the tail phase, in τ
TAIL_MIN_STEP = 1e-8  # a tail step this small means the fixed-point iteration is stuck
TAIL_NOISE = 1e-14  # relative residual within float64 rounding of A x - y
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
        if not converged and steps < max_steps and tau < TAU_MAX:
            switched_at = tau
            h = TAIL_FIRST_STEP
            while steps < max_steps and tau + h < TAU_MAX:  # phase 2
                dlam = field(tau, lam)
                J = jacobian(tau, lam)
                try:
                    update = scipy.linalg.solve(np.eye(m) - h * J, h * dlam, check_finite=False)
                except (np.linalg.LinAlgError, ValueError):
                    break
                trial = lam + update
                # accept only steps that keep x finite and do not let the residual grow
                trial_residual = _relative_residual(reduction, A, y, trial)
                if not trial_residual <= max(_relative_residual(reduction, A, y, lam), TAIL_NOISE):
                    h /= 2
                    if h < TAIL_MIN_STEP:
                        break
                    continue
                tau, lam = tau + h, trial
                h *= 2
                steps += 1
                taus.append(tau)
                lams.append(lam)
                tail_flags.append(True)
                if progress is not None:
                    progress(math.expm1(tau), steps)
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
        message += f"; fixed-point tail phase from t = {math.expm1(switched_at):.3e}"
    _, x, _ = dual_vector_field(reduction, A, y, lam)
    y_norm = max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    trajectory = None
    if keep_trajectory:
        lam_arr = np.array(lams)
        products = np.array([reduction.product(A.T @ row)[0] for row in lam_arr])
        trajectory = Trajectory(
            t=np.expm1(np.array(taus)), states=lam_arr, product=products, state_names=("lambda",)
        )
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
    """‖δx‖ / ‖x‖ with δx = diag(dx/dg) Aᵀ(-J⁻¹λ') computed by least squares on A D^{1/2}."""
    dlam, x, dx = dual_vector_field(reduction, A, y, lam)
    if not (np.all(np.isfinite(dlam)) and np.all(np.isfinite(dx))):
        return math.inf
    root = np.sqrt(np.abs(dx))
    w = scipy.linalg.lstsq(A * root, dlam / reduction.rate, check_finite=False, lapack_driver="gelsd")[0]
    scale = float(np.linalg.norm(x))
    return float(np.linalg.norm(root * w)) / scale if scale > 0 else math.inf


def _relative_residual(reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray) -> float:
    x = reduction.product(A.T @ lam)[0]
    value = float(np.linalg.norm(A @ x - y)) / max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    return value if math.isfinite(value) else math.inf
