"""``dlncheck flow``: a flow's limit by integration, by the paper's characterization, or both.

* ``integrate``: the reduced dual flow (★) of ``numerics.dual_reduction`` integrated in float64
  by ``numerics.dual_flow`` (log time, Radau, then a fixed-point tail);
* ``project``: the limit the paper states (Bregman projection, Q_α or Q_α^D minimizer) by
  float64 Newton on the dual (``numerics.bregman_projection.project``) and, with ``--dps``
  above float64, Newton at that precision in arb balls (``refine``);
* ``both``: the two, and the number of significant digits (norm-wise, relative to ‖x‖∞) on
  which they agree.
"""

from __future__ import annotations

import math
import time
from typing import Any

import mpmath
import numpy as np

from checks.flow_instances import FlowInstance
from checks.instances import InstanceError
from numerics.bregman_projection import ProjectionError, project, refine
from numerics.dual_flow import integrate_to_limit
from numerics.dual_flow_precise import integrate_precisely
from numerics.positive_face import EmptyPositiveSetError

FLOAT64_DIGITS = 16
# digits float64 keeps after the cancellation c + s·g of the L > 2 branches (c ~ α^{-(L-2)});
# below this many the float64 path is refused and the needed precision is named.
FLOAT64_USABLE_DIGITS = 10
# The limit is a fixed point of (★), so the path's accuracy does not enter it: a looser Radau
# tolerance than the trajectory default saves steps (numerics.dual_flow).
FLOW_RTOL = 1e-6
# Integration at high precision factors M × M arb matrices every step: small instances only.
PRECISE_FLOW_MAX_ENTRIES = 400


class FlowFailure(Exception):
    """The computation ran but did not reach a limit it can stand behind (exit code 1)."""


def digits_needed(instance: FlowInstance, wanted: int = FLOAT64_USABLE_DIGITS) -> int:
    """Working digits to keep ``wanted`` digits of the limit at this depth and scale.

    For L > 2 the branch p = (c + s g)^{-L/(L-2)} has c ~ min(u0)^{-(L-2)}, and on the support
    c + s g = O(1): the sum cancels (L - 2) log10(1/min u0) digits.  L = 2 loses nothing
    (the state is a logarithm).
    """
    smallest = min(instance.u0 + (instance.v0 or ()))
    lost = 0
    if instance.depth > 2 and smallest < 1:
        lost = math.ceil((instance.depth - 2) * math.log10(smallest.denominator / smallest.numerator))
    return lost + wanted


def run_flow(instance: FlowInstance, method: str, dps: int | None, progress=None) -> dict[str, Any]:
    """Compute the limit; the returned dict is what ``--json`` writes."""
    start = time.perf_counter()
    out: dict[str, Any] = {"model": instance.model, "L": instance.depth, "method": method, "dps": dps}
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    need = digits_needed(instance)
    high = dps is not None and dps > FLOAT64_DIGITS
    flow = proj = None
    try:  # first, so that an empty S₊ is reported before any integration starts
        problem = instance.projection()
    except EmptyPositiveSetError as exc:
        raise InstanceError(str(exc)) from None
    if method in ("integrate", "both"):
        if need > (dps if high else FLOAT64_DIGITS):
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
            flow = integrate_precisely(instance.reduction(), instance.A, instance.y, dps, progress=progress)
            shown = [_show_arb(v, dps) for v in flow.limit]
        else:
            flow = integrate_to_limit(
                instance.reduction(), A, y, rtol=FLOW_RTOL, keep_trajectory=False, progress=progress
            )
            shown = [_show(v, FLOAT64_DIGITS) for v in flow.limit]
        out["integrate"] = {
            "limit": shown,
            "converged": flow.converged,
            "message": flow.message,
            "residual": flow.residual,
            "t_reached": flow.t_reached,
            "steps": flow.steps,
            "wall_s": flow.wall_s,
        }
    if method in ("project", "both"):
        if need > (dps or FLOAT64_DIGITS):
            raise InstanceError(
                f"precision too low: L = {instance.depth} at this initialization scale needs about "
                f"{need} digits; rerun with --dps {need + 10} or more"
            )
        try:
            proj64 = project(problem) if need <= FLOAT64_DIGITS else None
        except ProjectionError:
            proj64 = None
        if high:
            start_dual = proj64.info["dual"] if proj64 is not None and proj64.converged else None
            proj = refine(problem, start_dual, dps)
            limit = [_show_arb(v, dps) for v in proj.value]
        else:
            if proj64 is None:
                raise InstanceError(f"float64 cannot represent this instance; rerun with --dps {need + 10}")
            proj = proj64
            limit = [_show(v, FLOAT64_DIGITS) for v in proj.value]
        out["project"] = {
            "limit": limit,
            "converged": proj.converged,
            "message": proj.message,
            "residual": proj.residual,
            "residual_kind": proj.residual_kind,
            "certified_digits": proj.certified_digits,
            "iterations": proj.iterations,
            "wall_s": proj.wall_s,
        }
    primary = out.get("project") or out["integrate"]
    out["limit"] = primary["limit"]
    out["residual"] = primary["residual"]
    out["certified_digits"] = primary.get("certified_digits")
    out["t_reached"] = out["integrate"]["t_reached"] if flow is not None else None
    if flow is not None and proj is not None:
        out["agree_digits"] = _agree_digits(flow.limit, proj.value, dps if high else FLOAT64_DIGITS)
    out["wall_s"] = time.perf_counter() - start
    out["converged"] = all(part["converged"] for key, part in out.items() if key in ("integrate", "project"))
    return out


def _agree_digits(a, b, digits: int) -> int:
    """Significant digits on which two vectors agree, norm-wise relative to ‖b‖∞ (at most ``digits``)."""
    with mpmath.workdps(digits + 20):
        a = [_as_mpf(v) for v in a]
        b = [_as_mpf(v) for v in b]
        scale = max(abs(v) for v in b)
        diff = max(abs(u - v) for u, v in zip(a, b, strict=True))
        if diff == 0 or scale == 0:
            return digits
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


def format_report(out: dict[str, Any]) -> list[str]:
    lines = [f"model {out['model']}, L = {out['L']}, method {out['method']}"]
    for key in ("integrate", "project"):
        part = out.get(key)
        if part is None:
            continue
        extra = f", t reached {part['t_reached']:.3e}" if key == "integrate" else ""
        cert = part.get("certified_digits")
        extra += f", certified digits {cert}" if cert is not None else ""
        lines.append(
            f"{key}: {part['message']}; residual {part['residual']:.2e}{extra}; {part['wall_s']:.2f}s"
        )
    lines.append("limit: [" + ", ".join(out["limit"]) + "]")
    if "agree_digits" in out:
        lines.append(f"integrated flow and projection agree to {out['agree_digits']} digits")
    return lines
