"""Symbolic checks: a derivation, compared with the printed formula.

* ``agrees``  -> verified (the difference reduced to exactly 0);
* ``differs`` -> refuted only through a concrete instance: the derivation's witness point
  is turned into an instance, the claim's audit must find it violated (exactly or in
  intervals), and the instance is stored as a counterexample that later runs replay;
* otherwise   -> inconclusive, with the residual SymPy could not reduce.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dlncheck.checks import counterexamples
from dlncheck.checks.audit import VIOLATED, escalate, show_value
from dlncheck.checks.claim import source_path
from dlncheck.checks.instances import parse_instance
from dlncheck.checks.verdicts import CheckResult, Verdict
from dlncheck.derivations.derivation import Derivation, Outcome

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext


def derivation_source(derive: Callable[..., Any]) -> str | None:
    """Where a derivation function is written, as ``derivations/<module>.py:<line>`` (None for a
    callable without source, e.g. a builtin)."""
    target = inspect.unwrap(derive)
    while isinstance(target, functools.partial):
        target = target.func
    code = getattr(target, "__code__", None)
    module = getattr(target, "__module__", None)
    if code is None or not module:
        return None
    return f"{source_path(module)}:{code.co_firstlineno}"


@dataclass(frozen=True)
class SymbolicCheck:
    name: str
    description: str
    derive: Callable[[], Derivation]
    kind: ClassVar[str] = "symbolic"

    def describe(self) -> dict[str, Any]:
        info = {"name": self.name, "kind": self.kind, "description": self.description}
        where = derivation_source(self.derive)
        return info | ({"derivation": where} if where else {})

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        derivation = self.derive()
        evidence: dict[str, Any] = {"derivation": derivation.to_json()}
        if derivation.outcome == Outcome.AGREES:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.VERIFIED,
                f"{derivation.title}: SymPy reduces derived - printed to 0 ({derivation.method})",
                evidence,
            )
        if derivation.outcome == Outcome.INCONCLUSIVE:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"inconclusive: could not simplify; residual {derivation.residual}",
                evidence,
            )
        return self._refute(claim, ctx, derivation, evidence)

    def _refute(
        self, claim: Claim, ctx: RunContext, derivation: Derivation, evidence: dict[str, Any]
    ) -> CheckResult:
        if claim.audit is None or derivation.witness_instance is None:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"{derivation.title}: derived and printed differ, but there is no instance to certify it on",
                evidence,
            )
        instance = parse_instance(derivation.witness_instance, claim.audit.spec, claim.id)
        result = escalate(claim.audit, instance)
        evidence["witness_audit"] = result.to_json()
        if result.status != VIOLATED:
            return CheckResult(
                self.name,
                self.kind,
                Verdict.INCONCLUSIVE,
                f"{derivation.title}: differs symbolically, but the audit of the witness "
                f"says {result.status}",
                evidence,
            )
        if ctx.write_counterexamples:
            path = counterexamples.store(
                ctx.counterexample_dirs,
                claim,
                self.name,
                "symbolic witness",
                derivation.witness_instance,
                result,
            )
            evidence["counterexample_file"] = path.name
        margin = show_value(result.min_violation_margin(), 12)
        return CheckResult(
            self.name,
            self.kind,
            Verdict.REFUTED,
            f"{derivation.title}: printed formula differs from the derivation; "
            f"witness instance violates it {'exactly' if result.exact else ''} "
            f"(margin {margin})",
            evidence,
        )
