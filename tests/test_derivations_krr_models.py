"""krr models, closed-form flows and depth D: the derivations read like the claims."""

from __future__ import annotations

import sympy as sp

from derivations import krr_closed_form_flows as flows
from derivations.derivation import Outcome
from derivations.equality import compare


def test_eq15_printed_gradient_is_half_of_minus_grad_L():
    d = flows.eq15_gradient()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert compare(d.derived, 2 * d.printed).outcome == Outcome.AGREES
    assert d.witness_instance is not None


def test_eq16_closed_form_solves_printed_eq15_from_alpha_w0():
    assert flows.eq16_closed_form().outcome == Outcome.AGREES


def test_eq17_is_two_alpha_squared_w0_squared_sinh():
    assert flows.eq17_hyperbolic_sine().outcome == Outcome.AGREES


def test_eq55_printed_gradient_drops_factor_two_for_symbolic_depth():
    d = flows.eq55_gradient()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert int(d.witness_point["D"]) >= 3


def test_eq56_solves_eq55_as_printed_and_eq57_follows():
    assert flows.eq56_closed_form().outcome == Outcome.AGREES
    assert flows.eq57_beta().outcome == Outcome.AGREES


def test_lemma8_closed_forms_and_bound_half_the_printed_one():
    assert flows.printed_flow_closed_form().outcome == Outcome.AGREES
    assert flows.true_flow_closed_form().outcome == Outcome.AGREES
    d = flows.lemma8_bound()
    assert d.outcome == Outcome.AGREES
    assert sp.simplify(d.printed / d.derived) == 2
