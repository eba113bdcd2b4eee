"""The declaration of one claim of a paper, with its checks.

A claim is declared once, in the module of ``checks.claims`` that holds the mathematics
it is about, by calling :func:`declare`.  The registry, the CLI, the tests and the reports
all read that one declaration.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.audit import Audit
    from dlncheck.checks.context import RunContext


class Kind(StrEnum):
    IDENTITY = "identity"
    INEQUALITY = "inequality"
    LIMIT = "limit"
    CHARACTERIZATION = "argmin characterization"
    INVARIANT = "invariant"
    CONVERGENCE = "convergence"
    CONSTANT = "constant"
    ASYMPTOTIC = "asymptotic"
    EXPERIMENT = "experiment"
    DEFINITION = "definition"


PAPERS = {
    "mil": "Chou, Maly, Rauhut — More is Less: Inducing Sparsity via Overparameterization",
    "ms": "Matt, Stöger — Implicit l1-regularization of positively quadratically reparameterized "
    "linear regression: precise upper and lower bounds",
    "krr": "Woodworth et al. — Kernel and Rich Regimes in Overparametrized Models",
    "wn": "Chou, Rauhut, Ward — Robust Implicit Regularization via Weight Normalization",
}


class Check(Protocol):
    """Anything that can establish (part of) a claim."""

    name: str
    kind: str  # "symbolic" | "property" | "audit"
    description: str

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    label: str
    section: str
    statement: str  # LaTeX, as printed in the paper
    kind: Kind
    expected: Verdict  # the verdict this project has established; the suite re-derives it
    checks: tuple[Check, ...]
    equations: tuple[str, ...] = ()
    hypotheses: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    audit: Audit | None = None
    findings: tuple[str, ...] = ()  # what the checks found that the paper gets wrong
    slow: bool = False  # checks too slow for the default test run even at the fast budget
    module: str = field(default="", compare=False)


_DECLARED: list[Claim] = []


def declare(**fields: Any) -> Claim:
    """Declare a claim (called at import time by the modules of ``checks.claims``)."""
    fields.setdefault("module", sys._getframe(1).f_globals.get("__name__", ""))
    fields["checks"] = tuple(fields.get("checks", ()))
    for key in ("equations", "hypotheses", "depends_on", "findings"):
        fields[key] = tuple(fields.get(key, ()))
    claim = Claim(**fields)
    if claim.paper not in PAPERS:
        raise ValueError(f"{claim.id}: unknown paper key {claim.paper!r}")
    if not claim.checks:
        raise ValueError(f"{claim.id}: a claim needs at least one check")
    _DECLARED.append(claim)
    return claim


def declared() -> list[Claim]:
    return list(_DECLARED)
