"""Reference minimizers of sparse recovery and their exact certificates (numerics.sparse_recovery).

Every certificate is re-checked here in plain ``fractions.Fraction`` arithmetic, independently of
the python-flint code that produced it.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from dlncheck.numerics.sparse_recovery import (
    InfeasibleSystemError,
    L1Certificate,
    certify_l1_minimizer,
    exact_measurements,
    l1_minimizer,
    l1_uniqueness,
    l2_minimizer,
    l2_minimizer_exact,
    linear_system,
    require_nonnegative_solution,
)

# Float64 values of a certified minimizer are correctly rounded; HiGHS's own point is feasible to
# ~1e-9 on these well-scaled instances (its tolerances are 1e-7 on much larger data).
AGREEMENT_TOL = 1e-7
# The big instance of the project: its LP must run in seconds (a loaded 2-core machine included).
BIG_LP_SECONDS = 20.0

# ----------------------------------------------------------------------------------------
# independent exact checks


def exact(A) -> list[list[Fraction]]:
    return [[Fraction(v) for v in row] for row in np.asarray(A, dtype=object).tolist()]


def matvec(A: list[list[Fraction]], z) -> list[Fraction]:
    return [sum((a * b for a, b in zip(row, z, strict=True)), Fraction(0)) for row in A]


def rmatvec(A: list[list[Fraction]], lam) -> list[Fraction]:
    return [sum((A[i][j] * lam[i] for i in range(len(A))), Fraction(0)) for j in range(len(A[0]))]


def assert_l1_certificate_exact(A, y, certificate: L1Certificate) -> None:
    """Primal feasible, dual feasible, equal objectives: exact optimality (weak duality)."""
    A, y = exact(A), [Fraction(v) for v in y]
    z, lam = certificate.minimizer, certificate.dual
    assert certificate.certified, certificate.message
    assert matvec(A, z) == y
    correlations = rmatvec(A, lam)
    if certificate.positive:
        assert all(v >= 0 for v in z)
        assert all(c <= 1 for c in correlations)
    else:
        assert all(abs(c) <= 1 for c in correlations)
    l1 = sum((abs(v) for v in z), Fraction(0))
    assert l1 == certificate.value == sum((a * b for a, b in zip(lam, y, strict=True)), Fraction(0))
    assert certificate.support == tuple(j for j, v in enumerate(z) if v != 0)


def assert_farkas_exact(A, y, error: InfeasibleSystemError) -> None:
    A, y = exact(A), [Fraction(v) for v in y]
    w = error.certificate.w
    correlations = rmatvec(A, w)
    if error.certificate.positive:
        assert all(c >= 0 for c in correlations)
    else:
        assert all(c == 0 for c in correlations)
    assert sum((a * b for a, b in zip(w, y, strict=True)), Fraction(0)) == error.certificate.inner_product < 0
    assert "\n" not in str(error)


def assert_is_minimizer(A, y, z, value: Fraction, positive: bool) -> None:
    assert matvec(exact(A), z) == [Fraction(v) for v in y]
    if positive:
        assert all(v >= 0 for v in z)
    assert sum((abs(v) for v in z), Fraction(0)) == value


# ----------------------------------------------------------------------------------------
# strategies


@st.composite
def sparse_instances(draw, *, positive: bool, max_rows: int = 6, max_cols: int = 12):
    """Gaussian A (float64) and y = Ax exactly, x s-sparse (nonnegative if ``positive``)."""
    seed = draw(st.integers(0, 2**32 - 1))
    m = draw(st.integers(2, max_rows))
    n = draw(st.integers(m + 1, max_cols))
    s = draw(st.integers(1, max(1, m // 2)))
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    x = np.zeros(n)
    x[rng.choice(n, s, replace=False)] = rng.uniform(0.5, 2.0, s) * (
        1 if positive else rng.choice([-1, 1], s)
    )
    return A, x, exact_measurements(A, x)


@st.composite
def small_integer_systems(draw):
    """Integer A (1–3 rows, up to 5 columns) and integer y, feasible or not."""
    m = draw(st.integers(1, 3))
    n = draw(st.integers(1, 5))
    entries = st.integers(-3, 3)
    A = [[Fraction(draw(entries)) for _ in range(n)] for _ in range(m)]
    y = [Fraction(draw(st.integers(-4, 4))) for _ in range(m)]
    return A, y


@st.composite
def full_row_rank_integer_systems(draw):
    m = draw(st.integers(1, 3))
    n = draw(st.integers(m, 5))
    A = [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(m)]
    y = [draw(st.integers(-4, 4)) for _ in range(m)]
    return A, y


# ----------------------------------------------------------------------------------------
# closed forms


@given(
    st.lists(st.integers(1, 9), min_size=1, max_size=6, unique=True),
    st.lists(st.integers(-9, 0), max_size=3),
    st.integers(1, 20),
)
def test_one_row_positive_minimizer_puts_all_mass_on_the_largest_coefficient(positives, others, y):
    row = positives + others
    certificate = certify_l1_minimizer([row], [y])
    j = row.index(max(row))
    expected = tuple(Fraction(y, row[j]) if k == j else Fraction(0) for k in range(len(row)))
    assert certificate.minimizer == expected
    assert certificate.value == Fraction(y, max(row))
    assert_l1_certificate_exact([row], [y], certificate)
    assert l1_uniqueness([row], [y], certificate=certificate).status == "certified"


@given(st.lists(st.integers(-9, 9).filter(bool), min_size=1, max_size=6, unique_by=abs), st.integers(-20, 20))
def test_one_row_signed_minimizer_uses_the_largest_absolute_coefficient(row, y):
    certificate = certify_l1_minimizer([row], [y], positive=False)
    j = max(range(len(row)), key=lambda k: abs(row[k]))
    expected = tuple(Fraction(y, row[j]) if k == j else Fraction(0) for k in range(len(row)))
    assert certificate.minimizer == expected
    assert_l1_certificate_exact([row], [y], certificate)
    assert l1_uniqueness([row], [y], certificate=certificate).status == "certified"


@pytest.mark.parametrize("positive", [True, False])
def test_identity_system_has_the_data_as_its_only_solution(positive):
    y = [Fraction(1, 3), Fraction(2), Fraction(5, 7)] if positive else [Fraction(-1, 3), Fraction(2), 0]
    A = [[Fraction(int(i == j)) for j in range(3)] for i in range(3)]
    certificate = certify_l1_minimizer(A, y, positive=positive)
    assert certificate.minimizer == tuple(Fraction(v) for v in y)
    assert_l1_certificate_exact(A, y, certificate)
    assert l1_uniqueness(A, y, certificate=certificate).status == "certified"


@pytest.mark.parametrize("positive", [True, False])
def test_hand_solved_instance_has_the_sparse_minimizer(positive):
    # x3 = t, x1 = x2 = 1 - t: ‖x‖₁ = 2|1 - t| + |t|, smallest at t = 1 only
    A, y = [[1, 0, 1], [0, 1, 1]], [1, 1]
    certificate = certify_l1_minimizer(A, y, positive=positive)
    assert certificate.minimizer == (0, 0, 1)
    assert certificate.value == 1
    assert_l1_certificate_exact(A, y, certificate)
    assert l1_uniqueness(A, y, certificate=certificate).status == "certified"


def test_zero_data_has_the_zero_minimizer():
    result = l1_minimizer([[1, -2, 3]], [0])
    assert result.converged and result.info["certificate"].minimizer == (0, 0, 0)
    assert np.all(result.value == 0) and result.residual == 0


# ----------------------------------------------------------------------------------------
# exact certificates on random instances


@settings(max_examples=25)
@given(sparse_instances(positive=True))
def test_l1_certificate_is_exact_on_random_sparse_nonnegative_instances(instance):
    A, _, y = instance
    assert_l1_certificate_exact(A, y, certify_l1_minimizer(A, y))


@settings(max_examples=25)
@given(sparse_instances(positive=False))
def test_signed_l1_certificate_is_exact_on_random_sparse_instances(instance):
    A, _, y = instance
    assert_l1_certificate_exact(A, y, certify_l1_minimizer(A, y, positive=False))


@settings(max_examples=15)
@given(sparse_instances(positive=True), st.booleans())
def test_l1_certificate_is_exact_on_float_data_whose_exact_minimizer_is_dense(instance, positive):
    # y = A @ x rounded to float64 is (almost surely) in the range of no few columns: the exact
    # minimizer of the binary data has full support, found by exact pivots from the residual, or,
    # for z ≥ 0 with few columns more than rows, the rounded y has left the cone: a Farkas vector.
    A, x, _ = instance
    y = A @ x
    try:
        certificate = certify_l1_minimizer(A, y, positive=positive)
    except InfeasibleSystemError as error:
        assert positive
        assert_farkas_exact(A, y, error)
        return
    assert_l1_certificate_exact(A, y, certificate)


@settings(max_examples=60)
@given(small_integer_systems(), st.booleans())
def test_small_integer_systems_are_certified_or_proved_infeasible(system, positive):
    A, y = system
    try:
        certificate = certify_l1_minimizer(A, y, positive=positive)
    except InfeasibleSystemError as error:
        assert_farkas_exact(A, y, error)
        return
    assert_l1_certificate_exact(A, y, certificate)
    uniqueness = l1_uniqueness(A, y, certificate=certificate)
    assert uniqueness.status in ("certified", "refuted")
    if uniqueness.status == "refuted":
        second = uniqueness.second_minimizer
        assert second != certificate.minimizer
        assert_is_minimizer(A, y, second, certificate.value, positive)


@settings(max_examples=20)
@given(sparse_instances(positive=True), st.booleans())
def test_float_and_exact_minimizers_agree(instance, positive):
    A, x, y = instance
    if not positive:
        x = x * np.where(np.arange(x.size) % 2, -1, 1)
        y = exact_measurements(A, x)
    float_result = l1_minimizer(A, y, positive=positive, certify=False)
    exact_result = l1_minimizer(A, y, positive=positive)
    assert float_result.converged and exact_result.converged
    assert exact_result.certified_digits == 15
    exact_values = np.array([float(v) for v in exact_result.info["certificate"].minimizer])
    assert np.array_equal(exact_result.value, exact_values)
    scale = max(1.0, float(np.max(np.abs(exact_values))))
    assert np.max(np.abs(float_result.value - exact_values)) <= AGREEMENT_TOL * scale


# ----------------------------------------------------------------------------------------
# infeasible systems


@pytest.mark.parametrize(
    ("A", "y"),
    [
        ([[1, 1]], [-1]),
        ([[1, 0], [0, 1]], [2, -1]),
        ([[1, 2, 0], [0, 1, 1]], [1, -3]),
        ([[-1, -2]], [3]),
    ],
)
def test_infeasible_positive_system_raises_one_line_error_with_exact_farkas_vector(A, y):
    with pytest.raises(InfeasibleSystemError) as raised:
        certify_l1_minimizer(A, y)
    assert_farkas_exact(A, y, raised.value)
    assert isinstance(raised.value, ValueError)


@settings(max_examples=30)
@given(st.integers(1, 3), st.integers(2, 4), st.data())
def test_nonnegative_matrix_with_a_negative_datum_is_proved_infeasible(m, n, data):
    A = [[data.draw(st.integers(0, 3)) for _ in range(n)] for _ in range(m)]
    y = [data.draw(st.integers(-3, 3)) for _ in range(m)]
    y[data.draw(st.integers(0, m - 1))] = -1
    with pytest.raises(InfeasibleSystemError) as raised:
        l1_minimizer(A, y)
    assert_farkas_exact(A, y, raised.value)


@pytest.mark.parametrize(
    ("A", "y"),
    [
        ([[1, 1]], [-1]),
        ([[1, 0], [0, 1]], [2, -1]),
        ([[1, 2, -1], [1, 1, 0]], [-1, -2]),
    ],
)
def test_empty_nonnegative_solution_set_is_proved_by_an_exact_farkas_vector(A, y):
    """The feasibility check that numerics.positive_face uses: HiGHS's verdict, made exact."""
    with pytest.raises(InfeasibleSystemError) as raised:
        require_nonnegative_solution(A, y)
    assert_farkas_exact(A, y, raised.value)


@pytest.mark.parametrize(
    ("A", "y"),
    [([[1, 1]], [1]), ([[1, -1, 0], [0, 0, 1]], [0, 1]), ([[1, 1, 0], [0, 0, 1]], [0, 1])],
)
def test_nonempty_nonnegative_solution_set_passes_the_feasibility_check(A, y):
    assert require_nonnegative_solution(A, y) is True


def test_inconsistent_system_raises_for_signed_l1_and_exact_l2():
    A, y = [[1, 1], [2, 2]], [1, 3]
    with pytest.raises(InfeasibleSystemError) as raised:
        certify_l1_minimizer(A, y, positive=False)
    assert_farkas_exact(A, y, raised.value)
    with pytest.raises(InfeasibleSystemError) as raised:
        l2_minimizer_exact(A, y)
    assert_farkas_exact(A, y, raised.value)
    assert not l2_minimizer(np.array(A, float), np.array(y, float)).converged


# ----------------------------------------------------------------------------------------
# uniqueness


@pytest.mark.parametrize(
    ("A", "y", "positive"),
    [
        ([[1, 1]], [1], True),
        ([[1, 1]], [1], False),
        ([[1, 3, 3]], [6], True),
        ([[2, 0, 1], [0, 2, 1]], [2, 2], True),
    ],
)
def test_nonunique_minimizer_is_refuted_with_a_second_exact_minimizer(A, y, positive):
    certificate = certify_l1_minimizer(A, y, positive=positive)
    uniqueness = l1_uniqueness(A, y, certificate=certificate)
    assert uniqueness.status == "refuted"
    assert uniqueness.second_minimizer != certificate.minimizer
    assert_is_minimizer(A, y, uniqueness.second_minimizer, certificate.value, positive)


def test_dependent_support_columns_refute_uniqueness():
    # (1/2, 1/2) with λ = 1 certifies optimality, but its support columns are dependent
    A, y = [[1, 1]], [1]
    certificate = L1Certificate(
        positive=True,
        certified=True,
        message="by hand",
        minimizer=(Fraction(1, 2), Fraction(1, 2)),
        dual=(Fraction(1),),
        value=Fraction(1),
        support=(0, 1),
    )
    assert_l1_certificate_exact(A, y, certificate)
    uniqueness = l1_uniqueness(A, y, certificate=certificate)
    assert uniqueness.status == "refuted" and "dependent" in uniqueness.reason
    assert_is_minimizer(A, y, uniqueness.second_minimizer, Fraction(1), True)


@settings(max_examples=25)
@given(sparse_instances(positive=True), st.booleans())
def test_uniqueness_is_certified_by_an_exact_strict_dual_on_sparse_instances(instance, positive):
    A, _, y = instance
    certificate = certify_l1_minimizer(A, y, positive=positive)
    uniqueness = l1_uniqueness(A, y, certificate=certificate)
    assert uniqueness.status == "certified", uniqueness.reason  # Gaussian data: unique almost surely
    if uniqueness.strict_dual is None:
        return
    Aq, z, lam = exact(A), certificate.minimizer, uniqueness.strict_dual
    correlations = rmatvec(Aq, lam)
    S = certificate.support
    assert sympy.Matrix([[Aq[i][j] for j in S] for i in range(len(Aq))]).rank() == len(S)
    for j, c in enumerate(correlations):
        if j in S:
            assert c == (1 if z[j] > 0 else -1)
        else:
            assert (c < 1) if positive else (abs(c) < 1)


# ----------------------------------------------------------------------------------------
# ℓ2


@settings(max_examples=40)
@given(full_row_rank_integer_systems())
def test_l2_minimizer_matches_the_pseudoinverse_formula(system):
    A, y = system
    Am = sympy.Matrix(A)
    if Am.rank() < len(A):
        return
    expected = Am.T * (Am * Am.T).inv() * sympy.Matrix(y)  # mil §1: A^T (A A^T)^{-1} y
    z = l2_minimizer_exact(A, y)
    assert [sympy.Rational(v.numerator, v.denominator) for v in z] == list(expected)
    result = l2_minimizer(np.array(A, float), np.array(y, float))
    assert result.converged
    assert np.allclose(result.value, np.array([float(v) for v in z]), atol=1e-12, rtol=1e-9)


def test_l2_exact_handles_dependent_rows():
    assert l2_minimizer_exact([[1, 2], [2, 4]], [1, 2]) == (Fraction(1, 5), Fraction(2, 5))


# ----------------------------------------------------------------------------------------
# inputs


@pytest.mark.parametrize(
    ("A", "y", "words"),
    [
        (np.ones(3), [1.0], "2-dimensional"),
        (np.ones((2, 3)), [1.0], "length M = 2"),
        (np.array([[1.0, np.nan]]), [1.0], "non-finite"),
        (np.array([[1.0, 2.0]]), np.array([np.inf]), "non-finite"),
        ([[1, "2"]], [1], "expected a number"),
        ([[1, 2], [3]], [1, 1], "ragged"),
        ([[True, 1]], [1], "boolean"),
        ([], [], "non-empty"),
        ([[1, 2]], None, "y is missing"),
        ([[1, float("inf")]], [1], "not finite"),
        ([[Fraction(10**400), 1]], [1], "outside float64"),
    ],
)
def test_invalid_inputs_give_one_line_value_errors(A, y, words):
    with pytest.raises(ValueError, match=words) as raised:
        linear_system(A, y)
    assert "\n" not in str(raised.value)


def test_floats_are_read_as_their_exact_binary_values():
    system = linear_system(np.array([[0.1, 1.0]]), [Fraction(1, 10)])
    assert Fraction(int(system.A_exact[0, 0].p), int(system.A_exact[0, 0].q)) == Fraction(0.1)
    assert exact_measurements([[0.1, 2]], [3, Fraction(1, 3)]) == (3 * Fraction(0.1) + Fraction(2, 3),)


# ----------------------------------------------------------------------------------------
# the project's big instance


@pytest.mark.slow
def test_big_instance_lp_runs_in_seconds_and_is_certified_exactly():
    rng = np.random.default_rng(0)
    m, n, s = 150, 1000, 10
    A = rng.standard_normal((m, n)) / np.sqrt(m)
    x = np.zeros(n)
    x[rng.choice(n, s, replace=False)] = rng.uniform(0.5, 2.0, s)
    y = exact_measurements(A, x)
    start = time.perf_counter()
    result = l1_minimizer(A, y, certify=False)
    assert time.perf_counter() - start < BIG_LP_SECONDS
    assert result.converged
    certificate = certify_l1_minimizer(A, y)
    assert certificate.certified and certificate.support == tuple(np.flatnonzero(x))
    assert l1_uniqueness(A, y, certificate=certificate).status == "certified"
