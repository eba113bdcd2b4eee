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

from flint import arb
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
    """Certified sign of an interval: +1, -1, or 0 when the interval contains 0."""
    if x.a > 0:
        return 1
    if x.b < 0:
        return -1
    return 0


def asinh(x):
    """Interval arcsinh via asinh(x) = sign(x) ln(|x| + sqrt(x^2 + 1)) (iv has no asinh).

    Written on |x| so that no cancellation occurs for negative arguments; an interval that
    straddles 0 is split.
    """
    if x.a >= 0:
        return iv.log(x + iv.sqrt(x * x + 1))
    if x.b <= 0:
        return -asinh(-x)
    lo = -asinh(iv.mpf(-x.a))
    hi = asinh(iv.mpf(x.b))
    return iv.mpf([lo.a, hi.b])


def endpoints(x) -> tuple[mpf, mpf]:
    """The exact endpoints of an interval, whatever ``iv``'s current precision."""
    lo, hi = x._mpi_
    return mp.make_mpf(lo), mp.make_mpf(hi)


def _endpoint_prec(x) -> int:
    """Bits enough to add the endpoints exactly (their mantissa lengths, plus guard bits)."""
    lo, hi = x._mpi_
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
