"""Exact gradients of the factorized losses and certified features of g."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp

from dlncheck.numerics import coordinate_functions, enclosures, factorized_loss
from dlncheck.numerics.enclosures import ball_precision, lower, radius, upper

rationals = st.fractions(min_value=-3, max_value=3, max_denominator=9)
positives = st.fractions(min_value=Fraction(1, 9), max_value=3, max_denominator=9)


@st.composite
def factorized_instances(draw):
    m, n, depth = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
    A = tuple(tuple(draw(rationals) for _ in range(n)) for _ in range(m))
    y = tuple(draw(rationals) for _ in range(m))
    factors = tuple(tuple(draw(positives) for _ in range(n)) for _ in range(depth))
    return A, y, factors


@given(factorized_instances())
def test_formula_39_equals_the_exact_derivative(case):
    A, y, factors = case
    exact = factorized_loss.gradients_by_differentiation(A, y, factors)
    for k in range(len(factors)):
        assert exact[k] == factorized_loss.gradient_formula_39(A, y, factors, k)


@given(factorized_instances())
def test_reduced_gradient_is_depth_times_the_factor_gradient(case):
    A, y, factors = case
    depth = len(factors)
    x = factors[0]
    same = (x,) * depth
    factor_gradient = factorized_loss.gradients_by_differentiation(A, y, same)[0]
    reduced = factorized_loss.reduced_gradient_by_differentiation(A, y, x, depth)
    assert reduced == tuple(depth * g for g in factor_gradient)


@pytest.mark.parametrize(("depth", "zero"), [(2, mp.e), (3, mp.mpf(27) / 8), (4, mp.mpf(4))])
def test_certified_zero_of_g_encloses_the_exact_value(depth, zero):
    with ball_precision(50):
        features = coordinate_functions.features(depth, Fraction(1), 50)
        with mp.workdps(70):
            value = mp.e if depth == 2 else zero
            assert lower(features.zero) <= value <= upper(features.zero)
        assert 2 * radius(features.zero) < mp.mpf("1e-45")


@pytest.mark.parametrize("depth", [2, 3, 5])
def test_certified_features_of_g_at_two_thousand_digits_enclose_the_exact_values(depth):
    """Interval Newton in balls keeps every enclosure and reaches the working precision: the
    minimizer x, the minimum -x (L = 2) or -(L-2)x, and the zero x e or x (L/2)^(L/(L-2))."""
    x = Fraction(3, 7)
    with ball_precision(2000):
        features = coordinate_functions.features(depth, x, 2000)
        with mp.workdps(2100):
            xx = mp.mpf(3) / 7
            zero = xx * mp.e if depth == 2 else xx * (mp.mpf(depth) / 2) ** (mp.mpf(depth) / (depth - 2))
            minimum = -xx if depth == 2 else -(depth - 2) * xx
            pairs = ((features.argmin, xx), (features.minimum, minimum), (features.zero, zero))
            for enclosure, exact in pairs:
                assert lower(enclosure) <= exact <= upper(enclosure)
                assert enclosures.correct_digits(enclosure) >= 1995


@given(st.fractions(max_denominator=10**30), st.integers(60, 400))
def test_the_ends_of_a_ball_are_read_exactly(q, bits):
    """endpoints() reads a ball's ends without rounding, whatever mpmath's precision: the exact
    rational q lies between them, and the midpoint and radius give them back."""
    from flint import arb, ctx

    with ctx.workprec(bits):
        ball = arb(q.numerator) / q.denominator
    lo, hi = enclosures.endpoints(ball)
    as_fraction = [(-1 if end < 0 else 1) * Fraction(end.man) * Fraction(2) ** end.exp for end in (lo, hi)]
    assert as_fraction[0] <= q <= as_fraction[1]
    with mp.workprec(4 * bits):
        assert enclosures.midpoint(ball) - enclosures.radius(ball) == lo
        assert enclosures.midpoint(ball) + enclosures.radius(ball) == hi
