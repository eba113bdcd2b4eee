"""Bounds checked on drawn instances by a float64 computation, re-run tighter to confirm.

For statements whose two sides come out of a computation that this project does not enclose in
intervals: the path of krr App. H's lifted factorization flow at d >= 2 (an ODE integrated in
float64, ``numerics.lifted_factorization_flow``) or a probability estimated by sampling (krr
Lemma 13, with a one-sided confidence bound).  Each drawn instance is evaluated once at the
ordinary setting; ``hypothesis.target`` pushes the normalized slack down.  A slack below
``-VIOLATION_TOLERANCE`` is re-evaluated at the tight setting (a smaller integration
tolerance, or more samples with a fresh seed); the instance with the smallest slack is
re-evaluated the same way, and the difference between the two runs is reported as the error of
the slack.

Numeric evidence only: the verdict is *supported* (with the number of instances, the smallest
slack at both settings, where it was attained and the instance), or *inconclusive* when a
violation survives the tight run (a float64 computation cannot certify it: no refutation) or
no instance could be evaluated.  Instances outside the claim's hypotheses (the decimal strings
can move one across a boundary) are counted and skipped.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypothesis import Phase, target
from hypothesis import strategies as st

from dlncheck.checks.seeded_search import seeded_search
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext

# A slack is called negative only below this: the float64 evaluations are accurate to ~1e-9
# (integration, numerics.lifted_factorization_flow) or carry their own confidence level
# (sampling), so 1e-6 leaves a factor 1000 for the first and is immaterial for the second.
VIOLATION_TOLERANCE = 1e-6
# Instances per check: the run's budget / BUDGET_DIVISOR within [MIN_INSTANCES, MAX_INSTANCES]
# (a flow costs 0.05-0.3 s at COND_CAP of checks.flow_strategies_krr_factorization).
BUDGET_DIVISOR = 5
MIN_INSTANCES = 10
MAX_INSTANCES = 40
PROGRESS_INTERVAL_S = 0.5


@dataclass(frozen=True)
class Evaluation:
    """One instance evaluated: ``slack`` >= 0 iff the bound holds (NaN: nothing to compare);
    ``admissible`` false when the instance is outside the claim's hypotheses (``note`` says which);
    ``note`` otherwise says where the slack was attained."""

    slack: float
    admissible: bool = True
    note: str = ""
    quantities: dict[str, Any] = field(default_factory=dict)


class _Stop(Exception):
    pass


@dataclass
class _Record:
    evaluated: int = 0
    skipped: list[str] = field(default_factory=list)
    uninformative: int = 0
    min_slack: float = math.inf
    min_raw: dict[str, Any] | None = None
    min_note: str = ""
    violation: dict[str, Any] | None = None


@dataclass(frozen=True)
class SampledBoundSearch:
    """``evaluate(raw, tight)`` evaluates one drawn instance (``tight``: the confirming setting)."""

    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    evaluate: Callable[[dict[str, Any], bool], Evaluation]
    slack_doc: str
    tight_doc: str  # what the tight setting is
    kind: str = "trajectory property"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": self.slack_doc,
            "confirmation": self.tight_doc,
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        record = _Record()
        budget = min(MAX_INSTANCES, max(MIN_INSTANCES, ctx.budget // BUDGET_DIVISOR))
        last_note = [time.monotonic()]

        @seeded_search(self.instances(), budget, ctx.seed, phases=(Phase.generate, Phase.target))
        def probe(raw: dict[str, Any]) -> None:
            self._observe(raw, record)
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {record.evaluated}/{budget} instances")

        try:
            probe()
        except _Stop:
            pass
        evidence: dict[str, Any] = {
            "instances_evaluated": record.evaluated,
            "instances_skipped": len(record.skipped),
            "skipped_why": sorted(set(record.skipped))[:5],
            "instances_uninformative": record.uninformative,
            "seed": ctx.seed,
            "slack_normalization": self.slack_doc,
            "confirmation": self.tight_doc,
            "violation_tolerance": VIOLATION_TOLERANCE,
        }
        if record.violation is not None:
            evidence["violation"] = record.violation
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"slack {record.violation['slack']:.3e} (tight: {record.violation['tight_slack']:.3e}) at "
                f"{record.violation['note']} on {_brief(record.violation['instance'])}: a float64 violation, "
                "not certified (this computation has no interval enclosure)",
                evidence,
            )
        if record.min_raw is None:
            return CheckResult(
                self.name, self.kind, Verdict.INCONCLUSIVE, "no instance could be evaluated", evidence
            )
        tight = self.evaluate(record.min_raw, True)
        error = abs(tight.slack - record.min_slack)
        evidence.update(
            {
                "min_slack": record.min_slack,
                "min_slack_tight": tight.slack,
                "min_slack_error": error,
                "min_slack_where": record.min_note,
                "min_slack_instance": record.min_raw,
                "min_slack_quantities": tight.quantities,
            }
        )
        if not (tight.slack >= -VIOLATION_TOLERANCE):
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"the smallest-slack instance has slack {tight.slack:.3e} at the tight setting",
                evidence,
            )
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{record.evaluated} instances ({len(record.skipped)} outside "
            f"the hypotheses skipped), smallest slack "
            f"{record.min_slack:.4g} (tight: {tight.slack:.4g}, "
            f"difference {error:.1e}) at {record.min_note} on "
            f"{_brief(record.min_raw)}",
            evidence,
        )

    def _observe(self, raw: dict[str, Any], record: _Record) -> None:
        result = self.evaluate(raw, False)
        if not result.admissible:
            record.skipped.append(result.note)
            return
        record.evaluated += 1
        if math.isnan(result.slack):
            record.uninformative += 1
            return
        target(-result.slack, label="negated normalized slack")
        if result.slack < record.min_slack:
            record.min_slack, record.min_raw, record.min_note = result.slack, raw, result.note
        if result.slack < -VIOLATION_TOLERANCE:
            tight = self.evaluate(raw, True)
            if tight.slack < -VIOLATION_TOLERANCE:
                record.violation = {
                    "instance": raw,
                    "slack": result.slack,
                    "tight_slack": tight.slack,
                    "note": tight.note,
                    "quantities": tight.quantities,
                }
                raise _Stop


def _brief(raw: dict[str, Any] | None, limit: int = 160) -> str:
    text = json.dumps(raw, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
