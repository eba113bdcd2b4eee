"""Deciding whether a derived and a printed expression are equal.

SymPy's ``simplify`` misses many identities (STYLE.md: asinh/atanh, logs and powers with
symbolic exponents), so :func:`reduce_to_zero` tries a short list of reductions in turn.
When none reaches 0, :func:`compare` evaluates the residual at explicit rational points:
exactly when the residual is rational there, else with SymPy's ``evalf(strict=True)``,
which raises rather than return digits it cannot guarantee.  A certainly nonzero value is
a witness that the two expressions differ; if every point gives 0 the outcome is
*inconclusive*, never *agrees*.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from dlncheck.derivations.derivation import Outcome

# Digits at which a non-rational residual is evaluated at a witness point.
WITNESS_DIGITS = 50
# A strict evalf value smaller than this is not taken as evidence of a nonzero residual:
# evalf guarantees relative accuracy of nonzero results, but a true 0 can come back as
# a tiny number whose size says only how far the cancellation was carried.
WITNESS_ZERO_THRESHOLD = sp.Rational(1, 10 ** (WITNESS_DIGITS // 2))


def _log_form(e: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.expand_log(e.rewrite(sp.log), force=True))


def _power_form(e: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.powdenest(sp.powsimp(sp.expand_power_base(e, force=True), force=True), force=True))


REDUCTIONS: tuple[tuple[str, Callable[[sp.Expr], sp.Expr]], ...] = (
    ("identical", lambda e: e),
    ("expand", sp.expand),
    ("cancel", lambda e: sp.cancel(sp.together(e))),
    ("simplify", sp.simplify),
    ("rewrite(log) + expand_log(force=True)", _log_form),
    ("powsimp/powdenest(force=True)", _power_form),
)


def _entries(expr: Any) -> list[sp.Expr]:
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    return [sp.sympify(expr)]


def reduce_to_zero(expr: Any) -> tuple[bool, Any, str]:
    """Try to reduce ``expr`` (scalar or matrix) to 0; return (is_zero, residual, method)."""
    entries = _entries(expr)
    residuals = []
    methods = set()
    all_zero = True
    for entry in entries:
        for name, reduce in REDUCTIONS:
            reduced = sp.piecewise_fold(reduce(entry))
            if reduced == 0:
                residuals.append(sp.Integer(0))
                methods.add(name)
                break
        else:
            all_zero = False
            residuals.append(entry)
    residual = (
        sp.Matrix(expr.shape[0], expr.shape[1], residuals)
        if isinstance(expr, sp.MatrixBase)
        else residuals[0]
    )
    method = ", ".join(sorted(methods)) if all_zero else "no reduction reached 0"
    return all_zero, residual, method


def _value_at(entry: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[bool, sp.Expr, str]:
    """Evaluate at a rational point; return (certainly_nonzero, value, how)."""
    value = sp.sympify(entry).xreplace(dict(point)).doit()
    if value.is_Rational:
        return value != 0, value, "exact rational arithmetic"
    try:
        approx = value.evalf(WITNESS_DIGITS, strict=True)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return False, value, "could not evaluate"
    nonzero = approx.is_number and approx != 0 and abs(approx) > WITNESS_ZERO_THRESHOLD
    return bool(nonzero), approx, f"evalf({WITNESS_DIGITS}, strict=True)"


@dataclass(frozen=True)
class Comparison:
    outcome: Outcome
    residual: Any
    method: str
    witness_point: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    witness_value: Any = None


def compare(derived: Any, printed: Any, points: Iterable[Mapping[sp.Symbol, sp.Expr]] = ()) -> Comparison:
    """Compare derived with printed: reduce the difference, else look for a witness point."""
    difference = derived - printed
    zero, residual, method = reduce_to_zero(difference)
    if zero:
        return Comparison(Outcome.AGREES, residual, method)
    for point in points:
        for entry in _entries(residual):
            if entry == 0:
                continue
            nonzero, value, how = _value_at(entry, point)
            if nonzero:
                return Comparison(Outcome.DIFFERS, residual, how, dict(point), value)
    return Comparison(
        Outcome.INCONCLUSIVE, residual, "could not simplify; no sampled point showed a nonzero residual"
    )


def _domain(s: sp.Symbol, domains: Mapping[sp.Symbol, tuple[Any, Any]]) -> tuple[Any, Any]:
    return domains.get(s, (sp.Rational(1, 7), 3) if s.is_positive else (-3, 3))


def _in_domain(value: int, s: sp.Symbol, domains: Mapping[sp.Symbol, tuple[Any, Any]]) -> bool:
    lo, hi = _domain(s, domains)
    return lo <= value <= hi


def rational_points(
    symbols: Iterable[sp.Symbol],
    count: int = 8,
    seed: int = 0,
    domains: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
) -> list[dict[sp.Symbol, sp.Expr]]:
    """Reproducible rational sample points respecting each symbol's assumptions.

    ``domains`` maps a symbol to an inclusive (low, high) range; integer symbols get
    integers, others rationals with denominators up to 7.  Positive symbols default to
    [1/7, 3], other real symbols to [-3, 3].
    """
    rng = random.Random(seed)
    symbols = sorted(set(symbols), key=sp.default_sort_key)
    domains = dict(domains or {})
    # The simplest point first (1 where allowed, else the low end), so witnesses stay readable.
    points = [
        {
            s: sp.Integer(1) if _in_domain(1, s, domains) else sp.sympify(_domain(s, domains)[0])
            for s in symbols
        }
    ]
    for _ in range(count - 1):
        point: dict[sp.Symbol, sp.Expr] = {}
        for s in symbols:
            lo, hi = _domain(s, domains)
            if s.is_integer:
                point[s] = sp.Integer(rng.randint(int(lo), int(hi)))
            else:
                den = rng.randint(1, 7)
                lo_n, hi_n = int(sp.ceiling(lo * den)), int(sp.floor(hi * den))
                while lo_n > hi_n:  # a narrow range holds no multiple of 1/den: refine it
                    den += 1
                    lo_n, hi_n = int(sp.ceiling(lo * den)), int(sp.floor(hi * den))
                point[s] = sp.Rational(rng.randint(lo_n, hi_n), den)
        points.append(point)
    return points


def compare_polynomials(derived, printed, points) -> Comparison:
    """:func:`compare` without its slow general reductions, where expansion decides.

    If the expanded difference is 0 the two agree.  Otherwise a rational point at which the
    difference evaluates exactly to a nonzero rational is a witness that they differ (sound
    for any expression, and the usual case for polynomials, where a nonzero expansion is
    never identically 0).  When neither happens, :func:`compare` decides as usual.
    """
    difference = derived - printed
    entries = list(difference) if isinstance(difference, sp.MatrixBase) else [difference]
    expanded = [sp.expand(sp.powsimp(e, force=True)) for e in entries]
    if all(e == 0 for e in expanded):
        zero = sp.zeros(*difference.shape) if isinstance(difference, sp.MatrixBase) else sp.Integer(0)
        return Comparison(Outcome.AGREES, zero, "expand")
    residual = (
        sp.Matrix(difference.shape[0], difference.shape[1], expanded)
        if isinstance(difference, sp.MatrixBase)
        else expanded[0]
    )
    for point in points:
        for entry in expanded:
            value = entry.xreplace(dict(point))
            if value.is_Rational and value != 0:
                return Comparison(
                    Outcome.DIFFERS, residual, "expanded; exact rational arithmetic", dict(point), value
                )
    return compare(derived, printed, points)
