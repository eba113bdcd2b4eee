"""Decimal magnitudes of exact rationals, without converting them to float.

``float(Fraction)`` overflows (or underflows to 0) outside about 1e±308, and dividing huge
integers first overflows too; the logarithm of the numerator and of the denominator are each
exact enough on their own (``math.log10`` takes integers of any size).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from fractions import Fraction


def log10_of(value: Fraction | int) -> float:
    """log10 |value| for a nonzero rational (ValueError for 0)."""
    value = Fraction(value)
    if value == 0:
        raise ValueError("log10 of 0")
    return math.log10(abs(value.numerator)) - math.log10(value.denominator)


def exponent_range(values: Iterable[Fraction | int]) -> tuple[float, float] | None:
    """(smallest, largest) log10 |v| over the nonzero values; None when all are 0.

    Where every nonzero value is a normal float64 in magnitude, the extremes are found among
    the values rounded to float64 (a correctly rounded ``float(v)`` keeps their order up to ties)
    and only those two take a logarithm; otherwise each value's logarithm is taken exactly as
    :func:`log10_of` does.
    """
    nonzero = [v for v in values if v != 0]
    if not nonzero:
        return None
    try:
        sizes = [abs(float(v)) for v in nonzero]
    except OverflowError:
        sizes = []
    if sizes and min(sizes) >= sys.float_info.min and max(sizes) <= sys.float_info.max:
        return math.log10(min(sizes)), math.log10(max(sizes))
    logs = [log10_of(v) for v in nonzero]
    return min(logs), max(logs)
