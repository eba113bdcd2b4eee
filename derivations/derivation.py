"""The result of a derivation: how a formula was obtained and how it compares with print.

A derivation starts from the definitions, carries out the algebra in SymPy, and compares the
derived expression with the one the paper prints (typed in next to its equation number).
The outcome is

* ``agrees``: the difference reduces to exactly 0 (under the stated assumptions);
* ``differs``: the difference is certainly nonzero: it is evaluated at an explicit point,
  exactly where possible, and that point is kept as ``witness``;
* ``inconclusive``: SymPy could not reduce the difference and no point showed it nonzero;
  the residual expression is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sympy as sp


class Outcome(StrEnum):
    AGREES = "agrees"
    DIFFERS = "differs"
    INCONCLUSIVE = "inconclusive"


def joint_outcome(outcomes: Iterable[Outcome], *, decided: bool = True) -> Outcome:
    """The outcome of a derivation made of parts: ``differs`` when a part differs, ``agrees``
    when every part agrees and the side conditions (``decided``) were established, else
    ``inconclusive``."""
    found = set(outcomes)
    if Outcome.DIFFERS in found:
        return Outcome.DIFFERS
    if found == {Outcome.AGREES} and decided:
        return Outcome.AGREES
    return Outcome.INCONCLUSIVE


@dataclass(frozen=True)
class Step:
    """One step of a derivation: what was done, and the expression it produced."""

    text: str
    expr: Any = None  # a SymPy expression or Matrix, or None for a purely verbal step

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.expr is not None:
            out["expr"] = sp.sstr(self.expr)
            out["latex"] = sp.latex(self.expr)
        return out


@dataclass(frozen=True)
class Derivation:
    claim_id: str
    title: str
    steps: tuple[Step, ...]
    derived: Any
    printed: Any
    outcome: Outcome
    residual: Any  # derived - printed after simplification (0 when the two agree)
    assumptions: str = ""
    method: str = ""  # which simplification decided, or how the witness was evaluated
    witness_point: dict[str, str] = field(default_factory=dict)  # symbol -> exact value
    witness_value: str = ""  # the residual at witness_point
    witness_instance: dict[str, Any] | None = None  # the same point as a claim instance
    corrected: Any = None  # for "differs": the formula that does hold

    @classmethod
    def from_comparison(
        cls,
        cmp: Any,
        *,
        claim_id: str,
        title: str,
        steps: Any,
        derived: Any,
        printed: Any,
        assumptions: str = "",
        **extra: Any,
    ) -> Derivation:
        """The derivation whose outcome, residual and witness are those of ``cmp``
        (a :class:`derivations.equality.Comparison` of ``derived`` with ``printed``)."""
        return cls(
            claim_id=claim_id,
            title=title,
            steps=tuple(steps),
            derived=derived,
            printed=printed,
            outcome=cmp.outcome,
            residual=cmp.residual,
            method=cmp.method,
            assumptions=assumptions,
            witness_point={sp.sstr(s): sp.sstr(v) for s, v in cmp.witness_point.items()},
            witness_value="" if cmp.witness_value is None else sp.sstr(cmp.witness_value),
            **extra,
        )

    @property
    def message(self) -> str:
        if self.outcome == Outcome.AGREES:
            return f"{self.title}: derived and printed agree ({self.method})"
        if self.outcome == Outcome.DIFFERS:
            return (
                f"{self.title}: derived and printed differ; residual {sp.sstr(self.residual)} "
                f"= {self.witness_value} at {self.witness_point}"
            )
        return f"{self.title}: inconclusive: could not simplify; residual {sp.sstr(self.residual)}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "outcome": str(self.outcome),
            "assumptions": self.assumptions,
            "method": self.method,
            "derived": sp.sstr(self.derived),
            "printed": sp.sstr(self.printed),
            "residual": sp.sstr(self.residual),
            "derived_latex": sp.latex(self.derived),
            "printed_latex": sp.latex(self.printed),
            "residual_latex": sp.latex(self.residual),
            "steps": [s.to_json() for s in self.steps],
        }
        if self.outcome == Outcome.DIFFERS:
            out["witness_point"] = self.witness_point
            out["witness_value"] = self.witness_value
        if self.corrected is not None:
            out["corrected"] = sp.sstr(self.corrected)
            out["corrected_latex"] = sp.latex(self.corrected)
        return out


def witness_instance(point: Mapping[sp.Symbol, Any]) -> dict[str, Any]:
    """A derivation's witness point as a claim instance (``{"params": ...}``, the format of
    ``checks.formula_audit``): integers for integer symbols, exact rationals as strings."""
    params: dict[str, Any] = {}
    for s, v in sorted(point.items(), key=lambda item: item[0].name):
        v = sp.Rational(v)
        params[s.name] = int(v) if s.is_integer else str(v)
    return {"params": params}
