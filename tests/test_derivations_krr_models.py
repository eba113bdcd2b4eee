"""krr models, closed-form flows and depth D: the derivations read like the claims."""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import krr_closed_form_flows as flows
from dlncheck.derivations import krr_depth_potential as potential
from dlncheck.derivations import krr_implicit_bias as bias
from dlncheck.derivations import krr_induced_penalty as penalty
from dlncheck.derivations import krr_matrix_factorization as factorization
from dlncheck.derivations import krr_tangent_kernel as kernels
from dlncheck.derivations import krr_uv_balance as uv
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare


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


def test_model_homogeneity_kernel_scaling_and_eight_alpha_squared_kernel():
    assert kernels.homogeneity().outcome == Outcome.AGREES
    assert kernels.kernel_scaling().outcome == Outcome.AGREES
    assert kernels.kernel_at_uniform_init().outcome == Outcome.AGREES


def test_krr_loss_is_twice_mil_loss_and_model3_is_linear_and_unbiased():
    assert kernels.flow_time_scale().outcome == Outcome.AGREES
    assert kernels.model3_linear_predictor().outcome == Outcome.AGREES


def test_zero_is_a_saddle_with_hessian_minus_and_plus_four_XTy():
    assert kernels.saddle_at_zero().outcome == Outcome.AGREES
    assert kernels.escape_time_linearized().outcome == Outcome.AGREES


def test_theorem1_and_theorem3_kkt_hold_at_the_flow_limit():
    assert bias.theorem1_kkt().outcome == Outcome.AGREES
    assert bias.theorem3_kkt().outcome == Outcome.AGREES


def test_h_D_links_flow_to_potential_and_expands_as_2D_over_D_minus_2_z():
    assert potential.eq58_link().outcome == Outcome.AGREES
    assert potential.eq60_gradient_of_potential().outcome == Outcome.AGREES
    assert potential.eq65_taylor().outcome == Outcome.AGREES
    assert potential.eq66_ratio().outcome == Outcome.AGREES
    assert potential.eq64_small_argument().outcome == Outcome.AGREES


def test_q_D_starts_with_D_minus_2_over_4D_z_squared():
    coefficient = potential.q_series().coeff(potential.z, 2)
    assert sp.simplify(coefficient - (potential.D - 2) / (4 * potential.D)) == 0


def test_symmetric_factorization_printed_dynamics_has_wrong_sign_and_factor():
    d = factorization.symmetric_dynamics()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert factorization.symmetric_dynamics_closed().outcome == Outcome.AGREES


def test_lift_and_delta_Delta_dynamics_and_eq67():
    assert factorization.lifted_model().outcome == Outcome.AGREES
    assert factorization.diagonal_sensing_dynamics().outcome == Outcome.AGREES
    assert factorization.eq67_solution().outcome == Outcome.AGREES


def test_appendix_c_rate_of_abs_u_differs_but_balancedness_holds():
    d = uv.magnitude_rate()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance is not None
    assert uv.balance_invariant().outcome == Outcome.AGREES


def test_explicit_l2_on_w_induces_the_2_over_D_quasi_norm():
    assert penalty.induced_penalty().outcome == Outcome.AGREES


def test_figure_3b_ratio_ends_at_one_and_one_over_sqrt_d():
    assert potential.regime_ratios().outcome == Outcome.AGREES
