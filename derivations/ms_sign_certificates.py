"""Inequalities of Matt–Stöger's proofs by sign-definite certificates.

A printed inequality ``lesser <= greater`` is *derived* when SymPy shows

    greater - lesser = certificate        (the difference reduces to 0, :func:`compare`)
    certificate >= 0                      (each term's sign decided)

The certificate is a sum of :class:`Term` s: a weight whose sign SymPy reads off from the
symbols' assumptions, times (optionally) a one-variable sign lemma evaluated at a positive
argument.  The lemmas are decided by two exact arguments that reduce to such sign reads:

* :func:`nonnegative_on_both_sides_of_one`: ``f(r) >= 0`` for ``r > 0`` by the two cases
  ``r = 1 + s`` and ``r = 1/(1 + s)`` with ``s >= 0``;
* :func:`nonnegative_by_minimum`: ``f(1) = 0`` and ``(r - 1) f'(r) >= 0`` (f decreases up to 1
  and increases after it, so 1 is its minimum): monotonicity by the derivative's sign.

A sign SymPy cannot decide leaves the derivation *inconclusive*, never *agrees* by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step, joint_outcome
from dlncheck.derivations.equality import WITNESS_DIGITS, WITNESS_ZERO_THRESHOLD, compare


def _sign_forms(e: sp.Expr) -> Iterable[sp.Expr]:
    yield e
    yield sp.factor(e)
    yield sp.simplify(e)
    logged = sp.expand_log(e, force=True)
    yield sp.factor(logged)
    yield sp.simplify(logged)
    yield sp.factor(sp.simplify(logged))


def is_nonnegative(e: Any) -> bool | None:
    """True when SymPy's assumptions decide e >= 0 in one of a few equivalent forms."""
    e = sp.sympify(e)
    if e.is_Add and all(is_nonnegative(term) for term in e.args):
        return True
    for form in _sign_forms(e):
        if form.is_nonnegative:
            return True
        if form.is_negative:
            return False
    return None


def nonnegative_on_both_sides_of_one(f: sp.Expr, r: sp.Symbol) -> bool | None:
    """f(r) >= 0 for every r > 0, by the cases r = 1 + s and r = 1/(1 + s), s >= 0."""
    s = sp.Dummy("s", nonnegative=True)
    above = is_nonnegative(f.subs(r, 1 + s))
    below = is_nonnegative(f.subs(r, 1 / (1 + s)))
    if above and below:
        return True
    if above is False or below is False:
        return False
    return None


def nonnegative_by_minimum(f: sp.Expr, r: sp.Symbol) -> bool | None:
    """f(r) >= 0 for r > 0 when f(1) = 0 and (r - 1) f'(r) >= 0."""
    if sp.simplify(f.subs(r, 1)) != 0:
        return None
    return nonnegative_on_both_sides_of_one((r - 1) * sp.diff(f, r), r)


@dataclass(frozen=True)
class SignFact:
    """A one-variable sign lemma ``expr(var) >= 0`` for every ``var > 0``, and whether it was decided."""

    text: str
    expr: sp.Expr
    var: sp.Symbol
    decided: bool | None

    def at(self, arg: sp.Expr) -> sp.Expr:
        return self.expr.subs(self.var, arg)


@dataclass(frozen=True)
class Term:
    """One certificate term ``weight * fact(arg)`` (``weight`` alone when ``fact`` is None).

    Nonnegative when the weight is (read off from the assumptions) and, with a fact, the
    fact was decided and its argument is positive.
    """

    weight: sp.Expr
    fact: SignFact | None = None
    arg: sp.Expr | None = None

    @property
    def value(self) -> sp.Expr:
        return self.weight if self.fact is None else self.weight * self.fact.at(self.arg)

    def sign(self) -> bool:
        if not is_nonnegative(self.weight):
            return False
        if self.fact is None:
            return True
        return bool(self.fact.decided) and bool(sp.sympify(self.arg).is_positive)


def _value(e: sp.Expr, point: Mapping[sp.Symbol, Any]) -> sp.Expr | None:
    """e at a point: exact when rational, else strict evalf; None when not certainly nonzero."""
    value = sp.sympify(e).xreplace(dict(point)).doit()
    if value.is_Rational:
        return value
    try:
        approx = value.evalf(WITNESS_DIGITS, strict=True)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return None
    if approx.is_number and abs(approx) > WITNESS_ZERO_THRESHOLD:
        return approx
    return None


def admissible(point: Mapping[sp.Symbol, Any], hypotheses: Sequence[sp.Rel]) -> bool:
    """Every hypothesis (a relational in the symbols) evaluates to True at the point."""
    return all(h.xreplace(dict(point)) is sp.true for h in hypotheses)


def inequality(
    *,
    title: str,
    steps: Sequence[Step],
    lesser: Any,
    greater: Any,
    certificate: Sequence[Term],
    assumptions: str = "",
    points: Iterable[Mapping[sp.Symbol, Any]] = (),
    hypotheses: Sequence[sp.Rel] = (),
    corrected: Any = None,
) -> Derivation:
    """Derive ``lesser <= greater`` as ``greater - lesser = certificate >= 0``.

    ``derived`` is ``lesser`` (the quantity), ``printed`` is ``greater`` (the printed bound);
    the residual ``lesser - greater`` is ``-certificate``.  Without an agreeing, signed
    certificate, admissible ``points`` are searched for one where ``greater - lesser < 0``
    (a witness that the printed inequality does not follow); else *inconclusive*.
    """
    gap = sp.sympify(greater) - sp.sympify(lesser)
    steps = list(steps)
    total = sp.Add(*(t.value for t in certificate))
    identity = compare(gap, total)
    undecided = [sp.sstr(t.value) for t in certificate if not t.sign()]
    steps.append(Step("printed bound - quantity = certificate (reduced to 0)", total))
    facts = {t.fact.text: t.fact for t in certificate if t.fact is not None}
    for f in facts.values():
        steps.append(Step(f"sign lemma ({'decided' if f.decided else 'NOT decided'}): {f.text}", f.expr))

    def decided(part: Part, fix: Any = None) -> Derivation:
        return Derivation.from_parts(
            [part],
            title=title,
            steps=steps,
            derived=lesser,
            printed=greater,
            assumptions=assumptions,
            corrected=fix,
            instance=None,
        )

    if identity.outcome == Outcome.AGREES and not undecided:
        how = f"printed - derived = certificate ({identity.method}); every certificate term >= 0" + (
            f" (sign lemmas: {'; '.join(facts)})" if facts else " (signs read off the assumptions)"
        )
        return decided(Part(title, Outcome.AGREES, lesser, -total, how, printed=greater))
    for point in points:
        if not admissible(point, hypotheses):
            continue
        value = _value(gap, point)
        if value is not None and value < 0:
            how = "printed bound - quantity < 0 at an admissible point"
            return decided(Part(title, Outcome.DIFFERS, lesser, -gap, how, point, -value, greater), corrected)
    reasons = []
    if identity.outcome != Outcome.AGREES:
        reasons.append(f"gap - certificate did not reduce to 0 ({identity.method})")
    if undecided:
        reasons.append(f"SymPy could not decide the sign of the certificate terms {undecided}")
    how = "could not simplify: " + "; ".join(reasons)
    return decided(Part(title, Outcome.INCONCLUSIVE, lesser, -gap, how, printed=greater))


def chain(title: str, parts: Sequence[Derivation], assumptions: str = "") -> Derivation:
    """The steps of a displayed chain as one derivation: agrees when every part agrees; else
    the first part that differs (with its witness and correction), else inconclusive."""
    steps: list[Step] = []
    for p in parts:
        steps.append(Step(f"[{p.title}] {p.outcome}: {p.method}"))
        steps.extend(p.steps)
    links = [
        Part(
            p.title,
            p.outcome,
            p.derived,
            p.residual,
            p.method,
            p.witness_point,
            p.witness_value or None,
            p.printed,
        )
        for p in parts
    ]
    outcome = joint_outcome(p.outcome for p in parts)
    if outcome == Outcome.AGREES:
        return Derivation.from_parts(
            links,
            title=title,
            steps=steps,
            derived=sp.Matrix([sp.sympify(p.derived) for p in parts]),
            printed=sp.Matrix([sp.sympify(p.printed) for p in parts]),
            assumptions=assumptions,
            instance=None,
        )
    first = next(p for p in parts if p.outcome == outcome)
    return Derivation.from_parts(
        links,
        title=f"{title}: {first.title}",
        steps=steps,
        assumptions=assumptions or first.assumptions,
        corrected=first.corrected,
        instance=first.witness_instance,
    )


# ------------------------------------------------------------------ one-variable sign lemmas

_r = sp.Symbol("r", positive=True)


@cache
def log_monotone() -> SignFact:
    """(r - 1) log r >= 0: log is increasing (log r has the sign of r - 1)."""
    f = (_r - 1) * sp.log(_r)
    return SignFact("(r - 1) log r >= 0 for r > 0", f, _r, nonnegative_on_both_sides_of_one(f, _r))


@cache
def entropy_tangent() -> SignFact:
    """r log r - r + 1 >= 0: the entropy lies above its tangent at 1 (derivative log r)."""
    f = _r * sp.log(_r) - _r + 1
    return SignFact("r log r - r + 1 >= 0 for r > 0", f, _r, nonnegative_by_minimum(f, _r))


@cache
def log_below_tangent() -> SignFact:
    """r - 1 - log r >= 0: log lies below its tangent at 1 (with r = e^{-t}: e^{-t} >= 1 - t)."""
    f = _r - 1 - sp.log(_r)
    return SignFact("r - 1 - log r >= 0 for r > 0", f, _r, nonnegative_by_minimum(f, _r))


def indexed_sum_inequality(
    *,
    title: str,
    steps: Sequence[Step],
    lesser: sp.Expr,
    greater: sp.Expr,
    summand_sum: sp.Sum,
    weight: sp.Expr,
    fact: SignFact,
    arg: sp.Expr,
    assumptions: str = "",
) -> Derivation:
    """``lesser <= greater`` over a symbolic index range, certificate sum_i weight_i fact(arg_i).

    ``summand_sum`` is the one side that is a SymPy Sum (say greater = Sum(g_i, (i, 1, k))).
    The residual ``greater - lesser - sum_i c_i`` is formed as ONE Sum over the same range,
    Sum(g_i - c_i) (or Sum(-l_i - c_i)), expanded and evaluated by ``doit`` (constants leave
    the sum, sums of constants become k times them), and must simplify to 0.  Each term c_i
    is >= 0 when the weight is, the fact is decided and its argument is positive (indexed
    symbols carry their assumptions).
    """
    c_i = weight * fact.at(arg)
    (index, lo, hi), sign_of_sum = summand_sum.limits[0], (1 if summand_sum == greater else -1)
    other = lesser if sign_of_sum == 1 else greater
    merged = sp.Sum(
        sp.expand(sp.expand_log(sign_of_sum * summand_sum.function - c_i, force=True)), (index, lo, hi)
    )
    rest = -other if sign_of_sum == 1 else other  # greater - lesser = Sum(...) + rest
    residual = sp.simplify(sp.expand(merged.doit()) + sp.expand(sp.expand_log(rest, force=True)))
    signed = bool(is_nonnegative(weight)) and bool(fact.decided) and bool(sp.sympify(arg).is_positive)
    all_steps = (
        *steps,
        Step("certificate summand c_i (>= 0 by the sign lemma)", c_i),
        Step("printed - derived - sum_i c_i as one Sum, evaluated", residual),
        Step(f"sign lemma ({'decided' if fact.decided else 'NOT decided'}): {fact.text}", fact.expr),
    )
    ok = residual == 0 and signed
    how = (
        "printed - derived = sum_i c_i over the symbolic range (one Sum, doit, simplify); "
        f"c_i >= 0 by the sign lemma {fact.text}"
        if ok
        else "could not simplify: "
        + ("residual not reduced to 0" if residual != 0 else "sign of the certificate terms not decided")
    )
    certified = Part(
        title,
        Outcome.AGREES if ok else Outcome.INCONCLUSIVE,
        lesser,
        -sp.Sum(c_i, (index, lo, hi)) if ok else residual,
        how,
        printed=greater,
    )
    return Derivation.from_parts(
        [certified], title=title, steps=all_steps, assumptions=assumptions, instance=None
    )
