"""Result objects of the solvers and integrators in ``numerics`` (like SciPy's ``OptimizeResult``).

Every solver returns a frozen dataclass that conforms to :class:`SolverResult`: callers read
``converged`` and ``message`` instead of guessing from a tuple, and a solver that did not
converge says so and returns what it reached (never a number it cannot stand behind).

The protocol (:class:`SolverResult`, ``typing.Protocol``, ``runtime_checkable``), read-only:

``converged: bool``
    The solver's own stopping test passed (for an enclosure: the enclosure is certified).
``message: str``
    What happened, in one line; never empty.  A result that did not converge says why
    (the test that failed, the limit that was hit, the exception that stopped it).
``residual: float | None``
    The solver's own measure of how far its answer is from solving the problem, or None where
    it has none (an enclosure: its width is in ``certified_digits``).
``residual_kind: str``
    What ``residual`` measures, in words (e.g. :data:`RELATIVE_RESIDUAL`, a KKT residual, an
    integrator's global error estimate); says "none" when ``residual`` is None.
``certified_digits: int | None``
    Significant digits of every entry of the answer that the solver can stand behind
    (interval or ball arithmetic, an exact certificate); None: not certified.
``counts: Mapping[str, int]``
    The work done, by name: ``iterations``, ``steps``, ``rejected_steps``,
    ``function_evaluations``, ``jacobian_evaluations``, ``factorizations``, ... (only the
    counts the solver keeps; SciPy's ``nfev``/``njev``/``nlu`` are renamed, :data:`COUNT_NAMES`).

The classes that conform: :class:`LimitResult` (projections, minimizers, LPs), :class:`FlowResult`
(flows integrated to their limit), ``numerics.stiff_extrapolation.StiffResult`` (the SEULEX
integrator), ``numerics.weight_normalization_limit_system``'s ``EnclosedLimit`` (Krawczyk
enclosures), ``SystemRoot`` (its float64 root) and ``DualProjection`` (its dual Newton),
``numerics.weight_normalization_linear.EnclosedRadius`` (ball bisection),
``numerics.lifted_factorization_flow.LiftedFlowPath`` (a sampled path; the array over the samples
is ``residuals``) and ``checks.flow_command.FlowReport`` (``dlncheck flow``).  Existing field names
stay (but for ``LiftedFlowPath.residual``, an array, now ``residuals``): the protocol's members are
fields where a class had them and read-only properties elsewhere.
:func:`protocol_problems` checks a result against the protocol's meaning, not only its names.

Not solver results: exact constants and certificates (``NullSpaceConstant``, ``StableNspConstant``,
``L1Certificate``, ``ExactOptimum``, ...), whose ``certified`` means proved in rational arithmetic,
not a stopping test; and the records the checks keep of a result (``checks.flow_characterization.
IntegratedLimit``, ``checks.wn_limit_audit.WnLimit``), which copy what their verdicts need from a
conforming result.  ``tests/test_solver_results.py`` lists the dataclasses of ``numerics`` with a
``converged`` or ``certified`` field and says which conform and which are not solver results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

# residual_kind of the flows' residual (FlowResult's default)
RELATIVE_RESIDUAL = "relative residual ||A x - y|| / ||y||"
# residual_kind of numerics.dual_flow_precise (its residual is not scaled by ||y||)
ABSOLUTE_MAX_RESIDUAL = "absolute residual max_i |(A x - y)_i|"
# residual_kind of a result that has no residual
NO_RESIDUAL = "none"
# SciPy's counters (kept in ``info`` by the float64 integrators) under the protocol's names; the
# other counts ``info`` may hold are in COUNT_KEYS under their own names.
COUNT_NAMES = {"nfev": "function_evaluations", "njev": "jacobian_evaluations", "nlu": "factorizations"}
COUNT_KEYS = frozenset(COUNT_NAMES) | {
    "iterations",
    "function_evaluations",
    "jacobian_evaluations",
    "factorizations",
    "rejected_steps",
    "restarts",
    "plateau_refusals",
}


@runtime_checkable
class SolverResult(Protocol):
    """What every solver result offers (module docstring); read-only."""

    @property
    def converged(self) -> bool: ...

    @property
    def message(self) -> str: ...

    @property
    def residual(self) -> float | None: ...

    @property
    def residual_kind(self) -> str: ...

    @property
    def certified_digits(self) -> int | None: ...

    @property
    def counts(self) -> Mapping[str, int]: ...


def protocol_problems(result: Any) -> list[str]:
    """What keeps ``result`` from meaning what :class:`SolverResult` says (empty: nothing).

    ``isinstance(result, SolverResult)`` checks only that the names exist; this checks their
    types and that a message is there (for a result that did not converge: saying why).
    """
    if not isinstance(result, SolverResult):
        missing = [
            name
            for name in ("converged", "message", "residual", "residual_kind", "certified_digits", "counts")
            if not hasattr(result, name)
        ]
        return [f"{type(result).__name__} lacks {', '.join(missing)}"]
    problems = []
    if not isinstance(result.converged, bool | np.bool_):
        problems.append(f"converged is a {type(result.converged).__name__}, not a bool")
    if not isinstance(result.message, str) or not result.message.strip():
        why = "" if result.converged else ": it must say why it did not converge"
        problems.append("message is empty" + why)
    residual = result.residual
    if residual is not None and not isinstance(residual, float | int | np.floating):
        problems.append(f"residual is a {type(residual).__name__}, not a float or None")
    if not isinstance(result.residual_kind, str) or not result.residual_kind:
        problems.append("residual_kind is empty")
    elif residual is None and result.residual_kind != NO_RESIDUAL:
        problems.append(f"residual is None but residual_kind is {result.residual_kind!r}")
    elif residual is not None and not math.isnan(residual) and result.residual_kind == NO_RESIDUAL:
        problems.append("residual_kind says none but residual is a number")
    digits = result.certified_digits
    if digits is not None and (not _is_int(digits) or digits < 0):
        problems.append(f"certified_digits is {digits!r}, not a non-negative int or None")
    counts = result.counts
    if not isinstance(counts, Mapping):
        problems.append(f"counts is a {type(counts).__name__}, not a mapping")
    else:
        for name, value in counts.items():
            if not isinstance(name, str) or not _is_int(value):
                problems.append(f"counts[{name!r}] = {value!r} is not an int under a name")
            elif value < 0:
                problems.append(f"counts[{name!r}] = {value} is negative")
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def counts_from_info(info: Mapping[str, Any], **own: int) -> dict[str, int]:
    """``own`` counts, then those of ``info`` (keys in COUNT_KEYS, SciPy's renamed)."""
    counts = {name: int(value) for name, value in own.items()}
    for key, value in info.items():
        if key in COUNT_KEYS and _is_int(value):
            counts.setdefault(COUNT_NAMES.get(key, key), int(value))
    return counts


class CertifiedEnclosure:
    """The protocol's members for a result that is a certified enclosure (balls) rather than
    an iterate: it converged when it is certified, it has no residual, and its certified
    digits are the fewest correct digits of its balls (:meth:`enclosed`, none when not
    certified). Mixed into frozen dataclasses with a ``certified`` field."""

    certified: bool

    @property
    def converged(self) -> bool:
        return self.certified

    @property
    def residual(self) -> None:
        return None

    @property
    def residual_kind(self) -> str:
        return NO_RESIDUAL

    def enclosed(self) -> tuple[Any, ...]:
        """The balls whose width is certified (each result names its own)."""
        raise NotImplementedError

    @property
    def certified_digits(self) -> int | None:
        from dlncheck.numerics.enclosures import correct_digits

        if not self.certified:
            return None
        return min((correct_digits(v) for v in self.enclosed()), default=None)


@dataclass(frozen=True)
class LimitResult:
    """A limit point computed by a solver (projection, minimizer, LP) or reached by a flow.

    ``value`` is a float64 array, or a tuple of high-precision numbers (mpmath ``mpf`` or
    python-flint ``arb``) when the solver worked at ``dps`` digits.  ``residual`` is the
    solver's own optimality measure (its meaning is named in ``residual_kind``, e.g. the
    relative feasibility residual ``||A x - y|| / ||y||`` or a KKT residual).
    ``certified_digits`` is the number of correct significant digits the solver can stand
    behind for every entry of ``value`` (None: not certified).  Conforms to
    :class:`SolverResult`; ``counts`` holds ``iterations`` and the counts kept in ``info``.
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

    @property
    def counts(self) -> dict[str, int]:
        return counts_from_info(self.info, iterations=self.iterations)


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
    below the requested tolerance.  ``residual`` is what ``residual_kind`` names (by default the
    relative residual ``||A x - y|| / ||y||`` at ``t_reached``).  Conforms to
    :class:`SolverResult`; ``counts`` holds ``steps`` and the counts kept in ``info``
    (SciPy's ``nfev``, ``njev``, ``nlu`` renamed).
    """

    limit: Any
    t_reached: float
    converged: bool
    message: str
    residual: float  # what residual_kind names, at t_reached
    steps: int
    trajectory: Trajectory | None = None
    dps: int | None = None
    wall_s: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    residual_kind: str = RELATIVE_RESIDUAL
    certified_digits: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        return counts_from_info(self.info, steps=self.steps)
