"""The hypentropy of "Kernel and Rich Regimes": expansions, Lemmas 5-7 and Theorem 2, derived in SymPy."""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import hypentropy, hypentropy_bounds, hypentropy_expansions
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare


def test_gradient_of_Q_is_the_inverse_of_b_alpha_eq19():
    assert hypentropy.gradient_is_inverse_link().outcome == Outcome.AGREES


def test_q_and_Q_alpha_are_even_eq22():
    assert hypentropy.q_is_even().outcome == Outcome.AGREES


def test_every_line_of_eq23_equals_Q_alpha_over_log():
    assert hypentropy.lemma5_rewriting().outcome == Outcome.AGREES


def test_kernel_regime_expansion_eq6_holds():
    assert hypentropy_expansions.kernel_regime_expansion().outcome == Outcome.AGREES


def test_q_at_infinity_is_not_zlogz_plus_O_1_over_z_but_eq7_holds():
    d = hypentropy_expansions.rich_regime_expansion()
    assert d.outcome == Outcome.DIFFERS
    assert hypentropy_expansions.q_minus_zlogz_over_z() == -1
    assert d.witness_instance == {"params": {}}
    # the corrected expansion and (7) itself are among the agreeing steps
    assert sum("agrees" in step.text for step in d.steps) == 2
    z = hypentropy_expansions.zp
    assert sp.limit(z * (hypentropy.q_printed(z) - d.corrected), z, sp.oo) == -1


def test_eq31_last_line_has_one_quarter_not_one_half_under_the_root():
    d = hypentropy_expansions.q_at_large_argument()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"alpha": "1", "c": "1"}}
    derived = hypentropy.q_printed(1 / (hypentropy_expansions.c_sym * hypentropy.alpha**2))
    assert compare(derived, d.corrected).outcome == Outcome.AGREES


def test_eq32_two_sided_bound_holds():
    assert hypentropy_bounds.q_large_argument_bounds().outcome == Outcome.AGREES


def test_lemma5_upper_and_lower_bounds_eq25_eq28():
    assert hypentropy_bounds.lemma5_upper_bound().outcome == Outcome.AGREES
    assert hypentropy_bounds.lemma5_lower_bound().outcome == Outcome.AGREES


def test_lemma6_steps_eq34_eq35_eq37_and_lemma6():
    for derive in (
        hypentropy_bounds.ratio_bound,
        hypentropy_bounds.implication_chain,
        hypentropy_bounds.ratio_monotone,
        hypentropy_bounds.lemma6,
        hypentropy_bounds.footnote3,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__


def test_lemma7_derivatives_taylor_bound_and_lemma7():
    for derive in (
        hypentropy_bounds.phi_derivatives,
        hypentropy_bounds.taylor_remainder,
        hypentropy_bounds.lemma7,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__


def test_theorem2_thresholds_do_not_give_the_lemmas_hypotheses():
    d = hypentropy_bounds.theorem2_proof()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"b": "1", "d": 2, "epsilon": "1"}}
    left, right = hypentropy_bounds.threshold_requirements()
    at = hypentropy_bounds.THEOREM2_WITNESS
    assert sp.Rational(1, 8) == left[0].xreplace(at)  # the theorem allows alpha <= 1/8 ...
    assert right[0].xreplace(at) == sp.Integer(6) ** sp.Rational(-3, 2)  # ... the proof needs 6^(-3/2)
    assert (right[1] - left[1]).xreplace(at).evalf(30) < 0  # l2: sqrt(12) < sqrt(3)(1 + 3^(1/4))
    # the corrected l1 threshold is below what Lemma 5 needs at (1+2eps)|beta*|_1
    corrected = d.corrected[0].xreplace(at)
    assert (right[0].xreplace(at) - corrected).evalf(30) >= 0


def test_theorem2_l2_holds_through_eq42():
    assert hypentropy_bounds.theorem2_l2().outcome == Outcome.AGREES


def test_corrected_l1_threshold_meets_every_use_of_lemma5_in_the_proof():
    assert all(p.outcome == Outcome.AGREES for p in hypentropy_bounds.corrected_l1_threshold_parts())


def test_l2_threshold_falls_below_lemma7s_alpha2_beyond_eps_0_648():
    left, right = hypentropy_bounds.threshold_requirements()
    gap = (right[1] - left[1]).subs(hypentropy_bounds.bstar, 1)  # theorem's threshold - alpha_2(eps', B)
    root = sp.nsolve(gap, hypentropy_bounds.eps, sp.Rational(1, 2))
    assert abs(root - sp.Float("0.64818")) < 1e-4
    assert gap.subs(hypentropy_bounds.eps, sp.Rational(1, 2)) > 0 > gap.subs(hypentropy_bounds.eps, 1)
