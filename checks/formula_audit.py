"""The audit of a formula claim: both sides of a printed relation evaluated at one point.

A symbolic derivation that finds a printed formula *differs* from the one derived from the
definitions names a witness point.  This module turns such a pair of SymPy expressions into
an :class:`~checks.audit.Audit`, so that the witness is an instance file anyone can replay:

* the instance gives a rational (or integer) value for every free symbol,
  ``{"params": {"x": "1/2", "L": 3}}``;
* each side is evaluated at that point exactly when it is rational there, else by SymPy's
  ``evalf(n, strict=True)``, which raises rather than return digits it cannot guarantee;
  the value is enclosed in a ball of relative radius ``10**-(n - EVALF_SLACK_DIGITS)``
  (evalf's guarantee is about n correct digits, relative);
* the claim's hypotheses on the symbols (SymPy relationals) are evaluated the same way, so
  that a point outside them is *inadmissible* and cannot refute the claim.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp
from flint import arb
from mpmath import mp

from dlncheck.checks.audit import HOLDS, UNDECIDED, VIOLATED, Audit, AuditResult, Relation, decide
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.numerics.enclosures import ball, ball_precision

# evalf(n, strict=True) promises n correct significant digits up to its own rounding of the
# last one or two; the enclosure is widened by this many digits so that it certainly holds.
EVALF_SLACK_DIGITS = 3


class NotANumber(ValueError):
    """A side of the formula is not a finite real number at the given point."""


def unbounded() -> arb:
    """The ball that is the whole real line: a value known nothing about."""
    return arb(0, math.inf)


def _sides(expr: Any) -> list[sp.Expr]:
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [sp.sympify(expr)]


def _symbols(*exprs: Any) -> list[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for e in exprs:
        for entry in _sides(e):
            found |= entry.free_symbols
    return sorted(found, key=lambda s: s.name)


def _param_spec(s: sp.Symbol) -> ParamSpec:
    if s.is_integer:
        return ParamSpec(s.name, "integer", f"the integer {s.name}", "at_least_2" if s.is_positive else None)
    constraint = "positive" if s.is_positive else "nonnegative" if s.is_nonnegative else None
    return ParamSpec(s.name, "scalar", f"the value of {s.name}", constraint)


# Substituting a rational into a radical makes SymPy extract perfect powers from its numerator
# and denominator, which factors them: instant for the witnesses' small rationals, unbounded for
# numbers of many digits (1e-30 under a cube root ran for minutes).  Beyond this many bits such
# values are evaluated numerically (evalf with subs), never substituted exactly into radicals.
EXACT_RADICAL_MAX_BITS = 64
# Likewise exponents: x^(2/L) at L = 2 + 1e-12 is a root of index ~1e12, and an integer power
# with a huge exponent a huge integer.  Exponents with a larger numerator or denominator than
# this (at the point) are evaluated numerically.
EXACT_EXPONENT_MAX = 1000


def _exact_is_cheap(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Whether substituting ``point`` exactly keeps SymPy's automatic evaluation cheap."""
    large = any(
        max(abs(v.p), v.q).bit_length() > EXACT_RADICAL_MAX_BITS for v in point.values() if v.is_Rational
    )
    for power in expr.atoms(sp.Pow):
        exponent = power.exp.xreplace(dict(point))
        if not exponent.is_Rational:
            continue  # an irrational exponent stays symbolic: evalf decides it
        if exponent.is_Integer:
            if abs(exponent) > EXACT_EXPONENT_MAX:
                return False
        elif large or max(abs(exponent.p), exponent.q) > EXACT_EXPONENT_MAX:
            return False
    return True


def value_at(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], dps: int) -> Any:
    """``expr`` at ``point``: a Fraction when exact, else an enclosing ball (python-flint)."""
    expr = sp.sympify(expr)
    if not _exact_is_cheap(expr, point):
        return _enclosure(expr.doit(), expr, point, dps, subs=dict(point))
    value = expr.xreplace(dict(point)).doit()
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if value.is_real is False or value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise NotANumber(f"{sp.sstr(expr)} is not a finite real number at {point}")
    return _enclosure(value, expr, point, dps)


def _enclosure(value: sp.Expr, expr: sp.Expr, point, dps: int, subs=None) -> Any:
    """A ball around ``value`` (at ``subs``, if given) from evalf(strict=True)."""
    try:
        approx = value.evalf(dps + EVALF_SLACK_DIGITS, subs=subs, strict=True)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return unbounded()  # undecided at this precision
    if approx.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise NotANumber(f"{sp.sstr(expr)} is not a finite real number at {point}")
    if not approx.is_Float:
        if approx.is_zero:
            return Fraction(0)
        raise NotANumber(f"{sp.sstr(expr)} evaluates to {approx} at {point}, not a real number")
    centre = arb(mp.make_mpf(approx._mpf_))  # exact: all of evalf's digits, whatever mp.prec
    radius = abs(centre) * arb(10) ** (-dps)
    return centre + arb(0, 1) * radius


def _hypothesis(relational: sp.Rel, point: Mapping[sp.Symbol, sp.Expr], dps: int) -> Relation:
    """A hypothesis ``lhs op rhs`` at the point: holds, violated (inadmissible) or undecided."""
    strict = isinstance(relational, sp.StrictGreaterThan | sp.StrictLessThan)
    if isinstance(relational, sp.GreaterThan | sp.StrictGreaterThan):
        margin_expr = relational.lhs - relational.rhs
    elif isinstance(relational, sp.LessThan | sp.StrictLessThan):
        margin_expr = relational.rhs - relational.lhs
    else:
        raise TypeError(f"hypothesis {relational} must be an inequality")
    try:
        margin = value_at(margin_expr, point, dps)
    except NotANumber:  # the hypothesis is not even defined here: the point is outside the claim
        undefined = sp.sstr(margin_expr) + " (not a finite real number at this point)"
        return Relation("0", "<=", undefined, unbounded(), VIOLATED)
    if isinstance(margin, Fraction):
        ok = margin > 0 if strict else margin >= 0
        status = HOLDS if ok else VIOLATED
    elif margin > 0 or (margin >= 0 and not strict):
        status = HOLDS
    elif margin < 0 or (margin <= 0 and strict):
        status = VIOLATED
    else:
        status = UNDECIDED
    # Relation knows "<=" only: the hypothesis reads 0 <= margin (strictly, when so marked)
    return Relation("0", "<=", sp.sstr(margin_expr) + (" (strictly)" if strict else ""), margin, status)


def formula_audit(
    claim_id: str,
    left: Any,
    right: Any,
    *,
    op: str = "=",
    left_name: str,
    right_name: str,
    hypotheses: Sequence[sp.Rel] = (),
    example: Mapping[str, Any],
    default_dps: int = 40,
    description: str | None = None,
) -> Audit:
    """An audit of ``left op right`` (``=`` entrywise for matrices, or ``<=``) at a point.

    ``left`` is the quantity computed from the definitions, ``right`` the printed formula;
    ``example`` is one admissible point, ``{symbol name: value}``.
    """
    if op not in ("=", "<="):
        raise ValueError(f"unknown relation {op!r}")
    lefts, rights = _sides(left), _sides(right)
    if len(lefts) != len(rights):
        raise ValueError(f"{claim_id}: the two sides have {len(lefts)} and {len(rights)} entries")
    # a hypothesis already implied by the symbols' assumptions arrives as True
    hypotheses = tuple(h for h in hypotheses if h is not sp.true)
    if any(h is sp.false for h in hypotheses):
        raise ValueError(f"{claim_id}: a hypothesis contradicts the symbols' assumptions")
    symbols = _symbols(left, right, *hypotheses)
    spec = InstanceSpec(params=tuple(_param_spec(s) for s in symbols))

    def evaluate(instance: Instance, dps: int) -> AuditResult:
        point = {s: sp.Rational(instance.params[s.name]) for s in symbols}
        with ball_precision(dps):
            hyps = tuple(_hypothesis(h, point, dps) for h in hypotheses)
            quantities: list[tuple[str, Any]] = []
            relations: list[Relation] = []
            for k, (lhs, rhs) in enumerate(zip(lefts, rights, strict=True)):
                suffix = f"[{k}]" if len(lefts) > 1 else ""
                try:
                    lv, rv = value_at(lhs, point, dps), value_at(rhs, point, dps)
                except NotANumber:
                    if any(h.status == VIOLATED for h in hyps):
                        return AuditResult(claim_id, dps, tuple(quantities), tuple(relations), hyps)
                    raise
                if isinstance(lv, Fraction) != isinstance(rv, Fraction):  # mixed: both as balls
                    lv, rv = (ball(v) if isinstance(v, Fraction) else v for v in (lv, rv))
                quantities += [(left_name + suffix, lv), (right_name + suffix, rv)]
                relations.append(decide(left_name + suffix, op, right_name + suffix, lv, rv))
        exact = all(isinstance(v, Fraction) for _, v in quantities)
        return AuditResult(claim_id, None if exact else dps, tuple(quantities), tuple(relations), hyps)

    return Audit(
        spec=spec,
        evaluate=evaluate,
        example={"params": dict(example)},
        description=description
        or f"{left_name} {op} {right_name} at a rational point, exactly or by strict evalf",
        default_dps=default_dps,
        exact_where_rational=True,
    )


def lazy_formula_audit(
    claim_id: str,
    symbols: Sequence[sp.Symbol],
    build: Callable[[], tuple[object, object, tuple]],
    *,
    op: str,
    left_name: str,
    right_name: str,
    example: dict[str, object],
    description: str,
) -> Audit:
    """A formula audit whose sides are derived on first use, not at import.

    The sides come out of SymPy derivations that take a second or two; the spec (one
    parameter per free symbol) is known beforehand from ``symbols``.
    """
    placeholder = sum(symbols, sp.Integer(0))
    shell = formula_audit(
        claim_id, placeholder, placeholder, op=op, left_name=left_name, right_name=right_name, example=example
    )

    @cache
    def real() -> Audit:
        left, right, hypotheses = build()
        audit = formula_audit(
            claim_id,
            left,
            right,
            op=op,
            left_name=left_name,
            right_name=right_name,
            hypotheses=hypotheses,
            example=example,
        )
        if audit.spec != shell.spec:
            raise RuntimeError(f"{claim_id}: the derived sides have other free symbols than declared")
        return audit

    return replace(
        shell, evaluate=lambda instance, dps: real().evaluate(instance, dps), description=description
    )
