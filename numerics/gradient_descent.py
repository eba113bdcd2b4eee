"""Gradient descent with a finite step on the factor models of :mod:`numerics.factor_flows`.

x_{k+1} = x_k - eta grad E(x_k) = x_k + eta F(x_k), with F = ``model.rhs`` (the negative
gradient of the model's own loss, in the paper's normalization), or the model's own
``gradient_step`` where gradient descent on the underlying parameters is not this Euler step
(krr (67): gradient descent on U, V written in delta, Delta).  The papers' experiments use
eta = 1e-2 for 1e6 to 1e7 iterations (mil Sec. 4.1: T = 1e7); GD at step eta and k iterations
tracks the gradient flow at t = k eta up to O(eta) on bounded time intervals.

Each iteration costs one residual: for long runs on large instances build the model with
``residual_dtype=np.float64`` (the long-double residual of the flows is there for the implicit
solvers' Newton iterations; an explicit step does not need it).

Stopping test, every ``check_every`` iterations: relative residual ||A p - y|| / ||y|| at most
``residual_tol`` and the end-to-end vector p moved by at most ``state_tol * ||p||`` since the
previous check.  A run that hits ``max_iterations`` first returns converged = False.
"""

from __future__ import annotations

import math
import time

import numpy as np

from dlncheck.numerics.factor_flows import FactorFlowModel, relative_residual
from dlncheck.numerics.results import FlowResult, Trajectory

# mil Sec. 4.1 (and 4.2): eta = 1e-2.
PAPER_STEP = 1e-2
DEFAULT_MAX_ITERATIONS = 10**6
# Relative residual at which GD counts as on the solution set: the flows' stopping test's value.
DEFAULT_RESIDUAL_TOL = 1e-10
# Relative motion of the end-to-end vector over one check window at the limit (as for the
# flows): GD converges linearly near an interpolating point, so this bounds what is left.
DEFAULT_STATE_TOL = 1e-9
# Checking costs a product and a residual: every 100 iterations keeps it below 2% of the work.
DEFAULT_CHECK_EVERY = 100


def gradient_descent(
    model: FactorFlowModel,
    x0: np.ndarray,
    *,
    step: float = PAPER_STEP,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    residual_tol: float = DEFAULT_RESIDUAL_TOL,
    state_tol: float = DEFAULT_STATE_TOL,
    check_every: int = DEFAULT_CHECK_EVERY,
    record_every: int | None = None,
) -> FlowResult:
    """Run gradient descent from x0; ``t_reached = step * iterations``.

    ``record_every`` (default: ``check_every``) sets the iterations between trajectory
    samples; ``info`` holds the final factors (``state``), the iterations and the loss.
    """
    if not (step > 0 and max_iterations >= 0 and check_every >= 1):
        raise ValueError(
            f"need step > 0, max_iterations >= 0 and check_every >= 1; got {step}, {max_iterations}, "
            f"{check_every}"
        )
    start = time.perf_counter()
    record_every = record_every or check_every
    own_step = getattr(model, "gradient_step", None)

    def advance(x: np.ndarray) -> np.ndarray:
        return own_step(x, step) if own_step is not None else x + step * model.rhs(x)

    x = np.asarray(x0, dtype=float).copy()
    record_t, record_x = [0.0], [x.copy()]
    previous = model.product(x)
    iterations, converged, message = 0, False, ""
    while iterations < max_iterations:
        x = advance(x)
        iterations += 1
        if iterations % record_every == 0:
            record_t.append(step * iterations)
            record_x.append(x.copy())
        if iterations % check_every == 0 or iterations == max_iterations:
            product = model.product(x)
            if not np.all(np.isfinite(product)):
                message = f"diverged at iteration {iterations}: the step {step:g} is too large"
                break
            residual = relative_residual(model.A, model.y, product)
            moved = float(np.linalg.norm(product - previous)) / max(float(np.linalg.norm(product)), 1e-300)
            previous = product
            if residual <= residual_tol and moved <= state_tol:
                converged = True
                message = (
                    f"converged after {iterations} iterations: relative residual {residual:.2e} <= "
                    f"{residual_tol:g} and the end-to-end vector moved {moved:.2e} <= {state_tol:g} "
                    f"over the last {check_every} iterations"
                )
                break
    else:
        message = f"stopped at max_iterations = {max_iterations} before the stopping test passed"
    if record_t[-1] != step * iterations:
        record_t.append(step * iterations)
        record_x.append(x.copy())
    product = model.product(x)
    states = np.array(record_x)
    trajectory = Trajectory(
        t=np.array(record_t),
        states=states,
        product=np.array([model.product(s) for s in states]),
        state_names=model.state_names,
    )
    residual = relative_residual(model.A, model.y, product) if np.all(np.isfinite(product)) else math.inf
    return FlowResult(
        limit=product,
        t_reached=step * iterations,
        converged=converged,
        message=message,
        residual=residual,
        steps=iterations,
        trajectory=trajectory,
        wall_s=time.perf_counter() - start,
        info={"state": x, "iterations": iterations, "loss": model.loss(x), "step": step},
    )
