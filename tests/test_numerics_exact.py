"""Exact gradients of the factorized losses and certified features of g."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import iv, mp

from numerics import coordinate_functions, factorized_loss
from numerics.enclosures import interval_precision

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
    with interval_precision(50):
        features = coordinate_functions.features(depth, Fraction(1), 50)
        with mp.workdps(70):
            value = mp.e if depth == 2 else zero
            assert features.zero.a <= value <= features.zero.b
        assert features.zero.delta < iv.mpf("1e-45")
