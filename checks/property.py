"""Property checks: hypothesis draws instances, a float64 slack is pushed towards violation.

Each property check has a *normalized slack* (>= 0 iff the claim holds on the instance;
what it is normalized by is documented per claim in ``slack_doc``).  The search evaluates it
in float64 and uses ``hypothesis.target`` to push it down.  A negative (or NaN) float64
slack is never trusted: the instance is re-audited in interval arithmetic on the escalation
ladder (``checks.audit.ESCALATION_DPS``):

* violated with a certified margin -> the claim is refuted; hypothesis shrinks the instance,
  and the shrunk one is stored under ``checks/counterexamples/`` for later runs to replay;
* holds -> a float artefact, counted in the evidence and the search goes on;
* still undecided at the top of the ladder -> the check is inconclusive (precision exhausted).

The instance with the smallest slack is re-evaluated at high precision, so the reported
minimum is certified, not a float64 guess.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from hypothesis import Phase, target
from hypothesis import strategies as st

from dlncheck.checks import counterexamples
from dlncheck.checks.audit import (
    ESCALATION_DPS,
    HOLDS,
    UNDECIDED,
    VIOLATED,
    AuditResult,
    escalate,
    show_value,
)
from dlncheck.checks.instances import Instance, parse_instance
from dlncheck.checks.seeded_search import seeded_search
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext

# How many float artefacts / undecided instances are kept verbatim in the evidence.
KEEP_EXAMPLES = 5
PROGRESS_INTERVAL_S = 0.5
# Significant digits to which the smallest slack found is certified before it is reported.
SLACK_DIGITS = 3
# ``PropertyCheck.max_budget`` of searches whose every instance is decided in exact arithmetic by
# certified LPs or vertex enumeration (10-30 ms an instance, measured at budget 1000): 1000 per
# seed keeps the slow suite's three full-budget seeds within CI's time.
EXACT_SEARCH_MAX_BUDGET = 1000


class CertifiedViolation(Exception):
    def __init__(self, raw: dict[str, Any], result: AuditResult, float_slack: float):
        super().__init__(f"certified violation (float64 slack {float_slack!r})")
        self.raw = raw
        self.result = result
        self.float_slack = float_slack


@dataclass
class _SearchRecord:
    evaluated: int = 0
    min_slack: float = math.inf
    min_raw: dict[str, Any] | None = None
    artefacts: list[dict[str, Any]] = field(default_factory=list)
    undecided: list[dict[str, Any]] = field(default_factory=list)
    artefact_count: int = 0

    def observe(self, raw: dict[str, Any], slack: float) -> None:
        self.evaluated += 1
        if slack < self.min_slack:
            self.min_slack, self.min_raw = slack, raw

    def escalated(self, raw: dict[str, Any], slack: float, result: AuditResult) -> None:
        entry = {
            "instance": raw,
            "float64_slack": repr(slack),
            "status": result.status,
            "dps": result.dps,
            "certified_slack": None if result.slack is None else show_value(result.slack, 6),
        }
        if result.status == UNDECIDED:
            self.undecided.append(entry)
        else:
            self.artefact_count += 1
            if len(self.artefacts) < KEEP_EXAMPLES:
                self.artefacts.append(entry)


@dataclass(frozen=True)
class PropertyCheck:
    name: str
    description: str
    instances: Callable[[], st.SearchStrategy[dict[str, Any]]]
    slack: Callable[[Instance], float]
    slack_doc: str
    # The most instances one run of this search draws, whatever the run's budget: for searches
    # whose instance costs tens of milliseconds (a certified LP, a flow limit and its escalation),
    # so that the full budget of the slow suite stays within CI's time (None: the run's budget).
    max_budget: int | None = None
    kind: ClassVar[str] = "property"
    # Float64 slacks below this are re-audited in intervals, not only negative ones: where the
    # float64 evaluation is less accurate than its last digits (limits of flows), a small
    # positive slack may hide a violation.
    escalate_below: ClassVar[float] = 0.0

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "slack": self.slack_doc,
        }

    def parse(self, claim: Claim, raw: dict[str, Any]) -> Any:
        """A drawn instance, validated (the claim's audit's instance form)."""
        if claim.audit is None:
            raise ValueError(f"{claim.id}: a property check needs the claim's audit for escalation")
        return parse_instance(raw, claim.audit.spec, claim.id)

    def escalate(self, claim: Claim, instance: Any, slack_digits: int = 0) -> AuditResult:
        """The claim's audit on the escalation ladder (``checks.audit.escalate``)."""
        assert claim.audit is not None
        return escalate(claim.audit, instance, slack_digits=slack_digits)

    def budget(self, ctx: RunContext) -> int:
        return ctx.budget if self.max_budget is None else min(ctx.budget, self.max_budget)

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        record = _SearchRecord()
        violation = self._search(claim, ctx, record)
        evidence: dict[str, Any] = {
            "instances_evaluated": record.evaluated,
            "budget": self.budget(ctx),
            "seed": ctx.seed,
            "slack_normalization": self.slack_doc,
            "float64_artefacts_dismissed": record.artefact_count,
            "float64_artefacts": record.artefacts,
            "undecided": record.undecided[:KEEP_EXAMPLES],
            "escalation_dps": list(ESCALATION_DPS),
        }
        if violation is not None:
            return self._refuted(claim, ctx, violation, evidence)
        if record.undecided:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"precision exhausted: {len(record.undecided)} instance(s) undecided at "
                f"{ESCALATION_DPS[-1]} digits",
                evidence,
            )
        if record.evaluated == 0 or record.min_raw is None:
            return CheckResult(
                self.name, self.kind, Verdict.INCONCLUSIVE, "no instance was evaluated", evidence
            )
        certified = self.escalate(claim, self.parse(claim, record.min_raw), slack_digits=SLACK_DIGITS)
        evidence["min_slack_float64"] = repr(record.min_slack)
        evidence["min_slack_instance"] = record.min_raw
        evidence["min_slack_audit"] = certified.to_json()
        if certified.status != HOLDS:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"the smallest-slack instance audits as {certified.status}",
                evidence,
            )
        shown = show_value(certified.slack, 4) if certified.slack is not None else repr(record.min_slack)
        evidence["min_slack_certified"] = shown
        return CheckResult(
            self.name,
            self.kind,
            Verdict.SUPPORTED,
            f"{record.evaluated} instances, smallest slack {shown} "
            + ("(exact)" if certified.dps is None else f"(certified at {certified.dps} digits)")
            + f" at {_brief(record.min_raw)}; "
            f"{record.artefact_count} float64 artefact(s) dismissed",
            evidence,
        )

    def _search(self, claim: Claim, ctx: RunContext, record: _SearchRecord) -> CertifiedViolation | None:
        last_note = [time.monotonic()]

        @seeded_search(
            self.instances(),
            self.budget(ctx),
            ctx.seed,
            phases=(Phase.generate, Phase.target, Phase.shrink),
            report_multiple_bugs=False,
        )
        def probe(raw: dict[str, Any]) -> None:
            instance = self.parse(claim, raw)
            slack = self.slack(instance)
            record.observe(raw, slack)
            if math.isfinite(slack):
                target(-slack, label="negated normalized slack")
            now = time.monotonic()
            if now - last_note[0] > PROGRESS_INTERVAL_S:
                last_note[0] = now
                ctx.note(f"{self.name}: {record.evaluated}/{self.budget(ctx)} instances")
            if slack >= self.escalate_below:
                return
            result = self.escalate(claim, instance)
            if result.status == VIOLATED:
                raise CertifiedViolation(raw, result, slack)
            record.escalated(raw, slack, result)

        try:
            probe()
        except CertifiedViolation as violation:
            return violation
        return None

    def _refuted(
        self, claim: Claim, ctx: RunContext, violation: CertifiedViolation, evidence: dict[str, Any]
    ) -> CheckResult:
        evidence["counterexample"] = violation.raw
        evidence["counterexample_audit"] = violation.result.to_json()
        evidence["float64_slack"] = repr(violation.float_slack)
        if ctx.write_counterexamples:
            path = counterexamples.store(
                ctx.counterexample_dirs,
                claim,
                self.name,
                "property search",
                violation.raw,
                violation.result,
                seed=ctx.seed,
            )
            evidence["counterexample_file"] = path.name
        margin = show_value(violation.result.min_violation_margin(), 8)
        return CheckResult(
            self.name,
            self.kind,
            Verdict.REFUTED,
            f"counterexample certified at {violation.result.dps} digits, "
            f"margin {margin}: {_brief(violation.raw)}",
            evidence,
        )


def _brief(raw: dict[str, Any], limit: int = 160) -> str:
    text = json.dumps(raw.get("params", raw), separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."
