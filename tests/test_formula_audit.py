"""The generic audit of formula claims: exact where rational, certified intervals elsewhere."""

from __future__ import annotations

import sympy as sp

from dlncheck.checks.audit import escalate
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.instances import parse_instance
from dlncheck.derivations.derivation import witness_instance

x = sp.Symbol("x", positive=True)
z = sp.Symbol("z", real=True)
L = sp.Symbol("L", integer=True, positive=True)


def _status(audit, params):
    return escalate(audit, parse_instance({"params": params}, audit.spec))


def test_a_rational_difference_is_decided_exactly():
    audit = formula_audit(
        "t", x**L, x**L + x / 1000, left_name="derived", right_name="printed", example={"x": "1"}
    )
    result = escalate(audit, parse_instance(witness_instance({x: 1, L: 3}), audit.spec))
    assert result.status == "violated" and result.exact


def test_an_irrational_identity_agrees_in_intervals_and_never_counts_as_violated():
    audit = formula_audit(
        "t", sp.log(2 * x) + sp.log(3), sp.log(6 * x), left_name="d", right_name="p", example={"x": "1"}
    )
    result = _status(audit, {"x": "1/3"})
    assert result.status == "holds" and not result.exact


def test_a_near_miss_is_certified_violated_at_high_precision():
    audit = formula_audit(
        "t",
        sp.sqrt(x),
        sp.Rational(141421356, 10**8),
        op="<=",
        left_name="d",
        right_name="p",
        example={"x": "1"},
    )
    result = _status(audit, {"x": "2"})
    assert result.status == "violated"
    assert result.min_violation_margin() > 0  # |margin|, certified away from 0


def test_a_point_outside_the_hypotheses_is_inadmissible():
    audit = formula_audit(
        "t", sp.sqrt(z), 1, op="<=", left_name="d", right_name="p", example={"z": "1/2"}, hypotheses=(z > 0,)
    )
    assert _status(audit, {"z": "-2"}).status == "inadmissible"
    assert _status(audit, {"z": "1/4"}).status == "holds"


def test_witness_instances_keep_integers_and_exact_rationals():
    assert witness_instance({x: sp.Rational(1, 3), L: 4}) == {"params": {"L": 4, "x": "1/3"}}


def test_an_irrational_value_is_enclosed_with_all_of_evalfs_digits():
    """The enclosure's centre keeps every digit evalf returned (it once was rounded to mpmath's
    53-bit default, so that at 40 digits sqrt(2) lay outside its own enclosure)."""
    from flint import arb

    from dlncheck.checks.formula_audit import value_at
    from dlncheck.numerics.enclosures import ball_precision, correct_digits

    with ball_precision(40):
        value = value_at(sp.sqrt(x), {x: sp.Integer(2)}, 40)
        assert value.contains(arb(2).sqrt()) and correct_digits(value) >= 39
