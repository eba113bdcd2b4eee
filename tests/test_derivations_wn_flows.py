"""wn Sections 1.2-3.1 and Lemmas 3.9-3.11: the derivations, read as the claims they check."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scale_checks import claims_declaring

from dlncheck.derivations import weight_normalized_flow as flow
from dlncheck.derivations import wn_convergence_rate as rate
from dlncheck.derivations import wn_invariant_bounds as bounds
from dlncheck.derivations import wn_magnification as mag
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare
from dlncheck.numerics import weight_normalization as wn_numerics

# The float64 vector field of numerics/weight_normalization.py against the exact one: a few
# hundred flops on O(1) numbers, so 1e-12 relative leaves three orders of magnitude of margin.
FLOAT_AGREEMENT = 1e-12


@pytest.mark.parametrize(
    "derive",
    [
        flow.gradient_of_loss_23,
        flow.gradients_in_r_u_24_25,
        flow.flow_normalization_time_scale,
        flow.flow_written_out_29_30,
        flow.rescaled_learning_rate_3_1,
        flow.constant_norm_3_2,
        flow.constant_sign_3_3,
        flow.loss_decrease_3_4,
        rate.quadratic_form_identity,
        mag.rho_is_inverse_gamma,
        mag.magnification_region_20,
        mag.error_reduction_remark,
        mag.rho_versus_r0,
        mag.radius_limit_21,
        mag.signed_model_shift,
        bounds.conserved_sums_3_9,
        bounds.uniqueness_steps_3_10,
        bounds.uniqueness_chain_power_3_10,
        bounds.entropy_minimum_3_11,
        bounds.bound_50_3_11,
        bounds.projection_identities_3_11,
    ],
)
def test_derivation_from_the_definitions_agrees_with_print(derive):
    d = derive()
    assert d.outcome == Outcome.AGREES, d.message


def test_the_1_over_2L_loss_runs_the_half_loss_flow_at_time_t_over_L():
    d = flow.flow_normalization_time_scale()
    assert d.outcome == Outcome.AGREES
    assert claims_declaring(flow.flow_normalization_time_scale) == {"wn.def.flows"}


def test_the_symbolic_vector_field_matches_the_numerics_at_a_point():
    A = [[1.0, -2.0, 0.5]]
    b = [0.25]
    depth, eta = 3, 0.7
    model = wn_numerics.weight_normalized_model(A, b, depth, rates="constant", eta=eta)
    state = np.array([0.9, 0.3, 0.5, 0.8])
    A_sym = sp.Matrix([[1, -2, sp.Rational(1, 2)]])
    b_sym = sp.Matrix([sp.Rational(1, 4)])
    u = flow.positive_vector("u")
    field = flow.flow_vector_field(A_sym, b_sym, flow.r, u, sp.Rational(7, 10), 1, depth)
    point = {
        flow.r: sp.Rational(9, 10),
        u[0]: sp.Rational(3, 10),
        u[1]: sp.Rational(1, 2),
        u[2]: sp.Rational(4, 5),
    }
    exact = np.array([float(sp.N(e.subs(point), 30)) for e in field])
    numeric = wn_numerics.vector_field(model, state)
    assert np.allclose(numeric, exact, rtol=FLOAT_AGREEMENT, atol=0)


def test_lemma_3_5_rate_31_prints_c_x_squared_where_the_proof_has_c_x_to_the_2L_minus_2():
    d = rate.rate_31()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance is not None
    at = rate.WITNESS
    flow_rate = rate.instantaneous_decay_rate(at)
    assert flow_rate == rate.decay_rate_closed_form().subs(at)
    assert rate.rate_printed_31().subs(at) > flow_rate  # (31) fails just after t0
    assert d.corrected.subs(at) <= flow_rate  # the proof's rate holds there
    assert sp.simplify(d.corrected - rate.rate_printed_31()).subs(rate.L, 2) == 0  # the same for L = 2


def test_lemma_3_5_singular_value_step_needs_rank_M():
    d = rate.singular_value_step()
    assert d.outcome == Outcome.DIFFERS
    assert d.derived == 0


def test_rho_is_not_maximized_at_eta_zero_when_r0_exceeds_r_inf():
    d = mag.rho_versus_eta()
    assert d.outcome == Outcome.DIFFERS
    params = {k: sp.Rational(v) for k, v in d.witness_instance["params"].items()}
    rho = lambda ratio: mag.rho_printed(params["r_0"], params["r_inf"], ratio)  # noqa: E731
    assert sp.N(rho(params["eta"]) - rho(params["kappa"] * params["eta"]), 30) > 0
    r0, r_inf = sp.Integer(1), sp.Integer(2)  # r0 < r_∞: the remark holds
    assert sp.N(mag.rho_printed(r0, r_inf, sp.Rational(1, 2)) - mag.rho_printed(r0, r_inf, 1), 30) > 0


def test_theorem_2_1_radius_is_not_lim_r():
    d = mag.radius_in_theorem_2_1()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.corrected, d.derived).outcome == Outcome.AGREES


def test_lemma_3_9_printed_sum_is_not_conserved_but_the_corrected_one_is():
    assert bounds.printed_sum_3_9().outcome == Outcome.DIFFERS
    assert bounds.conserved_sums_3_9().outcome == Outcome.AGREES


def test_bound_50_as_printed_is_weaker_than_derived():
    d = bounds.bound_50_3_11()
    assert d.outcome == Outcome.AGREES
    assert d.printed[0].is_positive
