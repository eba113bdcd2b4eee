"""Running the checks of claims and combining them into verdicts."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dlncheck.checks import counterexamples
from dlncheck.checks.claim import Claim
from dlncheck.checks.context import RunContext
from dlncheck.checks.registry import Registry
from dlncheck.checks.verdicts import CheckResult, Verdict, conjunction


@dataclass(frozen=True)
class ClaimResult:
    claim_id: str
    verdict: Verdict
    expected: Verdict
    checks: tuple[CheckResult, ...]
    wall_s: float
    tainted_by: tuple[str, ...] = field(default=())

    @property
    def matches(self) -> bool:
        return self.verdict == self.expected

    def to_json(self) -> dict[str, Any]:
        return {
            "claim": self.claim_id,
            "verdict": str(self.verdict),
            "expected": str(self.expected),
            "matches_expected": self.matches,
            "depends_on_refuted": list(self.tainted_by),
            "wall_s": round(self.wall_s, 4),
            "checks": [c.to_json() for c in self.checks],
        }


def run_claim(claim: Claim, ctx: RunContext) -> ClaimResult:
    """Replay stored counterexamples, run every check, combine into the claim's verdict."""
    start = time.perf_counter()
    results: list[CheckResult] = []
    for stored in counterexamples.stored_for(claim.id, ctx.counterexample_dirs):
        ctx.note(f"replaying {stored.path.name}")
        t0 = time.perf_counter()
        result = counterexamples.replay(claim, stored)
        results.append(_timed(result, t0))
    for check in claim.checks:
        ctx.note(check.name)
        t0 = time.perf_counter()
        results.append(_timed(check.run(claim, ctx), t0))
    verdict = conjunction(r.verdict for r in results)
    return ClaimResult(claim.id, verdict, claim.expected, tuple(results), time.perf_counter() - start)


def _timed(result: CheckResult, t0: float) -> CheckResult:
    return CheckResult(
        result.check, result.kind, result.verdict, result.summary, result.evidence, time.perf_counter() - t0
    )


def with_taint(results: Iterable[ClaimResult], registry: Registry) -> list[ClaimResult]:
    """Mark results whose claim's proof uses a refuted claim.

    A dependency's verdict is the one computed in this run if it was run, else the verdict
    the project has established for it (its declared expectation).
    """
    results = list(results)
    verdicts = {cid: c.expected for cid, c in registry.claims.items()}
    verdicts.update({r.claim_id: r.verdict for r in results})
    return [
        ClaimResult(
            r.claim_id, r.verdict, r.expected, r.checks, r.wall_s, registry.tainted_by(r.claim_id, verdicts)
        )
        for r in results
    ]
