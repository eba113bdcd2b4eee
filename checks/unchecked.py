"""A part of a claim that no check of this project establishes yet.

When a derivation proves only part of a claim (say the identity inside an inequality
lemma), the claim must not wear *verified*: the rest is declared as an
:class:`UncheckedPart` with the reason, and the conjunction of the claim's checks is then
*inconclusive*, with that reason shown beside the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext


@dataclass(frozen=True)
class UncheckedPart:
    name: str
    reason: str  # what is not checked, and why
    kind: ClassVar[str] = "unchecked"

    @property
    def description(self) -> str:
        return f"not checked: {self.reason}"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "description": self.description}

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        return CheckResult(
            self.name, self.kind, Verdict.INCONCLUSIVE, f"inconclusive: not checked: {self.reason}", {}
        )
