"""Decimal magnitudes of exact rationals (numerics/magnitudes.py)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dlncheck.numerics.magnitudes import exponent_range, log10_of

# Rationals of any size: a mantissa times 10^k with |k| up to 700, beyond float64's range both ways.
_RATIONALS = st.builds(
    lambda m, k, d: Fraction(m) * Fraction(10) ** k / d,
    st.integers(-(10**20), 10**20),
    st.integers(-700, 700),
    st.integers(1, 10**6),
)
# log10 of the exact extremes against the range: two float64 roundings apart at most
TOLERANCE = 1e-12


@given(st.lists(_RATIONALS, max_size=30))
def test_the_exponent_range_is_that_of_the_exact_values(values):
    span = exponent_range(values)
    logs = [log10_of(v) for v in values if v != 0]
    if not logs:
        assert span is None
        return
    assert abs(span[0] - min(logs)) <= TOLERANCE * max(1.0, abs(min(logs)))
    assert abs(span[1] - max(logs)) <= TOLERANCE * max(1.0, abs(max(logs)))


def test_values_beyond_float64_take_the_exact_path():
    tiny, huge = Fraction(3, 10**400), Fraction(10**400)
    assert exponent_range([tiny, Fraction(7)]) == (log10_of(tiny), log10_of(Fraction(7)))
    assert exponent_range([huge, Fraction(-2, 3)])[1] == log10_of(huge)
    assert exponent_range([0, Fraction(0)]) is None
