"""Rigorous enclosures with mpmath's interval context.

``mpmath.iv`` does outward-rounded interval arithmetic: every result is an interval that
contains the exact value.  A sign read off such an interval is certified; this is what lets
a property check call a float64 violation *refuted* only when it survives at high precision.

The interval context's precision is global (``iv.prec``), so every computation here runs
inside :func:`interval_precision`, which sets and restores it (STYLE.md: precision is
explicit).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

from flint import arb, ctx
from mpmath import iv, mp, mpf, nstr
from mpmath.libmp import from_man_exp, mpf_add, mpf_sub, round_ceiling, round_floor

# Extra decimal digits carried beyond the requested precision so that the reported digits
# are not eaten by the outward rounding of a few dozen operations.
GUARD_DIGITS = 10


@contextmanager
def interval_precision(dps: int) -> Iterator[object]:
    """Run a block with ``iv`` at ``dps`` decimal digits (+ guard digits), then restore."""
    saved = iv.prec
    iv.dps = dps + GUARD_DIGITS
    try:
        yield iv
    finally:
        iv.prec = saved


def from_fraction(x: Fraction):
    """Exact rational -> enclosing interval at the current ``iv`` precision."""
    return iv.mpf(x.numerator) / iv.mpf(x.denominator)


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


def from_arb(x):
    """A python-flint ball -> an ``iv`` interval containing it, rounded outward at ``iv.prec``.

    Read from the ball's exact midpoint and radius, so python-flint's current precision does
    not matter (``iv.mpf`` of an ``mpf`` endpoint rounds to nearest, so the ends are rounded here).
    """
    if not x.is_finite():
        raise ArithmeticError("the ball is not finite")
    mid = from_man_exp(*(int(part) for part in x.mid().man_exp()))
    rad = from_man_exp(*(int(part) for part in x.rad().man_exp()))
    lo = mp.make_mpf(mpf_sub(mid, rad, iv.prec, round_floor))
    hi = mp.make_mpf(mpf_add(mid, rad, iv.prec, round_ceiling))
    return iv.mpf([lo, hi])


def sign(x) -> int:
    """Certified sign of an enclosure (a ball or an interval): +1, -1, or 0 when it contains 0."""
    if isinstance(x, arb):
        return 1 if x > 0 else -1 if x < 0 else 0
    if x.a > 0:
        return 1
    if x.b < 0:
        return -1
    return 0


def asinh(x):
    """Interval arcsinh via asinh(x) = sign(x) ln(|x| + sqrt(x^2 + 1)) (iv has no asinh).

    A ball is passed to python-flint's ``asinh``.  Written on |x| so that no cancellation
    occurs for negative arguments; an interval that
    straddles 0 is split.
    """
    if isinstance(x, arb):
        return x.asinh()
    if x.a >= 0:
        return iv.log(x + iv.sqrt(x * x + 1))
    if x.b <= 0:
        return -asinh(-x)
    lo = -asinh(iv.mpf(-x.a))
    hi = asinh(iv.mpf(x.b))
    return iv.mpf([lo.a, hi.b])


def endpoints(x) -> tuple[mpf, mpf]:
    """The exact endpoints of an enclosure (a ball or an interval), whatever the working
    precisions."""
    if isinstance(x, arb):
        return _arb_endpoints(x)
    lo, hi = x._mpi_
    return mp.make_mpf(lo), mp.make_mpf(hi)


def _endpoint_prec(x) -> int:
    """Bits enough to add the endpoints exactly (their mantissa lengths, plus guard bits)."""
    lo, hi = (e._mpf_ for e in endpoints(x)) if isinstance(x, arb) else x._mpi_
    return max(lo[3], hi[3], 53) + 10


def midpoint(x) -> mpf:
    lo, hi = endpoints(x)
    with mp.workprec(_endpoint_prec(x)):
        return (lo + hi) / 2


def radius(x) -> mpf:
    lo, hi = endpoints(x)
    with mp.workprec(_endpoint_prec(x)):
        return (hi - lo) / 2


def correct_digits(x) -> int:
    """Number of significant decimal digits certified by the width of ``x``."""
    with mp.workprec(_endpoint_prec(x)):
        mid = abs(midpoint(x))
        rad = radius(x)
        if rad == 0:
            return mp.dps
        if mid == 0:
            return 0
        return max(0, int(mp.floor(mp.log10(mid / rad))))


def format_enclosure(x, digits: int) -> str:
    """``midpoint ± radius``, the midpoint to ``digits`` significant digits."""
    with mp.workprec(_endpoint_prec(x)):
        mid = midpoint(x)
        rad = radius(x)
        if rad == 0:
            return nstr(mid, digits)
        return f"{nstr(mid, digits)} ± {nstr(rad, 2)}"


# ----------------------------------------------------------------------------------------
# python-flint balls: the project's one enclosure type

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


def _arb_endpoints(x: arb) -> tuple[mpf, mpf]:
    if not x.is_finite():
        raise ArithmeticError("the ball is not finite")
    mid = from_man_exp(*(int(part) for part in x.mid().man_exp()))
    rad = from_man_exp(*(int(part) for part in x.rad().man_exp()))
    # exact: mpf_add/mpf_sub with prec 0 do not round
    return mp.make_mpf(mpf_sub(mid, rad, 0)), mp.make_mpf(mpf_add(mid, rad, 0))
