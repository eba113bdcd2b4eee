"""``dlncheck derive``: the SymPy derivations of claims, step by step.

For each selected catalogue id this runs the claim's symbolic checks' derivations (not
its audits or property searches) and prints how each formula was obtained: the steps,
the derived and the printed expression, the outcome and, for *differs*, the witness and
the corrected formula.  Ids for which no derivation is possible print the written reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from dlncheck.checks.errors import UnknownClaimError
from dlncheck.checks.registry import Registry
from dlncheck.checks.symbolic_coverage import DERIVED, MISSING, REASON, no_derivation_reasons, symbolic_checks
from dlncheck.derivations.derivation import Derivation, Outcome


@dataclass(frozen=True)
class DerivationRun:
    claim_id: str
    check: str
    derivation: Derivation | None
    error: str = ""  # the derivation raised instead of returning a result

    @property
    def outcome(self) -> str:
        return str(self.derivation.outcome) if self.derivation else "error"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"claim": self.claim_id, "check": self.check, "outcome": self.outcome}
        if self.derivation is not None:
            out["derivation"] = self.derivation.to_json()
        if self.error:
            out["error"] = self.error
        return out


def select_ids(reg: Registry, ids: Sequence[str], paper: str | None) -> list[str]:
    """The catalogue ids to derive: those named, else every id with a derivation or a reason."""
    reasons = no_derivation_reasons()
    for cid in ids:
        if cid not in reg.catalogue:
            reg.get(cid)  # raises UnknownClaimError with a did-you-mean hint
    chosen = list(ids) or [cid for cid in reg.catalogue if symbolic_checks(reg, cid) or cid in reasons]
    if paper:
        chosen = [cid for cid in chosen if reg.catalogue[cid]["paper"] == paper]
    if not chosen:
        raise UnknownClaimError("no catalogue claim with a derivation matches the selection")
    return chosen


def status(reg: Registry, cid: str) -> str:
    if symbolic_checks(reg, cid):
        return DERIVED
    return REASON if cid in no_derivation_reasons() else MISSING


def run_derivations(
    reg: Registry, cid: str, on_check: Callable[[str], None] | None = None
) -> list[DerivationRun]:
    runs = []
    for check in symbolic_checks(reg, cid):
        if on_check:
            on_check(check.name)
        try:
            runs.append(DerivationRun(cid, check.name, check.derive()))
        except Exception as exc:  # a derivation that breaks is reported, never passed
            runs.append(DerivationRun(cid, check.name, None, f"{type(exc).__name__}: {exc}"))
    return runs


def _show(expr: Any, latex: bool) -> str:
    return sp.latex(expr) if latex else sp.sstr(expr)


def format_run(run: DerivationRun, latex: bool = False) -> list[str]:
    if run.derivation is None:
        return [f"== {run.claim_id} / {run.check}: ERROR: {run.error}"]
    d = run.derivation
    out = [f"== {run.claim_id}: {d.title}  [{d.outcome}]"]
    if d.assumptions:
        out.append(f"   assumptions: {d.assumptions}")
    for i, step in enumerate(d.steps, 1):
        out.append(f"   {i}. {step.text}")
        if step.expr is not None:
            out.append(f"      {_show(step.expr, latex)}")
    out.append(f"   derived:  {_show(d.derived, latex)}")
    out.append(f"   printed:  {_show(d.printed, latex)}")
    if d.outcome == Outcome.AGREES:
        out.append(f"   derived - printed reduces to 0 ({d.method})")
    elif d.outcome == Outcome.DIFFERS:
        out.append(f"   derived - printed = {_show(d.residual, latex)}")
        out.append(f"   witness: {d.witness_point} gives {d.witness_value} ({d.method})")
        if d.corrected is not None:
            out.append(f"   corrected: {_show(d.corrected, latex)}")
    else:
        out.append(f"   inconclusive: could not simplify; residual {_show(d.residual, latex)}")
    return out
