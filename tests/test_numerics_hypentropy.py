"""Q_alpha and Lemma 5: the float64 search formula, the ball audit, and their algebra."""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from dlncheck.checks.claims.krr_hypentropy import _audit_lemma5, _lemma5_slack, lemma5_instances
from dlncheck.checks.instances import parse_instance
from dlncheck.checks.registry import registry
from dlncheck.numerics import enclosures, hypentropy
from dlncheck.numerics.enclosures import ball, ball_precision, hull, lower, radius, upper

SPEC = registry().get("krr.lem5").audit.spec
# float64 margins are sums of O(d) terms of size up to |beta|_1 (ln |beta|_1 + 1); relative to
# the band eps|beta|_1 they carry errors of about d * 1e-16 / eps: 1e-9 leaves ample room.
FLOAT_AGREEMENT = 1e-9


def test_cancellation_free_lower_margin_is_an_identity():
    b, a = sp.symbols("b a", positive=True)  # a = alpha^2
    t1 = 2 * a - sp.sqrt(4 * a**2 + b**2)
    t2 = b * sp.log(b / 2 + sp.sqrt(a**2 + b**2 / 4))
    s = sp.sqrt(4 * a**2 + b**2) - b
    r = sp.sqrt(a**2 / b**2 + sp.Rational(1, 4)) - sp.Rational(1, 2)
    phi = b * sp.log(b) - b + 1
    p1 = b * (2 * a + s) / (2 * a + b + s)
    p2 = b * sp.log(1 + r)
    difference = (t1 + t2) - (phi - 1 + p1 + p2)
    assert sp.simplify(sp.expand_log(difference, force=True)) == 0


def test_float_lower_terms_match_the_identity_numerically():
    for b in (1e-6, 0.3, 1.0, 2.5, 1e6):
        for alpha2 in (0.0, 1e-300, 1e-8, 0.5):
            t1, t2 = hypentropy._t1_t2(b, alpha2)
            assert math.isclose(
                t1 + t2 + 1, hypentropy.lower_margin_terms(b, alpha2), rel_tol=1e-9, abs_tol=1e-12
            )


@settings(max_examples=150)
@given(lemma5_instances())
def test_float64_slack_agrees_with_the_interval_audit(raw):
    instance = parse_instance(raw, SPEC)
    certified = _audit_lemma5(instance, 30)
    assert certified.status == "holds"
    slack = _lemma5_slack(instance)
    assert slack >= -FLOAT_AGREEMENT
    with mp.workdps(30):
        mid = float(enclosures.midpoint(certified.slack))
    assert abs(slack - mid) <= FLOAT_AGREEMENT * max(1.0, abs(mid))


def test_q_interval_encloses_the_high_precision_value():
    with ball_precision(40):
        for z in (Fraction(-37, 4), Fraction(1, 10**6), Fraction(10**20)):
            enclosure = hypentropy.q_interval(ball(z))
            with mp.workdps(80):
                zz = mp.mpf(z.numerator) / z.denominator
                exact = 2 - mp.sqrt(4 + zz**2) + zz * mp.asinh(zz / 2)
                assert lower(enclosure) <= exact <= upper(enclosure)


def test_lemma5_lower_bound_is_attained_up_to_two_alpha_squared():
    # beta = e_1, d = 1, alpha = alpha_1 = e^{-1/(2 eps)}: the slack is 2 alpha^2 (1 + O(alpha^2))
    for eps in ("1/10", "1/100", "1/1000"):
        raw = {"params": {"beta": ["1"], "epsilon": eps, "log_alpha_gap": "0"}}
        result = _audit_lemma5(parse_instance(raw, SPEC), 40)
        assert result.status == "holds"
        with mp.workdps(60):
            predicted = 2 * mp.exp(-1 / mp.mpf(Fraction(eps).numerator) * Fraction(eps).denominator)
            ratio = enclosures.midpoint(result.slack) / predicted
            assert abs(ratio - 1) < 1e-3


def test_alpha1_threshold_in_float_matches_its_definition():
    eps, l1, d = 0.1, 3.0, 4
    alpha1 = min(1, math.sqrt(l1), (2 * l1) ** (-1 / (2 * eps)), math.exp(-d / (2 * eps * l1)))
    assert math.isclose(hypentropy.log_alpha1_float(eps, l1, d), math.log(alpha1), rel_tol=1e-12)


def test_ball_asinh_is_odd_and_encloses_narrow_and_wide_balls():
    with ball_precision(30), mp.workdps(60):
        for v in ("-3", "0.001", "5"):
            enclosure = enclosures.asinh(ball(Fraction(v)))
            assert lower(enclosure) <= mp.asinh(mp.mpf(v)) <= upper(enclosure)
            assert 2 * radius(enclosure) < mp.mpf("1e-35")
            assert (enclosure + enclosures.asinh(-ball(Fraction(v)))).contains(0)
        # wide balls: python-flint's own asinh is NaN on the first and loose on the second
        straddle = enclosures.asinh(hull(arb(-1), arb(2)))
        assert lower(straddle) <= mp.asinh(-1) and mp.asinh(2) <= upper(straddle)
        assert 2 * radius(straddle) < mp.asinh(2) - mp.asinh(-1) + mp.mpf("1e-8")  # hull() rounds its radius
        wide = enclosures.asinh(hull(arb(-3), arb(-1)))
        assert lower(wide) <= mp.asinh(-3) and mp.asinh(-1) <= upper(wide) < -0.88


@settings(max_examples=40, deadline=None)
@given(
    st.fractions(min_value=-100, max_value=100, max_denominator=10**6)
    | st.builds(lambda k, sign: sign * Fraction(10) ** k, st.integers(-300, 30), st.sampled_from([1, -1]))
)
def test_certified_quadrature_of_q_meets_the_closed_form(z):
    """Both enclosures of q(z) are rigorous, so they must overlap; the quadrature must also be
    tight (relative to q, or absolutely when q is 0) at 50 digits."""
    with ball_precision(50):
        quad = hypentropy.q_by_quadrature(z)
        closed = hypentropy.q_interval(ball(z))
        assert quad.overlaps(closed)
        if z != 0:
            assert enclosures.correct_digits(quad) >= 45
        else:
            assert quad.is_zero()


def test_quadrature_budget_shrinks_with_the_size_of_z():
    """quadrature_max_dps is what the audit allows: 1,000 digits near z = 16, fewer for huge z."""
    assert hypentropy.quadrature_max_dps(Fraction(16)) >= 1000
    assert hypentropy.quadrature_max_dps(Fraction(-37, 4)) >= 1000
    assert hypentropy.quadrature_max_dps(Fraction(10) ** 100) < 200
    assert hypentropy.quadrature_max_dps(Fraction(1, 10**999)) == hypentropy.quadrature_max_dps(Fraction(1))
