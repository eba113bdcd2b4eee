"""High-precision audits of one instance.

An audit evaluates the quantities a claim compares on one concrete instance, either in
exact rational arithmetic (:class:`fractions.Fraction`) or in interval arithmetic
(python-flint balls at a chosen number of digits), and decides each printed relation:

* ``<=``: *holds* when the margin (right - left) is certainly >= 0, *violated* when it is
  certainly < 0, *undecided* otherwise (the enclosure straddles 0: raise the precision);
* ``=``: *violated* when the difference certainly is not 0; with exact arithmetic *holds*
  when it is exactly 0; with intervals it can only *agree* to a number of digits.

Hypotheses of the claim that depend on the instance are audited the same way: an instance
that certainly violates one is *inadmissible* and can never refute the claim.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from flint import arb, ctx
from mpmath import mp, mpf, nstr

from dlncheck.checks.instances import Instance, InstanceSpec
from dlncheck.numerics import enclosures


class AuditStatus(StrEnum):
    """What an audit concluded about a relation, or about a whole instance."""

    HOLDS = "holds"  # certified, exactly or in intervals
    VIOLATED = "violated"  # certified violation
    UNDECIDED = "undecided"  # the enclosure straddles the boundary (or a side was not computed)
    AGREES = "agrees"  # two computations of one value agree to the digits shown
    INADMISSIBLE = "inadmissible"  # the instance violates a hypothesis of the claim


HOLDS, VIOLATED, UNDECIDED, AGREES, INADMISSIBLE = (
    AuditStatus.HOLDS,
    AuditStatus.VIOLATED,
    AuditStatus.UNDECIDED,
    AuditStatus.AGREES,
    AuditStatus.INADMISSIBLE,
)

# Precision ladder used when a float64 violation must be confirmed or dismissed: each step
# doubles the digits; beyond the last one the instance is reported as undecided.
ESCALATION_DPS = (30, 60, 120, 240)


# An exact rational is also shown as p/q when that is short (40 characters at most); its size in
# bits is tested first, since Python refuses to convert integers of more than 4300 digits to text.
SHOWN_RATIONAL_BITS = 140


def _is_exact(x: Any) -> bool:
    return isinstance(x, Fraction | int)


def _ends(x: Any) -> tuple[mpf, mpf]:
    """The exact ends of an enclosure; (-inf, inf) for a ball that is not finite."""
    if isinstance(x, arb) and not x.is_finite():
        return mpf("-inf"), mpf("inf")
    return enclosures.endpoints(x)


def _exact_abs(x: Any) -> Any:
    """|x|, for a ball without rounding (python-flint rounds ``abs`` to ``ctx.prec``, which
    outside an audit's precision is 53 bits)."""
    if not isinstance(x, arb) or not x.is_finite():
        return abs(x)
    with ctx.workprec(max(ctx.prec, int(x.mid().man_exp()[0]).bit_length() + 2)):
        return abs(x)


def show_value(x: Any, digits: int) -> str:
    """Render an exact rational, a ball, or a vector of them, to ``digits`` significant digits."""
    if isinstance(x, tuple | list):
        return "[" + ", ".join(show_value(v, digits) for v in x) + "]"
    if _is_exact(x):
        x = Fraction(x)
        if x.denominator == 1:
            return str(x)
        with mp.workdps(digits + 10):
            text = nstr(mpf(x.numerator) / x.denominator, digits)
        small = x.numerator.bit_length() + x.denominator.bit_length() <= SHOWN_RATIONAL_BITS
        return text + (f" (= {x})" if small and len(str(x)) <= 40 else " (exact rational)")
    if isinstance(x, arb) and not x.is_finite():
        return "nan ± +inf"  # an unbounded enclosure: nothing is known
    return enclosures.format_enclosure(x, digits)


@dataclass(frozen=True)
class Relation:
    """One printed relation ``left op right`` evaluated on an instance."""

    left: str
    op: str  # "<=" or "="
    right: str
    margin: Any  # right - left for "<=", left - right for "="; Fraction or ball; None: not computed
    status: AuditStatus
    digits: int | None = None  # for AGREES: how many digits the two sides agree to

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", AuditStatus(self.status))  # a misspelt status fails here

    def describe(self, digits: int) -> str:
        label = {"<=": "margin (right - left)", "=": "difference (left - right)"}[self.op]
        extra = f" to {self.digits} digits" if self.status == AGREES and self.digits is not None else ""
        shown = "not computed" if self.margin is None else show_value(self.margin, digits)
        return f"{self.left} {self.op} {self.right}: {self.status}{extra}; {label} = {shown}"


def decide(left_name: str, op: str, right_name: str, left: Any, right: Any) -> Relation:
    """Evaluate one relation between two exact or enclosed values (an exact one against a
    ball is enclosed in a ball first)."""
    if isinstance(left, arb) or isinstance(right, arb):
        left, right = (enclosures.ball(v) if _is_exact(v) else v for v in (left, right))
    if op == "<=":
        return judge(left_name, op, right_name, right - left)
    if op == "=":
        scale = None
        if not (_is_exact(left) and _is_exact(right)):
            scale = max(_ends(abs(v))[1] for v in (left, right))
        return judge(left_name, op, right_name, left - right, scale)
    raise ValueError(f"unknown relation {op!r}")


def judge(left_name: str, op: str, right_name: str, margin: Any, scale: Any = None) -> Relation:
    """Decide a relation from its margin (right - left for "<=", left - right for "=").

    ``scale`` (for "=" in enclosures) is the size of the two sides, to count agreeing digits.
    """
    exact = _is_exact(margin)
    if op == "<=":
        if exact:
            status = HOLDS if margin >= 0 else VIOLATED
        else:
            low, high = _ends(margin)
            status = HOLDS if low >= 0 else VIOLATED if high < 0 else UNDECIDED
        return Relation(left_name, op, right_name, margin, status)
    if exact:
        return Relation(left_name, op, right_name, margin, HOLDS if margin == 0 else VIOLATED)
    if enclosures.sign(margin) != 0:
        return Relation(left_name, op, right_name, margin, VIOLATED)
    with mp.workprec(ctx.prec):
        width = max(abs(end) for end in _ends(margin))
        if not mp.isfinite(width):  # an unbounded enclosure decides nothing (raise the precision)
            return Relation(left_name, op, right_name, margin, UNDECIDED)
        if width == 0:
            agree = mp.dps
        elif scale is not None and scale > 0:
            agree = int(mp.floor(mp.log10(mpf(scale) / width)))
        else:
            agree = 0
    return Relation(left_name, op, right_name, margin, AGREES, digits=max(0, agree))


@dataclass(frozen=True)
class AuditResult:
    """Both sides of a claim on one instance, decided at a stated precision."""

    claim_id: str
    dps: int | None  # None: exact rational arithmetic
    quantities: tuple[tuple[str, Any], ...]
    relations: tuple[Relation, ...]
    hypotheses: tuple[Relation, ...] = ()
    slack: Any = None  # the claim's normalized slack on this instance, if it defines one
    notes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.dps is None

    @property
    def status(self) -> AuditStatus:
        """``violated`` | ``holds`` | ``undecided`` | ``inadmissible``."""
        hyp = {r.status for r in self.hypotheses}
        if VIOLATED in hyp:
            return INADMISSIBLE
        rel = {r.status for r in self.relations}
        if VIOLATED in rel:
            return VIOLATED if UNDECIDED not in hyp else UNDECIDED
        if UNDECIDED in rel or UNDECIDED in hyp:
            return UNDECIDED
        return HOLDS

    def min_violation_margin(self) -> Any:
        """The largest certified violation among the relations (for counterexample files)."""
        margins = [_exact_abs(r.margin) for r in self.relations if r.status == VIOLATED]
        return max(margins, key=lambda m: m if _is_exact(m) else _ends(m)[0]) if margins else None

    def lines(self, digits: int) -> list[str]:
        precision = "exact rational arithmetic" if self.exact else f"interval arithmetic at {self.dps} digits"
        out = [f"audit of {self.claim_id} ({precision})"]
        for name, value in self.quantities:
            out.append(f"  {name} = {show_value(value, digits)}")
        for r in self.hypotheses:
            out.append("  hypothesis " + r.describe(digits))
        for r in self.relations:
            out.append("  " + r.describe(digits))
        if self.slack is not None:
            out.append(f"  normalized slack = {show_value(self.slack, digits)}")
        out.extend(f"  note: {n}" for n in self.notes)
        out.append(f"  status: {self.status}")
        return out

    def to_json(self, digits: int = 20) -> dict[str, Any]:
        return {
            "claim": self.claim_id,
            "dps": self.dps,
            "status": self.status,
            "quantities": {name: show_value(v, digits) for name, v in self.quantities},
            "hypotheses": [r.describe(digits) for r in self.hypotheses],
            "relations": [r.describe(digits) for r in self.relations],
            "slack": None if self.slack is None else show_value(self.slack, digits),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Audit:
    """A claim's single-instance evaluator.

    ``evaluate(instance, dps)`` returns an :class:`AuditResult`; ``dps`` is ignored by
    audits in exact arithmetic.  ``example`` is a valid instance (raw JSON form) shown by
    ``dlncheck show`` and used by the tests.

    ``exact``: every instance is evaluated in exact rational arithmetic.
    ``exact_where_rational``: an instance is evaluated exactly when every value at it is
    rational, else in interval arithmetic (formula audits, ``checks.formula_audit``); which
    one it was is the result's ``exact``.  Neither: interval arithmetic.

    ``max_dps``: for an audit whose cost climbs steeply with the precision, the most digits it
    computes at an instance within seconds; ``max_dps_reason`` says what the cost is.

    ``limit_bound``: for a claim about a flow's limit, its :class:`checks.limit_audit.LimitBound`;
    an instance file in ``dlncheck flow``'s format (one with a ``model``) is audited by it.
    """

    spec: InstanceSpec
    evaluate: Callable[[Instance, int], AuditResult]
    example: dict[str, Any]
    description: str
    exact: bool = False
    default_dps: int = 30
    exact_where_rational: bool = False
    max_dps: Callable[[Instance], int] | None = None
    max_dps_reason: str = ""
    limit_bound: Any = None  # a checks.limit_audit.LimitBound: the claim audited at flow instances

    @property
    def arithmetic(self) -> str:
        """The arithmetic of the evaluation, in the words of :meth:`AuditResult.lines`."""
        if self.exact:
            return "exact rational arithmetic"
        if self.exact_where_rational:
            return "exact rational arithmetic where every value is rational, else interval arithmetic"
        return "interval arithmetic"


def escalate(
    audit: Audit, instance: Instance, ladder: Sequence[int] = ESCALATION_DPS, slack_digits: int = 0
) -> AuditResult:
    """Audit at increasing precision until the status is decided (or the ladder ends).

    With ``slack_digits`` > 0 the climb also continues until the normalized slack is known
    to that many significant digits (used to report a certified smallest slack).
    """
    return escalate_evaluation(audit.evaluate, instance, ladder, slack_digits)


def escalate_evaluation(
    evaluate: Callable[[Any, int], AuditResult],
    instance: Any,
    ladder: Sequence[int] = ESCALATION_DPS,
    slack_digits: int = 0,
) -> AuditResult:
    """:func:`escalate` for any evaluator ``evaluate(instance, dps)`` (e.g. a claim about a
    flow's limit, ``checks.limit_audit``)."""
    result = None
    for dps in ladder:
        result = evaluate(instance, dps)
        if result.exact:
            return result
        if result.status != UNDECIDED and (
            slack_digits == 0
            or result.slack is None
            or _is_exact(result.slack)
            or enclosures.correct_digits(result.slack) >= slack_digits
        ):
            return result
    assert result is not None
    return result


def vector_equality(left_name: str, right_name: str, left: Sequence[Any], right: Sequence[Any]) -> Relation:
    """Componentwise ``left = right`` for exact vectors; the margin is the largest deviation."""
    differences = [a - b for a, b in zip(left, right, strict=True)]
    worst = max(differences, key=abs)
    return judge(left_name, "=", right_name, worst)
