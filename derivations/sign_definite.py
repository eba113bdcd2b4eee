"""Deciding a printed inequality ``left <= right`` from its hypotheses.

The hypotheses are encoded by *slack variables*: each hypothesis ``a <= b`` becomes
``b = a + s`` with a symbol ``s >= 0`` (``s > 0`` for a strict one), and every fact the proof
uses (a supporting line of a convex function, monotonicity of its derivative) enters the
same way.  After the substitution the margin ``right - left`` is an expression in
nonnegative symbols, and SymPy's assumption system decides its sign:

* ``agrees``: the margin is certainly >= 0 (SymPy's ``is_nonnegative``), so the inequality
  follows from the hypotheses;
* ``differs``: at an admissible point (every hypothesis holds there) the margin is certainly
  negative, evaluated exactly or by ``evalf(strict=True)``; the point is the witness;
* ``inconclusive``: neither, and the margin is kept as the residual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import WITNESS_DIGITS


def _value(expr: sp.Expr, point: Mapping[sp.Symbol, Any]) -> sp.Expr:
    value = sp.sympify(expr).xreplace({s: sp.sympify(v) for s, v in point.items()}).doit()
    if value.is_Rational:
        return value
    return value.evalf(WITNESS_DIGITS, strict=True)


def admissible(point: Mapping[sp.Symbol, Any], hypotheses: Iterable[sp.Rel]) -> bool:
    """Every hypothesis certainly holds at the point."""
    for h in hypotheses:
        lhs, rhs = _value(h.lhs, point), _value(h.rhs, point)
        if not bool(h.func(lhs, rhs)):
            return False
    return True


def margin_sign(margin: sp.Expr, simplify: bool = True) -> bool | None:
    """True if SymPy proves margin >= 0, False if it proves margin < 0, else None."""
    reduced = sp.factor(sp.simplify(margin)) if simplify else margin
    if reduced.is_nonnegative:
        return True
    if reduced.is_negative:
        return False
    return None


def decide_inequality(
    title: str,
    left: sp.Expr,
    right: sp.Expr,
    *,
    slacks: Mapping[sp.Symbol, sp.Expr],
    steps: Sequence[Step] = (),
    assumptions: str = "",
    witnesses: Sequence[Mapping[sp.Symbol, Any]] = (),
    hypotheses: Sequence[sp.Rel] = (),
    corrected: Any = None,
    witness_instance: dict | None = None,
    witness_margin: sp.Expr | None = None,
    simplify: bool = True,
) -> Derivation:
    """Decide ``left <= right`` after substituting ``slacks`` (the encoded hypotheses).

    ``witnesses`` are points tried (only where admissible under ``hypotheses``) if the
    slack form is not sign-definite; they are points of ``witness_margin`` when given (the
    margin for a concrete function satisfying the hypotheses), else of ``right - left``.
    """
    printed = sp.Le(left, right, evaluate=False)
    margin = right - left
    in_slacks = margin.xreplace(dict(slacks))
    if simplify:  # off for margins of Min/Abs, where simplify is slow and rarely helps
        in_slacks = sp.factor(sp.simplify(in_slacks))
    sign = margin_sign(in_slacks, simplify)
    all_steps = [*steps, Step("margin right - left in the slack variables", in_slacks)]

    def decided(part: Part, fix: Any = None) -> Derivation:
        return Derivation.from_parts(
            [part],
            title=title,
            steps=all_steps,
            derived=in_slacks,
            printed=printed,
            assumptions=assumptions,
            corrected=fix,
            instance=witness_instance,
        )

    if sign is True:
        how = "margin is a nonnegative expression in nonnegative slack variables (SymPy is_nonnegative)"
        return decided(Part(title, Outcome.AGREES, in_slacks, sp.Integer(0), how))
    for point in witnesses:
        if not admissible(point, hypotheses):
            continue
        value = _value(margin if witness_margin is None else witness_margin, point)
        if value.is_number and value < 0:
            all_steps.append(Step("margin at the witness point (negative)", value))
            how = (
                "exact rational arithmetic" if value.is_Rational else f"evalf({WITNESS_DIGITS}, strict=True)"
            )
            return decided(Part(title, Outcome.DIFFERS, in_slacks, in_slacks, how, point, value), corrected)
    how = "could not decide the sign of the margin; no admissible witness made it negative"
    return decided(Part(title, Outcome.INCONCLUSIVE, in_slacks, in_slacks, how))
