"""wn Sections 3.2 and 3.4, derived from the definitions: what agrees, what the paper misprints."""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import wn_bregman as bregman
from dlncheck.derivations import wn_invariants as inv
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare


def test_plain_flow_invariant_h0_is_constant_for_every_depth():
    assert inv.lemma_3_6("L = 2").outcome == Outcome.AGREES
    assert inv.lemma_3_6("L != 2").outcome == Outcome.AGREES


def test_weight_normalized_invariant_h_eta_is_constant_on_the_unit_sphere():
    assert inv.lemma_3_7("L = 2").outcome == Outcome.AGREES
    assert inv.lemma_3_7("L != 2").outcome == Outcome.AGREES


def test_steps_34_to_38_of_the_proof_of_lemma_3_7_hold():
    assert inv.proof_of_lemma_3_7_steps().outcome == Outcome.AGREES


def test_lemma_3_8_eq40_agrees_and_eq42_has_x_wn_to_the_L_where_x_wn_belongs():
    assert inv.lemma_3_8("L = 2").outcome == Outcome.AGREES
    printed = inv.lemma_3_8("L != 2")
    assert printed.outcome == Outcome.DIFFERS
    assert printed.witness_instance["params"]["L"] == 3
    assert inv.lemma_3_8_corrected().outcome == Outcome.AGREES


def test_gamma_tilde_second_derivative_is_misprinted_but_still_positive():
    d = inv.gamma_tilde_derivatives()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_point == {"r": "1", "eta": "1"}
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert inv.gamma_tilde_convex_with_minimum().outcome == Outcome.AGREES
    assert inv.smallest_gamma().outcome == Outcome.AGREES


def test_eq53_as_printed_is_zero_and_with_the_missing_plus_is_the_reduced_flow():
    assert bregman.lemma_3_13(False).outcome == Outcome.DIFFERS
    assert bregman.lemma_3_13(True).outcome == Outcome.AGREES
    assert bregman.corollary_3_14().outcome == Outcome.AGREES


def test_bregman_divergence_of_the_potential_57_decreases_at_rate_2L_norm_squared_times_loss():
    assert bregman.lemma_3_17(2).outcome == Outcome.AGREES
    assert bregman.lemma_3_17(3).outcome == Outcome.AGREES


def test_potential_57_is_mil_21_and_its_bregman_divergence_is_nonnegative_and_convex():
    assert bregman.potential_matches_mil().outcome == Outcome.AGREES
    assert bregman.definition_3_15(2).outcome == Outcome.AGREES
    assert bregman.definition_3_15(3).outcome == Outcome.AGREES


def test_lemma_3_18_display_and_blow_up_agree_but_the_lemma_needs_u0_positive():
    assert bregman.lemma_3_18_divergence_display(2).outcome == Outcome.AGREES
    assert bregman.lemma_3_18_divergence_display(3).outcome == Outcome.AGREES
    assert bregman.lemma_3_18_blow_up().outcome == Outcome.AGREES
    assert bregman.lemma_3_18_integrated_rate().outcome == Outcome.AGREES
    face = bregman.lemma_3_18_needs_positive_direction()
    assert face.outcome == Outcome.DIFFERS
    assert list(face.derived) == [sp.Rational(1, 2 * d) for d in bregman.DEPTHS]
    assert face.witness_instance["params"]["direction"] == ["1", "0"]


def test_lemma_3_18_audit_bounds_the_loss_on_the_invariant_face_exactly():
    from fractions import Fraction

    from dlncheck.checks.claims.wn_invariants import LEMMA_3_18_SPEC, _audit_invariant_face
    from dlncheck.checks.instances import parse_instance

    face = bregman.lemma_3_18_needs_positive_direction()
    instance = parse_instance(face.witness_instance, LEMMA_3_18_SPEC, "wn.lem3.18")
    result = _audit_invariant_face(instance, 30)
    assert result.status == "violated"
    assert dict(result.quantities)["lower bound on L(x(t)) for all t"] == Fraction(1, 4)


def test_wn_c_L_is_the_threshold_of_16_and_differs_from_mil_c_L_by_design():
    assert bregman.wn_c_L_threshold().outcome == Outcome.AGREES
    against = bregman.wn_c_L_against_mil()
    assert against.outcome == Outcome.DIFFERS
    assert against.steps[-1].expr == sp.Matrix([sp.E, 1 + bregman.delta / 2])  # e (L = 2), L/2 (L > 2)
