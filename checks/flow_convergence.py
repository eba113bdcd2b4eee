"""Existence statements about a flow's limit, checked by integrating the flow on drawn instances.

"The limit exists and lies in S" (mil Theorems 1.1 and 2.1, existence parts) is a statement
about every instance; on one instance it is observed by integrating the flow until its own
stopping test says the remaining distance to the limit is below tolerance
(``numerics.dual_flow.flow_limit``: the reduced dual flow (★) of ``numerics.dual_reduction``,
float64, log time), then checking that the point reached solves the system (relative residual
``RESIDUAL_CEILING``), is non-negative for the positive flow, and is the paper's
characterization of the limit: the projection of ``FlowInstance.projection`` (computed
independently) agrees with it to ``AGREEMENT`` (relative, in the largest entry).

This is numeric evidence only: the verdict is at most *supported*, with the number of
instances, the smallest relative slack 1 - distance/AGREEMENT and the instance that gave it.
An instance where the integration does not converge, or lands elsewhere, makes the check
*inconclusive* and names it (a float64 integration cannot refute an existence theorem).
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

# The integrator's stopping test asks for 1e-10 relative (numerics.dual_flow's default); the
# float64 projection is good to ~1e-13, except where L > 2 cancels up to 6 of its digits
# (checks.flow_strategies.MAX_CANCELLED_DIGITS): 1e-6 leaves a factor 100 above both.
AGREEMENT = 1e-6
# A point of S: ‖A x - y‖ / ‖y‖ at the integrated limit (the stopping test's own tolerance x 1e4).
RESIDUAL_CEILING = 1e-6
# A non-negative point: entries above -NEGATIVE_FLOOR · ‖x‖∞ (float64 rounding of the product).
NEGATIVE_FLOOR = 1e-12
# Instances per check: the run's property budget / BUDGET_DIVISOR (an integration costs ~0.1 s,
# up to 1.5 s, against ~1 ms for a projection), at most MAX_INSTANCES.  The cap is where the
# float64 integration is known to suffice: at 500 instances (budget 5000, seed 0) it stopped
# short on 4 positive-flow instances (L = 5, nearly parallel columns: remaining relative change
# 5e-8 after a retry at rtol 1e-8), which would make mil.thm2.1a inconclusive for the integrator's
# sake; deciding those needs the precise integration (numerics.dual_flow_precise) as a fallback.
BUDGET_DIVISOR = 10
MIN_INSTANCES = 10
MAX_INSTANCES = 20
PROGRESS_INTERVAL_S = 0.5


@dataclass
class _Record:
    evaluated: int = 0
    min_slack: float = math.inf
    min_raw: dict[str, Any] | None = None
    worst_residual: float = 0.0
    failures: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class FlowConvergenceSearch:
    """Integrate the flow of each drawn instance; the limit must exist, solve the system and
    agree with the characterized limit (module docstring)."""

    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    nonnegative: bool
    kind: ClassVar[str] = "flow convergence"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": f"1 - max|x_flow - x_projection| / (max|x_projection| · {AGREEMENT:g})",
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        record = _Record(failures=[])
        budget = min(MAX_INSTANCES, max(MIN_INSTANCES, ctx.budget // BUDGET_DIVISOR))
        last_note = [time.monotonic()]

        @seeded_search(self.instances(), budget, ctx.seed)
        def probe(raw: dict[str, Any]) -> None:
            failure = self._observe(raw, record)
            if failure is not None:
                record.failures.append({"instance": raw, "why": failure})
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {record.evaluated}/{budget} instances")

        probe()
        evidence: dict[str, Any] = {
            "instances_evaluated": record.evaluated,
            "seed": ctx.seed,
            "agreement": AGREEMENT,
            "residual_ceiling": RESIDUAL_CEILING,
            "worst_residual": record.worst_residual,
            "failures": record.failures[:5],
            "min_slack": record.min_slack,
            "min_slack_instance": record.min_raw,
        }
        if record.failures:
            first = record.failures[0]
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"{len(record.failures)} of {record.evaluated} instances: {first['why']} "
                f"(first: {_brief(first['instance'])})",
                evidence,
            )
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{record.evaluated} instances: the integrated flow converged on each, residual <= "
            f"{record.worst_residual:.1e}; smallest slack {record.min_slack:.3f} (agreement with the "
            f"characterized limit to {AGREEMENT:g}) at {_brief(record.min_raw)}",
            evidence,
        )

    def _observe(self, raw: dict[str, Any], record: _Record) -> str | None:
        # imported here: the flow machinery loads only when a flow check runs
        from dlncheck.checks.flow_command import float64_projection
        from dlncheck.checks.flow_files import parse_flow_instance
        from dlncheck.numerics.dual_flow import flow_limit

        instance = parse_flow_instance(raw)
        A = np.array([[float(a) for a in row] for row in instance.A])
        y = np.array([float(v) for v in instance.y])
        with np.errstate(all="ignore"):  # trial steps of the integrator may overflow; it rejects them
            flow = flow_limit(instance.reduction(), A, y)
        projection = float64_projection(instance)
        record.evaluated += 1
        if not flow.converged:
            return f"the integration did not converge ({flow.message})"
        limit = np.asarray(flow.limit, dtype=float)
        record.worst_residual = max(record.worst_residual, flow.residual)
        if not flow.residual <= RESIDUAL_CEILING:
            return f"the integrated limit is not in S (relative residual {flow.residual:.1e})"
        scale = float(np.max(np.abs(limit)))
        if self.nonnegative and float(np.min(limit)) < -NEGATIVE_FLOOR * scale:
            return f"the integrated limit has a negative entry ({float(np.min(limit)):.1e})"
        if projection is None or not projection.converged:
            return "the characterized limit (float64 projection) could not be computed"
        reference = np.asarray(projection.value, dtype=float)
        distance = float(np.max(np.abs(limit - reference))) / max(float(np.max(np.abs(reference))), 1e-300)
        slack = 1 - distance / AGREEMENT
        if slack < record.min_slack:
            record.min_slack, record.min_raw = slack, raw
        if slack < 0:
            return f"the integrated limit is {distance:.1e} (relative) from the characterized one"
        return None


def _brief(raw: dict[str, Any] | None, limit: int = 160) -> str:
    import json

    text = json.dumps(raw, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
