"""Statements about flows observed by integrating them on drawn instances (numeric evidence).

A :class:`FlowObservationSearch` draws instances from a hypothesis strategy, hands each to an
``observe`` function that integrates the flow and measures what the claim says (the limit
exists and is the characterized one; the loss decays exponentially; a smaller initialization
is slower; ...), and collects the outcomes.  Each observation returns a normalized slack
(>= 0: consistent with the claim, by that much) or a failure that says what was seen.

Like :class:`checks.flow_convergence.FlowConvergenceSearch` (whose budget rule it shares), this
is float64 evidence: the verdict is at most *supported* (number of instances, the smallest slack
and its instance); an instance where the observation fails makes the check *inconclusive* and
names it, since a float64 integration cannot refute a statement about every instance.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from hypothesis import strategies as st

from dlncheck.checks.flow_convergence import BUDGET_DIVISOR, MAX_INSTANCES, MIN_INSTANCES, PROGRESS_INTERVAL_S
from dlncheck.checks.seeded_search import seeded_search
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext


@dataclass(frozen=True)
class Observation:
    """``slack`` >= 0 when the instance behaves as the claim says; ``failure`` says otherwise."""

    slack: float
    failure: str | None = None
    measured: dict[str, Any] | None = None


@dataclass(frozen=True)
class FlowObservationSearch:
    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    observe: Callable[[dict[str, Any]], Observation]
    slack_doc: str
    kind: ClassVar[str] = "flow convergence"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": self.slack_doc,
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        budget = min(MAX_INSTANCES, max(MIN_INSTANCES, ctx.budget // BUDGET_DIVISOR))
        seen: list[tuple[dict[str, Any], Observation]] = []
        failures: list[dict[str, Any]] = []
        last_note = [time.monotonic()]

        @seeded_search(self.instances(), budget, ctx.seed)
        def probe(raw: dict[str, Any]) -> None:
            observation = self.observe(raw)
            seen.append((raw, observation))
            if observation.failure is not None:
                failures.append({"instance": raw, "why": observation.failure})
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {len(seen)}/{budget} instances")

        probe()
        finite = [(raw, o) for raw, o in seen if o.failure is None and math.isfinite(o.slack)]
        worst = min(finite, key=lambda item: item[1].slack) if finite else None
        evidence: dict[str, Any] = {
            "instances_evaluated": len(seen),
            "seed": ctx.seed,
            "slack_normalization": self.slack_doc,
            "failures": failures[:5],
            "min_slack": None if worst is None else worst[1].slack,
            "min_slack_instance": None if worst is None else worst[0],
            "min_slack_measured": None if worst is None else worst[1].measured,
        }
        if failures:
            first = failures[0]
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"{len(failures)} of {len(seen)} instances: {first['why']} "
                f"(first: {brief(first['instance'])})",
                evidence,
            )
        if worst is None:
            return CheckResult(
                self.name, self.kind, Verdict.INCONCLUSIVE, "no instance was evaluated", evidence
            )
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{len(seen)} instances; smallest slack {worst[1].slack:.3g} at {brief(worst[0])}",
            evidence,
        )


def brief(raw: dict[str, Any] | None, limit: int = 200) -> str:
    text = json.dumps(raw, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
