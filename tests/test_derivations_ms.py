"""Matt–Stöger: Sec. I, Lemma III.3 and the steps (III.1)-(III.12), derived in SymPy."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
from mpmath import findroot, log, mp, mpf, sqrt

from dlncheck.derivations import ms_definitions as defs
from dlncheck.derivations import ms_lower_bound as lower
from dlncheck.derivations import ms_upper_bound as upper
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare
from dlncheck.derivations.ms_sign_certificates import (
    Term,
    entropy_tangent,
    indexed_sum_inequality,
    inequality,
    log_below_tangent,
    log_monotone,
    nonnegative_by_minimum,
)
from dlncheck.numerics import null_space_constants as nsc

r = sp.Symbol("r", positive=True)


# ----------------------------------------------------------------------------- the sign machinery


def test_one_variable_sign_lemmas_are_decided():
    assert log_monotone().decided and entropy_tangent().decided and log_below_tangent().decided


def test_a_false_sign_lemma_is_never_decided_true():
    assert not nonnegative_by_minimum(sp.log(r) - r + 1 - (r - 1) ** 2, r)  # f(1) = 0 but f < 0 near 1
    assert not nonnegative_by_minimum(1 - r + sp.log(r), r)  # -(r - 1 - log r) <= 0


def test_an_unsigned_certificate_is_inconclusive_not_agrees():
    x = sp.Symbol("x", real=True)
    d = inequality(title="t", steps=(), lesser=0, greater=x, certificate=[Term(x)])
    assert d.outcome == Outcome.INCONCLUSIVE


# ----------------------------------------------------------------------------- Sec. I


def test_loss_is_the_unhalved_squared_residual():
    assert defs.loss_as_sum_over_rows().outcome == Outcome.AGREES


def test_ms_flow_is_mils_reduced_flow_at_twice_the_time():
    assert defs.flow_time_scale_against_mil().outcome == Outcome.AGREES


def test_least_squares_flow_from_zero_converges_to_the_minimal_norm_solution():
    assert defs.least_squares_flow_limit().outcome == Outcome.AGREES


def test_entropy_bregman_divergence_closed_form_and_nonnegativity():
    assert defs.entropy_bregman_closed_form().outcome == Outcome.AGREES
    assert defs.entropy_bregman_nonnegative().outcome == Outcome.AGREES


def test_lemma_iii3_is_the_first_order_condition_of_the_bregman_projection():
    assert defs.lemma_iii3_first_order_condition().outcome == Outcome.AGREES
    assert defs.lemma_iii3_split().outcome == Outcome.AGREES


# ----------------------------------------------------------------------------- Theorem II.2(a)


def test_upper_bound_steps_iii1_to_iii5_hold():
    for derive in (
        upper.l1_split,
        upper.right_side_chain,
        upper.log_sum_inequalities,
        upper.exponentiation_and_ii3,
    ):
        assert derive().outcome == Outcome.AGREES, derive.__name__


def test_log_sum_inequality_would_fail_without_the_size_of_the_complement():
    """(III.4) with |S^c| dropped from the logarithm is not implied: the witness search finds it."""
    n1, n2, alpha = sp.symbols("n_1 n_2 alpha", positive=True)
    total = n1 + n2
    d = inequality(
        title="t",
        steps=(),
        lesser=total * sp.log(total / alpha),
        greater=n1 * sp.log(n1 / alpha) + n2 * sp.log(n2 / alpha),
        certificate=[],
        points=[{n1: 1, n2: 1, alpha: 1}],
    )
    assert d.outcome == Outcome.DIFFERS


# ----------------------------------------------------------------------------- Theorem II.2(b)


def test_jensen_and_monotonicity_in_iii8_hold():
    assert lower.iii8_chain().outcome == Outcome.AGREES
    assert all(lower.jensen_step(k).outcome == Outcome.AGREES for k in lower.JENSEN_SIZES)


def test_log_sum_and_jensen_hold_for_a_symbolic_number_of_terms():
    assert upper.log_sum_inequality_symbolic_size().outcome == Outcome.AGREES
    assert lower.jensen_step_symbolic_size().outcome == Outcome.AGREES


def test_a_wrong_log_sum_bound_is_not_certified_over_a_symbolic_range():
    i, k = sp.symbols("i k", integer=True, positive=True)
    n = sp.IndexedBase("n", positive=True)
    total, alpha = sp.Sum(n[i], (i, 1, k)), upper.alpha
    greater = sp.Sum(n[i] * sp.log(n[i] / alpha), (i, 1, k))
    d = indexed_sum_inequality(
        title="t",
        steps=(),
        lesser=total * sp.log(total / (alpha * k)) + 1,
        greater=greater,
        summand_sum=greater,
        weight=total / k,
        fact=entropy_tangent(),
        arg=n[i] * k / total,
    )
    assert d.outcome == Outcome.INCONCLUSIVE


def test_iii9_and_iii10_hold_with_the_theorems_constant():
    assert lower.iii9_chain().outcome == Outcome.AGREES


def test_the_constant_recalled_before_iii9_has_kappa_to_the_rho_instead_of_rho_minus():
    d = lower.recalled_constant()
    assert d.outcome == Outcome.DIFFERS
    assert compare(d.corrected, lower.theorem_C()).outcome == Outcome.AGREES
    params = d.witness_instance["params"]
    assert params["rho"] != params["rho_minus"] and params["kappa_star"] != "1"


def test_ftc_display_holds():
    assert lower.ftc_display().outcome == Outcome.AGREES


def test_chain_before_iii11_holds():
    assert lower.iii11_chain_at_maximum().outcome == Outcome.AGREES


def test_iii11_drops_the_ratio_of_the_norms_of_m():
    d = lower.iii11_division()
    assert d.outcome == Outcome.DIFFERS
    assert d.witness_instance == {"params": {"alpha": "1/1000000", "t_lo": "83/100000"}}
    # the corrected bound B - rho~ C eps^{1-rho} follows from the same steps
    assert lower.iii11_corrected_follows().outcome == Outcome.AGREES
    assert compare(d.corrected, lower.B - lower.rho_tilde * lower.CE).outcome == Outcome.AGREES


def test_the_counterexample_instance_has_the_stated_constants():
    ce = lower.COUNTEREXAMPLE
    consts = nsc.null_space_constants([list(row) for row in ce.A], list(ce.y))
    assert consts.exist and consts.minimizer == tuple(Fraction(v) for v in ce.x_star)
    assert (consts.rho.exact, consts.rho_tilde.exact, consts.rho_minus.exact) == (
        ce.rho,
        ce.rho_tilde,
        ce.rho_minus,
    )
    # C = 43 and II.2(b)'s hypothesis eps^{1/2} <= 1/C: eps = alpha = (1/1000)^2
    assert ce.C == 43 and ce.alpha == Fraction(1, 1000) ** 2 and Fraction(1, 1000) <= Fraction(1, 43)
    # m spans ker A
    assert all(sum(a * m for a, m in zip(row, ce.m, strict=True)) == 0 for row in ce.A)


def test_counterexample_violates_iii11_and_ii4_at_the_true_bregman_projection():
    """Independent of the audit's bracketing: solve Lemma III.3 for t(alpha) at 40 digits."""
    ce = lower.COUNTEREXAMPLE
    with mp.workdps(40):
        a = mpf(ce.alpha.numerator) / ce.alpha.denominator
        g = lambda t: 10 * log((1 + 10 * t) / a) - mpf(21) / 2 * log((1 - mpf(21) / 2 * t) / a) + log(t / a)  # noqa: E731
        t = findroot(g, (mpf("5e-4"), mpf("9e-4")), solver="illinois")
        lhs = -10 * log((1 + 10 * t) / a) + mpf(21) / 2 * log((1 - mpf(21) / 2 * t) / a)
        printed = log(1 / a) / 2 - 43 * sqrt(a)
        corrected = log(1 / a) / 2 - mpf(41) / 2 * 43 * sqrt(a)
        assert t > mpf(ce.t_lo.numerator) / ce.t_lo.denominator
        assert lhs < printed - mpf("0.1") and lhs > corrected
        # (II.4): ||n_{S^c}||_inf / alpha^{1-rho} = t / sqrt(alpha) against c (1 - C eps^{1/2}), c = 1
        assert t / sqrt(a) < 1 - 43 * sqrt(a) - mpf("0.1")
        assert t / sqrt(a) > 1 - mpf(41) / 2 * 43 * sqrt(a)


def test_final_exponentiation_gives_ii4():
    assert lower.final_exponentiation().outcome == Outcome.AGREES


def test_iii12_directional_derivative_of_the_l1_norm():
    assert lower.iii12().outcome == Outcome.AGREES


def test_the_instance_refutes_ii4_through_the_formula_audit():
    """Ready for ms.thm2.2b: (II.4)'s bound exceeds t_hi/sqrt(alpha) >= the true ratio."""
    from dlncheck.checks.formula_audit import formula_audit
    from dlncheck.checks.instances import parse_instance

    audit = formula_audit(
        "ms.thm2.2b",
        lower.ii4_printed_bound_on_counterexample(),
        lower.ii4_quantity_bound_on_counterexample(),
        op="<=",
        left_name="(II.4) lower bound",
        right_name="t_hi/sqrt(alpha)",
        hypotheses=lower.ii4_counterexample_hypotheses(),
        example={"alpha": "1/1000000", "t_hi": "84/100000"},
    )
    instance = parse_instance(audit.example, audit.spec, "ms.thm2.2b")
    assert audit.evaluate(instance, 30).status == "violated"
