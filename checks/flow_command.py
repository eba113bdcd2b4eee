"""``dlncheck flow``: a flow's limit by integration, by the paper's characterization, or both.

* ``integrate``: the reduced dual flow (★) of ``numerics.dual_reduction`` integrated in float64
  by ``numerics.dual_flow`` (log time, Radau, then a fixed-point tail);
* ``project``: the limit the paper states (Bregman projection, Q_α or Q_α^D minimizer) by
  float64 Newton on the dual (``numerics.bregman_projection.project``) and, with ``--dps``
  above float64, Newton at that precision in arb balls (``refine``);
* ``both``: the two, and the number of significant digits (norm-wise, relative to ‖x‖∞) on
  which they agree.

The models of ``checks.flow_models`` integrate their own factors instead
(``numerics.factor_flows``, float64) and project through the reduced model they follow; those of
``checks.flow_wn`` use ``numerics.weight_normalization_flow`` and ``_limits`` (float64 only).
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from dlncheck.checks.errors import FlowFailure
from dlncheck.checks.flow_instances import FlowInstance
from dlncheck.checks.flow_models import FactorFlowInstance
from dlncheck.checks.flow_wn import WnFlowInstance
from dlncheck.checks.input_limits import FLOAT64_DIGITS, PRECISE_FLOW_MAX_ENTRIES
from dlncheck.checks.instances import InstanceError
from dlncheck.numerics.affine_feasibility import Float64InconsistencyError
from dlncheck.numerics.bregman_projection import ProjectionError, ProjectionProblem, project, refine
from dlncheck.numerics.dual_flow import flow_limit
from dlncheck.numerics.dual_flow_precise import integrate_precisely
from dlncheck.numerics.legendre_potentials import MilPower
from dlncheck.numerics.magnitudes import log10_of
from dlncheck.numerics.positive_face import UndecidedPositiveSetError
from dlncheck.numerics.power_shift import WORTH_SHIFTING_DIGITS, ShiftError, shifted_flow, shifted_projection
from dlncheck.numerics.results import NO_RESIDUAL, FlowResult, LimitResult
from dlncheck.numerics.sparse_recovery import InfeasibleSystemError

# digits float64 keeps after the cancellation c + s·g of the L > 2 branches (c ~ α^{-(L-2)});
# below this many the float64 path is refused and the needed precision is named.
FLOAT64_USABLE_DIGITS = 10
# numerics.bregman_projection loosens its float64 stopping tests by 10^(lost - 3) once more than
# 3 digits cancel (L > 2, small alpha): its limit is then ~1e-8 off (L = 3, alpha = 1.8e-6: 1.3e-8),
# so the factor models refine it at 16 + lost digits (arb, certified) before showing 16 digits.
FLOAT64_EXACT_LOSS = 3
# Wall-clock budget of an integration at --dps digits: near a face of S₊ it can run for minutes
# (85 s on a 2 × 2 face at 50 digits); past this it stops unconverged, naming --method project.
PRECISE_FLOW_MAX_SECONDS = 120.0
# Wall-clock budget of the float64 integrations in the factors and of wn's flow: towards a face
# of S₊ they take up to 50,000 steps (wn at L = 2 on a 2 × 2 face: 82 s); past this they stop,
# unconverged (the dual flow of the reduced models reaches faces by Newton on its fixed point).
FACTOR_FLOW_MAX_SECONDS = 60.0


def digits_needed(instance: FlowInstance, wanted: int = FLOAT64_USABLE_DIGITS) -> int:
    """Working digits to keep ``wanted`` digits of the limit at this depth and scale.

    For L > 2 the branch p = (c + s g)^{-L/(L-2)} has c ~ min(u0)^{-(L-2)}, and on the support
    c + s g = O(1): the sum cancels (L - 2) log10(1/min u0) digits.  L = 2 loses nothing
    (the state is a logarithm).
    """
    smallest = min(instance.u0 + (instance.v0 or ()))
    lost = 0
    if instance.depth > 2 and smallest < 1:
        lost = math.ceil((instance.depth - 2) * -log10_of(smallest))
    return lost + wanted


@dataclass(frozen=True)
class FlowReport:
    """What ``dlncheck flow`` found: :func:`run_flow`'s result; ``to_json()`` is what ``--json`` writes.

    Conforms to ``numerics.results.SolverResult``.  ``integrate`` and ``project`` are the methods'
    ``--json`` parts (None: the method did not run); the top-level ``limit``, ``residual`` and
    ``certified_digits`` are those of ``limit_from``, the method that established the limit
    (:func:`_result`), and ``residual_kind`` names that method's residual.  ``converged``: every
    method that ran converged; ``message`` says which did not and why.  ``agree_digits`` and
    ``agreement`` are measured only when both methods ran.  ``counts`` holds the integration's
    ``steps`` and the projection's ``iterations`` (and the counts their solvers kept).  ``flow`` and
    ``projection`` are the solvers' own results (not written to JSON).
    """

    model: str
    depth: int
    method: str
    dps: int | None
    integrate: dict[str, Any] | None
    project: dict[str, Any] | None
    limit_from: str | None
    limit: list[str] | None
    residual: float | None
    residual_kind: str
    certified_digits: int | None
    t_reached: float | None
    agree_digits: int | None
    agreement: str | None
    wall_s: float
    converged: bool
    counts: dict[str, int]
    flow: FlowResult | None = field(default=None, repr=False, compare=False)
    projection: LimitResult | None = field(default=None, repr=False, compare=False)

    @property
    def parts(self) -> dict[str, dict[str, Any]]:
        """The methods that ran, by name, ``project`` first (the order ``limit_from`` prefers)."""
        return {k: p for k, p in (("project", self.project), ("integrate", self.integrate)) if p is not None}

    @property
    def message(self) -> str:
        failed = [
            f"{key} did not converge: {part['message']}"
            for key, part in self.parts.items()
            if not part["converged"]
        ]
        if failed:
            return "; ".join(failed)
        if self.limit_from is None:
            return "no method ran"
        out = f"limit from {self.limit_from}: {self.parts[self.limit_from]['message']}"
        return out + (f"; integrate and project agree to {self.agreement}" if self.agreement else "")

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document (keys in this order; :func:`_result` says what each means)."""
        out: dict[str, Any] = {"model": self.model, "L": self.depth, "method": self.method, "dps": self.dps}
        if self.integrate is not None:
            out["integrate"] = copy.deepcopy(self.integrate)  # a fresh document: the report stays as it is
        if self.project is not None:
            out["project"] = copy.deepcopy(self.project)
        out["limit_from"] = self.limit_from
        out["limit"] = copy.copy(self.limit)
        out["residual"] = self.residual
        out["certified_digits"] = self.certified_digits
        out["t_reached"] = self.t_reached
        if self.integrate is not None and self.project is not None:
            out["agree_digits"] = self.agree_digits
            out["agreement"] = self.agreement
        out["wall_s"] = self.wall_s
        out["converged"] = self.converged
        return out


def run_flow(instance, method: str, dps: int | None, progress=None) -> FlowReport:
    """Compute the limit; the report's ``to_json()`` is what ``--json`` writes.

    ``instance`` is a :class:`FlowInstance` (reduced models), a
    :class:`~checks.flow_models.FactorFlowInstance` or a :class:`~checks.flow_wn.WnFlowInstance`.
    """
    start = time.perf_counter()
    high = dps is not None and dps > FLOAT64_DIGITS
    if isinstance(instance, WnFlowInstance):
        flow, proj = _wn_limits(instance, method, dps)
    elif isinstance(instance, FactorFlowInstance):
        flow, proj = _factor_limits(instance, method, dps, high)
    else:
        flow, proj = _reduced_limits(instance, method, dps, high, progress)
    return _result(instance, method, dps, flow, proj, dps if high else FLOAT64_DIGITS, start)


def _reduced_limits(instance: FlowInstance, method: str, dps: int | None, high: bool, progress):
    """The reduced dual flow (★) and the paper's projection (module docstring).

    In float64 at depth L > 2, once c + s·g would cancel ``WORTH_SHIFTING_DIGITS`` or more,
    both run in the exactly shifted dual of ``numerics.power_shift`` (no digits cancel there,
    whatever α); krr's Q_α^D (D > 2) has no shifted form and needs ``--dps``.
    """
    need = digits_needed(instance)
    flow = proj = shift = None
    require_solvable(instance)  # first: data that no limit fits are refused before any integration
    problem = _projection(instance)
    shifting = not high and instance.depth > 2 and need - FLOAT64_USABLE_DIGITS >= WORTH_SHIFTING_DIGITS
    if method in ("integrate", "both"):
        if need > (dps if high else FLOAT64_DIGITS) and not shifting:
            raise InstanceError(
                f"precision too low: integrating L = {instance.depth} at this initialization scale needs "
                f"about {need} digits; rerun with --dps {need + 10} or more"
            )
        if high:
            if len(instance.A) * instance.N > PRECISE_FLOW_MAX_ENTRIES:
                raise InstanceError(
                    f"integration at {dps} digits is for small instances "
                    f"(M·N <= {PRECISE_FLOW_MAX_ENTRIES}); use --method project for this one"
                )
            flow = integrate_precisely(
                instance.reduction(),
                instance.A,
                instance.y,
                dps,
                progress=progress,
                max_seconds=PRECISE_FLOW_MAX_SECONDS,
            )
        elif shifting:
            try:
                shifted = shifted_flow(instance.reduction(), instance.A, instance.y)
            except ShiftError as exc:
                raise FlowFailure(f"the shifted float64 flow could not be set up: {exc}") from None
            flow = _solver_failure_is_one_line(instance.model, lambda: shifted.limit(progress=progress))
            shift = shifted.shift
        else:
            A = np.array([[float(a) for a in row] for row in instance.A])
            y = np.array([float(v) for v in instance.y])
            flow = _solver_failure_is_one_line(
                instance.model, lambda: flow_limit(instance.reduction(), A, y, progress=progress)
            )
    if method in ("project", "both"):
        if shifting and _shiftable(problem):
            proj = project(shifted_projection(problem, shift if problem.columns is None else None).problem)
        else:
            proj = _project(problem, need, dps, high, instance.depth)
    return flow, proj


def _solver_failure_is_one_line(model: str, integrate):
    """Run a float64 integration; a solver that raises (e.g. a Jacobian that overflowed inside
    scipy's Radau) is reported as a failure on one line, never as a traceback."""
    try:
        return integrate()
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        why = " ".join(str(exc).split())
        raise FlowFailure(f"the integration of {model} failed: {type(exc).__name__}: {why}") from None


def _shiftable(problem: ProjectionProblem) -> bool:
    """mil (21) with L > 2 (MilPower branches) on a constraint set that is not a single point."""
    return problem.unique_solution is None and all(isinstance(pot, MilPower) for pot, _ in problem.branches)


def _factor_limits(instance: FactorFlowInstance, method: str, dps: int | None, high: bool):
    """The factor flow in float64 and, where the papers characterize it, its projection."""
    require_solvable(instance)  # before the projection and any integration
    problem = _projection(instance) if method in ("project", "both") else None
    if high and method != "project":
        raise InstanceError(
            f"model {instance.model} is integrated in float64 only: --dps above {FLOAT64_DIGITS} "
            "works with --method project"
        )
    need = digits_needed(instance.reduced) if instance.reduced is not None else FLOAT64_USABLE_DIGITS
    if method == "both" and need > FLOAT64_DIGITS:
        raise InstanceError(
            f"precision too low: projecting L = {instance.depth} at this initialization scale needs about "
            f"{need} digits and the factor flow is integrated in float64 only; run --method project "
            f"--dps {need + 10} and --method integrate separately"
        )
    if problem is not None:
        _require_digits(need, dps, instance.depth)  # before the integration, not after
    flow = _integrated(instance) if method in ("integrate", "both") else None
    proj = None
    if problem is not None:
        lost = need - FLOAT64_USABLE_DIGITS
        if not high and lost > FLOAT64_EXACT_LOSS:  # keep float64's 16 digits through the cancellation
            proj = _project(problem, need, FLOAT64_DIGITS + lost, True, instance.depth)
        else:
            proj = _project(problem, need, dps, high, instance.depth)
    return flow, proj


def _wn_limits(instance: WnFlowInstance, method: str, dps: int | None):
    """wn's flow and its characterized limit, both float64 (``checks.flow_wn``)."""
    if dps is not None and dps > FLOAT64_DIGITS:
        raise InstanceError(
            f"model {instance.model} is computed in float64 only (integration and projection): "
            "drop --dps and the instance's dps"
        )
    require_solvable(instance)  # every method: an empty S₊ is refused before any integration
    if method in ("project", "both"):
        instance.require_characterized()
    flow = _integrated(instance) if method in ("integrate", "both") else None
    proj = None
    if method in ("project", "both"):
        try:
            proj = instance.limit()
        except (ArithmeticError, ValueError) as exc:
            why = " ".join(str(exc).split())  # one line
            raise FlowFailure(f"the limit of {instance.model} was not found: {why}") from None
    return flow, proj


def _integrated(instance) -> FlowResult:
    """A factor or wn flow's integration; a solver that raises is a failure, reported on one line."""
    try:
        return instance.integrate(max_wall_s=FACTOR_FLOW_MAX_SECONDS)
    # RuntimeError: scipy's solvers raise it when asked to step after they failed
    except (ValueError, ArithmeticError, RuntimeError) as exc:
        why = " ".join(str(exc).split())
        raise FlowFailure(
            f"the integration of {instance.model} failed: {type(exc).__name__}: {why}"
        ) from None


# Data that no limit fits: the model's constraint set is empty (exact certificate), no float64
# computation can fit it, or HiGHS could not decide: the message says which.
NO_LIMIT_FITS = (InfeasibleSystemError, Float64InconsistencyError, UndecidedPositiveSetError)


def certified_projection(instance: FlowInstance, dps: int) -> LimitResult:
    """The paper's characterization of the limit, refined at ``dps`` digits and certified
    (``numerics.bregman_projection.refine``); for the audits of claims about limits."""
    require_solvable(instance)
    return _project(_projection(instance), digits_needed(instance), dps, True, instance.depth)


def float64_projection(instance: FlowInstance) -> LimitResult | None:
    """The float64 projection, or None where float64 cannot resolve the initialization's scale;
    for the property searches over flow instances."""
    require_solvable(instance)
    if digits_needed(instance) > FLOAT64_DIGITS:
        return None
    try:
        return project(_projection(instance))
    except ProjectionError:
        return None


def _projection(instance) -> ProjectionProblem:
    try:
        return instance.projection()
    except NO_LIMIT_FITS as exc:
        raise InstanceError(str(exc)) from None


def require_solvable(instance) -> None:
    """Data that no limit fits (the model's constraint set is empty; the message gives the
    certificate) are an input error: one line, exit code 2, before anything is integrated."""
    try:
        instance.require_solvable()
    except NO_LIMIT_FITS as exc:
        raise InstanceError(str(exc)) from None


def _require_digits(need: int, dps: int | None, depth: int) -> None:
    if need > (dps or FLOAT64_DIGITS):
        raise InstanceError(
            f"precision too low: L = {depth} at this initialization scale needs about "
            f"{need} digits; rerun with --dps {need + 10} or more"
        )


def _project(problem: ProjectionProblem, need: int, dps: int | None, high: bool, depth: int) -> LimitResult:
    """float64 Newton on the dual, then (``dps`` above float64) refinement in arb balls."""
    _require_digits(need, dps, depth)
    try:
        proj64 = project(problem) if need <= FLOAT64_DIGITS else None
    except ProjectionError:
        proj64 = None
    if high:
        start_dual = proj64.info["dual"] if proj64 is not None and proj64.converged else None
        return refine(problem, start_dual, dps)
    if proj64 is None:
        raise InstanceError(f"float64 cannot represent this instance; rerun with --dps {need + 10}")
    return proj64


def _result(instance, method: str, dps: int | None, flow, proj, digits: int, start: float) -> FlowReport:
    """The report (its ``to_json()`` is the ``--json`` document): each method's part, and a limit
    only where a method established it.

    A method's ``limit`` is shown only when it converged (with its own certificate: residual,
    remaining change, certified digits); otherwise its part holds ``reached``, the last point,
    which is not a limit.  The top-level ``limit`` is the projection's when it converged, else
    the integration's when that converged, else None; ``limit_from`` names which.  Agreement is
    measured only between two converged methods (``agreement`` says why when it is not).
    """
    out: dict[str, Any] = {"model": instance.model, "L": instance.depth, "method": method, "dps": dps}
    if flow is not None:
        out["integrate"] = _part(
            flow.limit,
            _established(flow.converged, flow.residual),
            flow.message,
            digits,
            residual=flow.residual,
            t_reached=flow.t_reached,
            steps=flow.steps,
            wall_s=flow.wall_s,
        )
    if proj is not None:
        out["project"] = _part(
            proj.value,
            _established(proj.converged, proj.residual),
            proj.message,
            digits,
            residual=proj.residual,
            residual_kind=proj.residual_kind,
            certified_digits=proj.certified_digits,
            iterations=proj.iterations,
            wall_s=proj.wall_s,
        )
    parts = [key for key in ("project", "integrate") if key in out]
    source = next((key for key in parts if out[key]["converged"]), None)
    out["limit_from"] = source
    out["limit"] = out[source]["limit"] if source else None
    out["residual"] = out[source]["residual"] if source else None
    out["certified_digits"] = out[source].get("certified_digits") if source else None
    out["t_reached"] = out["integrate"]["t_reached"] if flow is not None else None
    if flow is not None and proj is not None:
        failed = [key for key in ("integrate", "project") if not out[key]["converged"]]
        if failed:
            out["agree_digits"] = None
            out["agreement"] = f"not measured: {' and '.join(failed)} did not converge"
        else:
            out["agree_digits"] = _agree_digits(flow.limit, proj.value, digits)
            out["agreement"] = f"{out['agree_digits']} digits"
    out["wall_s"] = time.perf_counter() - start
    out["converged"] = all(out[key]["converged"] for key in parts)
    if source is None:
        residual_kind = NO_RESIDUAL
    else:
        residual_kind = proj.residual_kind if source == "project" else flow.residual_kind
    counts: dict[str, int] = {}
    for solver in (flow, proj):  # the work of both (a count both keep is summed)
        for name, value in (solver.counts if solver is not None else {}).items():
            counts[name] = counts.get(name, 0) + value
    return FlowReport(
        model=out["model"],
        depth=out["L"],
        method=out["method"],
        dps=out["dps"],
        integrate=out.get("integrate"),
        project=out.get("project"),
        limit_from=out["limit_from"],
        limit=out["limit"],
        residual=out["residual"],
        residual_kind=residual_kind,
        certified_digits=out["certified_digits"],
        t_reached=out["t_reached"],
        agree_digits=out.get("agree_digits"),
        agreement=out.get("agreement"),
        wall_s=out["wall_s"],
        converged=out["converged"],
        counts=counts,
        flow=flow,
        projection=proj,
    )


# A converged limit of these flows fits the data (every model interpolates: its limit solves
# A x = y); a method that reports convergence with a relative residual above this has not
# reached the limit, whatever its stopping test said.  1e-6 is far above every solver's own
# tolerance (float64: 1e-10 and below) and far below a visibly wrong fit.
CONVERGED_RESIDUAL_CEILING = 1e-6


def _established(converged: bool, residual: float) -> bool:
    return bool(converged) and math.isfinite(residual) and residual <= CONVERGED_RESIDUAL_CEILING


def _part(values, converged: bool, message: str, digits: int, **fields) -> dict[str, Any]:
    part: dict[str, Any] = {"converged": converged, "message": message}
    shown = _shown(values, digits)
    if converged:
        part["limit"] = shown
    else:
        part["reached"] = shown  # where the method stopped: not a limit
        residual = fields.get("residual")
        if message.startswith("converged") or (residual is not None and not math.isfinite(residual)):
            part["message"] = f"not converged: residual {residual:.2e} does not fit the data ({message})"
    return part | fields


def _shown(values, digits: int) -> list[str]:
    """arb balls at ``digits`` digits, floats at float64's."""
    return [_show_arb(v, digits) if hasattr(v, "mid") else _show(v, FLOAT64_DIGITS) for v in values]


def _agree_digits(a, b, digits: int) -> int:
    """Significant digits on which two vectors agree, norm-wise relative to the larger of ‖a‖∞, ‖b‖∞
    (at most ``digits``); 0 when either is not finite."""
    with mpmath.workdps(digits + 20):
        a = [_as_mpf(v) for v in a]
        b = [_as_mpf(v) for v in b]
        if not all(mpmath.isfinite(v) for v in a + b):
            return 0
        scale = max(abs(v) for v in a + b)
        diff = max(abs(u - v) for u, v in zip(a, b, strict=True))
        if diff == 0:
            return digits
        if scale == 0:
            return 0
        return max(0, min(digits, int(mpmath.floor(-mpmath.log10(diff / scale)))))


def _as_mpf(v) -> mpmath.mpf:
    """An arb's midpoint or a float, as an mpf at the current mpmath precision."""
    if hasattr(v, "mid"):
        return mpmath.mpf(v.mid().str(mpmath.mp.dps, radius=False, more=True))
    return mpmath.mpf(float(v))


def _show(v: float, digits: int) -> str:
    return f"{float(v):.{digits}e}"


def _show_arb(v, digits: int) -> str:
    return v.mid().str(digits, radius=False)


def format_report(report: FlowReport) -> list[str]:
    """Human lines: each method's outcome, then the limit only if a method established it."""
    out = report.to_json()
    lines = [f"model {out['model']}, L = {out['L']}, method {out['method']}"]
    for key in ("integrate", "project"):
        part = out.get(key)
        if part is None:
            continue
        residual = part["residual"]
        extra = f", t reached {part['t_reached']:.3e}" if key == "integrate" else ""
        cert = part.get("certified_digits")
        extra += f", certified digits {cert}" if cert is not None else ""
        status = "" if part["converged"] else "FAILED: "
        timing = f"{part['wall_s']:.2f}s"
        lines.append(f"{key}: {status}{part['message']}; residual {residual:.2e}{extra}; {timing}")
    source = out["limit_from"]
    if source is None:
        lines.append("no limit established: no method converged (--json gives each method's last point)")
        return lines
    failed = [key for key in ("integrate", "project") if key in out and not out[key]["converged"]]
    origin = f" (from {source} alone; {' and '.join(failed)} failed)" if failed else ""
    lines.append(f"limit{origin}: [" + ", ".join(out["limit"]) + "]")
    if out.get("agree_digits") is not None:
        lines.append(f"integrated flow and projection agree to {out['agree_digits']} digits")
    return lines
