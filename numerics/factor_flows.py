"""Gradient flows of the diagonal-network losses, integrated in the papers' own factors.

This is the ground truth for the reduced (dual-variable) integrators.  Every model
(:mod:`numerics.factor_flows_power`, :mod:`numerics.factor_flows_product`,
:mod:`numerics.factor_flows_sensing`) states dx/dt = F(x) in its factors, with F = -grad of
its paper's loss (derived, not copied: see each model), its analytic Jacobian dF/dx, its loss
and its end-to-end vector.  This module integrates any of them to its limit with a stiff
solver after two changes of variables:

* Factor charts, x = chi(theta).  An entry that cannot change sign (every factor of a power
  model u^L; every factor of a distinct-factor product except the strict smallest one, by the
  conservation of x_k^2 - x_l^2) is integrated as x = s e^theta: small initializations make the
  flow move factors over many orders of magnitude (alpha = 1e-12 to O(1)), which e^theta turns
  into O(10) of theta, and an absolute tolerance on theta is a relative one on x.  The single
  factor per entry that may cross zero is integrated as x = sigma sinh(theta), with sigma the
  magnitude at which it can cross (square root of its smallest conserved gap): like e^theta far
  from zero, linear through it.
* Log time, t = t0 + T (e^sigma - 1).  Escape times grow like log(1/alpha) (depth 2) or
  alpha^-(L-2) (depth L > 2) and the flow then converges exponentially (or, for L > 2, as a
  power of t) in t; in sigma these are ranges of a few tens.  A run starts with t0 = 0 and
  T = ``time_unit``.  For L > 2, the escape at t ~ alpha^-(L-2) is followed by motion on the
  time scale O(1): a window of width ~1/t in sigma, below float64's resolution of sigma at
  t ~ 1e12.  When the steps shrink below ``RESTART_STEP`` (or the solver fails for lack of
  resolution) the clock restarts at the current t with T = the current physical step
  (short steps restart it only while the relative residual exceeds ``RESTART_RESIDUAL``).

On each clock segment the integrated system is
    d theta/d sigma = (dt/d sigma) F(x) / chi'(theta),
    J = (dt/d sigma) [diag(1/chi') dF/dx diag(chi') - diag(F chi'' / chi'^2)],
with chi'' = chi = x for both charts.

Stopping test (``converged``): the relative residual ||A p - y|| / ||y|| of the end-to-end
vector p is at most ``residual_tol`` and p moved by at most ``state_tol * ||p||`` over the
last window in which the clock's elapsed time t - t0 + T grew by the factor e (one unit of
sigma; tested once sigma >= 1), on the clock of the last restart made while the residual
exceeded ``RESTART_RESIDUAL``.  If the flow converges like
e^(-lambda (t - t0)) (positive definite local Gram matrix), then once lambda (t - t0) >~ 1 the
motion over the window bounds the motion over [t, infinity); if it converges like
(t - t0)^(-k), k >= 1 (L > 2 with a still-growing small entry), it bounds it up to the factor
1/(e^k - 1) < 1.  So the test bounds the remaining distance to the limit by about
``state_tol`` (relative), on top of the integration error set by rtol/atol.  The residual
condition keeps the test from passing on a plateau (a saddle has loss > 0), and the clock on
which the test passes has seen the residual fall by four orders of magnitude or more.  Measuring the window
on the current clock (not from t = 0) matters after a late escape: at t ~ 1e12 the flow
settles within O(1) of time, while an e-fold of t itself would take 1e12 more, all of it on
the rounding floor below.

Tolerances and solver (measured on M = 10, N = 30, 3-sparse x*, depths 2, 3, 4 and
alpha = 1e-6, 1e-12, and on one-row instances with closed-form limits): with the residual
accumulated in long double (:class:`LinearMeasurements`), BDF converged on every case at rtol
1e-8, 1e-9 and 1e-10 (atol 100x smaller), Radau at 1e-8 only.  BDF's global error is about
100 rtol (one row, L = 3, alpha = 0.1: 3e-7 at rtol 1e-8, 7e-9 at 1e-10; Radau at 1e-10:
4e-13, but several times slower per step), hence the default BDF at rtol 1e-10.  With the
residual in plain float64, Radau and BDF stall at rtol <= 1e-9: at t ~ 1e8..1e12 the rounding
of r = A p - y (~1e-16), multiplied by dt/dsigma ~ t, is a noise floor that their Newton
iterations cannot get under.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.integrate import BDF, LSODA, Radau

from dlncheck.numerics.results import FlowResult, Trajectory

# Local error per step.  BDF's global error is ~100x its rtol here (measured, module doc):
# 1e-10 gives limits to ~1e-8; tighter reaches the rounding floor of the residual.
DEFAULT_RTOL = 1e-10
# Absolute error on theta: for e^theta charts a relative error of 1e-12 on each factor.
DEFAULT_ATOL = 1e-12
# Relative residual ||A p - y|| / ||y|| at which the flow counts as on the solution set.
DEFAULT_RESIDUAL_TOL = 1e-10
# Relative motion of p over the stopping test's window allowed at the limit (module doc).
DEFAULT_STATE_TOL = 1e-9
# One unit of the clock sigma: the time since the clock's origin grows by the factor e over
# the stopping test's window.
STOP_WINDOW_SIGMA = 1.0
# A flow that has not converged by this time is reported as such (sigma = log(1e40) ~ 92).
DEFAULT_T_MAX = 1e40
DEFAULT_MAX_STEPS = 200_000
# Steps of the log clock shorter than this (in sigma) restart the clock at the current time:
# sigma ~ 30 resolves 1e-14, so 1e-7 keeps seven digits of room for the fast phase.
RESTART_STEP = 1e-7
# At most one e-fold of t + T per step: a step from a plateau must not jump over an escape
# (without it LSODA's first Adams steps leap to t ~ 1e40 where the factors overflow).
MAX_STEP_SIGMA = 1.0
# Restarts for short steps only while the relative residual exceeds this: fast phases
# (escapes) happen far from the solution set; near it a collapse of the step is the rounding
# floor.  The stopping test's window is measured on the clock of the last restart made above
# this residual (a solver failure near the limit still restarts, on a clock the test ignores):
# that clock began with residual > 1e-6, so by residual <= 1e-10 an exponentially converging
# flow has run ~9 of its time constants on it.
RESTART_RESIDUAL = 1e-6
# Solver failures at one and the same time, each followed by a finer clock, before giving up.
MAX_FAILED_RESTARTS = 3
# Fastest of Radau, BDF, LSODA to converge on every case tried (module doc); one real LU per
# Jacobian where Radau needs a real and a complex one.
DEFAULT_METHOD = "BDF"

SOLVERS = {"Radau": Radau, "BDF": BDF, "LSODA": LSODA}


class FactorFlowModel(Protocol):
    """A gradient flow dx/dt = F(x) in factor coordinates (see the modules that implement it)."""

    A: np.ndarray
    y: np.ndarray
    state_names: tuple[str, ...]

    def rhs(self, x: np.ndarray) -> np.ndarray: ...

    def jacobian(self, x: np.ndarray) -> np.ndarray: ...

    def loss(self, x: np.ndarray) -> float: ...

    def product(self, x: np.ndarray) -> np.ndarray: ...

    def charts(self, x0: np.ndarray) -> FactorCharts: ...


@dataclass(frozen=True)
class FactorCharts:
    """Per-entry charts x = sign e^theta (``log_mask``) or x = scale sinh(theta) (otherwise)."""

    log_mask: np.ndarray
    sign: np.ndarray
    scale: np.ndarray

    def coordinates(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            theta_log = np.log(np.abs(x))
            theta_sinh = np.arcsinh(x / self.scale)
        return np.where(self.log_mask, theta_log, theta_sinh)

    def factors(self, theta: np.ndarray) -> np.ndarray:
        return np.where(self.log_mask, self.sign * np.exp(theta), self.scale * np.sinh(theta))

    def derivative(self, theta: np.ndarray) -> np.ndarray:
        """chi'(theta) = dx/dtheta (chi'' = x for both charts)."""
        return np.where(self.log_mask, self.sign * np.exp(theta), self.scale * np.cosh(theta))


def sign_preserving_charts(x0: np.ndarray) -> FactorCharts:
    """e^theta charts for factors that keep their sign (every entry must be nonzero)."""
    x0 = np.asarray(x0, dtype=float)
    if np.any(x0 == 0.0) or not np.all(np.isfinite(x0)):
        raise ValueError("initial factors must be finite and nonzero: a zero factor never moves")
    return FactorCharts(log_mask=np.ones(x0.shape, bool), sign=np.sign(x0), scale=np.ones(x0.shape))


def hadamard_product_charts(factors: np.ndarray) -> FactorCharts:
    """Charts for the K x N factors of one Hadamard product (rows: factors, flattened row-major).

    d/dt (x_k)_n^2 = -2c g_n p_n is the same for every k (mil (39), krr (11)-(14)), so
    (x_k)_n^2 - (x_l)_n^2 is conserved: only the strict smallest |(x_k)_n| can reach zero, and
    it does so where the others are at sqrt(gap).  It gets x = sigma sinh(theta) with sigma the
    square root of its smallest gap; every other factor keeps its sign (x = s e^theta).
    """
    factors = np.asarray(factors, dtype=float)
    depth, n = factors.shape
    log_mask = np.ones((depth, n), bool)
    scale = np.ones((depth, n))
    squares = factors**2
    order = np.argsort(squares, axis=0, kind="stable")
    smallest, second = order[0], order[1] if depth > 1 else order[0]
    cols = np.arange(n)
    gap = squares[second, cols] - squares[smallest, cols]
    crossing = gap > 0.0
    log_mask[smallest[crossing], cols[crossing]] = False
    scale[smallest[crossing], cols[crossing]] = np.sqrt(gap[crossing])
    if np.any(squares[second, cols] == 0.0):
        raise ValueError(
            "two or more factors of an entry start at zero: that entry never moves; drop its column"
        )
    return FactorCharts(log_mask=log_mask.ravel(), sign=np.sign(factors).ravel(), scale=scale.ravel())


@dataclass(frozen=True)
class LinearMeasurements:
    """A, y and A^T A, with the residual r = A p - y accumulated in ``dtype``.

    r is a difference of O(1) numbers that cancel to 1e-10 and below; its float64 rounding,
    multiplied by dt/dsigma ~ t (up to 1e9..1e12), is a noise floor on which the implicit
    solvers' Newton iterations stall (module doc).  Accumulating A p - y in long double
    (64-bit mantissa on x86-64; where numpy's longdouble is float64 this is plain float64)
    lowers that floor: on M = 150, N = 1000, alpha = 1e-6, BDF needed 200 LU factorizations
    instead of more than 720.
    """

    A: np.ndarray
    y: np.ndarray
    dtype: type = np.longdouble
    gram: np.ndarray = field(init=False, repr=False)
    _a: np.ndarray = field(init=False, repr=False)
    _y: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        A = np.asarray(self.A, dtype=float)
        y = np.asarray(self.y, dtype=float)
        if A.ndim != 2 or y.shape != (A.shape[0],) or not np.any(y):
            raise ValueError(f"need A of shape M x N and y != 0 of length M, got {A.shape} and {y.shape}")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "gram", A.T @ A)
        object.__setattr__(self, "_a", A.astype(self.dtype))
        object.__setattr__(self, "_y", y.astype(self.dtype))

    def residual(self, product: np.ndarray) -> np.ndarray:
        """r = A p - y, accumulated in ``dtype`` and rounded to float64."""
        return (self._a @ np.asarray(product, dtype=self.dtype) - self._y).astype(float)

    def correlation(self, product: np.ndarray) -> np.ndarray:
        """g = A^T (A p - y)."""
        return self.A.T @ self.residual(product)


def relative_residual(A: np.ndarray, y: np.ndarray, product: np.ndarray) -> float:
    """||A p - y|| / ||y|| (the residual of every FlowResult)."""
    return float(np.linalg.norm(A @ product - y) / np.linalg.norm(y))


@dataclass
class _WindowClock:
    """Time elapsed since the stopping test's clock origin, and the products seen since.

    Elapsed time is accumulated segment by segment (unit * expm1(sigma)), never as a
    difference of absolute times: at t ~ 1e34 (depth 5, alpha ~ 1e-12) float64 cannot
    resolve the O(1) of time in which the flow settles after its escape.
    """

    unit: float
    offset: float  # elapsed time at the start of the current segment
    elapsed: list[float]
    product: list[np.ndarray]

    def change_over_window(self, elapsed: float, product: np.ndarray) -> float:
        """Relative motion of p over the last STOP_WINDOW_SIGMA of this clock (inf: too early)."""
        sigma = math.log1p(elapsed / self.unit)
        if sigma < STOP_WINDOW_SIGMA:
            return math.inf
        start = self.unit * math.expm1(sigma - STOP_WINDOW_SIGMA)
        k = bisect.bisect_right(self.elapsed, start) - 1
        scale = max(float(np.linalg.norm(product)), np.finfo(float).tiny)
        return float(np.linalg.norm(product - self.product[k])) / scale


@dataclass(frozen=True)
class _LogClockSegment:
    """theta' = (dt/dsigma) q(theta) on one segment t = t0 + T (e^sigma - 1), q = F(x)/chi'(theta).

    A run starts with t0 = 0 and T = ``time_unit``.  Depth L > 2 escapes from alpha at
    t ~ alpha^-(L-2) and then moves on the time scale O(1) of t: a window of width ~1/t in
    sigma, below float64's resolution of sigma at t ~ 1e12.  When the steps shrink below
    ``RESTART_STEP`` the run restarts the clock at the current t with T = the last physical
    step, which resolves the fast phase; the clock then grows again by e^sigma.
    """

    model: FactorFlowModel
    charts: FactorCharts
    t0: float
    unit: float

    def time(self, sigma: float) -> float:
        return self.t0 + self.unit * math.expm1(sigma)

    def sigma(self, t: float) -> float:
        return math.log1p((t - self.t0) / self.unit)

    def fun(self, sigma: float, theta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return (
                self.unit
                * math.exp(sigma)
                * self.model.rhs(self.charts.factors(theta))
                / (self.charts.derivative(theta))
            )

    def jac(self, sigma: float, theta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            x = self.charts.factors(theta)
            d = self.charts.derivative(theta)
            jac = self.model.jacobian(x) * (d[None, :] / d[:, None])
            jac[np.diag_indices_from(jac)] -= self.model.rhs(x) * x / d**2
        return self.unit * math.exp(sigma) * jac


def integrate_factor_flow(
    model: FactorFlowModel,
    x0: np.ndarray,
    *,
    method: str = DEFAULT_METHOD,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    residual_tol: float = DEFAULT_RESIDUAL_TOL,
    state_tol: float = DEFAULT_STATE_TOL,
    t_max: float = DEFAULT_T_MAX,
    time_unit: float = 1.0,
    restart_clock: bool = True,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_wall_s: float = math.inf,
    sample_times: Sequence[float] | None = None,
    stop_when_converged: bool = True,
    record_states: bool = True,
) -> FlowResult:
    """Integrate dx/dt = model.rhs(x), x(0) = x0, in factor charts and log time (module doc).

    ``restart_clock=False`` keeps the single clock t = T(e^tau - 1) of the whole run (the
    plain log-time change of variable).  The trajectory holds every accepted step, or exactly
    the requested ``sample_times`` that were reached (the solver's dense output).  With
    ``stop_when_converged=False`` the run goes on to ``t_max`` (for comparisons at fixed times)
    and ``converged`` still reports the stopping test.  ``info`` holds the final factors
    (``state``), the last window's relative motion, the loss, the clock restarts and the
    solver's counts.
    """
    if method not in SOLVERS:
        raise ValueError(f"method must be one of {sorted(SOLVERS)}, got {method!r}")
    if not (t_max > 0 and time_unit > 0):
        raise ValueError(f"t_max and time_unit must be positive, got {t_max}, {time_unit}")
    start = time.perf_counter()
    x0 = np.asarray(x0, dtype=float)
    charts = model.charts(x0)
    theta = charts.coordinates(x0)
    counts = {"nfev": 0, "njev": 0, "nlu": 0, "restarts": 0}

    def open_segment(t0: float, unit: float, theta: np.ndarray):
        segment = _LogClockSegment(model, charts, t0, unit)
        solver = SOLVERS[method](
            segment.fun,
            0.0,
            theta,
            segment.sigma(t_max),
            rtol=rtol,
            atol=atol,
            jac=segment.jac,
            max_step=MAX_STEP_SIGMA,
        )
        return segment, solver

    def close_segment(solver) -> None:
        for key in ("nfev", "njev", "nlu"):
            counts[key] += getattr(solver, key)

    segment, solver = open_segment(0.0, time_unit, theta)
    window = _WindowClock(time_unit, 0.0, [0.0], [model.product(x0)])  # module doc
    samples = [] if sample_times is None else sorted(float(t) for t in sample_times)
    record_t: list[float] = []
    record_x: list[np.ndarray] = []

    def record(t: float, theta: np.ndarray) -> None:
        record_t.append(t)
        record_x.append(charts.factors(theta))

    while samples and samples[0] <= 0.0:
        record(0.0, theta)
        samples.pop(0)
    if sample_times is None:
        record(0.0, theta)
    steps, change, t, residual = 0, math.inf, 0.0, 1.0
    failures_in_a_row = 0
    verdict = ""  # the stopping test's message once it has passed
    stop = ""  # why the loop ended otherwise
    while not (verdict and stop_when_converged):
        if solver.status == "finished":
            stop = f"reached t_max = {t_max:g}"
            break
        sigma_old, theta_old = solver.t, solver.y.copy()
        step_message = solver.step()
        if solver.status == "failed":
            if not restart_clock:
                stop = f"{method} failed at t = {t:.6g}: {step_message}"
                break
            failures_in_a_row += 1
            if failures_in_a_row > MAX_FAILED_RESTARTS:
                stop = f"{method} failed at t = {t:.6g} after {MAX_FAILED_RESTARTS} restarts: {step_message}"
                break
            close_segment(solver)  # restart from the last accepted state on a finer clock
            counts["restarts"] += 1
            unit = segment.unit * math.exp(sigma_old) * RESTART_STEP
            window.offset += segment.unit * math.expm1(sigma_old)
            segment, solver = open_segment(t, unit, theta_old)
            if residual > RESTART_RESIDUAL:
                window = _WindowClock(unit, 0.0, [0.0], [window.product[-1]])
            continue
        failures_in_a_row = 0
        steps += 1
        theta, t = solver.y.copy(), segment.time(solver.t)
        interpolant = None
        while samples and segment.sigma(samples[0]) <= solver.t:
            interpolant = interpolant or solver.dense_output()
            record(samples[0], interpolant(segment.sigma(samples[0])))
            samples.pop(0)
        if sample_times is None and record_states:
            record(t, theta)
        product = model.product(charts.factors(theta))
        if not np.all(np.isfinite(product)):
            stop = f"the flow left float64's range at t = {t:.6g}"
            break
        residual = relative_residual(model.A, model.y, product)
        elapsed = window.offset + segment.unit * math.expm1(solver.t)
        change = window.change_over_window(elapsed, product)
        window.elapsed.append(elapsed)
        window.product.append(product)
        if not verdict and residual <= residual_tol and change <= state_tol:
            verdict = (
                f"converged at t = {t:.6g}: relative residual {residual:.2e} <= {residual_tol:g} "
                f"and the end-to-end vector moved {change:.2e} <= {state_tol:g} while the clock "
                "grew by the factor e"
            )
        if steps >= max_steps:
            stop = f"stopped after max_steps = {max_steps}"
            break
        if time.perf_counter() - start > max_wall_s:
            stop = f"stopped at the wall-time limit {max_wall_s:g} s"
            break
        step = solver.t - sigma_old
        if (
            restart_clock
            and step < RESTART_STEP
            and residual > RESTART_RESIDUAL
            and solver.status == "running"
        ):
            close_segment(solver)
            counts["restarts"] += 1
            unit = segment.unit * math.exp(solver.t) * step
            segment, solver = open_segment(t, unit, theta)
            window = _WindowClock(unit, 0.0, [0.0], [product])
    close_segment(solver)
    converged = bool(verdict)
    if not converged:
        message = f"{stop} before the stopping test passed (last window moved {change:.2e})"
    else:
        message = verdict + (f"; then {stop}" if stop else "")
    x = charts.factors(theta)
    if sample_times is None and not record_states:
        record(t, theta)
    product = model.product(x)
    states = np.array(record_x) if record_x else np.empty((0, x.size))
    products = np.array([model.product(s) for s in record_x]) if record_x else np.empty((0, product.size))
    trajectory = Trajectory(
        t=np.array(record_t), states=states, product=products, state_names=model.state_names
    )
    return FlowResult(
        limit=product,
        t_reached=t,
        converged=converged,
        message=message,
        residual=relative_residual(model.A, model.y, product),
        steps=steps,
        trajectory=trajectory,
        wall_s=time.perf_counter() - start,
        info={"state": x, "window_change": change, "method": method, "loss": model.loss(x), **counts},
    )
