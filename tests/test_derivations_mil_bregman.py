"""mil Sections 2-3: the potentials F, the Bregman divergence, its rate, and the argmin chain."""

from __future__ import annotations

import pytest
import sympy as sp

from dlncheck.derivations import bregman_divergence as divergence
from dlncheck.derivations import bregman_divergence_rate as rate
from dlncheck.derivations import bregman_potentials as potentials
from dlncheck.derivations import bregman_projection as projection
from dlncheck.derivations.coordinate_functions import L_SYMBOLIC
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare

DEPTHS = pytest.mark.parametrize("depth", [2, L_SYMBOLIC], ids=["L=2", "L>2"])


def test_gradient_of_reduced_loss_is_18():
    assert rate.reduced_gradient().outcome == Outcome.AGREES


@DEPTHS
def test_flow_15_keeps_entries_positive(depth):
    assert rate.sign_preservation(depth).outcome == Outcome.AGREES


def test_definition_2_3_gives_zero_on_diagonal_and_hessian_of_F():
    assert divergence.definition_consequences().outcome == Outcome.AGREES


def test_lemma_2_4_for_general_and_for_mil_potentials():
    assert divergence.first_order_term_is_directional_derivative().outcome == Outcome.AGREES
    assert divergence.strict_convexity_in_first_argument().outcome == Outcome.AGREES
    for depth in (2, L_SYMBOLIC):
        assert divergence.nonnegativity_for_potential(depth).outcome == Outcome.AGREES


@DEPTHS
def test_potential_21_forms_agree_and_hessian_is_diag_x_pow_2_over_L_minus_2_over_L(depth):
    assert potentials.potential_forms(depth).outcome == Outcome.AGREES
    assert potentials.potential_hessian(depth).outcome == Outcome.AGREES
    assert potentials.product_potential_hessian(depth).outcome == Outcome.AGREES


def test_divergence_for_L_above_2_tends_to_L_equal_2():
    assert divergence.divergence_continuous_in_depth().outcome == Outcome.AGREES


@DEPTHS
def test_closed_form_of_divergence_in_proof_of_lemma_2_5(depth):
    assert divergence.closed_form(depth).outcome == Outcome.AGREES
    assert divergence.coercivity(depth).outcome == Outcome.AGREES


@DEPTHS
def test_mirror_flow_form_grad_F_rate_is_minus_L_At_residual(depth):
    assert rate.mirror_flow_form(depth).outcome == Outcome.AGREES


@DEPTHS
def test_bregman_divergence_decreases_at_rate_L_times_squared_residual(depth):
    assert rate.divergence_rate(depth).outcome == Outcome.AGREES


@DEPTHS
def test_signed_divergence_splits_and_decreases_at_rate_L_times_squared_residual(depth):
    assert divergence.split_over_signs(depth).outcome == Outcome.AGREES
    assert rate.signed_divergence_rate(depth).outcome == Outcome.AGREES


@DEPTHS
def test_27_is_not_an_identity_but_a_weighted_sum_of_g_plus_a_constant(depth):
    d = projection.entrywise_decomposition(depth)
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance is not None
    assert d.corrected is not None
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES


@DEPTHS
def test_first_two_argmin_equalities_of_theorem_2_2_hold(depth):
    assert projection.argmin_chain_first_steps(depth).outcome == Outcome.AGREES


def test_last_argmin_equality_holds_for_L_2():
    assert projection.argmin_chain_last_step_l2().outcome == Outcome.AGREES


def test_last_argmin_equality_fails_for_L_above_2():
    d = projection.argmin_chain_last_step()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"L": 4, "x_1": "1", "x_2": "4"}}
    # the minimizer of D_F(., (1, 4)) on z1 + z2 = 1 at L = 4 is not g's (1/5, 4/5)
    (s,) = list(d.corrected)
    assert abs(float(s) - 0.33541677) < 1e-6
    assert s != sp.Rational(1, 5)


def test_argmin_audit_vanishes_for_constant_initialization():
    left, _ = projection.argmin_audit_sides()
    x1, x2 = sp.symbols("x_1 x_2", positive=True)
    at = {projection.L_INTEGER: 5, x1: sp.Rational(3, 2), x2: sp.Rational(3, 2)}
    assert sp.nsimplify(left.xreplace(at).doit()) == 0


@DEPTHS
def test_g_vector_form_is_sum_of_28(depth):
    assert projection.g_vector_is_coordinate_sum(depth).outcome == Outcome.AGREES


def test_g_for_L_above_2_over_L_minus_2_tends_to_g_for_L_2():
    assert projection.g_continuous_in_depth().outcome == Outcome.AGREES
