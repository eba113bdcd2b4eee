"""Today's float64 dual Newton (``numerics.bregman_projection.project`` as of 2026-12-07), kept
verbatim as the baseline of ``bench/bench_small_limits.py`` and of
``tests/test_small_limits_fast.py``.

``numerics.bregman_projection.project`` now runs the same iteration with less per-step
overhead (LAPACK called directly, the potentials' closed forms evaluated once per point); this
copy is what it is measured and compared against.  Not for new callers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb

from dlncheck.numerics.bregman_projection import (
    ARMIJO,
    FLOAT64_MAX_DIGITS_LOST,
    FLOOR_RESIDUAL,
    FLOOR_STEP,
    INITIAL_TRUST,
    MAX_NEWTON_ITERATIONS,
    MIN_STEP_FRACTION,
    PSI_ROUNDING,
    RESIDUAL_TOL,
    STEP_TOL,
    TRUST_GROWTH,
    ProjectionError,
    ProjectionProblem,
)
from dlncheck.numerics.results import LimitResult
from dlncheck.numerics.weighted_normal_equations import solve_weighted_normal


@dataclass
class _State:
    mu: np.ndarray
    thetas: list[np.ndarray]
    z: np.ndarray
    dz: np.ndarray
    grad: np.ndarray
    psi: float


def _evaluate(problem: ProjectionProblem, A: np.ndarray, y: np.ndarray, theta0, mu: np.ndarray) -> _State:
    h = A.T @ mu
    z = np.zeros(A.shape[1])
    dz = np.zeros(A.shape[1])
    psi = -float(y @ mu)
    thetas = []
    for (pot, sigma), t0 in zip(problem.branches, theta0, strict=True):
        theta = t0 + sigma * h
        zb, dzb = pot.primal(theta)
        z += sigma * zb
        dz += dzb
        psi += pot.conjugate(theta)
        thetas.append(theta)
    return _State(mu, thetas, z, dz, A @ z - y, psi)


def _finite(state: _State) -> bool:
    return math.isfinite(state.psi) and bool(np.all(np.isfinite(state.z)))


def _newton_direction(A: np.ndarray, state: _State) -> np.ndarray:
    return solve_weighted_normal(A, state.dz, -state.grad)


def _trust_ratio(problem: ProjectionProblem, A: np.ndarray, state: _State, step: np.ndarray) -> float:
    dh = np.abs(A.T @ step)
    ratio = 0.0
    for (pot, _), theta in zip(problem.branches, state.thetas, strict=True):
        scale = pot.step_scale(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = max(ratio, float(np.max(np.where(scale > 0, dh / scale, np.inf))))
    return ratio


def project(
    problem: ProjectionProblem,
    max_iterations: int = MAX_NEWTON_ITERATIONS,
    *,
    start_dual: np.ndarray | None = None,
) -> LimitResult:
    """Float64 trust-region Newton on the dual from ``start_dual`` (default ``problem.dual_start``,
    else μ = 0); the value is z (the end-to-end vector)."""
    start = time.perf_counter()
    A, y = problem.A, problem.y
    if problem.unique_solution is not None:  # exact, whatever the potential's scale
        return _unique_point_result(problem, start)
    theta0 = [pot.theta0() for pot, _ in problem.branches]
    lost = max(getattr(pot, "float64_digits_lost", lambda: 0)() for pot, _ in problem.branches)
    if lost > FLOAT64_MAX_DIGITS_LOST or not all(np.all(np.isfinite(t)) for t in theta0):
        raise ProjectionError(
            f"float64 cannot resolve this initialization scale in this potential (about {lost} digits "
            "cancel); use a higher precision, or pose the problem in the shifted dual "
            "(numerics.power_shift.shifted_projection)"
        )
    # The tests' floors rise with the digits θ0 + Aᵀμ cancels; RESIDUAL_TOL already sits
    # ~3 digits above float64's unit roundoff, so only cancellation beyond that counts.
    cancelled = max(1.0, 10.0 ** (lost - 3))
    mu0 = _default_start(problem, start_dual)
    state = _evaluate(
        problem, A, y, theta0, np.zeros(A.shape[0]) if mu0 is None else np.array(mu0, dtype=float)
    )
    y_norm = max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    if not _finite(state):
        why = "the start lies outside the potential's domain (give a start_dual inside it)"
        return _projection_result(problem, state, y_norm, False, why, 0, start)
    trust = INITIAL_TRUST
    for iteration in range(1, max_iterations + 1):
        step = _descent_direction(A, state)
        z_norm = max(float(np.linalg.norm(state.z)), np.finfo(float).tiny)
        correction = float(np.linalg.norm(state.dz * (A.T @ step))) / z_norm
        residual = float(np.linalg.norm(state.grad)) / y_norm
        if correction <= STEP_TOL * cancelled and residual <= RESIDUAL_TOL * cancelled:
            return _projection_result(problem, state, y_norm, True, "converged", iteration, start)
        at_floor = residual <= FLOOR_RESIDUAL * cancelled and correction <= FLOOR_STEP * cancelled
        ratio = _trust_ratio(problem, A, state, step)
        capped = ratio > trust
        if capped:
            step = step * (trust / ratio)
        trial, t = _armijo(problem, A, y, theta0, state, step)
        if trial is None:
            why = "stopped at the rounding floor" if at_floor else "line search failed"
            return _projection_result(problem, state, y_norm, at_floor, why, iteration, start)
        state = trial
        trust = trust * TRUST_GROWTH if (capped and t == 1.0) else max(trust * t, INITIAL_TRUST)
    message = f"no convergence in {max_iterations} iterations"
    return _projection_result(problem, state, y_norm, False, message, max_iterations, start)


def _default_start(problem: ProjectionProblem, start_dual):
    if start_dual is not None:
        return start_dual
    return problem.dual_start


def _unique_point_result(problem: ProjectionProblem, start: float, dps: int | None = None) -> LimitResult:
    """The constraint set is one point, known exactly: no Newton iteration is needed."""
    exact = problem.embed(problem.unique_solution, Fraction(0))
    value = (
        np.array([float(v) for v in exact])
        if dps is None
        else tuple(arb(v.numerator) / v.denominator for v in exact)
    )
    return LimitResult(
        value=value,
        residual=0.0,
        residual_kind="exact: the constraint set is the single point A_face⁻¹ y (rational arithmetic)",
        converged=True,
        message="the constraint set is a single point; solved exactly"
        + (f" ({problem.note})" if problem.note else ""),
        certified_digits=None if dps is None else dps,
        dps=dps,
        wall_s=time.perf_counter() - start,
        info={"dual": None, "exact": exact, "krawczyk": False},
    )


def _descent_direction(A: np.ndarray, state: _State) -> np.ndarray:
    """The Newton direction, or a fallback when rounding has made it useless."""
    step = _newton_direction(A, state)
    if float(state.grad @ step) < 0:
        return step
    # the QR solve lost the direction (e.g. to underflowing D entries): solve with the Hessian
    # itself, then fall back to steepest descent
    step = np.linalg.lstsq((A * state.dz) @ A.T, -state.grad, rcond=None)[0]
    return step if float(state.grad @ step) < 0 else -state.grad


def _armijo(problem, A, y, theta0, state: _State, step: np.ndarray) -> tuple[_State | None, float]:
    """Backtracking on Ψ; near the optimum, where Ψ's change is below rounding, on ‖∇Ψ‖."""
    slope = float(state.grad @ step)
    t = 1.0
    while t >= MIN_STEP_FRACTION:
        trial = _evaluate(problem, A, y, theta0, state.mu + t * step)
        if _finite(trial):
            if trial.psi <= state.psi + ARMIJO * t * slope:
                return trial, t
            lost = abs(slope) * t <= PSI_ROUNDING * max(abs(state.psi), 1.0)
            if lost and np.linalg.norm(trial.grad) <= np.linalg.norm(state.grad):
                return trial, t
        t *= 0.5
    return None, t


def _projection_result(
    problem: ProjectionProblem,
    state: _State,
    y_norm: float,
    converged: bool,
    message: str,
    iterations: int,
    start: float,
) -> LimitResult:
    return LimitResult(
        value=np.array(problem.embed(state.z, 0.0)),
        residual=float(np.linalg.norm(state.grad)) / y_norm,
        residual_kind="relative feasibility residual ||A z - y|| / ||y|| (KKT holds by construction)",
        converged=converged,
        message=message,
        iterations=iterations,
        wall_s=time.perf_counter() - start,
        info={"dual": state.mu},
    )
