"""Matt–Stöger's null-space constants ϱ, ϱ̃, ϱ⁻ (ms (II.1)–(II.2)) and Lemma III.1.

Certificates are re-checked in plain Fractions; the values are compared with an independent
brute force over the vertices of P = {n : An = 0, n_𝒮ᶜ ≥ 0, 𝟙ᵀn_𝒮ᶜ = 1} (a convex ratio numerator
is maximized at a vertex), with ϱ's dual LP, and with the MILP.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from dlncheck.numerics.null_space_constants import (
    NullSpaceConstant,
    UndefinedConstantError,
    ms_dimensions,
    null_space_constants,
    rho,
    rho_minus,
    rho_tilde,
)
from dlncheck.numerics.sparse_recovery import exact_measurements

# ϱ from two float LPs (primal over P, dual over μ) and from a MILP: HiGHS's tolerances are 1e-7.
FLOAT_AGREEMENT_TOL = 1e-7
# The big instance of the project (N = 1000, M = 150): ϱ's LP must run in seconds.
BIG_LP_SECONDS = 30.0

# ----------------------------------------------------------------------------------------
# independent exact tools


def exact(A) -> list[list[Fraction]]:
    return [[Fraction(v) for v in row] for row in np.asarray(A, dtype=object).tolist()]


def solve_unique(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of rows·u = rhs by Gauss–Jordan in Fractions, or None."""
    k = len(rows[0])
    aug = [[*row, b] for row, b in zip(rows, rhs, strict=True)]
    pivot_row = 0
    for col in range(k):
        pivot = next((r for r in range(pivot_row, len(aug)) if aug[r][col] != 0), None)
        if pivot is None:
            return None  # a free variable: not unique
        aug[pivot_row], aug[pivot] = aug[pivot], aug[pivot_row]
        p = aug[pivot_row][col]
        aug[pivot_row] = [v / p for v in aug[pivot_row]]
        for r in range(len(aug)):
            if r != pivot_row and aug[r][col] != 0:
                f = aug[r][col]
                aug[r] = [a - f * b for a, b in zip(aug[r], aug[pivot_row], strict=True)]
        pivot_row += 1
    if any(aug[r][k] != 0 for r in range(pivot_row, len(aug))):
        return None  # inconsistent
    return [aug[r][k] for r in range(k)]


def ratios(n: list[Fraction], S, Sc) -> dict[str, Fraction]:
    """The three ratios of ms (II.1)–(II.2) at n ∈ 𝒩 ∖ {0}."""
    den = sum(n[j] for j in Sc)
    return {
        "rho": -sum(n[i] for i in S) / den,
        "rho_tilde": sum(abs(n[i]) for i in S) / den,
        "rho_minus": sum(-n[i] for i in S if n[i] < 0) / den,
    }


def brute_force_constants(A, S) -> dict[str, Fraction]:
    """max of each ratio over the vertices of P: for each J ⊆ 𝒮ᶜ, the unique solution (if any)
    of A_𝒮 n_𝒮 + A_J v_J = 0, 𝟙ᵀv_J = 1 with v_J ≥ 0 (all vertices of P arise so)."""
    A = exact(A)
    m, n = len(A), len(A[0])
    Sc = [j for j in range(n) if j not in S]
    best: dict[str, Fraction] = {}
    for r in range(1, len(Sc) + 1):
        for J in itertools.combinations(Sc, r):
            columns = list(S) + list(J)
            rows = [[A[i][j] for j in columns] for i in range(m)]
            rows.append([Fraction(0)] * len(S) + [Fraction(1)] * r)
            u = solve_unique(rows, [Fraction(0)] * m + [Fraction(1)])
            if u is None or any(v < 0 for v in u[len(S) :]):
                continue
            point = [Fraction(0)] * n
            for j, v in zip(columns, u, strict=True):
                point[j] = v
            for name, value in ratios(point, S, Sc).items():
                best[name] = max(best.get(name, value), value)
    return best


def rho_by_dual_lp(A, S) -> float:
    """ϱ = min { t : A_𝒮ᵀμ = 𝟙, ⟨a_j, μ⟩ ≤ t (j ∈ 𝒮ᶜ) } in float64 (LP duality for (II.1))."""
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    Sc = [j for j in range(n) if j not in S]
    cost = np.zeros(m + 1)
    cost[m] = 1.0
    res = linprog(
        cost,
        A_ub=np.hstack([A[:, Sc].T, -np.ones((len(Sc), 1))]),
        b_ub=np.zeros(len(Sc)),
        A_eq=np.hstack([A[:, list(S)].T, np.zeros((len(S), 1))]),
        b_eq=np.ones(len(S)),
        bounds=(None, None),
        method="highs",
    )
    assert res.status == 0
    return float(res.fun)


def all_weights(name: str, s: int) -> set[tuple[int, ...]]:
    if name == "rho":
        return {(-1,) * s}
    values = (1, -1) if name == "rho_tilde" else (0, -1)
    return set(itertools.product(values, repeat=s))


def assert_constant_certificate(A, S, constant: NullSpaceConstant) -> None:
    """Witness in 𝒩 attaining ``lower``; every dual bound valid; all weight vectors covered."""
    A = exact(A)
    m, n = len(A), len(A[0])
    Sc = [j for j in range(n) if j not in S]
    w = constant.witness
    assert all(sum(A[i][j] * w[j] for j in range(n)) == 0 for i in range(m))
    assert all(w[j] >= 0 for j in Sc) and sum(w[j] for j in Sc) == 1
    assert ratios(list(w), S, Sc)[constant.name] == constant.lower
    assert {b.weights for b in constant.bounds} == all_weights(constant.name, len(S))
    for bound in constant.bounds:
        mu = bound.mu
        for i, col in enumerate(S):  # A_𝒮ᵀμ = −w
            assert sum(A[r][col] * mu[r] for r in range(m)) == -bound.weights[i]
        for col in Sc:
            assert sum(A[r][col] * mu[r] for r in range(m)) <= bound.bound
    assert constant.upper == max(b.bound for b in constant.bounds)
    assert constant.certified == (constant.lower == constant.upper)


# ----------------------------------------------------------------------------------------
# strategies


@st.composite
def planted_integer_instances(draw):
    """Integer A (1–3 rows, rows + 1 to 5 columns) and y = Ax*, x* ≥ 0 sparse with integer entries."""
    m = draw(st.integers(1, 3))
    n = draw(st.integers(m + 1, 5))
    A = [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(m)]
    support = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=m))
    x = [draw(st.integers(1, 3)) if j in support else 0 for j in range(n)]
    y = [sum(a * b for a, b in zip(row, x, strict=True)) for row in A]
    return A, y


@st.composite
def gaussian_sparse_nonnegative_instances(draw, max_rows: int = 7):
    """Gaussian A with 2M ≤ N ≤ 3M and y = Ax* exactly, x* ≥ 0 with |supp x*| ≤ M/3.

    (With N close to M the cone 𝒩 is often {0}: the feasible set is the point x*.)
    """
    seed = draw(st.integers(0, 2**32 - 1))
    m = draw(st.integers(3, max_rows))
    n = draw(st.integers(2 * m, 3 * m))
    s = draw(st.integers(1, max(1, m // 3)))
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    x = np.zeros(n)
    x[rng.choice(n, s, replace=False)] = rng.uniform(0.5, 2.0, s)
    return A, exact_measurements(A, x)


# ----------------------------------------------------------------------------------------
# closed forms


def test_hand_solved_instance_has_rho_one_half():
    # ker A = span(1, 1, -1), x* = e_3: 𝒩 = {t(1, 1, -1) : t ≥ 0}, every ratio is t/(2t) = 1/2
    constants = null_space_constants([[1, 0, 1], [0, 1, 1]], [1, 1])
    assert constants.exist and constants.support == (2,)
    assert constants.rho.exact == constants.rho_tilde.exact == constants.rho_minus.exact == Fraction(1, 2)
    assert constants.rho_below_one is True


def test_rho_can_be_negative_contrary_to_the_introductions_range_0_1():
    # ms §I says ϱ ∈ (0, 1); Lemma III.1(ii) only says -∞ < ϱ < 1.  A = [1, -1], y = 1:
    # x* = (1, 0) is the unique minimizer, 𝒩 = {t(1, 1) : t ≥ 0}, so ϱ = -1, ϱ̃ = 1, ϱ⁻ = 0.
    constants = null_space_constants([[1, -1]], [1])
    assert constants.exist and constants.hypotheses.assumption_holds
    assert constants.minimizer == (1, 0)
    assert constants.rho.exact == -1
    assert constants.rho_tilde.exact == 1
    assert constants.rho_minus.exact == 0


@settings(max_examples=30)
@given(st.fractions(min_value=-3, max_value=Fraction(6, 7), max_denominator=7))
def test_one_row_instance_has_rho_equal_to_its_second_coefficient(a):
    # A = [1, a], y = 1, a < 1: x = (1 - at, t), ‖x‖₁ = 1 + (1 - a)t, so x* = e_1 uniquely;
    # 𝒩 = {s(-a, 1) : s ≥ 0}: ϱ = a, ϱ̃ = |a|, ϱ⁻ = max(a, 0).  Every value in (-∞, 1) occurs.
    constants = null_space_constants([[1, a]], [1])
    assert constants.exist and constants.minimizer == (1, 0)
    assert constants.rho.exact == a
    assert constants.rho_tilde.exact == abs(a)
    assert constants.rho_minus.exact == max(a, 0)


def test_ms_dimensions_convert_rows_and_columns():
    assert ms_dimensions(np.zeros((150, 1000))) == (150, 1000)  # ms's N = M rows, ms's d = N columns


# ----------------------------------------------------------------------------------------
# when the constants do not exist


def test_constants_do_not_exist_when_the_minimizer_is_not_unique():
    constants = null_space_constants([[1, 1]], [1])
    assert not constants.exist
    assert constants.hypotheses.unique_minimizer.status == "refuted"
    assert constants.rho is None


@pytest.mark.parametrize(
    ("A", "y", "words"),
    [
        ([[1, 0], [0, 1]], [1, 2], "feasible set is {x*}"),  # 𝒮ᶜ = ∅
        ([[1, 0, 0], [0, 1, 1]], [1, 0], "𝒩 = {0}"),  # x2 + x3 = 0 pins x2 = x3 = 0
    ],
)
def test_constants_do_not_exist_when_the_feasible_set_is_one_point(A, y, words):
    constants = null_space_constants(A, y)
    assert not constants.exist
    assert constants.hypotheses.two_feasible_points is False
    assert words in constants.hypotheses.message
    assert "\n" not in constants.message


def test_constants_do_not_exist_for_zero_data():
    constants = null_space_constants([[1, 2, 3]], [0])
    assert not constants.exist and not constants.hypotheses.y_nonzero


@pytest.mark.parametrize(
    ("A", "support", "words"),
    [
        ([[1, 1, 0]], (0, 1), "ker A_𝒮"),
        ([[1, 0], [0, 1]], (0, 1), "𝒮ᶜ is empty"),
        ([[1, 0, 0], [0, 1, 1]], (0,), "𝒩 = {0}"),
        ([[1, 2]], (5,), "lie in 0..1"),
        ([[1, 2]], (0, 0), "repeated"),
    ],
)
def test_undefined_constants_raise_one_line_errors(A, support, words):
    with pytest.raises(ValueError, match=words) as raised:
        rho(A, support)
    assert "\n" not in str(raised.value)
    if words.startswith(("ker", "𝒮ᶜ", "𝒩")):
        assert isinstance(raised.value, UndefinedConstantError)


# ----------------------------------------------------------------------------------------
# exact values, three ways


@settings(max_examples=40)
@given(planted_integer_instances())
def test_constants_equal_the_brute_force_maximum_over_the_vertices_of_P(instance):
    A, y = instance
    constants = null_space_constants(A, y)
    if not constants.exist:
        return
    S = constants.support
    expected = brute_force_constants(A, S)
    for constant in (constants.rho, constants.rho_tilde, constants.rho_minus):
        assert constant.certified, constant.message
        assert constant.exact == expected[constant.name]
        assert_constant_certificate(A, S, constant)


@settings(max_examples=40)
@given(planted_integer_instances())
def test_rho_by_the_primal_lp_equals_the_dual_lp(instance):
    A, y = instance
    constants = null_space_constants(A, y)
    if not constants.exist:
        return
    assert abs(float(constants.rho.exact) - rho_by_dual_lp(A, constants.support)) <= FLOAT_AGREEMENT_TOL


@settings(max_examples=15)
@given(gaussian_sparse_nonnegative_instances(max_rows=5))
def test_enumeration_and_milp_agree_on_rho_tilde_and_rho_minus(instance):
    A, y = instance
    constants = null_space_constants(A, y, method="enumerate")
    if not constants.exist:
        return
    S = constants.support
    for name, function in (("rho_tilde", rho_tilde), ("rho_minus", rho_minus)):
        enumerated = getattr(constants, name)
        assert enumerated.certified, enumerated.message
        by_milp = function(A, S, method="milp")
        assert by_milp.method == "milp" and not by_milp.certified
        assert abs(by_milp.value - enumerated.value) <= FLOAT_AGREEMENT_TOL * max(1.0, abs(enumerated.value))
        assert by_milp.lower <= enumerated.exact  # the MILP's exact lower bound is a true lower bound


# ----------------------------------------------------------------------------------------
# Lemma III.1


@settings(max_examples=30)
@given(gaussian_sparse_nonnegative_instances())
def test_rho_is_below_one_on_gaussian_instances_with_sparse_nonnegative_minimizer(instance):
    A, y = instance
    constants = null_space_constants(A, y)
    assert constants.hypotheses.unique_minimizer.status == "certified"  # Gaussian: almost surely
    if not constants.exist:  # 𝒩 = {0} can happen when N is close to M
        assert constants.hypotheses.two_feasible_points is False
        return
    assert constants.rho_below_one is True and constants.rho.exact < 1
    S = constants.support
    for constant in (constants.rho, constants.rho_tilde, constants.rho_minus):
        assert constant.certified, constant.message
        assert_constant_certificate(A, S, constant)
    # ϱ ≤ ϱ⁻ ≤ ϱ̃ from the numerators: -Σn_i ≤ Σ(n_i)⁻ ≤ Σ|n_i|; ϱ⁻, ϱ̃ ≥ 0 (Lemma III.1(ii))
    assert constants.rho.exact <= constants.rho_minus.exact <= constants.rho_tilde.exact
    assert constants.rho_minus.exact >= 0


@settings(max_examples=60)
@given(planted_integer_instances())
def test_lemma_iii1_conclusions_hold_whenever_assumption_ii1_does(instance):
    A, y = instance
    constants = null_space_constants(A, y)
    hypotheses = constants.hypotheses
    assert constants.exist == hypotheses.assumption_holds
    if not hypotheses.assumption_holds:
        return
    # Lemma III.1(i)
    assert hypotheses.support_nonempty and hypotheses.complement_nonempty
    assert hypotheses.kernel_of_A_S_trivial
    # Lemma III.1(ii): -∞ < ϱ < 1, 0 ≤ ϱ̃, ϱ⁻ < ∞, suprema attained (certified = attained by the witness)
    assert constants.rho_below_one is True
    assert constants.rho_tilde.exact >= 0 and constants.rho_minus.exact >= 0
    assert all(c.certified for c in (constants.rho, constants.rho_tilde, constants.rho_minus))


# ----------------------------------------------------------------------------------------
# the project's big instance


@pytest.mark.slow
@pytest.mark.parametrize("s", [5, 10])
def test_big_instance_rho_lp_runs_in_seconds_and_is_certified_exactly(s):
    rng = np.random.default_rng(0)
    m, n = 150, 1000
    A = rng.standard_normal((m, n)) / np.sqrt(m)
    x = np.zeros(n)
    x[rng.choice(n, s, replace=False)] = rng.uniform(0.5, 2.0, s)
    y = exact_measurements(A, x)
    support = tuple(int(j) for j in np.flatnonzero(x))
    start = time.perf_counter()
    value = rho(A, support)
    assert time.perf_counter() - start < BIG_LP_SECONDS
    assert value.certified and value.exact < 1
    assert abs(value.value - rho_by_dual_lp(A, support)) <= FLOAT_AGREEMENT_TOL
    if s <= 5:  # ϱ̃, ϱ⁻ enumerate 2 × 2^|𝒮| LPs of ~0.5 s each: ~1 min here, ~20 min at |𝒮| = 10
        constants = null_space_constants(A, y)
        assert constants.exist and constants.rho_below_one is True
        assert constants.rho_tilde.certified and constants.rho_minus.certified
