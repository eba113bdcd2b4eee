"""Certified numerics for the coordinate functions g of "More is Less" (mil (28)).

g_x(z) = z (log z - 1 - log x)             (L = 2)
g_x(z) = 2 z - L z^{2/L} x^{1 - 2/L}         (L > 2)

:func:`features` locates the minimizer and the positive zero of g by interval Newton steps
(falling back to bisection where a step does not halve the bracket), deciding each sign and
each step in ball arithmetic (python-flint's arb), so every returned enclosure provably
contains the true point: a certified sign change gives a point in the bracket (intermediate
value theorem), the interval Newton operator keeps it (mean value theorem), and uniqueness is
the convexity shown in ``derivations.coordinate_functions``.  Newton's quadratic convergence,
at doubling precision, and arb's fast elementary functions are what make thousands of digits
affordable (bisection in mpmath's intervals spent one evaluation per bit: 30 s at 1,000 digits).
python-flint has no certified root finder for transcendental functions, so the Newton
iteration is written here.  Nothing here uses the printed formulas (30), (31) or (10): the
audits compare those against these enclosures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, ctx

# Newton's steps run at doubling precision up to the working one, from this many bits: each
# step doubles the correct bits, so all steps below the working precision together cost about
# one step at it.
NEWTON_START_BITS = 64
# Bits of arb precision beyond the working precision, so that the Newton iteration's enclosures
# are narrower than the rounding of the computations that use them.
ARB_GUARD_BITS = 20


class CoordinateFunction:
    """g_x of mil (28) and its first two derivatives in ball arithmetic, for zeta > 0.

    log x and x^{1 - 2/L} are computed once, at the precision current when it is built; each
    evaluation then costs one log (and for L > 2 one exp) of zeta.
    """

    def __init__(self, x: arb, depth: int):
        self.depth = depth
        self.log_x = x.log()
        self.p = arb(2) / depth
        self.x_power = ((1 - self.p) * self.log_x).exp()

    def _power(self, zeta: arb) -> arb:
        """zeta^{2/L} x^{1 - 2/L} (L > 2)."""
        return (self.p * zeta.log()).exp() * self.x_power

    def value(self, zeta: arb) -> arb:
        """g_x(z) = z (log z - 1 - log x) (L = 2), 2 z - L z^{2/L} x^{1-2/L} (L > 2): mil (28)."""
        if self.depth == 2:
            return zeta * (zeta.log() - 1 - self.log_x)
        return 2 * zeta - self.depth * self._power(zeta)

    def slope(self, zeta: arb) -> arb:
        """g_x'(z) = log z - log x (L = 2), 2 - 2 z^{2/L - 1} x^{1-2/L} (L > 2)."""
        if self.depth == 2:
            return zeta.log() - self.log_x
        return 2 - 2 * self._power(zeta) / zeta

    def curvature(self, zeta: arb) -> arb:
        """g_x''(z) = 1/z (L = 2), 2 (1 - 2/L) z^{2/L - 2} x^{1-2/L} (L > 2); positive for z > 0."""
        if self.depth == 2:
            return 1 / zeta
        return 2 * (1 - self.p) * self._power(zeta) / (zeta * zeta)


def _newton_bisect(f: Callable[[arb], arb], df: Callable[[arb], arb], a: arb, b: arb, max_steps: int) -> arb:
    """Shrink [a, b] (exact ends, f(a) < 0 < f(b) certified, f increasing) around the zero of f.

    Each step tries the interval Newton operator N(X) = m - f(m)/f'(X) at the midpoint m of
    X = [a, b] (the zero stays in X ∩ N(X) by the mean value theorem); where f'(X) contains 0
    or the step leaves more than half of X, a bisection step on the sign of f(m) follows.  The
    steps run at precisions doubling up to the current one (each stage starts from the last
    one's bracket, an enclosure at any precision) and stop, at each, when the bracket is near
    that precision's floor; the last stops when a step no longer shrinks it, or after
    ``max_steps``.  Only the enclosures are rigorous; the bookkeeping (midpoint, widths) need not be.
    """
    if not (f(a) < 0 and f(b) > 0):
        raise ArithmeticError("bracket does not certify a sign change")
    target = ctx.prec
    ladder = [target]
    while ladder[-1] > 2 * NEWTON_START_BITS:
        ladder.append(ladder[-1] // 2)
    steps = 0
    for prec in reversed(ladder):
        with ctx.workprec(prec):
            floor = arb(2) ** (8 - prec) if prec < target else arb(0)
            while steps < max_steps:
                steps += 1
                width = b - a
                mid = ((a + b) / 2).mid()
                value = f(mid)
                new_a, new_b = a, b
                slope = df(a.union(b))
                if slope > 0:
                    step = mid - value / slope
                    new_a, new_b = max(a, step.lower()), min(b, step.upper())
                    if new_a > new_b:
                        raise ArithmeticError("interval Newton step left the certified bracket")
                if new_b - new_a > width / 2:
                    if value < 0:
                        new_a = max(new_a, mid)
                    elif value > 0:
                        new_b = min(new_b, mid)
                if not new_b - new_a < width:
                    break  # no progress at this precision: the bracket is as tight as it gets
                a, b = new_a, new_b
                if b - a <= floor * abs(b):
                    break
    return a.union(b)


@dataclass(frozen=True)
class Features:
    argmin: arb  # enclosure of the minimizer of g on (0, inf)
    minimum: arb  # enclosure of g_min
    zero: arb  # enclosure of the positive zero c_n
    slope: arb  # enclosure of g'(c_n)
    c_L: arb  # enclosure of (c_n - g_min / g'(c_n)) / x, the constant of Theorem 2.1's proof


def features(depth: int, x_value: Fraction, dps: int) -> Features:
    """Minimizer, minimum, positive zero and slope of g, each certified, as balls, computed at
    python-flint's precision (call under :func:`numerics.enclosures.ball_precision`)."""
    with ctx.workprec(ctx.prec + ARB_GUARD_BITS):
        x = arb(x_value.numerator) / x_value.denominator
        max_steps = ctx.prec + 20
        g_x = CoordinateFunction(x, depth)
        # g' < 0 below x and > 0 above it for every L >= 2 (g' is increasing); bracket widely.
        argmin = _newton_bisect(g_x.slope, g_x.curvature, (x / 4).lower(), (4 * x).upper(), max_steps)
        minimum = g_x.value(argmin)
        # g(argmin) < 0 and g grows at least linearly beyond it: double until g > 0.
        hi = 2 * argmin.upper()
        while not g_x.value(hi) > 0:
            hi = 2 * hi
        zero = _newton_bisect(g_x.value, g_x.slope, argmin.upper(), hi, max_steps)
        slope = g_x.slope(zero)
        c_L = (zero - minimum / slope) / x
        found = (argmin, minimum, zero, slope, c_L)
    return Features(*found)
