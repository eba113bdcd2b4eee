""" "The flow's limit is argmin Φ over {Xβ = y}", checked from the flow and from Φ, independently.

For an argmin characterization (krr Theorems 1, 3, 4) the evidence on one instance is:

1. the flow itself integrated to its limit, by one or more integrators that know nothing of Φ
   (the reduced dual flow (★) of ``numerics.dual_flow``, which uses the flow's closed form; the
   models' own factors by ``numerics.factor_flows``, which uses nothing but the ODE);
2. argmin Φ over {Xβ = y} computed from the paper's printed Φ alone, in the primal
   (``numerics.krr_q_minimizer``: no conjugate, no projection);
3. agreement of every integrated limit with that minimizer to ``AGREEMENT`` (relative, in the
   largest entry), the integrated limit solving the system to ``RESIDUAL_CEILING`` (the
   theorems' hypothesis Xβ∞ = y, observed), the minimizer converged.

The projection of ``FlowInstance.projection`` (what ``dlncheck flow --method project`` and the
limit audits compute) plays no part here.  Numeric evidence only: at most *supported*, with
the number of instances, the smallest slack 1 - distance/AGREEMENT and the instance that gave
it.  An instance where an integrator or the minimizer does not converge, or where they
disagree, makes the check *inconclusive* and names it (float64 integrations refute nothing).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from hypothesis import strategies as st

from dlncheck.checks.seeded_search import seeded_search
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext

# The integrators stop at a remaining relative change of 1e-9 (``numerics.dual_flow``) or
# 1e-9 per e-fold of time (``numerics.factor_flows``); the primal minimizer's last Newton step is
# below 1e-9 (its error is about the square of that); float64 cancellation at D > 2 costs up
# to MAX_CANCELLED_DIGITS = 6 digits of the 16 (``checks.flow_strategies``).  1e-6 leaves a
# factor of 100 above the worst of these (measured on 55 drawn krr instances: at most 9.5e-10).
AGREEMENT = 1e-6
# ‖Xβ - y‖/‖y‖ at an integrated limit: the integrators' own stopping tests ask 1e-10.
RESIDUAL_CEILING = 1e-6
# Instances per check: the run's property budget / BUDGET_DIVISOR, within [MIN, MAX]
# (an instance costs ~0.05 s for the reduced flow and the minimizer, up to ~3 s with a factor flow).
BUDGET_DIVISOR = 10
MIN_INSTANCES = 10
MAX_INSTANCES = 20
PROGRESS_INTERVAL_S = 0.5
KEEP_FAILURES = 5


@dataclass(frozen=True)
class IntegratedLimit:
    """One integrator's result at one instance (``limit`` is None if it raised)."""

    integrator: str
    limit: np.ndarray | None
    converged: bool
    residual: float
    message: str


@dataclass(frozen=True)
class ArgminReference:
    """argmin Φ over {Xβ = y} computed from the printed Φ, and whether it converged."""

    value: np.ndarray
    converged: bool
    message: str


@dataclass
class _Record:
    evaluated: int = 0
    integrations: int = 0
    min_slack: float = math.inf
    min_raw: dict[str, Any] | None = None
    worst_residual: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FlowArgminSearch:
    """Integrate the flow of each drawn instance and compare with argmin Φ (module docstring).

    ``integrate(raw)`` returns the integrated limits of the instance (one per integrator);
    ``argmin(raw)`` the minimizer of the printed Φ.
    """

    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    integrate: Callable[[dict[str, Any]], tuple[IntegratedLimit, ...]]
    argmin: Callable[[dict[str, Any]], ArgminReference]
    # the slow suite (tests/test_claims.py, SEARCHED_KINDS) re-runs these at its budget and seeds
    kind: ClassVar[str] = "flow convergence"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": f"1 - max_integrators max|β_flow - β_argmin| / (max|β_argmin| · {AGREEMENT:g})",
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        record = _Record()
        budget = min(MAX_INSTANCES, max(MIN_INSTANCES, ctx.budget // BUDGET_DIVISOR))
        last_note = [time.monotonic()]

        @seeded_search(self.instances(), budget, ctx.seed)
        def probe(raw: dict[str, Any]) -> None:
            why = self._observe(raw, record)
            if why is not None and len(record.failures) < 100:
                record.failures.append({"instance": raw, "why": why})
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {record.evaluated}/{budget} instances")

        probe()
        evidence: dict[str, Any] = {
            "instances_evaluated": record.evaluated,
            "integrations": record.integrations,
            "seed": ctx.seed,
            "agreement": AGREEMENT,
            "residual_ceiling": RESIDUAL_CEILING,
            "worst_residual": record.worst_residual,
            "failures": record.failures[:KEEP_FAILURES],
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
        if record.evaluated == 0 or record.min_raw is None:
            return CheckResult(
                self.name, self.kind, Verdict.INCONCLUSIVE, "no instance was evaluated", evidence
            )
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{record.evaluated} instances ({record.integrations} integrations): each integrated limit "
            f"solves Xβ = y (residual <= {record.worst_residual:.1e}) and agrees with the independently "
            f"computed argmin to {AGREEMENT:g}; smallest slack {record.min_slack:.4f} at "
            f"{_brief(record.min_raw)}",
            evidence,
        )

    def _observe(self, raw: dict[str, Any], record: _Record) -> str | None:
        with np.errstate(all="ignore"):  # trial steps of the integrators may overflow; they reject them
            reference = self.argmin(raw)
            flows = self.integrate(raw)
        record.evaluated += 1
        if not reference.converged:
            return f"the argmin of the printed potential was not found ({reference.message})"
        scale = max(float(np.max(np.abs(reference.value))), 1e-300)
        worst = 0.0
        for flow in flows:
            record.integrations += 1
            if flow.limit is None or not flow.converged:
                return f"{flow.integrator}: the integration did not converge ({flow.message})"
            record.worst_residual = max(record.worst_residual, flow.residual)
            if not flow.residual <= RESIDUAL_CEILING:
                return f"{flow.integrator}: the limit misses the data (residual {flow.residual:.1e})"
            distance = float(np.max(np.abs(np.asarray(flow.limit, dtype=float) - reference.value))) / scale
            worst = max(worst, distance)
        slack = 1 - worst / AGREEMENT
        if slack < record.min_slack:
            record.min_slack, record.min_raw = slack, raw
        if slack < 0:
            return f"an integrated limit is {worst:.1e} (relative) from the argmin"
        return None


def _brief(raw: dict[str, Any] | None, limit: int = 200) -> str:
    text = json.dumps(raw, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
