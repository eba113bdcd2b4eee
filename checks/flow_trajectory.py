"""Bounds that hold at every time t along a flow, checked on integrated trajectories.

Some statements of the papers are about x̃(t) for all t, not about the limit (mil's rate in the
proof of Theorem 2.2).  On a drawn instance the flow is integrated (``numerics.dual_flow``,
float64, the reduced dual flow; the trajectory is kept at the integrator's steps) and the
bound's two sides are evaluated at every sample t with 0 < t < ∞; the normalized slack is
(right - left)/|right|.

This is numeric evidence only: a float64 trajectory carries the integrator's relative error
(``numerics.dual_flow`` asks for RTOL 1e-8 per step), so a sample whose sides cannot be told
apart to ``SIDE_TOLERANCE`` is skipped, and a negative slack on a sample that can be told apart
makes the check *inconclusive* (a float64 trajectory cannot certify a violation), never
refuted.  The verdict is at most *supported*, with the number of instances and samples, the
smallest slack, the instance and the time that gave it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from hypothesis import strategies as st

from dlncheck.checks.seeded_search import seeded_search
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext
    from dlncheck.checks.flow_instances import FlowInstance

# A side evaluated along the float64 trajectory is trusted to TRAJECTORY_RELATIVE_ERROR of the
# magnitudes it is computed from (the integrator's per-step RTOL 1e-8 accumulates over ~100-1000
# steps; 1e-6 leaves a factor 100-1000).  A sample is used when that error is below
# SIDE_TOLERANCE of |right|, so slacks down to about 1e-3 are resolved.
TRAJECTORY_RELATIVE_ERROR = 1e-6
SIDE_TOLERANCE = 1e-3
# Instances per check: the run's budget / BUDGET_DIVISOR, within [MIN_INSTANCES, MAX_INSTANCES]
# (an integration costs 0.05-1.5 s, as in checks.flow_convergence).
BUDGET_DIVISOR = 10
MIN_INSTANCES = 10
MAX_INSTANCES = 20
PROGRESS_INTERVAL_S = 0.5


@dataclass
class _Record:
    instances: int = 0
    samples: int = 0
    skipped: int = 0
    min_slack: float = math.inf
    min_raw: dict[str, Any] | None = None
    min_t: float = math.nan
    violations: list[dict[str, Any]] | None = None
    failures: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class TrajectoryBoundSearch:
    """``sides(instance, raw, t, x)`` returns (left, right, scale): the two sides at time t
    where the product is x, and the magnitude their float64 error is relative to."""

    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    sides: Callable[[FlowInstance, dict[str, Any], float, np.ndarray], tuple[float, float, float]]
    slack_doc: str
    kind: ClassVar[str] = "trajectory property"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": self.slack_doc,
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        record = _Record(violations=[], failures=[])
        budget = min(MAX_INSTANCES, max(MIN_INSTANCES, ctx.budget // BUDGET_DIVISOR))
        last_note = [time.monotonic()]

        @seeded_search(self.instances(), budget, ctx.seed)
        def probe(raw: dict[str, Any]) -> None:
            self._observe(raw, record)
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {record.instances}/{budget} instances")

        probe()
        evidence: dict[str, Any] = {
            "instances_evaluated": record.instances,
            "samples_evaluated": record.samples,
            "samples_skipped": record.skipped,
            "seed": ctx.seed,
            "trajectory_relative_error": TRAJECTORY_RELATIVE_ERROR,
            "side_tolerance": SIDE_TOLERANCE,
            "min_slack": record.min_slack,
            "min_slack_instance": record.min_raw,
            "min_slack_time": record.min_t,
            "violations": record.violations[:5],
            "failures": record.failures[:5],
        }
        if record.violations:
            first = record.violations[0]
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"float64 violation on {len(record.violations)} instance(s), not confirmed at high precision "
                f"(first: slack {first['slack']:.2e} at t = {first['t']:.3e})",
                evidence,
            )
        if record.failures or record.samples == 0:
            why = record.failures[0]["why"] if record.failures else "no sample could be evaluated"
            return CheckResult(self.name, self.kind, Verdict.INCONCLUSIVE, why, evidence)
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{record.instances} instances, {record.samples} trajectory samples "
            f"({record.skipped} too close to "
            f"call in float64): smallest slack {record.min_slack:.3e} (resolved to ±{SIDE_TOLERANCE:g}) at "
            f"t = {record.min_t:.3e} on "
            f"{_brief(record.min_raw)}",
            evidence,
        )

    def _observe(self, raw: dict[str, Any], record: _Record) -> None:
        # imported here: the flow machinery loads only when a flow check runs
        from dlncheck.checks.flow_files import parse_flow_instance
        from dlncheck.numerics.dual_flow import integrate_to_limit

        instance = parse_flow_instance(raw)
        A = np.array([[float(a) for a in row] for row in instance.A])
        y = np.array([float(v) for v in instance.y])
        with np.errstate(all="ignore"):  # trial steps of the integrator may overflow; it rejects them
            flow = integrate_to_limit(instance.reduction(), A, y)
        record.instances += 1
        if flow.trajectory is None or not flow.converged:
            record.failures.append(
                {"instance": raw, "why": f"the integration did not converge ({flow.message})"}
            )
            return
        for t, x in zip(flow.trajectory.t, flow.trajectory.product, strict=True):
            if not (0 < t < math.inf):
                continue
            left, right, scale = self.sides(instance, raw, float(t), np.asarray(x, dtype=float))
            if not (math.isfinite(left) and math.isfinite(right)):
                record.skipped += 1
                continue
            if TRAJECTORY_RELATIVE_ERROR * scale > SIDE_TOLERANCE * abs(right) or right == 0:
                record.skipped += 1
                continue
            record.samples += 1
            slack = (right - left) / abs(right)
            if slack < record.min_slack:
                record.min_slack, record.min_raw, record.min_t = slack, raw, float(t)
            if slack < -SIDE_TOLERANCE:
                record.violations.append({"instance": raw, "t": float(t), "slack": slack})
                return


def _brief(raw: dict[str, Any] | None, limit: int = 160) -> str:
    import json

    text = json.dumps(raw, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
