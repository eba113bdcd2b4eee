"""krr Section 4 (R_{alpha,1} and its quartic), (8)-(10), and Appendix H, derived with SymPy."""

from __future__ import annotations

import pytest
import sympy as sp

from dlncheck.derivations import krr_appendix_h as h
from dlncheck.derivations import krr_depth_d_model as depth_d
from dlncheck.derivations import krr_quartic_R as quartic
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare

# ------------------------------------------------------------------ Section 4: R_{alpha,1}


def test_quartic_p_z_is_the_eliminant_of_the_lagrange_conditions_of_9():
    d = quartic.quartic_by_elimination()
    assert d.outcome == Outcome.AGREES, d.message


def test_rational_branch_lies_on_the_quartic():
    on_curve = quartic.p_printed(quartic.r_of_mu(), quartic.z_of_mu())
    assert sp.cancel(sp.together(on_curve)) == 0


def test_p_z_has_two_real_roots_not_a_unique_one():
    d = quartic.real_root_count()
    assert d.outcome == Outcome.DIFFERS
    assert d.derived == 2 and d.printed == 1
    assert sp.factor(quartic.discriminant_of_p() + 16 * quartic.z**4 * (16 * quartic.z**2 + 27) ** 3) == 0
    roots = sp.real_roots(sp.Poly(quartic.p_printed(quartic.u, sp.Rational(32, 9)), quartic.u))
    assert len(set(roots)) == 2 and min(roots) == sp.Rational(10, 9)


def test_R_alpha_1_carries_the_factor_alpha_squared():
    d = quartic.alpha_scaling()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"alpha": "2", "mu": "1/2"}}
    # the corrected scale alpha^2 r agrees with the derivation
    assert compare(d.derived, quartic.alpha**2 * quartic.r_of_mu()).outcome == Outcome.AGREES


def test_minimum_of_9_at_the_witness_is_40_over_9():
    a, m = sp.Integer(2), sp.Rational(1, 2)
    wp, wm = a / (1 - m), a / (1 + m)
    assert wp**2 - wm**2 == a**2 * quartic.z_of_mu(m) == sp.Rational(128, 9)
    assert (wp - a) ** 2 + (wm - a) ** 2 == sp.Rational(40, 9)


def test_limits_of_R_and_Q_match_at_both_ends():
    d = quartic.limits_match()
    assert d.outcome == Outcome.AGREES, d.message


def test_R_approaches_l1_at_rate_alpha_and_Q_at_rate_one_over_log():
    d = quartic.rates_to_l1()
    assert d.outcome == Outcome.AGREES
    assert sp.simplify(quartic.R_rate_at_rich_end() + 2) == 0


def test_q_and_r_differ():
    assert quartic.q_and_r_differ_at_a_point().outcome == Outcome.AGREES


def test_linear_regression_flow_limit_is_the_nearest_interpolant():
    assert quartic.linear_regression_flow_limit().outcome == Outcome.AGREES


# ------------------------------------------------------------------ (10)


def test_depth_D_loss_is_twice_mil_L_pm():
    assert depth_d.loss_conversion().outcome == Outcome.AGREES


def test_tangent_kernel_at_initialization_is_8_alpha_squared_at_depth_2():
    assert depth_d.tangent_kernel_at_initialization().outcome == Outcome.AGREES


# ------------------------------------------------------------------ Appendix H


@pytest.mark.parametrize("dims", [(2, 1, 1), (2, 2, 1)])
def test_prediction_dynamics_have_sigma_8_not_4_under_the_papers_loss(dims):
    d = h.prediction_dynamics(*dims)
    assert d.outcome == Outcome.DIFFERS
    assert (d.derived - d.corrected).applyfunc(sp.expand) == sp.zeros(*d.derived.shape)


@pytest.mark.slow
def test_prediction_dynamics_with_two_measurements():
    d = h.prediction_dynamics(2, 2, 2)
    assert d.outcome == Outcome.DIFFERS
    assert (d.derived - d.corrected).applyfunc(sp.expand) == sp.zeros(*d.derived.shape)


def test_perturbation_identity_74():
    assert h.perturbation_identity_74().outcome == Outcome.AGREES


def test_lemma12_identity_79_and_chain_81():
    assert h.lemma12_algebra().outcome == Outcome.AGREES


def test_theorem9_integral_87_gives_the_printed_bound():
    assert h.theorem9_integral().outcome == Outcome.AGREES
    assert h.theorem9_bounds_are_the_lemma_bounds().outcome == Outcome.AGREES


def test_corollary10_constants_88_91_95_96():
    assert h.corollary10_constants().outcome == Outcome.AGREES


def test_width_condition_97_differs_and_corrected_condition_suffices():
    d = h.case_two_condition_97()
    assert d.outcome == Outcome.DIFFERS
    lower = h.alpha**2 * h.lam * h.k / (sp.sqrt(h.Lam) * h.C94)
    assert sp.simplify(lower.subs(h.k, d.corrected) - 2 * h.Y) == 0


def test_width_conditions_94_do_not_imply_93_at_the_witness():
    point = {h.alpha: 1, h.lam: 1, h.Lam: 1, h.d: 1, h.k: 204800, h.Y: 2048000}
    assert all(point[h.k] >= c.subs(point) for c in h.conditions_94())
    margin = (h.required_93() - sp.sqrt(h.y0_squared_bound_89())).subs(point)
    assert margin.evalf(30, strict=True) < 0


def test_bound_89_fails_at_an_initialization_in_the_event_88():
    d = h.initial_residual_bound_89()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"alpha": "1", "c": "1/100", "t": "3/5"}}


def test_last_step_of_99_differs():
    d = h.final_bounds_98_99()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES


def test_big_o_form_100():
    assert h.big_o_form_100().outcome == Outcome.AGREES


def test_kernel_regime_needs_alpha_slower_than_one_over_sqrt_k():
    d = h.kernel_regime_exponent()
    assert d.outcome == Outcome.DIFFERS
    assert d.derived == sp.Rational(1, 2) == d.corrected
    assert h.sigma_condition_matches_bounds().outcome == Outcome.AGREES


def test_R_alpha_1_is_convex_with_r_prime_the_lagrange_multiplier():
    assert quartic.r_is_convex().outcome == Outcome.AGREES


def test_kronecker_form_73_with_lifted_measurements():
    assert h.kronecker_form_73().outcome == Outcome.AGREES


def test_derived_sigma_is_centred_at_4_mu_calX_calX_T_as_in_74():
    d = h.sigma_centre_74()
    assert d.outcome == Outcome.AGREES
    assert d.steps[2].expr == (d.derived / 2).applyfunc(sp.expand)
