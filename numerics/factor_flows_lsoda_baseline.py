"""The benchmark baseline: scipy's LSODA on mil's positive flow, in log coordinates and log time.

mil (15), (18): x' = -L [A^T (A x^{⊙L} - y)] ⊙ x^{⊙(L-1)}, x(0) = x0 > 0, integrated as
theta = log x in tau = log(1 + t) with the analytic Jacobian, LSODA switching between Adams and
BDF by itself, and the stopping test of :mod:`numerics.factor_flows`.  It is
:func:`numerics.factor_flows.integrate_factor_flow` with ``method="LSODA"`` and the single log
clock (``restart_clock=False``): the same ODE, charts, tolerances, step cap (one e-fold of t
per step) and stopping test as the reference BDF run, so a benchmark compares solvers, not
setups; only the residual A x^L - y is accumulated in plain float64 (the reference run uses long
double, see :class:`numerics.factor_flows.LinearMeasurements`).  ``restart_clock=True``
gives LSODA the reference run's clock restarts as well.
"""

from __future__ import annotations

import math

import numpy as np

from dlncheck.numerics.factor_flows import (
    DEFAULT_ATOL,
    DEFAULT_RESIDUAL_TOL,
    DEFAULT_RTOL,
    DEFAULT_STATE_TOL,
    DEFAULT_T_MAX,
    integrate_factor_flow,
)
from dlncheck.numerics.factor_flows_power import mil_positive_flow
from dlncheck.numerics.results import FlowResult


def lsoda_log_time_baseline(
    A: np.ndarray,
    y: np.ndarray,
    depth: int,
    x0: np.ndarray,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    residual_tol: float = DEFAULT_RESIDUAL_TOL,
    state_tol: float = DEFAULT_STATE_TOL,
    t_max: float = DEFAULT_T_MAX,
    max_wall_s: float = math.inf,
    record_states: bool = False,
    restart_clock: bool = False,
) -> FlowResult:
    """LSODA on mil (15) in theta = log x, tau = log(1 + t); limit x~ = x^{⊙L}.

    ``converged`` is false (with the reason in ``message``) when the wall-time limit, t_max or
    LSODA's own failure comes first.  States are not recorded by default (the benchmark times
    the solver); the trajectory then holds x(0) and the final state.
    """
    return integrate_factor_flow(
        mil_positive_flow(A, y, depth, residual_dtype=np.float64),
        x0,
        method="LSODA",
        rtol=rtol,
        atol=atol,
        residual_tol=residual_tol,
        state_tol=state_tol,
        t_max=t_max,
        max_wall_s=max_wall_s,
        record_states=record_states,
        restart_clock=restart_clock,
    )
