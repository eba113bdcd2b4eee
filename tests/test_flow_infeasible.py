"""Data that no limit can fit: refused at once, for every ``dlncheck flow`` model, with a certificate.

The sign-free models' limits solve Az = y (``numerics.affine_feasibility``: exact certificate w with
Aᵀw = 0, ⟨y, w⟩ ≠ 0); the positive ones' lie in S₊ = {z ≥ 0 : Az = y} (``numerics.positive_face``:
exact Farkas vector).  Every certificate is re-checked here in plain ``fractions.Fraction``
arithmetic, independently of the python-flint code that produced it.
"""

from __future__ import annotations

import json
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import dlncheck.checks.flow_instances as flow_instances_module
import dlncheck.numerics.positive_face as positive_face_module
from dlncheck.checks.cli import main
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.numerics.affine_feasibility import (
    PRIMES,
    AffineFeasibility,
    Float64InconsistencyError,
    affine_feasibility,
    require_affine_solution,
)
from dlncheck.numerics.positive_face import (
    EmptyPositiveSetError,
    UndecidedPositiveSetError,
    positive_face,
    require_nonempty_positive_set,
)
from dlncheck.numerics.sparse_recovery import InfeasibleSystemError

# The refusal does no numerical work beyond the test itself: far below this on a loaded machine.
REFUSAL_SECONDS = 2.0

# y is not in the range of A (the rows are equal, the data are not): no z at all.
RANGE_INFEASIBLE = {"A": [["1", "1"], ["1", "1"]], "y": ["1", "2"]}
# A = 0 and y ≠ 0.
ZERO_MATRIX = {"A": [["0", "0", "0"], ["0", "0", "0"]], "y": ["0", "1"]}
# Consistent, but z₂ + z₃ = -2 has no solution z ≥ 0: empty S₊ only.
SIGN_INFEASIBLE = {"A": [["1", "1", "0"], ["0", "1", "1"]], "y": ["1", "-2"]}


def _ones(n: int, value: str = "1") -> list[str]:
    return [value] * n


# (id, model, L, init(N), params, limit lies in S₊): every model, and every way its limit's set is chosen
MODEL_SPECS = [
    ("positive", "positive", 2, lambda n: {"alpha": "1e-3"}, {}, True),
    ("ms", "ms", 2, lambda n: {"alpha": "1e-3"}, {}, True),
    ("signed", "signed", 2, lambda n: {"alpha": "1e-3"}, {}, False),
    ("krr", "krr", 2, lambda n: {"alpha": "1e-3"}, {}, False),
    ("krr_depth_3", "krr", 3, lambda n: {"alpha": "1e-1"}, {}, False),
    ("overparam_identical_factors", "overparam", 2, lambda n: {"alpha": "1e-2"}, {}, True),
    (
        "overparam_distinct_factors",
        "overparam",
        2,
        lambda n: {"factors": [_ones(n, "1/10"), _ones(n, "1/5")]},
        {},
        False,
    ),
    (
        "overparam_uncharacterized_depth_3",
        "overparam",
        3,
        lambda n: {"factors": [_ones(n, "1/10"), _ones(n, "1/5"), _ones(n, "1/5")]},
        {},
        False,
    ),
    ("overparam_signed", "overparam_signed", 2, lambda n: {"alpha": "1e-2"}, {}, False),
    (
        "overparam_signed_factors",
        "overparam_signed",
        2,
        lambda n: {"u_factors": [_ones(n, "1/10"), _ones(n, "1/5")], "v_factors": [_ones(n), _ones(n)]},
        {},
        False,
    ),
    ("krr_uv_equal_factors", "krr_uv", 2, lambda n: {"alpha": "1e-2"}, {}, True),
    ("krr_uv", "krr_uv", 2, lambda n: {"u0": _ones(n, "1/10"), "v0": _ones(n, "1/5")}, {}, False),
    ("sensing_mu", "sensing", 2, lambda n: {"mu": "1e-2"}, {}, False),
    ("sensing", "sensing", 2, lambda n: {"delta0": _ones(n, "1/2"), "Delta0": _ones(n)}, {}, False),
    ("wn_tilde", "wn", 2, lambda n: {"alpha": "1e-2"}, {"rates": "tilde", "eta": "1/2"}, True),
    ("wn_r2", "wn", 3, lambda n: {"r0": "1e-2", "u0": _ones(n)}, {"rates": "r2"}, True),
    ("wn_signed", "wn_signed", 2, lambda n: {"alpha": "1e-2"}, {"rates": "r2"}, False),
]
METHODS = ("integrate", "project", "both")


def _instance(spec, data: dict) -> dict:
    _, model, depth, init, params, _ = spec
    n = len(data["A"][0])
    return {"model": model, "L": depth, "init": init(n), "params": params} | data


def _cases():
    for spec in MODEL_SPECS:
        datasets = [RANGE_INFEASIBLE, ZERO_MATRIX] + ([SIGN_INFEASIBLE] if spec[5] else [])
        for k, data in enumerate(datasets):
            for method in METHODS:
                yield pytest.param(spec, data, method, id=f"{spec[0]}-data{k}-{method}")


def _write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _inner(u, v) -> Fraction:
    return sum((Fraction(a) * Fraction(b) for a, b in zip(u, v, strict=True)), Fraction(0))


def _columns(A) -> list[tuple]:
    return list(zip(*A, strict=True))


def assert_range_certificate(A, y, result: AffineFeasibility) -> None:
    """Aᵀw = 0 and ⟨y, w⟩ = the reported inner product < 0, in Fractions."""
    assert result.status == "unsolvable" and result.exact, result.message
    w = result.certificate.w
    assert all(_inner(column, w) == 0 for column in _columns(A))
    assert _inner(y, w) == result.certificate.inner_product < 0
    assert "\n" not in result.message


# ----------------------------------------------------------------------------------------
# dlncheck flow: every model, every method


@pytest.mark.parametrize(("spec", "data", "method"), list(_cases()))
def test_every_model_refuses_data_no_limit_fits_at_once_in_one_line(tmp_path, capsys, spec, data, method):
    path = _write(tmp_path, _instance(spec, data))
    start = time.perf_counter()
    code = main(["flow", path, "--method", method, "--no-progress"])
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith("dlncheck: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "no nonnegative solution" in err or "Az = y has no solution" in err, err
    assert "certificate" in err or "Farkas" in err
    assert not out and elapsed < REFUSAL_SECONDS


@pytest.mark.parametrize("spec", [spec for spec in MODEL_SPECS if not spec[5]], ids=lambda spec: spec[0])
def test_sign_free_models_accept_data_whose_only_solutions_have_negative_entries(spec):
    """S₊ is empty, but {z : Az = y} is not: the sign-free models' limits exist."""
    parse_flow_instance(_instance(spec, SIGN_INFEASIBLE)).require_solvable()


def test_the_refusal_names_the_exact_certificate(tmp_path, capsys):
    data = {"model": "signed", "L": 2, "init": {"alpha": "1e-3"}} | RANGE_INFEASIBLE
    assert main(["flow", _write(tmp_path, data), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "y is not in the range of A" in err and "Aᵀw = 0" in err
    assert "<y, w> = -1" in err and "w = (1, -1)" in err


# ----------------------------------------------------------------------------------------
# numerics.affine_feasibility: exact decisions and certificates

P1, P2, P3 = PRIMES


@pytest.mark.parametrize(
    ("A", "y"),
    [
        ([[1, 1], [1, 1]], [1, 2]),  # the example of the issue
        ([[0, 0, 0], [0, 0, 0]], [0, 1]),  # A = 0
        ([[1, 2], [2, 4], [3, 6]], [1, 2, 4]),  # rank 1, M = 3
        ([[1, 2, 3], [1, 2, 3]], [Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**30)]),  # duplicated rows
        ([[P1], [P1]], [1, 2]),  # A = 0 modulo the first prime
        ([[P1 * P2 * P3, 0], [0, 0]], [1, 1]),  # the rank misjudged by every prime: the null space decides
        ([[Fraction(1, 10**17), Fraction(3, 10**17)], [Fraction(2, 10**17), Fraction(6, 10**17)]], [1, 3]),
    ],
)
def test_an_inconsistent_system_gets_an_exact_certificate(A, y):
    result = affine_feasibility(A, y)
    assert_range_certificate(A, y, result)
    with pytest.raises(InfeasibleSystemError) as raised:
        require_affine_solution(A, y)
    assert raised.value.certificate == result.certificate and isinstance(raised.value, ValueError)


NEARLY = Fraction("1.0000000000000001")  # 17 digits: a column nearly parallel to (1, 1, 2)
HILBERT_TWICE = [[Fraction(1, i + j + 1) for j in range(6)] for i in range(6)] * 2


@pytest.mark.parametrize(
    ("A", "x"),
    [
        ([[1, NEARLY], [1, 1], [2, 1 + NEARLY]], [10**12, -(10**12)]),  # nearly parallel columns, rank 2 < M
        ([[Fraction(1, 10**300), 0, 5]], [7, 1, 0]),  # one row
        ([[1, 2, 3], [1, 2, 3], [4, 5, 6], [4, 5, 6]], [1, -1, Fraction(1, 3)]),  # duplicated rows
        (HILBERT_TWICE, [1, -1, 1, -1, 1, -1]),  # ill-conditioned, each row twice
        ([[P1, 0], [0, P2], [P1, P2]], [1, 1]),  # zero modulo the primes, in turn
        ([[P1 * P2 * P3, 0], [P1 * P2 * P3, 0]], [1, 0]),
        ([[0, 0]], [1, 1]),  # A = 0, y = 0
    ],
)
def test_a_consistent_system_is_never_refused(A, x):
    y = [_inner(row, x) for row in A]
    exact = affine_feasibility(A, y)
    assert exact.status == "solvable" and exact.exact, exact.message
    require_affine_solution(A, y)
    assert_float64_refusal_is_true(A, y, x, affine_feasibility(A, y, exact_rank_limit=0))


def assert_float64_refusal_is_true(A, y, x, result: AffineFeasibility) -> None:
    """The float64 test never says unsolvable; when it refuses, its bound holds for the known z = x."""
    assert result.status != "unsolvable", result.message
    if result.status == "float64_unsolvable":
        assert result.certificate.norm_bound <= float(np.linalg.norm([float(v) for v in x]))


def test_the_float64_test_refuses_a_clearly_inconsistent_system_and_says_it_is_not_exact():
    """Duplicated rows with different data, decided in float64 (the exact path switched off)."""
    rng = np.random.default_rng(0)
    B = rng.standard_normal((4, 12))
    A = np.vstack([B, B])
    y = rng.standard_normal(8)
    result = affine_feasibility(A, y, exact_rank_limit=0)
    assert result.status == "float64_unsolvable" and not result.exact, result.message
    assert "float64 certificate" in result.message and "not a proof" in result.message
    assert result.certificate.ratio >= 1e12
    with pytest.raises(Float64InconsistencyError):
        require_affine_solution(A, y, exact_rank_limit=0)
    assert_range_certificate(A.tolist(), y.tolist(), affine_feasibility(A, y))  # exact: the same verdict


def test_an_onto_matrix_is_decided_from_its_leading_columns_whatever_the_data():
    rng = np.random.default_rng(1)
    A = [[Fraction(repr(float(v))) for v in row] for row in rng.standard_normal((30, 200))]
    result = affine_feasibility(A, [Fraction(1, 3)] * 30)
    assert result.status == "solvable" and result.rank == 30 and result.exact


# hypothesis: low-rank rational systems, consistent or pushed off the range by an exact normal


small_rationals = st.fractions(min_value=-4, max_value=4, max_denominator=6)


@st.composite
def low_rank_rational_systems(draw) -> tuple[list[list[Fraction]], list[Fraction]]:
    """(A, x): A = B·C of rank at most k < min(M, N), entries small rationals; x of length N."""
    m, n = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    k = draw(st.integers(0, min(m, n) - 1))
    B = [[draw(small_rationals) for _ in range(k)] for _ in range(m)]
    C = [[draw(small_rationals) for _ in range(n)] for _ in range(k)]
    A = [[sum((B[i][l] * C[l][j] for l in range(k)), Fraction(0)) for j in range(n)] for i in range(m)]
    x = [draw(small_rationals) for _ in range(n)]
    return A, x


def normal_to_range(A, coefficients) -> list[Fraction]:
    """A nonzero e with Aᵀe = 0 (SymPy's exact null space of Aᵀ, independently of python-flint)."""
    basis = sympy.Matrix(A).T.nullspace()
    e = sum((c * b for c, b in zip(coefficients, basis, strict=False)), sympy.zeros(len(A), 1))
    if all(v == 0 for v in e):
        e = basis[0]
    return [Fraction(int(v.p), int(v.q)) for v in e]


@settings(max_examples=60)
@given(low_rank_rational_systems())
def test_consistent_low_rank_systems_are_never_reported_unsolvable(system):
    A, x = system
    y = [_inner(row, x) for row in A]
    assert affine_feasibility(A, y).status == "solvable"
    assert_float64_refusal_is_true(A, y, x, affine_feasibility(A, y, exact_rank_limit=0))


@settings(max_examples=60)
@given(
    low_rank_rational_systems(),
    small_rationals.filter(lambda t: t != 0),
    st.lists(st.integers(-3, 3), min_size=6, max_size=6),
)
def test_data_off_the_range_by_an_exact_normal_are_always_refused_with_a_valid_certificate(
    system, t, coefficients
):
    A, x = system
    e = normal_to_range(A, coefficients)
    y = [_inner(row, x) + t * v for row, v in zip(A, e, strict=True)]
    assert_range_certificate(A, y, affine_feasibility(A, y))


# ----------------------------------------------------------------------------------------
# numerics.positive_face: emptiness of S₊ is stated only when proven


def assert_farkas_vector(A, y, error: EmptyPositiveSetError) -> None:
    w = error.certificate.w
    assert all(_inner(column, w) >= 0 for column in _columns(A))
    assert _inner(y, w) == error.certificate.inner_product < 0
    assert "\n" not in str(error)


BIG = Fraction(10**300)


def test_highs_refusing_badly_scaled_data_is_not_taken_for_an_empty_set():
    """HiGHS reads |entries| ≥ 1e15 as a model error, which scipy reports with the status of
    infeasibility; z = (0, 1) solves this system."""
    A, y = [[BIG, 1], [0, 1]], [1, 1]
    require_nonempty_positive_set(A, y)
    positive_face(A, y)


@pytest.mark.parametrize(
    ("A", "y"),
    [
        ([[BIG, 1], [0, 1]], [1, -1]),  # found by HiGHS after the exact power-of-2 rescaling
        ([[BIG, 1], [BIG, 1]], [1, 2]),  # y outside range A: the exact range test
    ],
)
def test_an_empty_set_of_badly_scaled_data_is_proved_by_an_exact_farkas_vector(A, y):
    with pytest.raises(EmptyPositiveSetError) as raised:
        require_nonempty_positive_set(A, y)
    assert_farkas_vector(A, y, raised.value)


def test_when_nothing_decides_the_set_is_reported_undecided_never_empty(monkeypatch, tmp_path, capsys):
    """HiGHS finding no point (here: never) on a nonempty S₊ gives 'not certified', not 'empty'."""
    monkeypatch.setattr(positive_face_module, "require_nonnegative_solution", lambda system: False)
    # nor the certified interior point that would show S₊ ≠ ∅ without HiGHS (numerics.positive_interior)
    monkeypatch.setattr(flow_instances_module, "strictly_positive_point", lambda A, y: None)
    A, y = [[1, 1, 0], [0, 1, 1]], [1, 2]
    with pytest.raises(UndecidedPositiveSetError) as raised:
        require_nonempty_positive_set(A, y)
    message = str(raised.value)
    assert "not certified empty" in message and "no nonnegative solution" not in message
    data = {"model": "positive", "A": A, "y": y, "L": 2, "init": {"alpha": "1e-2"}}
    assert main(["flow", _write(tmp_path, data), "--method", "integrate", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "not certified empty" in err and err.count("\n") == 1
