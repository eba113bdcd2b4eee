"""Result objects of the solvers and integrators in ``numerics`` (like SciPy's ``OptimizeResult``).

Every solver returns one of these frozen dataclasses: callers read ``converged`` and
``message`` instead of guessing from a tuple, and a solver that did not converge says so and
returns what it reached (never a number it cannot stand behind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LimitResult:
    """A limit point computed by a solver (projection, minimizer, LP) or reached by a flow.

    ``value`` is a float64 array, or a tuple of high-precision numbers (mpmath ``mpf`` or
    python-flint ``arb``) when the solver worked at ``dps`` digits.  ``residual`` is the
    solver's own optimality measure (its meaning is named in ``residual_kind``, e.g. the
    relative feasibility residual ``||A x - y|| / ||y||`` or a KKT residual).
    ``certified_digits`` is the number of correct significant digits the solver can stand
    behind for every entry of ``value`` (None: not certified).
    """

    value: Any
    residual: float
    residual_kind: str
    converged: bool
    message: str
    iterations: int = 0
    certified_digits: int | None = None
    dps: int | None = None  # None: float64
    wall_s: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trajectory:
    """A densely sampled flow: ``states[k]`` is the state at time ``t[k]`` (t increasing).

    ``state_names`` says what the columns of ``states`` are (e.g. ``("u", "v")`` with N
    columns each, in that order); ``product`` holds the model's end-to-end vector (x̃, or
    ũ − ṽ for signed models) at each sample.
    """

    t: np.ndarray
    states: np.ndarray
    product: np.ndarray
    state_names: tuple[str, ...]


@dataclass(frozen=True)
class FlowResult:
    """A flow integrated towards its limit.

    ``limit`` is the end-to-end vector at ``t_reached``; ``converged`` is true only when
    the integrator's own stopping test certifies that the remaining distance to the limit is
    below the requested tolerance.
    """

    limit: Any
    t_reached: float
    converged: bool
    message: str
    residual: float  # relative residual ||A x - y|| / ||y|| at t_reached
    steps: int
    trajectory: Trajectory | None = None
    dps: int | None = None
    wall_s: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
