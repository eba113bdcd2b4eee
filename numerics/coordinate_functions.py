"""Certified numerics for the coordinate functions g of "More is Less" (mil (28)).

g_x(z) = z (log z - 1 - log x)             (L = 2)
g_x(z) = 2 z - L z^{2/L} x^{1 - 2/L}         (L > 2)

:func:`features` locates the minimizer and the positive zero of g by bisection, deciding
each sign in interval arithmetic, so every returned enclosure provably contains the true
point (intermediate value theorem; uniqueness of each point is the convexity shown in
``derivations.coordinate_functions``).  Nothing here uses the printed formulas (30), (31)
or (10): the audits compare those against these enclosures.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from mpmath import iv

from numerics import enclosures


def g(zeta, x, depth: int):
    """mil (28) in interval arithmetic (zeta, x intervals with zeta > 0)."""
    if depth == 2:
        return zeta * (iv.log(zeta) - 1 - iv.log(x))
    p = iv.mpf(2) / depth
    return 2 * zeta - depth * iv.exp(p * iv.log(zeta)) * iv.exp((1 - p) * iv.log(x))


def g_prime(zeta, x, depth: int):
    """d/dz of mil (28)."""
    if depth == 2:
        return iv.log(zeta) - iv.log(x)
    p = iv.mpf(2) / depth
    return 2 - 2 * iv.exp((p - 1) * iv.log(zeta)) * iv.exp((1 - p) * iv.log(x))


def _bisect(f, lo, hi, iterations: int):
    """Shrink [lo, hi] with f(lo) < 0 < f(hi) (certified) around the sign change of f."""
    if not (f(lo).b < 0 and f(hi).a > 0):
        raise ArithmeticError("bracket does not certify a sign change")
    for _ in range(iterations):
        mid = (lo + hi) / 2
        mid = iv.mpf(mid.a)  # a point, so the bracket ends stay exact
        value = f(mid)
        if value.b < 0:
            lo = mid
        elif value.a > 0:
            hi = mid
        else:
            break  # sign undecidable at this precision: the bracket is as tight as it gets
    return iv.mpf([lo.a, hi.b])


@dataclass(frozen=True)
class Features:
    argmin: object  # enclosure of the minimizer of g on (0, inf)
    minimum: object  # enclosure of g_min
    zero: object  # enclosure of the positive zero c_n
    slope: object  # enclosure of g'(c_n)
    c_L: object  # enclosure of (c_n - g_min / g'(c_n)) / x, the constant of Theorem 2.1's proof


def features(depth: int, x_value: Fraction, dps: int) -> Features:
    """Minimizer, minimum, positive zero and slope of g, each certified (call under interval_precision)."""
    x = enclosures.from_fraction(x_value)
    bits = int(dps * 3.33) + 20

    def gz(z):
        return g(z, x, depth)

    def gp(z):
        return g_prime(z, x, depth)

    # g' < 0 below x and > 0 above it for every L >= 2 (g' is increasing); bracket widely.
    argmin = _bisect(gp, x / 4, 4 * x, bits)
    minimum = gz(argmin)
    # g(argmin) < 0 and g grows at least linearly beyond it: double until g > 0.
    hi = 2 * iv.mpf(argmin.b)
    while gz(hi).a <= 0:
        hi = 2 * hi
    zero = _bisect(gz, iv.mpf(argmin.b), hi, bits)
    slope = gp(zero)
    c_L = (zero - minimum / slope) / x
    return Features(argmin, minimum, zero, slope, c_L)
