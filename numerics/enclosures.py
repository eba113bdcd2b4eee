"""Rigorous enclosures: python-flint's balls (``arb``), the project's one enclosure type.

A ball ``[m ± r]`` contains the exact value of whatever was computed in it: python-flint rounds
every operation outward into the radius.  A sign read off a ball is certified; this is what lets
a property check call a float64 violation *refuted* only when it survives at high precision.

python-flint's precision is global (``ctx.prec``), so every computation runs inside
:func:`ball_precision` (``ctx.workprec``), which sets and restores it (STYLE.md: precision is
explicit).  The ends of a ball are read exactly as ``mpf`` (:func:`endpoints`, :func:`lower`,
:func:`upper`), whatever the working precisions, and turned into text by mpmath.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

from flint import arb, ctx
from mpmath import mp, mpf, nstr
from mpmath.libmp import from_man_exp, mpf_add, mpf_sub

# Extra decimal digits carried beyond the requested precision so that the reported digits
# are not eaten by the outward rounding of a few dozen operations.
GUARD_DIGITS = 10


def digits_to_bits(digits: int, guard_bits: int = 0) -> int:
    """The binary precision that carries ``digits`` decimal digits, plus ``guard_bits``: the one
    conversion of the project (each caller names its guard bits). Use it with python-flint's
    ``ctx.workprec(bits)``, which sets and restores the global precision."""
    return math.ceil(digits * math.log2(10)) + guard_bits


def is_float64(q: Fraction) -> bool:
    """Whether the rational q is a float64 number exactly."""
    d = q.denominator
    return d & (d - 1) == 0 and -(1 << 53) < q.numerator < (1 << 53) and d < (1 << 1074)


def arb_of_fraction(q: Fraction) -> arb:
    """q as a python-flint ball: exactly q when q is a float64 (whatever ``ctx.prec``), else
    q rounded at ``ctx.prec``, a ball that contains q."""
    return arb(q.numerator / q.denominator) if is_float64(q) else arb(q.numerator) / q.denominator


def sign(x: arb) -> int:
    """Certified sign of a ball: +1, -1, or 0 when it contains 0."""
    return 1 if x > 0 else -1 if x < 0 else 0


# A ball narrower than this, relative to its midpoint, goes to python-flint's asinh; a wider one
# is mapped through its two ends.
NARROW_BALL_BITS = 20


def asinh(x: arb) -> arb:
    """arcsinh of a ball, tight whatever its width: python-flint's ``asinh`` bounds a wide ball
    loosely (asinh([-1 +/- 0.5]) = [+/- 1.2]) and is NaN on one that holds 0 with radius >= 1, so
    a wide ball is mapped through its exact ends (arcsinh is increasing)."""
    if not x.is_finite() or x.rad() * 2**NARROW_BALL_BITS <= abs(x.mid()):
        return x.asinh()
    lo, hi = endpoints(x)
    return arb(lo).asinh().union(arb(hi).asinh())


def _exact(part) -> mpf:
    """A ball's midpoint or radius (python-flint's ``arf``) as the ``mpf`` it is, unrounded."""
    return mp.make_mpf(from_man_exp(*(int(p) for p in part.man_exp())))


def endpoints(x: arb) -> tuple[mpf, mpf]:
    """The exact ends of a ball, whatever the working precisions."""
    if not x.is_finite():
        raise ArithmeticError("the ball is not finite")
    mid, rad = _exact(x.mid()), _exact(x.rad())
    # exact: mpf_add/mpf_sub with prec 0 do not round
    return mp.make_mpf(mpf_sub(mid._mpf_, rad._mpf_, 0)), mp.make_mpf(mpf_add(mid._mpf_, rad._mpf_, 0))


def midpoint(x: arb) -> mpf:
    """The exact midpoint of a ball."""
    return _exact(x.mid())


def radius(x: arb) -> mpf:
    """The exact radius of a ball."""
    return _exact(x.rad())


def _endpoint_prec(x: arb) -> int:
    """Bits enough to divide the midpoint by the radius without losing their digits."""
    return max(_exact(x.mid())._mpf_[3], _exact(x.rad())._mpf_[3], 53) + 10


def correct_digits(x: arb) -> int:
    """Number of significant decimal digits certified by the width of ``x``."""
    with mp.workprec(_endpoint_prec(x)):
        mid = abs(midpoint(x))
        rad = radius(x)
        if rad == 0:
            return mp.dps
        if mid == 0:
            return 0
        return max(0, int(mp.floor(mp.log10(mid / rad))))


def format_enclosure(x: arb, digits: int) -> str:
    """``midpoint ± radius``, the midpoint to ``digits`` significant digits."""
    with mp.workprec(_endpoint_prec(x)):
        mid = midpoint(x)
        rad = radius(x)
        if rad == 0:
            return nstr(mid, digits)
        return f"{nstr(mid, digits)} ± {nstr(rad, 2)}"


# GUARD_DIGITS in bits: the binary guard of :func:`ball_precision`.
GUARD_BITS = math.ceil(GUARD_DIGITS * math.log2(10))


@contextmanager
def ball_precision(dps: int) -> Iterator[None]:
    """Run a block with python-flint at ``dps`` decimal digits (+ :data:`GUARD_DIGITS`), then
    restore the previous precision (python-flint's ``ctx.workprec``)."""
    with ctx.workprec(digits_to_bits(dps, GUARD_BITS)):
        yield


def ball(x) -> arb:
    """An exact rational, integer or float64 as a ball that contains it (exact for float64s,
    else rounded at the current ``ctx.prec``); a ball is returned as it is."""
    if isinstance(x, arb):
        return x
    if isinstance(x, Fraction):
        return arb_of_fraction(x)
    if isinstance(x, int):
        return arb(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ArithmeticError(f"{x} is not a finite number")
        return arb(x)
    raise TypeError(f"no ball for {type(x).__name__}")


def hull(*balls: arb) -> arb:
    """The smallest ball (at ``ctx.prec``) that contains every one of ``balls``."""
    out = balls[0]
    for b in balls[1:]:
        out = out.union(b)
    return out


def lower(x: arb) -> mpf:
    """The exact lower end of a ball (an ``mpf``, whatever the working precisions)."""
    return endpoints(x)[0]


def upper(x: arb) -> mpf:
    """The exact upper end of a ball (an ``mpf``, whatever the working precisions)."""
    return endpoints(x)[1]


class BALLS:
    """mpmath's ``mpf``, ``log``, ``exp``, ``sqrt`` on python-flint balls at the current precision
    (``mpf`` of a Fraction, an int, a float64 or an ``mpf`` is exact where the precision allows, as
    :func:`ball`; arb of an ``mpf`` keeps its mantissa): code written for a context, ``f(mp)``,
    runs on balls as ``f(BALLS)``."""

    @staticmethod
    def mpf(x) -> arb:
        return arb(x) if isinstance(x, mpf) else ball(x)

    @staticmethod
    def log(x) -> arb:
        return BALLS.mpf(x).log()

    @staticmethod
    def exp(x) -> arb:
        return BALLS.mpf(x).exp()

    @staticmethod
    def sqrt(x) -> arb:
        return BALLS.mpf(x).sqrt()


def contains_rational(x: arb, q: Fraction) -> bool:
    """Whether the ball ``x`` contains the exact rational ``q``, decided exactly (a ball made of q
    at some precision may be wider than a tight ``x`` that contains q)."""
    lo, hi = (_mpf_fraction(end) for end in endpoints(x))
    return lo <= q <= hi


def _mpf_fraction(x: mpf) -> Fraction:
    """A finite ``mpf`` as the exact rational it is."""
    sign, man, exp, _ = x._mpf_
    value = Fraction(man) * Fraction(2) ** exp
    return -value if sign else value
