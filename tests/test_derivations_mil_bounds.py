"""mil bounds: Section 1, Remark 1.2, Lemma 2.7 with Appendix A.2, the proof of Theorem 2.1, A.3."""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import best_s_term, least_squares_flow, noise_robust_recovery, scale_symmetry
from dlncheck.derivations import coordinate_functions as cf
from dlncheck.derivations import l1_bound_counterexample as bc
from dlncheck.derivations import l1_error_bounds as eb
from dlncheck.derivations import signed_factorization as sf
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare

# ----------------------------------------------------------------------------- Section 1, A.1


def test_overparameterized_losses_at_identical_factors_are_the_reduced_losses():
    assert sf.losses_reduce_at_identical_factors().outcome == Outcome.AGREES


def test_partial_gradients_of_the_signed_reduced_loss_are_as_printed():
    assert sf.signed_partial_gradients().outcome == Outcome.AGREES


def test_identical_signed_factors_stay_identical():
    assert sf.signed_factor_balancedness().outcome == Outcome.AGREES


def test_signed_factor_flow_is_the_reduced_flow_at_time_t_over_L_not_t():
    d = sf.signed_reduced_dynamics()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance["params"]["L"] >= 2
    assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert sf.signed_flow_equivalence_up_to_time().outcome == Outcome.AGREES


def test_least_squares_flow_and_descent_from_zero_reach_the_minimum_norm_solution():
    for derive in (
        least_squares_flow.gradient_flow_one_row,
        least_squares_flow.gradient_descent_one_row,
        least_squares_flow.gradient_flow_two_rows,
        least_squares_flow.spectral_coordinates_any_rank,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__


def test_best_s_term_error_is_the_sum_of_the_smallest_magnitudes():
    assert best_s_term.best_s_term_error().outcome == Outcome.AGREES
    assert best_s_term.sparse_vectors_have_zero_error().outcome == Outcome.AGREES


# ----------------------------------------------------------------------------- (11), Remark 1.2


def test_equation_11_is_9_at_uniform_initialization():
    assert eb.equation_11().outcome == Outcome.AGREES


def test_flow_of_theorem_1_1_is_scale_covariant_with_time_lambda_to_2L_minus_2():
    assert scale_symmetry.flow_scaling().outcome == Outcome.AGREES
    assert scale_symmetry.limit_and_solution_set_scaling().outcome == Outcome.AGREES
    assert scale_symmetry.bound_9_scaling().outcome == Outcome.AGREES


def test_bound_11_is_proportional_to_N_and_c_L_over_L_tends_to_1():
    assert scale_symmetry.dimension_linearity().outcome == Outcome.AGREES
    assert scale_symmetry.depth_growth().outcome == Outcome.AGREES
    assert scale_symmetry.depth_offset().outcome == Outcome.AGREES  # c_L = L + log(L/2) + o(1)


def test_theorem_1_4_last_term_is_not_scale_consistent_but_the_proofs_is():
    L = scale_symmetry.L
    exps = scale_symmetry.scale_exponents()
    assert exps["Thm 1.4 left ||x̃_∞ - x_*||_2"] == L
    assert exps["Thm 1.4 last term C'||e||_2 ||x̃_∞ - x_*||_1 (as printed)"] == 2 * L
    assert exps["A.3 final term C'||e||_2"] == L
    assert scale_symmetry.theorem_1_4_scale_consistency().outcome == Outcome.DIFFERS


# ----------------------------------------------------------------------------- A.2


def test_cases_40_41_43_follow_from_convexity():
    for derive in (
        eb.case_both_below_c_distance,
        eb.case_both_below_c_values,
        eb.case_z_below_c_below_xt,
        eb.eq43_chain_steps,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__


def test_case_42_holds_above_z_and_fails_below_z():
    assert eb.case_z_above_c("above").outcome == Outcome.AGREES
    below = eb.case_z_above_c("below")
    assert below.outcome == Outcome.DIFFERS
    assert below.witness_instance == {"params": {"xt": "81", "z": "100"}}
    # at the witness: x̃ - z = -19, (g(x̃) - g(z))/g'(c) = -34
    right = eb.eq42_printed_right().xreplace(eb.EQ42_WITNESS)
    assert right == -34


def test_printed_step_of_case_42_runs_the_wrong_way():
    assert eb.eq42_printed_intermediate_step().outcome == Outcome.DIFFERS


def test_witness_g_has_the_constants_of_28_at_depth_4():
    assert eb.witness_g_constants() == {"c": 4, "g_min": -2, "slope": 1}


def test_lemma_2_7_fails_for_two_copies_of_the_papers_g():
    d = eb.lemma_2_7_counterexample()
    assert d.outcome == Outcome.DIFFERS
    W = eb.W
    assert sp.expand(d.derived - (2 * W - 2)) == 0  # unbounded along the family
    left, right, hypothesis = eb.lemma_2_7_sides()
    point = {s: sp.Integer(v) for s, v in eb.LEMMA_POINT.items()}
    assert bool(hypothesis.xreplace(point))  # (25) holds (with equality)
    assert left.xreplace(point) == 16 and right == 12


def test_lemma_2_7_fails_also_for_the_depth_2_g():
    d = eb.lemma_2_7_depth_2()
    assert d.outcome == Outcome.DIFFERS
    assert sp.Float(d.witness_value) < -sp.Rational(1, 2)


def test_chain_of_A2_fails_at_its_first_step_and_misreads_25():
    assert eb.chain_first_step_at_witness().outcome == Outcome.DIFFERS
    assert eb.chain_step_25().outcome == Outcome.DIFFERS
    assert eb.chain_endpoints().outcome == Outcome.DIFFERS


# ----------------------------------------------------------------------------- proof of Thm 2.1


def test_c_L_of_17_is_c_L_of_10():
    assert eb.equation_17(2).outcome == Outcome.AGREES
    assert eb.equation_17(cf.L_SYMBOLIC).outcome == Outcome.AGREES


def test_theorem_2_1_middle_term_needs_c_n_per_unit_initialization():
    for depth in (2, cf.L_SYMBOLIC):
        d = eb.theorem_2_1_middle_term(depth)
        assert d.outcome == Outcome.DIFFERS
        assert compare(d.derived, d.corrected).outcome == Outcome.AGREES
    assert eb.theorem_2_1_middle_term(cf.L_SYMBOLIC).witness_instance is not None


def test_theorem_2_1_end_points_agree():
    assert eb.theorem_2_1_endpoints(2).outcome == Outcome.AGREES
    assert eb.theorem_2_1_endpoints(cf.L_SYMBOLIC).outcome == Outcome.AGREES


# ----------------------------------------------------------------------------- A.3


def test_46_follows_from_9():
    assert noise_robust_recovery.equation_46().outcome == Outcome.AGREES


def test_sigma_step_of_A3_drops_a_factor_2_and_C_prime_doubles_its_first_term():
    step = noise_robust_recovery.sigma_step()
    assert step.outcome == Outcome.DIFFERS
    assert step.witness_value == "-1"
    constant = noise_robust_recovery.final_constant()
    assert constant.outcome == Outcome.DIFFERS
    C, d, s, s_star, dp = sp.symbols("C d s s_star dprime", positive=True)
    assert sp.simplify(constant.corrected - (2 * C * d * sp.sqrt(s_star) / sp.sqrt(s) + dp)) == 0


# ----------------------------------------------------------------------------- (9), (11), (16)


def test_bound_11_fails_at_the_flow_limit_of_theorem_3_1():
    d = bc.equation_11_counterexample()
    assert d.outcome == Outcome.DIFFERS
    gap = bc.kkt_point()["gap"].xreplace(bc.WITNESS)
    assert gap.is_Rational and gap > 32 and bc.bound_11_right() == 24


def test_bound_16_fails_at_the_flow_limit_of_theorem_2_2():
    d = bc.theorem_2_1_counterexample()
    assert d.outcome == Outcome.DIFFERS
    assert bc.bound_16_right() == 12


def test_kkt_point_is_the_limit_of_the_integrated_flow():
    """Integrate the flow of (7) (log coordinates) and compare its limit with the KKT point."""
    import numpy as np
    from scipy.integrate import solve_ivp

    k = {name: float(e.xreplace(bc.WITNESS)) for name, e in bc.kkt_point().items()}
    A = np.array([1.0, float(bc.WITNESS[bc.a])])
    depth = int(bc.DEPTH)

    def rhs(_t, z):
        u, v = np.exp(z[:2]), np.exp(z[2:])
        r = A @ (u**depth - v**depth) - k["b"]
        return np.concatenate([-depth * r * A * u ** (depth - 2), depth * r * A * v ** (depth - 2)])

    sol = solve_ivp(rhs, (0, 1e4), np.zeros(4), method="Radau", rtol=1e-10, atol=1e-12)
    u, v = np.exp(sol.y[:2, -1]), np.exp(sol.y[2:, -1])
    x = u**depth - v**depth
    assert sol.status == 0
    assert abs(x[1] - (k["p2"] - k["q2"])) < 1e-6 * k["p2"]  # relative: limit of a stiff flow
    assert abs(x).sum() - k["b"] > 32
