"""What wn says about its flows' trajectories, measured on an integrated flow
(:class:`checks.flow_observation.Observation`s for :class:`~checks.flow_observation.FlowObservationSearch`).

* :func:`limit_observation`: the flow converges (``numerics.weight_normalization_flow``'s
  stopping test), to a point of S₊, which is the characterized limit (the root of
  ``numerics.weight_normalization_limit_system``, computed independently) to ``AGREEMENT``;
* :func:`exponential_decay_observation`: wn (18), L(x(t)) <= L(x0) e^{-ct} for some c > 0;
* :func:`slower_when_smaller_observation`: wn Sec. 5, a smaller initialization converges slower.

Float64 integrations: the observations are evidence, never a certified verdict.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from dlncheck.checks.flow_observation import Observation
from dlncheck.checks.wn_limit_audit import AGREEMENT, float_root, parse_wn, settled

# A point of S₊: ||A x̃ - b|| / ||b|| at the integrated limit (the stopping test's 1e-10 x 1e4) and
# entries >= -NEGATIVE_FLOOR ||x̃||∞ (x̃ = x^{⊙L} with x > 0 is positive; this is rounding room).
RESIDUAL_CEILING = 1e-6
NEGATIVE_FLOOR = 1e-12
# wn (18) on a finite integration, from the local decay exponent p = ln(ℓ(t/e)/ℓ(t)) of the relative
# loss ℓ over an e-fold of time: an algebraic decay t^{-β} has p = β in every e-fold, an
# exponential one e^{-κt} has p = κt(1 - 1/e), which grows by the factor e from one e-fold to the
# next.  Over the last two e-folds before the loss reaches LOSS_FIT_FLOOR (or the end), the decay
# counts as exponential if p >= EXPONENTIAL_MIN_POWER (faster than t^-10) or p grew by at least
# EXPONENT_GROWTH (halfway, in log, to the factor e).  The relative loss must have reached
# LOSS_FIT_CEILING by then (the asymptotic regime).
EXPONENTIAL_MIN_POWER = 10.0
EXPONENT_GROWTH = math.exp(0.5)
LOSS_FIT_FLOOR = 1e-24
LOSS_FIT_CEILING = 1e-8
# Lemma 3.4 (the loss does not increase) is checked where the relative loss is above
# LOSS_ROUNDING_FLOOR (below it, A x̃ - b is float64 rounding and its square noise), with a relative
# tolerance LOSS_INCREASE_TOL for the integrator's local error (rtol 1e-12).
LOSS_ROUNDING_FLOOR = 1e-20
LOSS_INCREASE_TOL = 1e-8
# Samples kept of a trajectory (the integrator's accepted steps, thinned evenly).
TRAJECTORY_SAMPLES = 4000
# Sec. 5's 'slower convergence': the time at which L(x(t)) first falls below TIME_TO_LOSS ||b||²/(2L)
# (the loss at x = 0), for the initialization r0 and r0/SMALLER_BY with the same direction.
TIME_TO_LOSS = 1e-6
SMALLER_BY = 10
# The smaller start is integrated to LONGER_BY times the larger one's T (it may need 1e9 times as long).
LONGER_BY = 2.0
# Wall-clock limit per integration (the drawn, unscaled instances integrate in about a second;
# the margin absorbs a loaded machine), and the solvers tried in turn when one raises.
INTEGRATION_MAX_SECONDS = 30.0
INTEGRATION_METHODS = ("LSODA", "Radau")


@functools.lru_cache(maxsize=256)
def trajectory(instance, t_max: float = 1e100):
    """wn (12)-(13) integrated with its trajectory (float64), at checks.flow_wn's tolerances, to
    its limit or to ``t_max``."""
    from dlncheck.checks.flow_wn import FLOW_RTOL, FLOW_TOL
    from dlncheck.numerics.weight_normalization_flow import integrate_flow

    model = instance.wn_model()
    for method in INTEGRATION_METHODS:
        try:
            return integrate_flow(
                model,
                instance.initial_state(model),
                tol=FLOW_TOL,
                rtol=FLOW_RTOL,
                method=method,
                t_max=t_max,
                max_samples=TRAJECTORY_SAMPLES,
                max_wall_s=INTEGRATION_MAX_SECONDS,
            )
        except (ValueError, ArithmeticError, RuntimeError):
            continue  # e.g. an overflow inside LSODA's trial steps: the next method
    return None


def limit_observation(raw: dict[str, Any]) -> Observation:
    """The flow converges to a point of S₊ that is the characterized limit (slack
    1 - distance/AGREEMENT, the distance relative to max |x̃∞|)."""
    instance = parse_wn(raw)
    flow = trajectory(instance)
    if flow is None:
        return Observation(math.nan, "the integrator raised")
    return _limit_agreement(instance, flow)


def _limit_agreement(instance, flow) -> Observation:
    if not settled(flow):
        return Observation(math.nan, f"the integration did not converge ({flow.message})")
    limit = np.asarray(flow.limit, dtype=float)
    if not flow.residual <= RESIDUAL_CEILING:
        return Observation(
            math.nan, f"the integrated limit is not in S₊ (relative residual {flow.residual:.1e})"
        )
    if float(np.min(limit)) < -NEGATIVE_FLOOR * float(np.max(np.abs(limit))):
        return Observation(
            math.nan, f"the integrated limit has a negative entry ({float(np.min(limit)):.1e})"
        )
    root = float_root(instance)
    if root is None or not root.converged:
        return Observation(math.nan, "the characterized limit (float64 root) could not be computed")
    distance = float(np.max(np.abs(limit - root.z)) / np.max(np.abs(root.z)))
    measured = {"distance": distance, "t_reached": flow.t_reached, "r_inf": root.r_inf}
    if distance > AGREEMENT:
        return Observation(
            1 - distance / AGREEMENT,
            f"the integrated limit is {distance:.1e} (relative) from the characterized one",
            measured,
        )
    return Observation(1 - distance / AGREEMENT, None, measured)


def _relative_losses(instance, flow) -> tuple[np.ndarray, np.ndarray]:
    from dlncheck.numerics.weight_normalization import loss

    model = instance.wn_model()
    states = flow.trajectory.states
    losses = np.array([loss(model, s) for s in states])
    return np.asarray(flow.trajectory.t, dtype=float), losses / losses[0]


def decay_exponents(t: np.ndarray, ell: np.ndarray) -> dict[str, float] | None:
    """p over the last two e-folds of time before ℓ reaches LOSS_FIT_FLOOR (module constants), by
    log-linear interpolation of ℓ; None if the loss has not reached LOSS_FIT_CEILING by then."""
    floor = np.flatnonzero(ell <= LOSS_FIT_FLOOR)
    t2 = float(t[floor[0]]) if floor.size else float(t[-1])
    t1, t0 = t2 / math.e, t2 / math.e**2
    if t0 <= 0 or t0 < t[1]:
        return None
    with np.errstate(divide="ignore"):
        log_ell = np.log(np.maximum(ell, 1e-300))
    l0, l1, l2 = (float(np.interp(x, t, log_ell)) for x in (t0, t1, t2))
    if l2 > math.log(LOSS_FIT_CEILING):
        return None
    p_last, p_prev = l1 - l2, l0 - l1
    return {"t_end_of_fit": t2, "p_last": p_last, "p_previous": p_prev}


def exponential_decay_observation(raw: dict[str, Any]) -> Observation:
    """wn (18) and the limit: the flow converges to the characterized limit (as
    :func:`limit_observation`) and its loss decays exponentially (slack 1 - EXPONENTIAL_MIN_POWER/power,
    the smaller of the two slacks)."""
    instance = parse_wn(raw)
    flow = trajectory(instance)
    if flow is None:
        return Observation(math.nan, "the integrator raised")
    agreement = _limit_agreement(instance, flow)
    if agreement.failure is not None:
        return agreement
    t, ell = _relative_losses(instance, flow)
    above = ell[:-1] > LOSS_ROUNDING_FLOOR
    if np.any((np.diff(ell) > LOSS_INCREASE_TOL * ell[:-1]) & above):
        return Observation(
            math.nan, "the loss increased along the integrated flow (wn Lemma 3.4 says it cannot)"
        )
    measured = decay_exponents(t, ell)
    if measured is None:
        return Observation(
            math.nan, f"the loss fell to {float(ell[-1]):.1e} of L(x0) only: too little to measure its decay"
        )
    p_last, p_prev = measured["p_last"], measured["p_previous"]
    growth = p_last / p_prev if p_prev > 0 else math.inf
    slack = max(1 - EXPONENTIAL_MIN_POWER / p_last, 1 - EXPONENT_GROWTH / growth) if p_last > 0 else -math.inf
    info = {**measured, **(agreement.measured or {})}
    if slack < 0:
        return Observation(
            slack,
            f"the loss decays like t^-{p_last:.3g} (not exponentially) "
            f"up to t = {measured['t_end_of_fit']:.3g}",
            info,
        )
    return Observation(min(slack, agreement.slack), None, info)


def time_to_loss(instance, flow) -> float | None:
    """The first time the loss falls below TIME_TO_LOSS ||b||²/(2L), interpolated in log loss."""
    from dlncheck.numerics.weight_normalization import loss  # noqa: F401  (documentation of the loss used)

    t, ell = _relative_losses(instance, flow)
    model = instance.wn_model()
    level = TIME_TO_LOSS * float(model.b @ model.b) / (2 * model.depth)
    absolute = ell * _initial_loss(instance)
    below = np.flatnonzero(absolute <= level)
    if below.size == 0 or below[0] == 0:
        return None
    k = int(below[0])
    a, b = math.log(absolute[k - 1]), math.log(absolute[k])
    s = (a - math.log(level)) / (a - b) if a != b else 1.0
    return float(t[k - 1] + s * (t[k] - t[k - 1]))


def _initial_loss(instance) -> float:
    from dlncheck.numerics.weight_normalization import loss

    model = instance.wn_model()
    return loss(model, instance.initial_state(model))


def slower_when_smaller_observation(raw: dict[str, Any]) -> Observation:
    """wn Sec. 5: the flow from r0 converges exponentially (as :func:`exponential_decay_observation`,
    the 'linear rate'), and the flow from r0/SMALLER_BY (same direction, same η̃) needs longer to
    bring the loss below TIME_TO_LOSS ||b||²/(2L): slack 1 - T(r0)/T(r0/10).  The smaller start is
    integrated up to LONGER_BY T(r0) only; if it has not reached the level by then, the slack is at
    least 1 - 1/LONGER_BY, which is reported."""
    first = exponential_decay_observation(raw)
    if first.failure is not None:
        return first
    big = parse_wn(raw)
    t_big = time_to_loss(big, trajectory(big))
    if t_big is None:
        return Observation(
            math.nan, "the flow from r0 never brought the loss below the level (or started there)"
        )
    small = parse_wn(_scaled_initialization(raw, SMALLER_BY))
    small_flow = trajectory(small, LONGER_BY * t_big)
    if small_flow is None:
        return Observation(math.nan, f"at r0/{SMALLER_BY}: the integrator raised")
    t_small = time_to_loss(small, small_flow)
    if t_small is None:  # not there by LONGER_BY T(r0)
        measured = {"T(r0)": t_big, f"T(r0/{SMALLER_BY})": f"> {LONGER_BY} T(r0)"}
        return Observation(min(1 - 1 / LONGER_BY, first.slack), None, measured)
    measured = {"T(r0)": t_big, f"T(r0/{SMALLER_BY})": t_small}
    slack = 1 - t_big / t_small
    if slack <= 0:
        return Observation(
            slack,
            f"r0/{SMALLER_BY} reached the loss level first ({t_small:.3g} against {t_big:.3g})",
            measured,
        )
    return Observation(min(slack, first.slack), None, measured)


def _scaled_initialization(raw: dict[str, Any], divisor: int) -> dict[str, Any]:
    from fractions import Fraction

    from dlncheck.checks.flow_strategies_wn import text

    init = dict(raw["init"])
    key = "alpha" if "alpha" in init else "r0"
    init[key] = text(Fraction(init[key]) / divisor)
    return {**raw, "init": init}


# The flow "collapses" (wn.thm2.1: r(t) -> 0, x̃(t) -> 0) when its radius ends COLLAPSE_DECADES
# decades below r0 without converging to S₊.
COLLAPSE_DECADES = 8


def existence_observation(raw: dict[str, Any]) -> Observation:
    """The limit exists: the flow converges to the characterized limit in S₊ (as
    :func:`limit_observation`), or to x = 0 — certified by the collapse certificate of
    ``checks.wn_bounds.collapse_sides`` (exact, no integration needed), or observed (r(t) ends
    COLLAPSE_DECADES decades below r0)."""
    from dlncheck.checks.wn_bounds import collapse_sides

    instance = parse_wn(raw)
    if instance.rates == "tilde":
        sides = collapse_sides(instance, None, False)
        if sides is not None and sides.left > sides.right * (1 + 1e-9):
            return Observation(1.0, None, {"limit": "x̃ = 0 (collapse certificate)"})
    flow = trajectory(instance)
    if flow is None:
        return Observation(math.nan, "the integrator raised")
    if settled(flow):
        return _limit_agreement(instance, flow)
    log_r = float(flow.info["log_state"][0])
    log_r0 = math.log(float(flow.trajectory.states[0][0]))
    if instance.rates == "tilde" and log_r <= log_r0 - COLLAPSE_DECADES * math.log(10):
        drop = (log_r0 - log_r) / math.log(10)
        return Observation(
            1.0, None, {"limit": f"x̃ = 0 observed: r(t) fell {drop:.0f} decades by t = {flow.t_reached:.3g}"}
        )
    return Observation(math.nan, f"the integration did not converge ({flow.message})")


def outward_start(raw: dict[str, Any]) -> bool:
    """bᵀA x̃(0) >= 0, i.e. r'(0) >= 0 for the (η̃, 1) flow (r' = -η̃ r^{L-1} eᵀA u^{⊙L}, e ≈ -b at a
    small start): away from the collapse of wn.thm2.1, whose certificate needs bᵀA x̃(0) < 0."""
    import numpy as np

    from dlncheck.checks.wn_limit_audit import float_x0

    instance = parse_wn(raw)
    A = np.array([[float(v) for v in row] for row in instance.A])
    b = np.array([float(v) for v in instance.y])
    return float(b @ (A @ float_x0(instance) ** instance.depth)) >= 0
