"""mil §1.2 and A.3: the null-space and quotient constants (numerics), the recovery bounds at the
flow's limit (Corollary 1.3, Theorem 1.4, A.3's final display) and their hypotheses."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from cli_support import assert_one_line_error, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from dlncheck.checks.audit import HOLDS, VIOLATED
from dlncheck.checks.claims.mil_recovery_bounds import (
    A3_EXAMPLE,
    A3_FINAL,
    COROLLARY_1_3,
    COROLLARY_EXAMPLE,
    THEOREM_1_4,
    THEOREM_EXAMPLE,
    error_vector,
)
from dlncheck.checks.context import RunContext
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.gaussian_measurement import GaussianTrend, upper_quantile
from dlncheck.checks.limit_audit import escalate_limit, float64_limit
from dlncheck.checks.recovery_constants import sigma
from dlncheck.checks.recovery_strategies import nsp_matrices
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import coherence_sample_complexity, signed_solution_set
from dlncheck.derivations import noise_robust_recovery as nrr
from dlncheck.derivations.derivation import Outcome
from dlncheck.numerics.quotient_property import quotient_constant, quotient_constant_float
from dlncheck.numerics.robust_null_space import rnsp_order_one_margin_squared_sides, robust_nsp_order_one
from dlncheck.numerics.sparse_recovery import certify_l1_minimizer
from dlncheck.numerics.stable_null_space import (
    nsp_ratio,
    stable_nsp_constant,
    stable_nsp_constant_by_lp,
    stable_nsp_constant_float,
)

F = Fraction
# Unit columns at the angles 0, 2 arctan(1/4), 2 arctan(1/2) of the circle (Pythagorean triples).
TRIANGLE = [[F(1), F(15, 17), F(3, 5)], [F(0), F(8, 17), F(4, 5)]]
# HiGHS's tolerances are 1e-7: the float LP against the exact value.
FLOAT_LP_AGREEMENT = 1e-7


def _file(tmp_path, data) -> str:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    return str(path)


# ------------------------------------------------------------------ the stable NSP constant


def test_stable_nsp_constant_of_three_unit_columns_is_the_circuit_ratio():
    """ker A is spanned by one circuit e; ρ_1 = max|e_j| / (‖e‖₁ - max|e_j|) = 17/19."""
    rho = stable_nsp_constant(TRIANGLE, 1)
    assert rho.value == F(17, 19)
    e = rho.witness
    assert all(sum(TRIANGLE[i][j] * e[j] for j in range(3)) == 0 for i in range(2))
    assert nsp_ratio(e, 1) == F(17, 19)


def test_stable_nsp_constant_is_infinite_for_a_zero_column_and_zero_for_injective_a():
    """A zero column is a circuit with one entry (ratio ∞); parallel columns (1, 1), (2, 2) give the
    circuit (2, -1, 0) of ratio 2; an injective A has no kernel (ratio 0)."""
    zero_column = [[F(1), F(0), F(3)], [F(1), F(0), F(0)]]
    assert stable_nsp_constant(zero_column, 1).value is None
    assert stable_nsp_constant_by_lp(zero_column, 1).value is None
    assert stable_nsp_constant([[F(1), F(2), F(3)], [F(1), F(2), F(0)]], 1).value == 2
    assert stable_nsp_constant([[F(1), F(0)], [F(0), F(1)]], 1).value == 0


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(2, 6), st.integers(1, 2), st.data())
def test_circuits_and_certified_lps_give_the_same_stable_nsp_constant(m, n, s, data):
    A = [[F(data.draw(st.integers(-6, 6)), 2) for _ in range(n)] for _ in range(m)]
    s = min(s, n)
    by_circuits, by_lp = stable_nsp_constant(A, s), stable_nsp_constant_by_lp(A, s)
    assert by_lp.certified
    assert by_circuits.value == by_lp.value


def test_float_stable_nsp_constant_agrees_with_the_exact_one():
    rng = np.random.default_rng(3)
    A = rng.integers(-8, 9, size=(3, 7)) / 4
    exact = stable_nsp_constant([[F(x).limit_denominator(4) for x in row] for row in A], 1).value
    assert stable_nsp_constant_float(A) == pytest.approx(float(exact), rel=FLOAT_LP_AGREEMENT)


# ------------------------------------------------------------------ (13) and the quotient constant


def test_robust_nsp_witness_attains_equality_and_no_tau_works_below_rho_1():
    rho = F(9, 10)
    robust = robust_nsp_order_one(TRIANGLE, rho)
    excess, right = rnsp_order_one_margin_squared_sides(TRIANGLE, robust.witness, rho, F(1), robust.index)
    assert excess > 0 and excess * excess == robust.tau_squared * right
    assert robust_nsp_order_one(TRIANGLE, F(17, 19) - F(1, 100)).tau_squared is None


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(-8, 8), min_size=3, max_size=3))
def test_robust_nsp_holds_with_the_optimal_tau_at_drawn_vectors(entries):
    rho = F(9, 10)
    robust = robust_nsp_order_one(TRIANGLE, rho)
    v = [F(x, 4) for x in entries]
    for i in range(3):
        excess, right = rnsp_order_one_margin_squared_sides(TRIANGLE, v, rho, F(1), i)
        assert excess <= 0 or excess * excess <= robust.tau_squared * right


def test_quotient_constant_is_attained_by_the_l1_minimum_at_its_vertex():
    A = [[F(1), F(0), F(1), F(1)], [F(0), F(1), F(1), F(-1)]]
    q = quotient_constant(A)
    assert certify_l1_minimizer(A, list(q.vertex), positive=False).value == q.q_star
    for e in ([F(1), F(0)], [F(2), F(-1)], [F(1, 3), F(5)]):
        value = certify_l1_minimizer(A, e, positive=False).value
        assert value**2 <= q.q_star * sum(x * x for x in e)
    assert quotient_constant_float(np.array(A, dtype=float)) == pytest.approx(float(q.q_star))


# ------------------------------------------------------------------ derivations


@pytest.mark.parametrize(
    "derive",
    [
        nrr.l1_error_from_13,
        nrr.equation_45,
        nrr.equation_44,
        signed_solution_set.decomposition_identities,
        signed_solution_set.difference_map_onto_solution_set,
        signed_solution_set.l1_over_the_representation,
        coherence_sample_complexity.coherence_needs_quadratic_measurements,
    ],
)
def test_derivations_of_the_recovery_constants_agree(derive):
    assert derive().outcome == Outcome.AGREES


def test_the_derived_constant_of_45_is_what_the_audit_uses():
    """C = (1+ρ)²/(1-ρ) at ρ = 1/2 is 9/2 (the symbolic constant of derivations.noise_robust_recovery)."""
    assert nrr.C_45.subs(nrr.k_rho, 1) == F(9, 2)


# ------------------------------------------------------------------ the bounds at the flow's limit


def test_corollary_1_3_fails_on_its_example_with_a_certified_margin():
    result = escalate_limit(COROLLARY_1_3, COROLLARY_1_3.parse(COROLLARY_EXAMPLE))
    assert result.status == VIOLATED
    assert result.slack < -100  # the bound ∝ α², the error ∝ α^{4/3} (α = 1e-3)


def test_theorem_1_4_printed_fails_and_what_the_proof_proves_holds_on_the_example():
    printed = escalate_limit(THEOREM_1_4, THEOREM_1_4.parse(THEOREM_EXAMPLE))
    assert printed.status == VIOLATED
    proved = {**THEOREM_EXAMPLE, "params": {**THEOREM_EXAMPLE["params"], "form": "proved"}}
    assert escalate_limit(THEOREM_1_4, THEOREM_1_4.parse(proved)).status == HOLDS
    assert escalate_limit(A3_FINAL, A3_FINAL.parse(A3_EXAMPLE)).status == VIOLATED


def test_theorem_1_4_with_noise_is_evaluated_with_the_noise_in_y():
    data = {**THEOREM_EXAMPLE, "params": {"s": 1, "noise": ["1/100", "-1/50"], "form": "proved"}}
    instance = THEOREM_1_4.parse(data)
    assert instance.y == (F(1) + F(1, 100), F(-1, 50))  # x* = e_1, A e_1 = (1, 0)
    assert escalate_limit(THEOREM_1_4, instance).status == HOLDS


def test_error_vector_without_cancellation_matches_the_direct_difference():
    data = {**COROLLARY_EXAMPLE, "init": {"alpha": "1e-1"}}
    instance = COROLLARY_1_3.parse(data)
    limit = float64_limit(instance).values
    direct = [x - float(a) for x, a in zip(limit, instance.x_star, strict=True)]
    assert error_vector(instance, limit, False) == pytest.approx(direct, rel=1e-9, abs=1e-12)


def test_sigma_is_the_sum_of_the_smallest_entries():
    assert sigma((F(3), F(-1), F(2)), 1) == 3
    assert sigma((F(3), F(0), F(0)), 1) == 0


@pytest.mark.parametrize(
    ("bound", "data", "fragment"),
    [
        (
            COROLLARY_1_3,
            {**COROLLARY_EXAMPLE, "A": [["1", "2", "3"]], "x_star": ["1", "0", "0"]},
            "stable NSP",
        ),
        (COROLLARY_1_3, {**COROLLARY_EXAMPLE, "params": {"s": 1, "rho": "1/2"}}, "ρ_s(A) = 17/19"),
        (
            THEOREM_1_4,
            {
                **THEOREM_EXAMPLE,
                "A": [["1", "15/17", "3/5"], ["0", "8/17", "4/5"]],  # N = 3: s_* > 1
                "x_star": ["1", "0", "0"],
            },
            "c > 1",
        ),
        (THEOREM_1_4, {**THEOREM_EXAMPLE, "params": {"s": 2, "noise": ["0", "0"]}}, "order 1 only"),
        (THEOREM_1_4, {**THEOREM_EXAMPLE, "params": {"s": 1, "noise": ["0", "0"], "tau": "1/2"}}, "τ*(ρ)"),
        (THEOREM_1_4, {**THEOREM_EXAMPLE, "params": {"s": 1, "noise": ["0", "0"], "d": "1/10"}}, "quotient"),
        (
            COROLLARY_1_3,
            {key: v for key, v in COROLLARY_EXAMPLE.items() if key != "x_star"} | {"y": ["1", "0"]},
            "give x_star",
        ),
    ],
)
def test_instances_outside_the_hypotheses_are_refused_naming_the_hypothesis(bound, data, fragment):
    with pytest.raises(InstanceError, match=None) as error:
        bound.parse(data)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_audit_command_decides_corollary_1_3_at_a_flow_instance(tmp_path, capsys):
    code, out, err = run_cli(capsys, "audit", "mil.cor1.3", "--instance", _file(tmp_path, COROLLARY_EXAMPLE))
    assert code == 1, err
    assert "status: violated" in out
    bad = {**COROLLARY_EXAMPLE, "A": [["1", "2", "3"]], "x_star": ["1", "0", "0"]}
    code, out, err = run_cli(capsys, "audit", "mil.cor1.3", "--instance", _file(tmp_path, bad))
    assert_one_line_error(err, "stable NSP", code=code)


def test_nsp_matrix_strategy_draws_only_matrices_with_the_property():
    @settings(max_examples=15, deadline=None)
    @given(nsp_matrices())
    def draws(A):
        rho = stable_nsp_constant(A, 1).value
        assert rho is not None and rho < 1

    draws()


# ------------------------------------------------------------------ Gaussian measurements


def test_upper_quantile_counts_infinite_draws():
    assert upper_quantile([1.0, 2.0, 3.0, math.inf], 0.75) == 3.0
    assert upper_quantile([1.0, math.inf], 0.9) == math.inf


@pytest.mark.parametrize(("growth", "verdict"), [(-1.0, Verdict.SUPPORTED), (1.0, Verdict.INCONCLUSIVE)])
def test_gaussian_trend_supports_only_a_constant_that_does_not_grow_with_n(growth, verdict):
    trend = GaussianTrend(
        name="synthetic",
        description="the statistic N^growth",
        families=(((2, 4), (2, 8)),),
        statistic=lambda A: A.shape[1] ** growth,
        statistic_doc="N^growth",
        draws=5,
    )
    assert trend.run(None, RunContext()).verdict == verdict
