"""Audit relations: exact and ball decisions, escalation, rendering."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import arb

from dlncheck.checks.audit import (
    AGREES,
    HOLDS,
    UNDECIDED,
    VIOLATED,
    Audit,
    AuditResult,
    decide,
    escalate,
    judge,
    show_value,
    vector_equality,
)
from dlncheck.checks.instances import InstanceSpec, parse_instance
from dlncheck.numerics.enclosures import ball, ball_precision, hull


def test_exact_inequality_holds_at_equality_and_fails_below():
    assert decide("a", "<=", "b", Fraction(1), Fraction(1)).status == HOLDS
    assert decide("a", "<=", "b", Fraction(2), Fraction(1)).status == VIOLATED


def test_exact_equality_is_decided_exactly():
    assert decide("a", "=", "b", Fraction(1, 3), Fraction(2, 6)).status == HOLDS
    assert decide("a", "=", "b", Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**50)).status == VIOLATED


def test_interval_inequality_is_undecided_when_the_margin_straddles_zero():
    with ball_precision(30):
        assert judge("a", "<=", "b", hull(ball(-1e-40), ball(1e-40))).status == UNDECIDED
        assert judge("a", "<=", "b", hull(ball(1e-40), ball(2e-40))).status == HOLDS
        assert judge("a", "<=", "b", hull(ball(-2e-40), ball(-1e-40))).status == VIOLATED
        # a ball that is not finite decides nothing
        assert judge("a", "<=", "b", arb(0, float("inf"))).status == UNDECIDED
        assert judge("a", "=", "b", arb(0, float("inf"))).status == UNDECIDED
    assert show_value(arb(0, float("inf")), 10) == "nan ± +inf"


def test_interval_equality_can_only_agree_or_be_violated():
    with ball_precision(30):
        third = arb(1) / 3
        agree = decide("a", "=", "b", third, arb(1) / 3)
        assert agree.status == AGREES and agree.digits >= 30
        assert decide("a", "=", "b", third, third + ball(Fraction(1, 10**20))).status == VIOLATED
        # an exact side against a ball: the exact one is enclosed
        assert decide("a", "=", "b", Fraction(1, 3), third).status == AGREES


def test_vector_equality_reports_the_largest_deviation():
    rel = vector_equality("u", "v", (Fraction(1), Fraction(5)), (Fraction(1), Fraction(2)))
    assert rel.status == VIOLATED and rel.margin == 3


def test_inadmissible_instance_is_not_a_violation():
    hyp = judge("h", "<=", "bound", Fraction(-1))
    rel = judge("a", "<=", "b", Fraction(-1))
    assert AuditResult("x", None, (), (rel,), (hyp,)).status == "inadmissible"


def test_escalation_climbs_until_the_margin_is_decided():
    calls = []

    def evaluate(instance, dps):
        calls.append(dps)
        with ball_precision(dps):
            width = arb(10) ** (-dps)  # enclosure shrinks with precision
            margin = ball(Fraction(1, 10**45)) + arb(0, 1) * width
            return AuditResult("x", dps, (), (judge("a", "<=", "b", margin),))

    audit = Audit(InstanceSpec(), evaluate, {}, "test")
    result = escalate(audit, parse_instance({}, InstanceSpec()))
    assert result.status == HOLDS and calls == [30, 60]


def test_show_value_prints_exact_rationals_and_enclosures_to_the_requested_digits():
    assert show_value(Fraction(1, 3), 5) == "0.33333 (= 1/3)"
    assert show_value(Fraction(7), 5) == "7"
    with ball_precision(50):
        text = show_value(arb(2) / 3, 40)
    assert text.startswith("0.6666666666666666666666666666666666666667 ±")


def test_an_audit_status_is_an_enum_and_a_misspelt_one_fails():
    from dlncheck.checks.audit import AuditStatus, Relation

    relation = Relation("a", "<=", "b", None, "undecided")
    assert relation.status is AuditStatus.UNDECIDED and relation.status == "undecided"
    with pytest.raises(ValueError):
        Relation("a", "<=", "b", None, "violates")
