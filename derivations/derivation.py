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

from collections.abc import Callable, Iterable, Mapping, Sequence
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


def witness_instance(point: Mapping[sp.Symbol, Any]) -> dict[str, Any]:
    """A derivation's witness point as a claim instance (``{"params": ...}``, the format of
    ``checks.formula_audit``): integers for integer symbols, exact rationals as strings."""
    params: dict[str, Any] = {}
    for s, v in sorted(point.items(), key=lambda item: item[0].name):
        v = sp.Rational(v)
        params[s.name] = int(v) if s.is_integer else str(v)
    return {"params": params}


@dataclass(frozen=True)
class Part:
    """One decided link of a derivation: an identity or a sign, and what SymPy decided.

    The one part type of the project: :meth:`Derivation.from_parts` assembles a derivation
    from parts.  ``expr`` is the identity's derived side (``printed`` its printed side), or
    the gap shown to be >= 0; a ``differs`` carries the point where the residual is certainly
    nonzero (``witness_point``, symbol -> exact value) and the residual's value there.
    """

    text: str
    outcome: Outcome
    expr: Any
    residual: Any = 0
    method: str = ""
    witness_point: Mapping[sp.Symbol, Any] = field(default_factory=dict)
    witness_value: Any = None
    printed: Any = None

    @classmethod
    def of(cls, text: str, comparison: Any, derived: Any, printed: Any = None) -> Part:
        """The part that ``comparison`` (a :class:`derivations.equality.Comparison` of
        ``derived`` with ``printed``) decided."""
        return cls(
            text,
            comparison.outcome,
            derived,
            comparison.residual,
            comparison.method,
            dict(comparison.witness_point),
            comparison.witness_value,
            printed,
        )


_FROM_PARTS: Any = object()  # from_parts' default for derived/printed: the deciding part's
InstanceMaker = Callable[[Mapping[sp.Symbol, Any]], dict[str, Any]]
# from_parts' default witness instance (in the class body the name ``witness_instance`` is the
# field's default, None, not the function)
_DEFAULT_INSTANCE: InstanceMaker = witness_instance


def _residual(deciding: Part, outcome: Outcome, count: int) -> Any:
    """The derivation's residual: the deciding part's, and 0 when several parts all agree (a
    sign part keeps its certificate where an identity keeps its zero residual)."""
    if outcome == Outcome.AGREES and count > 1:
        return sp.Integer(0)
    return deciding.residual


def _printed_side(part: Part) -> Any:
    return 0 if part.printed is None else part.printed


@dataclass(frozen=True)
class Derivation:
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
    def from_parts(
        cls,
        parts: Sequence[Part],
        *,
        title: str,
        assumptions: str = "",
        steps: Iterable[Step] | None = None,
        notes: Iterable[str] = (),
        derived: Any = _FROM_PARTS,
        printed: Any = _FROM_PARTS,
        decided: bool = True,
        corrected: Any = None,
        instance: InstanceMaker | dict[str, Any] | None = _DEFAULT_INSTANCE,
    ) -> Derivation:
        """The one constructor of a derivation: its outcome, residual, method and witness are read
        off its parts.

        * outcome: :func:`joint_outcome` of the parts (``decided``: the side conditions held);
        * the *deciding* part: the first whose outcome is the derivation's (the last when all
          agree); its expression and printed side are ``derived`` and ``printed`` unless given,
          and its residual is the derivation's (0 when several parts all agree);
        * method: every part's, joined, when all agree; else the deciding part's;
        * steps: one per part (its text, outcome and method) unless ``steps`` is given, then
          ``notes`` as verbal steps;
        * a ``differs`` keeps the deciding part's witness point and value as text, and as a
          claim instance: ``instance(point)`` (default :func:`witness_instance`), a fixed
          instance, or none.
        """
        parts = tuple(parts)
        if not parts:
            raise ValueError("a derivation needs at least one part")
        outcome = joint_outcome((p.outcome for p in parts), decided=decided)
        deciding = next((p for p in parts if p.outcome == outcome), parts[-1])
        if outcome == Outcome.AGREES:
            deciding = parts[-1]
        if steps is None:
            steps = [Step(f"{p.text}: {p.outcome} ({p.method})", p.expr) for p in parts]
        steps = (*steps, *(Step(n) for n in notes))
        if len(parts) == 1:
            method = parts[0].method
        elif outcome == Outcome.AGREES:
            method = "; ".join(f"{p.text}: {p.method}" for p in parts)
        else:
            method = f"{deciding.text}: {deciding.method}"
        witness_point: dict[str, str] = {}
        witness_value = ""
        found = None
        if outcome == Outcome.DIFFERS:
            witness_point = {sp.sstr(s): sp.sstr(v) for s, v in deciding.witness_point.items()}
            witness_value = "" if deciding.witness_value is None else sp.sstr(deciding.witness_value)
            found = instance(deciding.witness_point) if callable(instance) else instance
        return cls(
            title=title,
            steps=steps,
            derived=deciding.expr if derived is _FROM_PARTS else derived,
            printed=_printed_side(deciding) if printed is _FROM_PARTS else printed,
            outcome=outcome,
            residual=_residual(deciding, outcome, len(parts)),
            assumptions=assumptions,
            method=method,
            witness_point=witness_point,
            witness_value=witness_value,
            witness_instance=found,
            corrected=corrected,
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
