"""Integrating the weight-normalized flows of wn (12), (13) to their limits; gradient descent.

:func:`integrate_flow` solves the flow in float64 for initialization scales down to where x̃(0)
underflows.  Three choices make that possible:

* Log-coordinates y = (log r, log u) (wn Lemma 3.3 keeps r, u > 0): a tiny r0 or a vanishing
  u_n is a moderate negative number, and the relative accuracy of every entry is the absolute
  accuracy of its log.
* A stiff solver (Radau, BDF or LSODA) with the analytic Jacobian of
  :func:`numerics.weight_normalization.log_vector_field_jacobian`: the Jacobian's eigenvalues
  spread over 30 decades and more (r^{L-2} against O(1)).
* A time reparameterization τ that is log-time when the flow is slow and arc length when it
  moves.  With the clock s = log(1 + t - t_ref) carried as a state,

      dy/dτ = e^s f(y) / (1 + φ),   ds/dτ = 1 / (1 + φ),   φ = e^s ||f(y)||,   f = dy/dt,

  so both move at most one unit per unit of τ, and the path y is that of the flow whatever the
  factor.  Plain t = e^τ - 1 is not enough: the escape from a small initialization happens at
  t* ~ log(1/α), α^{-(L-2)} (η̃ rule) or α^{-L} (r² rule) but takes O(1) time, a τ-interval of
  width 1/t* that float64 cannot resolve once t* > 1e16.  For the same reason the clock restarts
  (t_ref = t, s = 0) when the motion becomes fast against it (CLOCK_RESTART): absolute time is
  kept as t_ref + (e^s - 1), with float64's relative accuracy, and the stopping test reads the
  restarted clock, which resolves the aftermath of a late escape.

Stopping test (documented in :func:`integrate_flow`): extrapolation of the observed decay in the
clock s, in which exponential convergence (in t) decays super-exponentially and algebraic
convergence t^{-β} exponentially at rate β (after a restart, at most that rate: conservative).
An extrapolation cannot tell a limit from a plateau near a saddle: for L > 2 the entries that
escape a saddle grow at a log-rate ∝ x_n^{L-2}, which after an initialization α is ~α^{L-2} per
unit t and, below tol, passes for no growth at all in the window where the motion into the saddle
has just died out (the 3 x 6 test instance, L = 3, r² rates, α = 1e-9 stopped so at t ≈ 9e25
with ||A x̃ - b|| = 0.30 ||b||).  So a decayed motion is accepted as the limit only where A x̃ = b
to tol (:func:`_stationarity`); at a point where the KKT conditions of min_{x̃ >= 0} ||A x̃ - b||
hold with A x̃ ≠ b the flow stops unconverged and says so (S_+ is then empty); anywhere else the
decay is a plateau, and the integration goes on through it.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
from scipy.integrate import BDF, LSODA, Radau

from dlncheck.numerics.results import FlowResult, Trajectory
from dlncheck.numerics.weight_normalization import (
    WeightNormalizedModel,
    check_state,
    end_to_end_from_power,
    factor_power,
    log_parts,
    log_vector_field,
    log_vector_field_jacobian,
    relative_residual,
    vector_field,
)

# Relative remaining change of x̃ (extrapolated) below which a flow counts as converged.
DEFAULT_TOL = 1e-8
# Local relative (and, in log-coordinates, absolute = relative-per-entry) integrator tolerance:
# two digits below DEFAULT_TOL so that integration error does not masquerade as motion.
DEFAULT_RTOL = 1e-10
# Window over which the decay rate is measured: one e-fold of 1 + t.
DECAY_WINDOW = 1.0
# Decay slower than (1 + t)^{-0.05} is not extrapolated: over a window of one e-fold such a
# rate is indistinguishable from the float64 noise of the vector field.
MIN_DECAY_RATE = 0.05
# e^σ = 1 + t must stay finite in float64.
MAX_T = 1e300
# A x̃ - b is float64 rounding once ||A x̃ - b|| <= ROUNDING_MARGIN·eps·(||A||_F ||x̃|| + ||b||)
# (a margin for the M·N-term sums): the flow is then at an interpolating point, a global
# minimum, where no saddle is ahead and the vector field is rounding noise.
ROUNDING_MARGIN = 1e3
# The clock s = log(1 + t - t_ref) restarts (t_ref = t) once (t - t_ref)·||f|| exceeds this: the
# motion's time scale 1/||f|| is then below 1e-6 of the clock, whose float64 resolution would
# soon not separate the steps of a late escape (t* ~ α^{-(L-2)}) and its O(1)-long aftermath.
CLOCK_RESTART = 1e6
# Slack on the KKT conditions of min_{x̃ >= 0} ||A x̃ - b|| at a point the decay test accepts: there
# x̃ is within tol·||x̃|| of its limit (extrapolated), so a = A^T(A x̃ - b) is within
# tol·||A^T A||·||x̃|| of a KKT point's; 10 covers the extrapolation's slack.
KKT_MARGIN = 10.0
# Restarts (clock and step size) from the last accepted state after a failed or non-finite solver
# step before the flow gives up: a fresh solver starts with a small step, and one restart
# usually suffices; a few more rule out a pathology of one step-size history.
MAX_RECOVERIES = 3
SOLVERS: dict[str, type] = {"Radau": Radau, "BDF": BDF, "LSODA": LSODA}


def _state_names(model: WeightNormalizedModel) -> tuple[str, ...]:
    return ("r", "u", "v") if model.signed else ("r", "u")


def _thin(indices: int, max_samples: int) -> np.ndarray:
    if indices <= max_samples:
        return np.arange(indices)
    return np.unique(np.linspace(0, indices - 1, max_samples).round().astype(int))


def _trajectory(model, t: list[float], states: list[np.ndarray], max_samples: int) -> Trajectory:
    keep = _thin(len(t), max_samples)
    states_arr = np.array(states)[keep]
    powers = np.array([factor_power(model, s) for s in states_arr])
    product = np.array([end_to_end_from_power(model, p) for p in powers])
    return Trajectory(np.array(t)[keep], states_arr, product, _state_names(model))


class _DecayMonitor:
    """The stopping test shared by the flow and gradient descent.

    Fed, at increasing 'times' s (σ = log(1 + t) for the flow, the iteration count for GD), with
    the speed v of x̃ and the largest relative growth rate g of an entry of x̃ (both per unit s).
    Over the last window [s - W, s] it measures the decay rates κ_v = log(v(s-W)/v(s))/W and
    κ_g likewise (and requires no bump above the window's start inside it).  If the decay holds
    on, the remaining change of x̃ is at most v/κ_v and the remaining relative growth of any
    entry at most g/κ_g.  The speed test is κ_v >= the minimum rate and v/κ_v <= tol ||x̃||;
    the growth test is g = 0 or κ_g >= the minimum rate and g/κ_g <= tol.  The growth test keeps
    a plateau near a saddle, where a tiny entry grows at a constant rate in t (so g increases in
    σ), from passing for a limit.

    At the float64 rounding floor of A x̃ - b (see ROUNDING_MARGIN) the speed is rounding noise
    and shows no decay; there the caller may instead accept a window in which x̃ itself moved
    less than tol ||x̃|| (``window_change``).

    The growth test is not enough at a saddle for L > 2: the escaping entries' log-rates are
    ∝ x_n^{L-2}, and when that is below tol, the window in which the motion into the saddle has
    just died out shows a decaying g and passes.  The callers therefore accept a passing window
    only at an interpolating point (:func:`_stationarity`).
    """

    def __init__(self, window: float, min_rate: float, tol: float, geometric: bool):
        self.window, self.min_rate, self.tol, self.geometric = window, min_rate, tol, geometric
        self.s: list[float] = []
        self.v: list[float] = []
        self.g: list[float] = []
        self.x: list[np.ndarray] = []
        self.remaining = math.inf
        self.rate = 0.0
        self.window_change = math.inf

    def _tail(self, values: list[float], j: int, ds: float) -> tuple[float, float]:
        """(decay rate per unit s, extrapolated remaining integral) over the window from j."""
        now, start = values[-1], values[j]
        if now == 0.0:
            return math.inf, 0.0
        if start <= 0.0 or max(values[j + 1 :]) > start:
            return 0.0, math.inf
        rate = math.log(start / now) / ds
        if rate < self.min_rate:
            return rate, math.inf
        if self.geometric:  # per-step sums: sum_{k>=1} v q^k with q = e^{-rate}
            q = math.exp(-rate)
            return rate, now * q / (1 - q)
        return rate, now / rate

    def update(self, s: float, v: float, g: float, x: np.ndarray) -> tuple[bool, bool]:
        """(speed test passed, growth test passed) after recording the sample x̃ at s."""
        self.s.append(s)
        self.v.append(v)
        self.g.append(g)
        self.x.append(x)
        target = s - self.window
        if self.s[0] > target:
            return False, False
        j = int(np.searchsorted(self.s, target, side="right")) - 1
        ds = s - self.s[j]
        self.rate, self.remaining = self._tail(self.v, j, ds)
        _, growth = self._tail(self.g, j, ds)
        self.window_change = float(np.linalg.norm(x - self.x[j]))
        return self.remaining <= self.tol * float(np.linalg.norm(x)), growth <= self.tol

    def still_at_floor(self, x: np.ndarray) -> bool:
        """x̃ moved less than tol ||x̃|| over the last full window."""
        return self.window_change <= self.tol * float(np.linalg.norm(x))


def _reparameterized_system(model: WeightNormalizedModel) -> tuple[Callable, Callable]:
    """The flow in arc-length/log-time τ: z = (y, σ), see the module docstring."""
    cache: dict[str, object] = {"key": None}

    def field_and_jacobian(y: np.ndarray, need_jacobian: bool):
        key = y.tobytes()
        if cache["key"] != key:
            cache.update(key=key, f=log_vector_field(model, y), J=None)
        if need_jacobian and cache["J"] is None:
            cache["J"] = log_vector_field_jacobian(model, y)
        return cache["f"], cache["J"]

    def fun(tau: float, z: np.ndarray) -> np.ndarray:
        # A solver's trial point may overflow: Radau and BDF reject the step on the non-finite
        # value; LSODA may accept it, and integrate_flow then restarts from the last good state.
        with np.errstate(over="ignore", invalid="ignore"):
            f, _ = field_and_jacobian(z[:-1], False)
            growth = float(np.exp(z[-1]))  # inf on a trial clock beyond float64 (math.exp would raise)
            den = 1.0 + growth * float(np.linalg.norm(f))
            return np.concatenate([growth * f / den, [1.0 / den]])

    def jac(tau: float, z: np.ndarray) -> np.ndarray:
        f, J = field_and_jacobian(z[:-1], True)
        with np.errstate(over="ignore"):
            growth = float(np.exp(z[-1]))
        norm_f = float(np.linalg.norm(f))
        phi = growth * norm_f
        den = 1.0 + phi
        dphi_dy = growth * (J.T @ f) / norm_f if norm_f > 0 else np.zeros_like(f)
        n = f.shape[0]
        out = np.empty((n + 1, n + 1))
        out[:n, :n] = growth * J / den - growth * np.outer(f, dphi_dy) / den**2
        out[:n, n] = growth * f / den**2
        out[n, :n] = -dphi_dy / den**2
        out[n, n] = -phi / den**2
        return out

    return fun, jac


def _at_rounding_floor(model: WeightNormalizedModel, power: np.ndarray) -> bool:
    scale = np.linalg.norm(model.design) * np.linalg.norm(power) + np.linalg.norm(model.b)
    residual = np.linalg.norm(model.design @ power - model.b)
    return bool(residual <= ROUNDING_MARGIN * np.finfo(float).eps * scale)


Stationarity = Literal["interpolating", "non-interpolating", "saddle"]


def _kkt_violation(model: WeightNormalizedModel, power: np.ndarray) -> float:
    """How far x̃ > 0 is from the KKT conditions of min_{x̃ >= 0} ½||A x̃ - b||², relative.

    With a = A^T(A x̃ - b) the conditions are a >= 0 and x̃ ⊙ a = 0 (the flow's limit satisfies
    them: an entry with a_n < 0 grows, wn (23)); returned is max(max_n (-a_n)^+, max_n |a_n| x̃_n
    / ||x̃||) over the scale ||A^T A||_2 ||x̃|| + ||a|| of a's error at a point tol-close to one.
    """
    a = model.design.T @ (model.design @ power - model.b)
    norm_power = float(np.linalg.norm(power))  # 0 where every entry of x̃ underflowed
    complementarity = float(np.max(np.abs(a) * power)) / norm_power if norm_power > 0 else 0.0
    violation = max(float(np.max(-a)), complementarity, 0.0)
    scale = float(np.linalg.norm(model.gram, 2)) * norm_power + float(np.linalg.norm(a))
    return violation / scale if scale > 0 else 0.0  # a = 0 and x̃ = 0: KKT hold exactly


def _stationarity(model: WeightNormalizedModel, power: np.ndarray, tol: float, floor: bool) -> Stationarity:
    """What a point is where the motion of x̃ has (by the decay test) died out.

    "interpolating": A x̃ = b to tol relative (or to float64 rounding): the flow's limit when
    S_+ ≠ ∅ (wn Theorems 2.1, 2.3).  "non-interpolating": A x̃ ≠ b but the KKT conditions of
    min_{x̃ >= 0} ||A x̃ - b|| hold (to KKT_MARGIN·tol), a global minimum of that convex problem
    with a positive value, so b is not in A's nonnegative cone and S_+ = ∅.  "saddle": neither,
    an entry with a_n < 0 is still to grow: the decay test was fooled by a plateau.
    """
    if floor or relative_residual(model, power) <= tol:
        return "interpolating"
    if _kkt_violation(model, power) <= KKT_MARGIN * tol:
        return "non-interpolating"
    return "saddle"


def _non_interpolating_message(model: WeightNormalizedModel, power: np.ndarray, where: str) -> str:
    return (
        f"not converged: stationary at a non-interpolating point {where} (relative residual "
        f"{relative_residual(model, power):.1e}; the KKT conditions of min over x̃ >= 0 of ||A x̃ - b|| "
        f"hold to {_kkt_violation(model, power):.1e}, so b is not in A's nonnegative cone and S_+ is "
        f"empty: wn's theorems do not apply and this is no interpolating limit)"
    )


def _speed_and_growth(model: WeightNormalizedModel, y: np.ndarray, one_plus_t: float):
    """(x̃, ||dx̃/dσ||, max_n (d log x̃_n/dσ)^+, ||f||) at y, σ = log(1 + t), f = dy/dt."""
    parts = log_parts(model, y)
    f = log_vector_field(model, y)
    log_rates = model.depth * (f[0] + f[1:] - parts.pi @ f[1:])  # d log x̃/dt
    speed = one_plus_t * float(np.linalg.norm(parts.q * log_rates))
    growth = one_plus_t * max(float(np.max(log_rates)), 0.0)
    return parts.q, speed, growth, float(np.linalg.norm(f))


def integrate_flow(
    model: WeightNormalizedModel,
    state0,
    *,
    tol: float = DEFAULT_TOL,
    rtol: float = DEFAULT_RTOL,
    atol: float | None = None,
    t_max: float = 1e100,
    max_steps: int = 50_000,
    method: Literal["Radau", "BDF", "LSODA"] = "LSODA",
    max_samples: int = 4000,
    max_wall_s: float | None = None,
) -> FlowResult:
    """Integrate wn (12), (13) (loss (9), the paper's time t) from ``state0`` = [r0, u0] to its limit.

    Returns a :class:`FlowResult`: ``limit`` is the end-to-end vector (x̃, or x̃_+ - x̃_- for the
    signed model) at ``t_reached``; ``residual`` is ||A x̃ - b|| / ||b||; ``trajectory`` holds the
    state [r, u] and the end-to-end vector at every accepted solver step (thinned evenly to at
    most ``max_samples``).

    Stopping test: with the clock σ = log(1 + t - t_ref) (t_ref = 0 unless restarted, see the
    module docstring), v = ||dx̃/dσ|| and g = max_n (d log x̃_n/dσ)^+ (x̃ the factor-space power),
    the decay rates κ_v, κ_g over the last window DECAY_WINDOW of σ are
    measured; ``converged`` is True when both are >= MIN_DECAY_RATE, the extrapolated remaining
    change v/κ_v is <= tol·||x̃|| and the extrapolated remaining relative growth g/κ_g is <= tol
    (the growth test is waived once A x̃ - b is float64 rounding, ROUNDING_MARGIN: the flow is
    then at a global minimum, and log-rates of tiny entries are rounding noise times 1 + t).
    At that floor the speed is noise and cannot show a decay; there ``converged`` is also True
    when x̃ moved less than tol·||x̃|| over the whole last window (the message says which test
    passed).
    It is an extrapolation of the observed decay, not a proof, and a plateau near a saddle can
    pass it (see the module docstring), so a point that passes is also classified
    (``info['stationarity']``, :func:`_stationarity`): ``converged`` is True only at an
    interpolating point, ||A x̃ - b|| <= tol·||b|| (or float64 rounding), so converged implies
    ``residual <= tol``.  At a point where A x̃ ≠ b but the KKT conditions of
    min_{x̃ >= 0} ||A x̃ - b|| hold (b outside A's nonnegative cone, S_+ empty) the flow stops
    unconverged and the message says so; anywhere else it is a saddle's plateau, and the
    integration goes on (``info['plateau_refusals']`` counts the steps refused so).  The flow stops
    unconverged at t_max, after max_steps solver steps, after max_wall_s seconds, or when the
    solver fails; the message says which, and the result holds what was reached.
    """
    state0 = check_state(model, state0)
    if method not in SOLVERS:
        raise ValueError(f"method must be one of {sorted(SOLVERS)}, got {method!r}")
    for name, value in (("tol", tol), ("rtol", rtol)):
        if not (np.isfinite(value) and 0 < value < 1):
            raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    if not (np.isfinite(t_max) and 0 < t_max <= MAX_T):
        raise ValueError(f"t_max must be in (0, {MAX_T:g}], got {t_max!r}")
    atol = rtol if atol is None else atol  # in log-coordinates: relative accuracy per entry
    started = time.perf_counter()
    fun, jac = _reparameterized_system(model)

    def segment(y: np.ndarray):
        """A solver and a monitor on the clock s = log(1 + t - t_ref), started at y."""
        solver = SOLVERS[method](fun, 0.0, np.concatenate([y, [0.0]]), 1e15, rtol=rtol, atol=atol, jac=jac)
        monitor = _DecayMonitor(DECAY_WINDOW, MIN_DECAY_RATE, tol, geometric=False)
        q, speed, growth, _ = _speed_and_growth(model, y, 1.0)
        monitor.update(0.0, speed, growth, q)
        return solver, monitor, q

    t_ref, restarts, recoveries, recovered = 0.0, 0, 0, 0
    stationarity: Stationarity | None = None
    plateau_refusals = 0
    y = np.log(state0)
    solver, monitor, q = segment(y)
    times, states = [0.0], [state0.copy()]
    converged, message, steps = False, "", 0
    while True:
        if steps >= max_steps:
            message = f"not converged: max_steps = {max_steps} solver steps taken"
            break
        if max_wall_s is not None and time.perf_counter() - started > max_wall_s:
            message = f"not converged: max_wall_s = {max_wall_s:g} s spent"
            break
        with warnings.catch_warnings():  # LSODA warns on the failures its status reports below
            warnings.simplefilter("ignore", UserWarning)
            status = solver.step()
        steps += 1
        if solver.status == "failed" or not np.all(np.isfinite(solver.y)):
            # LSODA accepts a step whose trial values overflowed (a NaN passes its error test):
            # go back to the last accepted state and restart the clock there, with a fresh step.
            if recoveries < MAX_RECOVERIES:
                recoveries, recovered = recoveries + 1, recovered + 1
                t_ref = times[-1]
                solver, monitor, q = segment(y)
                continue
            floor = " at the float64 rounding floor of A x̃ - b" if _at_rounding_floor(model, q) else ""
            what = f"({status})" if solver.status == "failed" else "(a non-finite state)"
            message = (
                f"not converged: the {method} solver failed{floor} {what}, "
                f"{MAX_RECOVERIES} restarts from t = {times[-1]:.3e} in a row"
            )
            break
        recoveries = 0
        y, clock = solver.y[:-1], float(solver.y[-1])
        clock_max = math.log1p(t_max - t_ref)
        if clock > clock_max:  # the last step overshot t_max: interpolate back onto it
            y, clock = solver.dense_output()(_tau_at_clock(solver, clock_max))[:-1], clock_max
        times.append(t_ref + math.expm1(clock))
        states.append(np.exp(y))
        q, speed, growth, norm_f = _speed_and_growth(model, y, math.exp(clock))
        speed_ok, growth_ok = monitor.update(clock, speed, growth, q)
        floor = _at_rounding_floor(model, q)
        decayed = speed_ok and (growth_ok or floor)
        if decayed or (floor and monitor.still_at_floor(q)):
            stationarity = _stationarity(model, q, tol, floor)
            if stationarity == "interpolating":
                converged = True
                message = (
                    f"converged: extrapolated remaining change of x̃ {monitor.remaining:.1e} "
                    f"<= tol·||x̃|| at t = {times[-1]:.3e}"
                    if decayed
                    else f"converged to the float64 floor: A x̃ - b is rounding and x̃ moved "
                    f"{monitor.window_change:.1e} <= tol·||x̃|| over the last e-fold of t, "
                    f"at t = {times[-1]:.3e}"
                )
                break
            if stationarity == "non-interpolating":
                message = _non_interpolating_message(model, q, f"at t = {times[-1]:.3e}")
                break
            plateau_refusals += 1  # a saddle's plateau (an entry with a_n < 0 still to grow): go on
        if clock >= clock_max:
            message = f"not converged: reached t_max = {t_max:.3e}"
            break
        elapsed = math.expm1(clock)
        if elapsed > 1.0 and elapsed * norm_f > CLOCK_RESTART:
            t_ref, restarts = times[-1], restarts + 1
            solver, monitor, q = segment(y)

    final = states[-1]
    power = factor_power(model, final)
    return FlowResult(
        limit=end_to_end_from_power(model, power),
        t_reached=times[-1],
        converged=converged,
        message=message,
        residual=relative_residual(model, power),
        steps=steps,
        trajectory=_trajectory(model, times, states, max_samples),
        wall_s=time.perf_counter() - started,
        info={
            "method": method,
            "rtol": rtol,
            "atol": atol,
            "tol": tol,
            "r_final": float(final[0]),
            "log_state": y.copy(),  # not log(final): exp(y) may underflow
            "factor_power": power,
            "remaining_change": monitor.remaining,
            "decay_rate": monitor.rate,
            "clock_restarts": restarts,
            "solver_recoveries": recovered,
            "stationarity": stationarity,
            "plateau_refusals": plateau_refusals,
        },
    )


def _tau_at_clock(solver, clock_target: float) -> float:
    """The τ in the last step at which the clock s(τ) = clock_target (s is increasing in τ)."""
    dense = solver.dense_output()
    lo, hi = solver.t_old, solver.t
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if dense(mid)[-1] < clock_target:
            lo = mid
        else:
            hi = mid
    return hi


def _log_power_increment(depth: int, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """log(x̃_new/x̃_old) entrywise, from the states (no underflow of x̃ itself)."""
    log_norms = np.log(np.linalg.norm(new[1:])) - np.log(np.linalg.norm(old[1:]))
    return depth * (np.log(new[0] / old[0]) + np.log(new[1:] / old[1:]) - log_norms)


def gradient_descent(
    model: WeightNormalizedModel,
    state0,
    *,
    step: float,
    max_steps: int = 100_000,
    tol: float = DEFAULT_TOL,
    max_samples: int = 4000,
) -> FlowResult:
    """Gradient descent with a constant step h on wn (12), (13): [r, u] += h [-η_r ∇_r L̃, -η_u ∇_u L̃].

    η_r is η̃, or r_k² at the current iterate (wn Section 3.4); no renormalization of u (the
    step grows ||u||² by h²||∇_u L̃||², so ||u|| drifts at O(h²) per step).  ``t_reached`` is
    k h, the flow time GD approximates.  Stopping test: the same extrapolation as
    :func:`integrate_flow`, per iteration, with geometric tails: over a window of m iterations
    (m ~ 1/h, one unit of flow time) the per-step decay ratio ϑ of ||Δx̃_k|| is measured and the
    remaining change is ||Δx̃_k|| ϑ/(1 - ϑ).  GD stops unconverged at max_steps or if an iterate
    leaves the positive orthant (step too large for wn Lemma 3.3's sign preservation).  As for the
    flow, the growth test is waived once A x̃ - b is float64 rounding, ``converged`` needs
    ||A x̃ - b|| <= tol·||b||, GD stops unconverged (and says so) at a non-interpolating KKT point
    and iterates on through a saddle's plateau.
    """
    state = check_state(model, state0).copy()
    if not (np.isfinite(step) and step > 0):
        raise ValueError(f"step must be finite and > 0, got {step!r}")
    started = time.perf_counter()
    window = max(10, math.ceil(1.0 / step))
    record_every = max(1, max_steps // max_samples)
    monitor = _DecayMonitor(float(window), MIN_DECAY_RATE / window, tol, geometric=True)

    times, states = [0.0], [state.copy()]
    power = factor_power(model, state)
    converged, message, k = False, f"not converged: max_steps = {max_steps} iterations taken", 0
    stop, plateau_refusals = False, 0
    stationarity: Stationarity | None = None
    while k < max_steps:
        new = state + step * vector_field(model, state)
        k += 1
        if not np.all(np.isfinite(new)) or np.any(new <= 0):
            message = f"not converged: iterate {k} left the positive orthant (step {step:g} too large)"
            break
        new_power = factor_power(model, new)
        if k % window == 0 or k == max_steps:
            change = float(np.linalg.norm(new_power - power))
            growth = max(float(np.max(_log_power_increment(model.depth, state, new))), 0.0)
            speed_ok, growth_ok = monitor.update(float(k), change, growth, new_power)
            floor = _at_rounding_floor(model, new_power)
            decayed = speed_ok and (growth_ok or floor)
            if decayed or (floor and monitor.still_at_floor(new_power)):
                stationarity = _stationarity(model, new_power, tol, floor)
                if stationarity == "interpolating":
                    converged = stop = True
                    message = (
                        f"converged: extrapolated remaining change of x̃ {monitor.remaining:.1e} "
                        f"<= tol·||x̃|| after {k} iterations"
                        if decayed
                        else f"converged to the float64 floor: A x̃ - b is rounding and x̃ moved "
                        f"{monitor.window_change:.1e} <= tol·||x̃|| over the last {window} iterations"
                    )
                elif stationarity == "non-interpolating":
                    stop = True
                    message = _non_interpolating_message(model, new_power, f"after {k} iterations")
                else:  # a saddle's plateau (see integrate_flow): iterate on
                    plateau_refusals += 1
        state, power = new, new_power
        if k % record_every == 0 or stop:
            times.append(k * step)
            states.append(state.copy())
        if stop:
            break
    if times[-1] != k * step:
        times.append(k * step)
        states.append(state.copy())
    return FlowResult(
        limit=end_to_end_from_power(model, power),
        t_reached=k * step,
        converged=converged,
        message=message,
        residual=relative_residual(model, power),
        steps=k,
        trajectory=_trajectory(model, times, states, max_samples),
        wall_s=time.perf_counter() - started,
        info={
            "step": step,
            "tol": tol,
            "r_final": float(state[0]),
            "factor_power": power,
            "stationarity": stationarity,
            "plateau_refusals": plateau_refusals,
        },
    )
