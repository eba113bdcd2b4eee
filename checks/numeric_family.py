"""A check computed along a fixed family of instances (α → 0, α → ∞, width k → ∞).

Asymptotic statements ("lim_{α→0} β∞_α = β*_ℓ1", "σ scales as α²√k") have no finite instance
that decides them; what is checked is the family's trend on fixed instances: the distance to
the stated limit along the family, the rate at which it falls (a fitted power law), against
what the text asserts.  The family and its instances are fixed in the claim's module (seeded,
deterministic), so the check re-derives the same evidence on every run.

Numeric evidence only: the outcome is *supported* (the trend is as stated on every instance) or
*inconclusive* (with what was not as stated); no finite family refutes a limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext


@dataclass(frozen=True)
class FamilyOutcome:
    verdict: Verdict
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NumericFamilyCheck:
    name: str
    description: str
    evaluate: Callable[[], FamilyOutcome]
    kind: ClassVar[str] = "numeric family"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "description": self.description}

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        ctx.note(self.name)
        outcome = self.evaluate()
        return CheckResult(self.name, self.kind, outcome.verdict, outcome.summary, outcome.evidence)


def power_law_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The least-squares slope of log y against log x (y ≈ c x^p: returns p)."""
    return power_law_exponent_from_logs([math.log(x) for x in xs], ys)


def power_law_exponent_from_logs(log_xs: Sequence[float], ys: Sequence[float]) -> float:
    """:func:`power_law_exponent` with x given by its logarithm (x = 1e-4000 has one, not a float)."""
    lx = list(log_xs)
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sxx
