"""Inequalities proven in SymPy: a gap shown to be >= 0 by an exact argument.

An inequality ``lhs <= rhs`` is established by exhibiting its *gap* ``rhs - lhs`` as

* a *certificate*: an expression equal to the gap (SymPy reduces the difference to 0)
  whose sign SymPy's assumptions on the symbols decide (``is_nonnegative is True``);
* a square-root comparison ``sqrt(X) <= Y`` (Y >= 0 and Y^2 - X >= 0) or ``sqrt(X) >= Y``
  (X - Y^2 >= 0);
* a comparison of logarithms ``log(A) <= log(B)`` from ``0 < A <= B``;
* one-variable calculus: ``h(x0) = 0`` and ``h' >= 0`` on ``x >= x0`` (monotonicity), or
  ``h(x0) = h'(x0) = 0`` and ``h'' >= 0`` (convexity);
* a sum of gaps already shown to be >= 0.

Each link is a :class:`~derivations.derivation.Part` with its own outcome;
:meth:`~derivations.derivation.Derivation.from_parts` assembles the parts of a claim into one
derivation: *agrees* when every part agrees,
*differs* when some part found a certainly nonzero residual (or a point where a gap is
certainly negative), else *inconclusive*, never *agrees* by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy as sp

from dlncheck.derivations.derivation import Outcome, Part, joint_outcome
from dlncheck.derivations.equality import WITNESS_DIGITS, WITNESS_ZERO_THRESHOLD, compare


def identity(
    text: str, derived: Any, printed: Any, points: Iterable[Mapping[sp.Symbol, sp.Expr]] = ()
) -> Part:
    """``derived == printed``, decided by :func:`derivations.equality.compare`."""
    return Part.of(text, compare(derived, printed, points), derived, printed)


def finite_limit(text: str, expr: sp.Expr, var: sp.Symbol, at: Any, direction: str = "+") -> Part:
    """``expr`` has a finite limit as ``var -> at`` (so the quantity it scales is bounded there)."""
    value = sp.limit(expr, var, at, direction) if at not in (sp.oo, -sp.oo) else sp.limit(expr, var, at)
    if value.has(sp.oo, -sp.oo, sp.zoo):
        return Part(text, Outcome.DIFFERS, expr, value, f"limit as {var} -> {at} is {value}", {}, value)
    if value.is_finite:
        return Part(text, Outcome.AGREES, expr, 0, f"limit as {var} -> {at} is {sp.sstr(value)}, finite")
    return Part(text, Outcome.INCONCLUSIVE, expr, value, f"SymPy's limit returned {sp.sstr(value)}")


def _certainly_negative(gap: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[bool, Any]:
    value = sp.sympify(gap).xreplace(dict(point)).doit()
    if value.is_Rational:
        return bool(value < 0), value
    try:
        approx = value.evalf(WITNESS_DIGITS, strict=True)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return False, value
    return bool(approx.is_number and approx < 0 and abs(approx) > WITNESS_ZERO_THRESHOLD), approx


def _counterexample(text: str, gap: sp.Expr, points: Iterable[Mapping[sp.Symbol, sp.Expr]]) -> Part | None:
    for point in points:
        negative, value = _certainly_negative(gap, point)
        if negative:
            return Part(
                text,
                Outcome.DIFFERS,
                gap,
                gap,
                f"gap < 0 at a point (evalf({WITNESS_DIGITS}, strict))",
                dict(point),
                value,
            )
    return None


def nonnegative(
    text: str, gap: sp.Expr, certificate: sp.Expr, points: Iterable[Mapping[sp.Symbol, sp.Expr]] = ()
) -> Part:
    """``gap >= 0``: the gap equals ``certificate``, which is >= 0 by the symbols' assumptions."""
    points = list(points)
    found = _counterexample(text, gap, points)
    if found is not None:
        return found
    cmp = compare(gap, certificate, points)
    if cmp.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, gap, cmp.residual, f"gap = certificate not shown: {cmp.method}"
        )
    if sp.sympify(certificate).is_nonnegative is True:
        return Part(
            text, Outcome.AGREES, gap, 0, f"gap = {sp.sstr(certificate)} ({cmp.method}), >= 0 by assumptions"
        )
    return Part(
        text,
        Outcome.INCONCLUSIVE,
        gap,
        certificate,
        "SymPy's assumptions do not decide the certificate's sign",
    )


def sqrt_at_most(text: str, radicand: sp.Expr, bound: sp.Expr, certificate: sp.Expr) -> Part:
    """``sqrt(radicand) <= bound``: bound >= 0 and bound^2 - radicand = certificate >= 0."""
    if sp.sympify(bound).is_nonnegative is not True:
        return Part(
            text, Outcome.INCONCLUSIVE, bound - sp.sqrt(radicand), bound, "sign of the bound undecided"
        )
    square = nonnegative(text, sp.expand(bound**2 - radicand), certificate)
    return Part(text, square.outcome, bound - sp.sqrt(radicand), square.residual, "squares: " + square.method)


def sqrt_at_least(text: str, radicand: sp.Expr, bound: sp.Expr, certificate: sp.Expr) -> Part:
    """``sqrt(radicand) >= bound``: radicand - bound^2 = certificate >= 0 (then sqrt >= |bound|)."""
    square = nonnegative(text, sp.expand(radicand - bound**2), certificate)
    return Part(text, square.outcome, sp.sqrt(radicand) - bound, square.residual, "squares: " + square.method)


def log_at_most(text: str, smaller: sp.Expr, larger: sp.Expr, difference: Part) -> Part:
    """``log(smaller) <= log(larger)`` from ``smaller > 0`` and ``larger - smaller >= 0``."""
    gap = sp.log(larger) - sp.log(smaller)
    if sp.sympify(smaller).is_positive is not True:
        return Part(text, Outcome.INCONCLUSIVE, gap, smaller, "positivity of the smaller argument undecided")
    same = compare(difference.expr, larger - smaller)
    if same.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, gap, same.residual, "the difference part is about another gap"
        )
    return Part(text, difference.outcome, gap, difference.residual, "log is increasing; " + difference.method)


def monotone(text: str, h: sp.Expr, x: sp.Symbol, x0: Any, derivative_certificate: sp.Expr) -> Part:
    """``h(x) >= 0`` for ``x >= x0``: ``h(x0) = 0`` and ``h'(x)`` equals a certificate >= 0."""
    start = compare(h.subs(x, x0), 0)
    slope = nonnegative(text, sp.diff(h, x), derivative_certificate)
    if start.outcome == Outcome.AGREES and slope.outcome == Outcome.AGREES:
        return Part(
            text, Outcome.AGREES, h, 0, f"h({x0}) = 0 and h' = {sp.sstr(derivative_certificate)} >= 0"
        )
    outcome = Outcome.DIFFERS if Outcome.DIFFERS in (start.outcome, slope.outcome) else Outcome.INCONCLUSIVE
    return Part(text, outcome, h, sp.Matrix([start.residual, slope.residual]), "monotonicity not established")


def convex(text: str, h: sp.Expr, x: sp.Symbol, x0: Any, second_derivative_certificate: sp.Expr) -> Part:
    """``h >= 0`` on an interval containing x0: ``h(x0) = h'(x0) = 0`` and ``h''`` = certificate >= 0."""
    start = compare(sp.Matrix([h.subs(x, x0), sp.diff(h, x).subs(x, x0)]), sp.zeros(2, 1))
    curvature = nonnegative(text, sp.diff(h, x, 2), second_derivative_certificate)
    if start.outcome == Outcome.AGREES and curvature.outcome == Outcome.AGREES:
        return Part(
            text,
            Outcome.AGREES,
            h,
            0,
            f"h({x0}) = h'({x0}) = 0 and h'' = {sp.sstr(second_derivative_certificate)} >= 0",
        )
    outcome = (
        Outcome.DIFFERS if Outcome.DIFFERS in (start.outcome, curvature.outcome) else Outcome.INCONCLUSIVE
    )
    return Part(text, outcome, h, start.residual, "convexity not established")


def sum_of(
    text: str, gap: sp.Expr, parts: Sequence[Part], points: Iterable[Mapping[sp.Symbol, sp.Expr]] = ()
) -> Part:
    """``gap >= 0`` because it equals the sum of the gaps the ``parts`` show to be >= 0."""
    points = list(points)
    found = _counterexample(text, gap, points)
    if found is not None:
        return found
    split = compare(gap, sum(p.expr for p in parts), points)
    outcomes = {split.outcome} | {p.outcome for p in parts}
    if outcomes == {Outcome.AGREES}:
        return Part(text, Outcome.AGREES, gap, 0, f"sum of {len(parts)} gaps >= 0 ({split.method})")
    if split.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, gap, split.residual, "gap = sum of parts not shown: " + split.method
        )
    return Part(text, Outcome.INCONCLUSIVE, gap, 0, "a part is not established")


def scaled(text: str, gap: sp.Expr, factor: sp.Expr, part: Part) -> Part:
    """``gap >= 0`` because gap = factor * (a gap >= 0) with ``factor >= 0`` by assumptions."""
    same = compare(gap, factor * part.expr)
    if same.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, gap, same.residual, "gap = factor * part not shown: " + same.method
        )
    if sp.sympify(factor).is_nonnegative is not True:
        return Part(text, Outcome.INCONCLUSIVE, gap, factor, "sign of the factor undecided")
    return Part(text, part.outcome, gap, part.residual, f"factor {sp.sstr(factor)} >= 0 times: {part.method}")


def product_of(text: str, gap: sp.Expr, factor: sp.Expr, parts: Sequence[Part]) -> Part:
    """``gap >= 0`` because gap = factor * (product of gaps >= 0), ``factor >= 0`` by assumptions."""
    product = factor
    for p in parts:
        product = product * p.expr
    split = compare(gap, product)
    if split.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, gap, split.residual, "gap = product not shown: " + split.method
        )
    if sp.sympify(factor).is_nonnegative is not True:
        return Part(text, Outcome.INCONCLUSIVE, gap, factor, "sign of the factor undecided")
    outcome = joint_outcome(p.outcome for p in parts)
    return Part(
        text, outcome, gap, 0, f"{sp.sstr(factor)} times a product of {len(parts)} gaps >= 0 ({split.method})"
    )
