"""Reference minimizers of sparse recovery, with exact optimality certificates.

The limits that gradient flow is compared with; A is M × N (M rows, N columns, mil's convention):

    positive ℓ1:  x* ∈ argmin { ‖z‖₁ : z ≥ 0, Az = y }     ms §I (x* display), mil (14), (16)
    signed ℓ1:    x* ∈ argmin { ‖z‖₁ : Az = y }            mil (2), krr §4 (β*_ℓ1)
    ℓ2:           argmin { ‖z‖₂ : Az = y } = A⁺y            mil §1 (x_∞ display), krr §4 (β*_ℓ2), wn (3)

Both ℓ1 problems are one linear program in standard form,

    min cᵀx  s.t.  Bx = b, x ≥ 0        with dual        max bᵀλ  s.t.  Bᵀλ ≤ c,

positive: B = A, c = 𝟙; signed: x = (z⁺, z⁻), B = [A, −A], c = 𝟙, so that Bᵀλ ≤ c is |Aᵀλ| ≤ 1.

Certificates.  HiGHS's "optimal" point can violate Bx = b by 1e-7 or more (STYLE.md), so it
is a hint, never the answer.  From it we read a support T, solve B_T x_T = b exactly in
rationals, and rebuild a dual λ exactly: the float dual projected onto {B_Tᵀλ = c_T} or, when
degeneracy defeats that, the dual of a basis grown from T by the columns of (nearly) zero
reduced cost.  Then, in exact arithmetic: Bx = b, x ≥ 0, Bᵀλ ≤ c and cᵀx = bᵀλ (with both
feasibilities, this is complementary slackness).  Floats in A, y are taken as their exact binary
values.  What cannot be certified is reported as such, never rounded into a claim.

Float data.  A y rounded to float64 (y = A @ x) lies in the span of no few columns, so B_T x_T = b
has no exact solution: the exact minimizer of the binary data has a full basis of M columns,
most entries ~1e-17, or, for z ≥ 0 with few columns more than rows, {z ≥ 0 : Az = y} is exactly
empty although HiGHS reports an optimum.  The first case is certified from the basis that the
rounding residual selects (:func:`_residual_basis`, then exact pivots), the second by a Farkas
vector.  To keep a sparse x* exact, build y = Ax* in rationals (:func:`exact_measurements`).

Exact linear algebra is python-flint's (``fmpq_mat``).  Which rows or columns are independent
is decided modulo a prime: that is safe in the direction used, since columns independent mod p
are independent over ℚ (a minor nonzero mod p is nonzero); an unlucky prime can only make a
certificate fail, never make a wrong one pass.

Every public function takes (A, y) as float arrays or as exact rationals (sequences of
``Fraction`` or ``int``), or a :class:`LinearSystem` built once by :func:`linear_system`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from flint import fmpq, fmpq_mat, nmod_mat
from scipy.optimize import OptimizeResult

# scipy.optimize.linprog(method="highs")'s answers without its per-call set-up (small LPs)
from dlncheck.numerics.highs_lp import linprog
from dlncheck.numerics.results import LimitResult

# Candidate supports of HiGHS's point, relative to max(1, ‖x̂‖∞): simplex zeros come out below
# 1e-12; the looser 1e-6 sits just above HiGHS's primal feasibility tolerance (1e-7).
SUPPORT_RTOLS = (1e-9, 1e-6)
# Float reduced costs below this may be exactly 0 (HiGHS's dual feasibility tolerance is 1e-7,
# here with a factor 10 of slack): such columns are candidates for an optimal basis.
ACTIVE_REDUCED_COST_TOL = 1e-6
# Upper bound on the margin δ of the strict-dual LP; only keeps that LP bounded (any δ > 0 will do).
MARGIN_CAP = 1.0
# Relative residual ‖Az − y‖₂/‖y‖₂ of a float64 least-squares solution above which Az = y is not
# called solved: lstsq on a consistent system stays near eps·cond(A), below 1e-9 up to cond ~ 1e6.
L2_RESIDUAL_RTOL = 1e-9
# Significant digits of float(q) for an exact rational q: correctly rounded, relative error ≤ 2⁻⁵³.
FLOAT64_DIGITS = 15
# Exact simplex pivots allowed when repairing HiGHS's basis (each costs a few exact m × m solves);
# the exact optimum of float data lies a handful of degenerate pivots away.
EXACT_PIVOT_LIMIT = 20
# Word-size prime for rank decisions mod p (the Mersenne prime 2⁶¹ − 1).
PRIME = 2**61 - 1

# ----------------------------------------------------------------------------------------
# input


class InfeasibleSystemError(ValueError):
    """{z ≥ 0 : Az = y} is empty, or Az = y is inconsistent; ``certificate`` proves it exactly."""

    def __init__(self, message: str, certificate: FarkasCertificate) -> None:
        super().__init__(message)
        self.certificate = certificate


@dataclass(frozen=True, eq=False)
class LinearSystem:
    """Az = y with A of shape M × N: the exact rationals and their float64 values."""

    A: np.ndarray  # float64, M × N
    y: np.ndarray  # float64, M
    A_exact: fmpq_mat
    y_exact: fmpq_mat  # M × 1

    @property
    def shape(self) -> tuple[int, int]:
        return self.A.shape


def _exact_entry(value: Any, where: str) -> Fraction:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{where}: expected a number, got a boolean")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ValueError(f"{where} is not finite ({float(value)!r}); give finite numbers")
        return Fraction(float(value))
    raise ValueError(f"{where}: expected a number (float, int or Fraction), got {type(value).__name__}")


def _to_float(q: Fraction, where: str) -> float:
    try:
        return float(q)
    except OverflowError:
        raise ValueError(f"{where} is outside float64's range (|value| > 1.8e308)") from None


def _exact_rows(data: Any, name: str, ndim: int) -> tuple[list[list[Fraction]], np.ndarray]:
    """Rows of exact entries and the float64 array, for a matrix (ndim 2) or a vector (ndim 1)."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiu":
        if data.ndim != ndim:
            raise ValueError(f"{name} must be {ndim}-dimensional, got shape {data.shape}")
        if data.dtype.kind == "f" and not np.all(np.isfinite(data)):
            raise ValueError(f"{name} has non-finite entries; give finite numbers")
        rows2 = data.reshape(-1, data.shape[-1]) if data.size else data.reshape(1, 0)
        exact = [[Fraction(v) for v in row.tolist()] for row in rows2]
        return exact, np.asarray(data, dtype=np.float64)
    if ndim == 1:
        if isinstance(data, str) or not isinstance(data, Sequence | np.ndarray):
            raise ValueError(f"{name} must be a vector (a sequence of numbers)")
        rows = [[_exact_entry(v, f"{name}[{i}]") for i, v in enumerate(data)]]
    else:
        if isinstance(data, str) or not isinstance(data, Sequence | np.ndarray):
            raise ValueError(f"{name} must be a matrix (a sequence of rows)")
        rows = []
        for i, row in enumerate(data):
            if isinstance(row, str) or not isinstance(row, Sequence | np.ndarray):
                raise ValueError(f"{name}[{i}] must be a row (a sequence of numbers)")
            rows.append([_exact_entry(v, f"{name}[{i}][{j}]") for j, v in enumerate(row)])
        if rows and any(len(r) != len(rows[0]) for r in rows):
            raise ValueError(f"{name} is ragged: its rows have different lengths")
    floats = [[_to_float(v, f"{name} entry") for v in row] for row in rows]
    array = np.array(floats[0] if ndim == 1 else floats, dtype=np.float64)
    return rows, array


def linear_system(A: Any, y: Any = None) -> LinearSystem:
    """Validate (A, y) once at the edge and keep A, y both exactly and in float64.

    A: M × N, y: length M, all entries finite; floats are read as their exact binary value
    (``Fraction(float)``), Fractions and ints exactly.  A :class:`LinearSystem` passes through.
    """
    if isinstance(A, LinearSystem):
        if y is not None:
            raise ValueError("give either a LinearSystem or (A, y), not both")
        return A
    if y is None:
        raise ValueError("y is missing: give (A, y) or a LinearSystem")
    A_rows, A_float = _exact_rows(A, "A", 2)
    y_rows, y_float = _exact_rows(y, "y", 1)
    if A_float.ndim != 2 or A_float.shape[0] == 0 or A_float.shape[1] == 0:
        raise ValueError(f"A must be a non-empty M × N matrix, got shape {A_float.shape}")
    m, n = A_float.shape
    if y_float.shape != (m,):
        raise ValueError(f"y must have length M = {m} (the number of rows of A), got shape {y_float.shape}")
    A_exact = fmpq_mat(m, n, [fmpq(v.numerator, v.denominator) for row in A_rows for v in row])
    y_exact = fmpq_mat(m, 1, [fmpq(v.numerator, v.denominator) for v in y_rows[0]])
    return LinearSystem(A=A_float, y=y_float, A_exact=A_exact, y_exact=y_exact)


# ----------------------------------------------------------------------------------------
# exact linear algebra (python-flint)


def _fraction(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def fractions_of(mat: fmpq_mat) -> tuple[Fraction, ...]:
    """The entries of a flint matrix (row-major) as Fractions."""
    return tuple(_fraction(q) for q in mat.entries())


def _exact_vector(values: np.ndarray) -> fmpq_mat:
    """The exact binary values of a float64 vector, as a column."""
    return fmpq_mat(len(values), 1, [fmpq(*float(v).as_integer_ratio()) for v in values])


def _columns_of(entries: list, m: int, n: int, cols: Sequence[int]) -> fmpq_mat:
    return fmpq_mat(m, len(cols), [entries[i * n + j] for i in range(m) for j in cols])


def _rows_of(mat: fmpq_mat, rows: Sequence[int]) -> fmpq_mat:
    n = mat.ncols()
    e = mat.entries()
    return fmpq_mat(len(rows), n, [e[i * n + j] for i in rows for j in range(n)])


def pivot_columns(mat: fmpq_mat) -> list[int]:
    """A maximal set of independent columns, greedy in column order, decided mod PRIME."""
    m, n = mat.nrows(), mat.ncols()
    if m == 0 or n == 0:
        return []
    numerators, _ = mat.numer_denom()
    reduced, rank = nmod_mat(numerators, PRIME).rref()
    values = reduced.entries()
    pivots, j = [], 0
    for i in range(rank):
        while int(values[i * n + j]) == 0:
            j += 1
        pivots.append(j)
        j += 1
    return pivots


def solve_full_column_rank(mat: fmpq_mat, rhs: fmpq_mat) -> fmpq_mat | None:
    """The x with mat·x = rhs exactly (mat of full column rank), or None if there is none."""
    k = mat.ncols()
    if k == 0:
        return fmpq_mat(0, 1, []) if rhs == fmpq_mat(rhs.nrows(), 1, [0] * rhs.nrows()) else None
    rows = pivot_columns(mat.transpose())
    if len(rows) < k:
        return None
    x = _rows_of(mat, rows).solve(_rows_of(rhs, rows))
    return x if mat * x == rhs else None


def project_onto_affine(mat: fmpq_mat, target: fmpq_mat, start: fmpq_mat) -> fmpq_mat:
    """The point of {λ : matᵀλ = target} nearest to ``start`` (mat of full column rank), exactly."""
    m, k = mat.nrows(), mat.ncols()
    if k == 0:
        return start
    if k == m:
        return mat.transpose().solve(target)
    gram = mat.transpose() * mat
    return start + mat * gram.solve(target - mat.transpose() * start)


def kernel_vector(mat: fmpq_mat) -> fmpq_mat | None:
    """A nonzero exact d with mat·d = 0, or None if the kernel is {0}."""
    numerators, _ = mat.numer_denom()
    basis, nullity = numerators.nullspace()
    if nullity == 0:
        return None
    return fmpq_mat(mat.ncols(), 1, [basis[i, 0] for i in range(mat.ncols())])


# ----------------------------------------------------------------------------------------
# standard-form LPs with exact certificates


@dataclass(frozen=True, eq=False)
class StandardFormLP:
    """min cᵀx s.t. Bx = b, x ≥ 0; exact data (flint) and its float64 values for HiGHS.

    ``tight`` lists columns j whose dual constraint holds with equality for every dual feasible
    λ (the first of a pair B_j = −B_k, c_j = −c_k, as when a free variable is split in two).
    """

    B: fmpq_mat
    b: fmpq_mat
    c: fmpq_mat
    B_float: np.ndarray
    b_float: np.ndarray
    c_float: np.ndarray
    tight: tuple[int, ...] = ()

    @classmethod
    def from_exact(cls, B: fmpq_mat, b: fmpq_mat, c: fmpq_mat, tight: tuple[int, ...] = ()) -> StandardFormLP:
        as_float = np.vectorize(float, otypes=[np.float64])
        B_float = as_float(np.array(B.entries(), dtype=object)).reshape(B.nrows(), B.ncols())
        return cls(
            B=B,
            b=b,
            c=c,
            B_float=B_float,
            b_float=np.array([float(v) for v in b.entries()]),
            c_float=np.array([float(v) for v in c.entries()]),
            tight=tight,
        )

    def with_cost(self, c: fmpq_mat) -> StandardFormLP:
        return replace(self, c=c, c_float=np.array([float(v) for v in c.entries()]))


@dataclass(frozen=True, eq=False)
class ExactOptimum:
    """An exactly certified optimum of a :class:`StandardFormLP` (flint column vectors).

    Checked exactly: Bx = b, x ≥ 0, reduced = c − Bᵀλ ≥ 0, cᵀx = bᵀλ = value.
    ``support`` is {j : x_j > 0}; ``how`` names the dual construction that worked.
    """

    x: fmpq_mat
    dual: fmpq_mat
    reduced: fmpq_mat
    value: fmpq
    support: tuple[int, ...]
    how: str


@dataclass(frozen=True)
class FarkasCertificate:
    """w with Aᵀw ≥ 0 (positive) or Aᵀw = 0 (signed) and ⟨w, y⟩ < 0, checked exactly.

    For z ≥ 0 with Az = y it would give 0 ≤ ⟨Aᵀw, z⟩ = ⟨w, y⟩ < 0: no such z exists.
    """

    w: tuple[Fraction, ...]
    inner_product: Fraction  # ⟨w, y⟩ < 0
    positive: bool


def solve_float(lp: StandardFormLP) -> OptimizeResult:
    """HiGHS on the float64 data; a hint for the exact certificate, never the answer."""
    return linprog(lp.c_float, A_eq=lp.B_float, b_eq=lp.b_float, bounds=(0, None), method="highs")


def _grown_basis(
    lp: StandardFormLP, entries: list, start: list[int], reduced_hat: np.ndarray, *, fill: bool = False
) -> list[int]:
    """Independent columns: ``start``, the tight columns, then those of (nearly) zero float reduced
    cost, by increasing |reduced cost| (with ``fill``, every column in that order, up to a basis)."""
    m, n = lp.B.nrows(), lp.B.ncols()
    order = start + [j for j in lp.tight if j not in set(start)]
    chosen = set(order)
    active = sorted(
        (j for j in range(n) if j not in chosen and (fill or abs(reduced_hat[j]) <= ACTIVE_REDUCED_COST_TOL)),
        key=lambda j: abs(reduced_hat[j]),
    )
    grown = order + active
    return [grown[i] for i in pivot_columns(_columns_of(entries, m, n, grown))]


def _dual_candidates(
    lp: StandardFormLP, entries: list, support: list[int], dual_hat: fmpq_mat, reduced_hat: np.ndarray
) -> Iterator[tuple[str, fmpq_mat]]:
    m, n = lp.B.nrows(), lp.B.ncols()
    order = support + [j for j in lp.tight if j not in set(support)]
    basis = [order[i] for i in pivot_columns(_columns_of(entries, m, n, order))]
    yield (
        "float dual projected onto {B_Tᵀλ = c_T}",
        project_onto_affine(_columns_of(entries, m, n, basis), _rows_of(lp.c, basis), dual_hat),
    )
    grown = _grown_basis(lp, entries, support, reduced_hat)
    if len(grown) > len(basis):
        yield (
            "dual of a basis grown from T by zero reduced costs",
            project_onto_affine(_columns_of(entries, m, n, grown), _rows_of(lp.c, grown), dual_hat),
        )


def _residual_basis(lp: StandardFormLP, entries: list, support: list[int]) -> list[int] | None:
    """The basis that the rounding residual of b selects, when B_T x_T = b has no exact solution.

    With x_T the exact least-squares solution on T and r = b − B_T x_T ≠ 0 (float data: b was
    rounded), the exact optimum is x_T + δ for the optimum δ of  min cᵀδ  s.t.  Bδ = r, δ ≥ 0
    off T, whose dual is  max ⟨r, λ⟩  over HiGHS's dual optimal face {B_Tᵀλ = c_T, Bᵀλ ≤ c}.
    That LP is well scaled after r ↦ r/‖r‖∞, so HiGHS finds its vertex; the tight columns, in
    order of slack, fill the basis.  Exactness is then checked (and repaired) by
    :func:`_exact_simplex`.  None when there is no residual or that LP fails.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    equal = support + [j for j in lp.tight if j not in set(support)]
    B_T = _columns_of(entries, m, n, support)
    x_T = (B_T.transpose() * B_T).solve(B_T.transpose() * lp.b) if support else fmpq_mat(0, 1, [])
    residual = (lp.b - B_T * x_T).entries() if support else lp.b.entries()
    size = max(abs(v) for v in residual)
    if size == 0:
        return None
    direction = np.array([float(v / size) for v in residual])
    others = [j for j in range(n) if j not in set(equal)]
    res = linprog(
        -direction,
        A_ub=lp.B_float[:, others].T,
        b_ub=lp.c_float[others],
        A_eq=lp.B_float[:, equal].T if equal else None,
        b_eq=lp.c_float[equal] if equal else None,
        bounds=(None, None),
        method="highs",
    )
    if res.status != 0:
        return None
    by_slack = [others[k] for k in np.argsort(res.ineqlin.residual, kind="stable")]
    order = equal + by_slack
    basis = [order[i] for i in pivot_columns(_columns_of(entries, m, n, order))]
    return basis if len(basis) == m else None


def _exact_simplex(lp: StandardFormLP, entries: list, basis: list[int]) -> ExactOptimum | None:
    """Exact simplex pivots from a basis (|basis| = rows of B) to an exactly optimal one, or None.

    Float data rarely has a sparse exact optimum: y rounded to float64 leaves the range of a few
    columns, so the exact minimizer is a full basis whose extra entries are ~1e-17, and a start
    basis (from :func:`_residual_basis`) may be off by those.  Dual simplex steps repair tiny
    negative x_B, primal steps tiny negative reduced costs; at most EXACT_PIVOT_LIMIT of them.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    BT = lp.B.transpose()
    basis = list(basis)
    for pivots in range(EXACT_PIVOT_LIMIT + 1):
        A_B = _columns_of(entries, m, n, basis)
        x_B = A_B.solve(lp.b).entries()
        dual = A_B.transpose().solve(_rows_of(lp.c, basis))
        reduced = lp.c - BT * dual
        r = reduced.entries()
        infeasible_rows = [i for i in range(m) if x_B[i] < 0]
        entering_candidates = [j for j in range(n) if r[j] < 0]
        if not infeasible_rows and not entering_candidates:
            values = [fmpq(0)] * n
            for j, v in zip(basis, x_B, strict=True):
                values[j] = v
            x = fmpq_mat(n, 1, values)
            value = (lp.c.transpose() * x)[0, 0]
            if lp.B * x != lp.b or (lp.b.transpose() * dual)[0, 0] != value:
                return None
            support = tuple(j for j in range(n) if values[j] != 0)
            how = f"exact simplex, {pivots} pivots"
            return ExactOptimum(x=x, dual=dual, reduced=reduced, value=value, support=support, how=how)
        if infeasible_rows and entering_candidates:
            return None  # neither primal nor dual feasible: too far from an optimal basis
        in_basis = set(basis)
        if infeasible_rows:  # dual simplex step
            row = min(infeasible_rows, key=lambda i: (x_B[i], basis[i]))
            unit = fmpq_mat(m, 1, [1 if i == row else 0 for i in range(m)])
            alpha = (BT * A_B.transpose().solve(unit)).entries()
            entering = [j for j in range(n) if j not in in_basis and alpha[j] < 0]
            if not entering:
                return None  # that row of A_B⁻¹ is a Farkas vector: infeasible
            basis[row] = min(entering, key=lambda j: (r[j] / -alpha[j], j))
        else:  # primal simplex step
            j_in = min(entering_candidates, key=lambda j: (r[j], j))
            d = A_B.solve(_columns_of(entries, m, n, [j_in])).entries()
            leaving = [i for i in range(m) if d[i] > 0]
            if not leaving:
                return None  # unbounded direction
            basis[min(leaving, key=lambda i: (x_B[i] / d[i], basis[i]))] = j_in
    return None


def certify_optimum(lp: StandardFormLP, x_hat: np.ndarray, dual_hat: np.ndarray) -> ExactOptimum | None:
    """Turn HiGHS's float optimum (x̂, λ̂) into an exact certificate, or None if none is found.

    First the support T of x̂ (two thresholds) with the duals of :func:`_dual_candidates`; if
    B_T x_T = b has no exact solution (float data), the basis of :func:`_residual_basis`,
    checked and repaired by exact simplex pivots; if it has one but no dual fits, exact pivots
    from a basis around T.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    entries = lp.B.entries()
    BT = lp.B.transpose()
    dual_hat_exact = _exact_vector(dual_hat)
    reduced_hat = lp.c_float - lp.B_float.T @ dual_hat
    scale = max(1.0, float(np.max(np.abs(x_hat), initial=0.0)))
    tried: list[list[int]] = []
    for rtol in SUPPORT_RTOLS:
        candidate = [int(j) for j in np.flatnonzero(x_hat > rtol * scale)]
        support = [candidate[i] for i in pivot_columns(_columns_of(entries, m, n, candidate))]
        if support in tried:
            continue
        tried.append(support)
        x_support = solve_full_column_rank(_columns_of(entries, m, n, support), lp.b)
        if x_support is None or any(v < 0 for v in x_support.entries()):
            continue
        x_values = [fmpq(0)] * n
        for j, v in zip(support, x_support.entries(), strict=True):
            x_values[j] = v
        x = fmpq_mat(n, 1, x_values)
        value = (lp.c.transpose() * x)[0, 0]
        for how, dual in _dual_candidates(lp, entries, support, dual_hat_exact, reduced_hat):
            reduced = lp.c - BT * dual
            if any(r < 0 for r in reduced.entries()):
                continue
            if (lp.b.transpose() * dual)[0, 0] != value:
                continue
            positive = tuple(j for j in range(n) if x_values[j] != 0)
            return ExactOptimum(x=x, dual=dual, reduced=reduced, value=value, support=positive, how=how)
    basis = _residual_basis(lp, entries, tried[0])
    if basis is not None:
        return _exact_simplex(lp, entries, basis)
    # B_T x_T = b holds exactly but no dual was found: pivot from a basis around T
    basis = _grown_basis(lp, entries, tried[0], reduced_hat, fill=True)
    if len(basis) == m and solve_full_column_rank(_columns_of(entries, m, n, tried[0]), lp.b) is not None:
        return _exact_simplex(lp, entries, basis)
    return None


def farkas_vector(lp: StandardFormLP) -> fmpq_mat | None:
    """An exact w with Bᵀw ≥ 0 and bᵀw < 0 (so {x ≥ 0 : Bx = b} is empty), or None.

    From the auxiliary LP  min 𝟙ᵀs  s.t.  Bx + Ds = b, x, s ≥ 0  with D = diag(±1) matching the
    signs of b (feasible at x = 0): an exact optimum of value v > 0 has a dual λ with Bᵀλ ≤ 0 and
    bᵀλ = v, and w = −λ.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    entries = lp.B.entries()
    signs = [1 if v >= 0 else -1 for v in lp.b.entries()]
    aux_entries = []
    for i in range(m):
        aux_entries.extend(entries[i * n : (i + 1) * n])
        aux_entries.extend(signs[i] if k == i else 0 for k in range(m))
    aux = StandardFormLP.from_exact(
        fmpq_mat(m, n + m, aux_entries), lp.b, fmpq_mat(n + m, 1, [0] * n + [1] * m)
    )
    res = solve_float(aux)
    if res.status != 0:
        return None
    optimum = certify_optimum(aux, res.x, res.eqlin.marginals)
    if optimum is None or optimum.value <= 0:
        return None
    w = -optimum.dual
    if any(v < 0 for v in (lp.B.transpose() * w).entries()) or (lp.b.transpose() * w)[0, 0] >= 0:
        return None
    return w


# ----------------------------------------------------------------------------------------
# the ℓ1 problems


@dataclass(frozen=True)
class L1Certificate:
    """Exact optimality certificate of min ‖z‖₁ over {z ≥ 0 : Az = y} or {z : Az = y}.

    When ``certified``, all of this was checked in exact rational arithmetic:
    A·minimizer = y (and minimizer ≥ 0 when ``positive``); Aᵀ·dual ≤ 𝟙 (positive) or
    |Aᵀ·dual| ≤ 𝟙 (signed); and ‖minimizer‖₁ = ⟨dual, y⟩ = value.  Weak duality then makes
    ``value`` the minimum and ``minimizer`` a minimizer.  ``support`` = {j : minimizer_j ≠ 0}.
    """

    positive: bool
    certified: bool
    message: str
    minimizer: tuple[Fraction, ...] | None = None
    dual: tuple[Fraction, ...] | None = None
    value: Fraction | None = None
    support: tuple[int, ...] = ()
    wall_s: float = 0.0


@dataclass(frozen=True)
class Uniqueness:
    """Whether the ℓ1 minimizer is unique: ``status`` is certified, refuted or undecided.

    certified: ``strict_dual`` is an exact λ with the support columns' dual constraints tight and
    all others strict (with A_S of full column rank this forces every minimizer onto the support),
    or the optimal face was shown exactly to carry no mass off the support.
    refuted: ``second_minimizer`` is another exact minimizer.
    """

    status: Literal["certified", "refuted", "undecided"]
    reason: str
    second_minimizer: tuple[Fraction, ...] | None = None
    strict_dual: tuple[Fraction, ...] | None = None


def l1_program(system: LinearSystem, *, positive: bool) -> StandardFormLP:
    """The standard-form LP of the ℓ1 problem: B = A (positive) or [A, −A] (signed, x = (z⁺, z⁻))."""
    m, n = system.shape
    if positive:
        return StandardFormLP(
            B=system.A_exact,
            b=system.y_exact,
            c=fmpq_mat(n, 1, [1] * n),
            B_float=system.A,
            b_float=system.y,
            c_float=np.ones(n),
        )
    entries = system.A_exact.entries()
    split = []
    for i in range(m):
        row = entries[i * n : (i + 1) * n]
        split.extend(row)
        split.extend(-v for v in row)
    return StandardFormLP(
        B=fmpq_mat(m, 2 * n, split),
        b=system.y_exact,
        c=fmpq_mat(2 * n, 1, [1] * (2 * n)),
        B_float=np.hstack([system.A, -system.A]),
        b_float=system.y,
        c_float=np.ones(2 * n),
    )


def _from_program(x: Sequence[Fraction], n: int, positive: bool) -> tuple[Fraction, ...]:
    """z from the LP variables: z = x (positive) or z = z⁺ − z⁻ (signed)."""
    return tuple(x) if positive else tuple(x[j] - x[n + j] for j in range(n))


def short(q: Fraction) -> str:
    """A rational for a one-line message: exact if short, else ≈ its float value."""
    text = str(q)
    return text if len(text) <= 24 else f"≈ {float(q):.6g}"


def _raise_if_infeasible(lp: StandardFormLP, positive: bool, note: str = "") -> None:
    w = farkas_vector(lp)
    if w is None:
        return
    inner = _fraction((lp.b.transpose() * w)[0, 0])
    certificate = FarkasCertificate(w=fractions_of(w), inner_product=inner, positive=positive)
    if positive:
        message = (
            f"{{z ≥ 0 : Az = y}} is empty: the Farkas vector w in .certificate has Aᵀw ≥ 0 and "
            f"⟨w, y⟩ = {short(inner)} < 0 (checked exactly){note}"
        )
    else:
        message = (
            f"Az = y is inconsistent: the vector w in .certificate has Aᵀw = 0 and "
            f"⟨w, y⟩ = {short(inner)} ≠ 0 (checked exactly){note}"
        )
    raise InfeasibleSystemError(message, certificate)


def _solve_l1(system: LinearSystem, positive: bool, certify: bool) -> tuple[OptimizeResult, L1Certificate]:
    start = time.perf_counter()
    n = system.shape[1]
    lp = l1_program(system, positive=positive)
    res = solve_float(lp)
    kind = "positive" if positive else "signed"
    if res.status == 2:
        _raise_if_infeasible(lp, positive)
        message = f"HiGHS reports the {kind} ℓ1 problem infeasible, but no exact Farkas vector was found"
        return res, L1Certificate(positive, False, message, wall_s=time.perf_counter() - start)
    if res.status != 0:
        message = f"HiGHS did not solve the {kind} ℓ1 problem: {res.message}"
        return res, L1Certificate(positive, False, message, wall_s=time.perf_counter() - start)
    if not certify:
        message = "HiGHS optimum (float64, not certified)"
        return res, L1Certificate(positive, False, message, wall_s=time.perf_counter() - start)
    optimum = certify_optimum(lp, res.x, res.eqlin.marginals)
    if optimum is None:
        # HiGHS's optimum is feasible only within its tolerance: the exact data may lie outside
        # the cone (typically y rounded to float64 with few columns more than rows)
        _raise_if_infeasible(lp, positive, note="; HiGHS's float optimum is feasible only to 1e-7")
        message = (
            f"the float optimum of the {kind} ℓ1 problem could not be certified: no support and dual "
            "near HiGHS's point satisfy the optimality conditions exactly"
        )
        return res, L1Certificate(positive, False, message, wall_s=time.perf_counter() - start)
    z = _from_program(fractions_of(optimum.x), n, positive)
    certificate = L1Certificate(
        positive=positive,
        certified=True,
        message=f"exact optimality certificate ({optimum.how})",
        minimizer=z,
        dual=fractions_of(optimum.dual),
        value=_fraction(optimum.value),
        support=tuple(j for j in range(n) if z[j] != 0),
        wall_s=time.perf_counter() - start,
    )
    return res, certificate


def require_nonnegative_solution(A: Any, y: Any = None) -> bool:
    """Raise :class:`InfeasibleSystemError` (exact Farkas vector) when {z ≥ 0 : Az = y} is empty.

    HiGHS decides first, on the positive ℓ1 problem (infeasible exactly when the set is empty);
    when it finds no point, :func:`farkas_vector` makes the proof exact.  Returns True when
    HiGHS finds a point (feasible to its tolerance, not certified), False when it finds none
    and no exact Farkas vector was found either (emptiness reported, not proven).
    """
    lp = l1_program(linear_system(A, y), positive=True)
    if solve_float(lp).status != 2:  # 2: infeasible
        return True
    _raise_if_infeasible(lp, positive=True)
    return False


def certify_l1_minimizer(A: Any, y: Any = None, *, positive: bool = True) -> L1Certificate:
    """An ℓ1 minimizer with an exact optimality certificate (ms §I, mil (2), (14); krr §4).

    Returns an :class:`L1Certificate` (``certified`` False, with the reason, when HiGHS's
    float optimum could not be certified).  Raises :class:`InfeasibleSystemError` with an exact
    Farkas vector when {z ≥ 0 : Az = y} is empty (positive) or Az = y is inconsistent (signed).
    """
    return _solve_l1(linear_system(A, y), positive, certify=True)[1]


def _relative_residual(system: LinearSystem, z: np.ndarray) -> float:
    norm_y = float(np.linalg.norm(system.y))
    residual = float(np.linalg.norm(system.A @ z - system.y))
    return residual / norm_y if norm_y > 0 else residual


def l1_minimizer(A: Any, y: Any = None, *, positive: bool = True, certify: bool = True) -> LimitResult:
    """min ‖z‖₁ over {z ≥ 0 : Az = y} (positive) or {z : Az = y} (signed), as a LimitResult.

    ``value``: float64 array, the exact certified minimizer correctly rounded when certified
    (then ``certified_digits`` = 15), HiGHS's point otherwise.  ``converged``: HiGHS found an
    optimum and, if ``certify``, it was certified exactly.  ``info``: ``"certificate"``
    (:class:`L1Certificate`), ``"support"`` (tuple of column indices), ``"highs_status"``.
    Raises :class:`InfeasibleSystemError` (with an exact Farkas vector) on infeasible systems.
    """
    start = time.perf_counter()
    system = linear_system(A, y)
    res, certificate = _solve_l1(system, positive, certify)
    n = system.shape[1]
    if certificate.certified:
        value = np.array([float(v) for v in certificate.minimizer], dtype=np.float64)
        support = certificate.support
    elif res.x is not None:
        raw = np.asarray(res.x, dtype=np.float64)
        value = raw if positive else raw[:n] - raw[n:]
        scale = max(1.0, float(np.max(np.abs(value), initial=0.0)))
        support = tuple(int(j) for j in np.flatnonzero(np.abs(value) > SUPPORT_RTOLS[0] * scale))
    else:
        value, support = np.full(n, np.nan), ()
    converged = res.status == 0 and (certificate.certified or not certify)
    return LimitResult(
        value=value,
        residual=_relative_residual(system, value) if np.all(np.isfinite(value)) else math.inf,
        residual_kind="relative feasibility residual ||Az - y||_2 / ||y||_2 (float64)",
        converged=converged,
        message=certificate.message,
        iterations=int(getattr(res, "nit", 0) or 0),
        certified_digits=FLOAT64_DIGITS if certificate.certified else None,
        dps=None,
        wall_s=time.perf_counter() - start,
        info={"certificate": certificate, "support": support, "highs_status": int(res.status)},
    )


# ----------------------------------------------------------------------------------------
# uniqueness


def strict_dual(lp: StandardFormLP, support: list[int], entries: list) -> fmpq_mat | None:
    """An exact λ with B_Tᵀλ = c_T and c_j − B_jᵀλ > 0 off T, from the max-margin LP, or None.

    max δ  s.t.  B_Tᵀλ = c_T,  B_jᵀλ + δ ≤ c_j (j ∉ T),  0 ≤ δ ≤ MARGIN_CAP;  λ free.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    off = [j for j in range(n) if j not in set(support)]
    if not off:
        return None
    cost = np.zeros(m + 1)
    cost[m] = -1.0
    A_ub = np.hstack([lp.B_float[:, off].T, np.ones((len(off), 1))])
    A_eq = np.hstack([lp.B_float[:, support].T, np.zeros((len(support), 1))]) if support else None
    res = linprog(
        cost,
        A_ub=A_ub,
        b_ub=lp.c_float[off],
        A_eq=A_eq,
        b_eq=lp.c_float[support] if support else None,
        bounds=[(None, None)] * m + [(0.0, MARGIN_CAP)],
        method="highs",
    )
    if res.status != 0 or res.x[m] <= 0:
        return None
    dual = project_onto_affine(
        _columns_of(entries, m, n, support), _rows_of(lp.c, support), _exact_vector(res.x[:m])
    )
    reduced = (lp.c - lp.B.transpose() * dual).entries()
    if all(reduced[j] > 0 for j in off) and all(reduced[j] == 0 for j in support):
        return dual
    return None


def unique_optimum(
    lp: StandardFormLP, optimum: ExactOptimum
) -> tuple[Literal["certified", "refuted", "undecided"], str, fmpq_mat | None, fmpq_mat | None]:
    """Is ``optimum.x`` the only optimum of ``lp``?  (status, reason, second optimum, strict dual).

    1. B_T not injective: x ± εd (d ∈ ker B_T) is a second optimum (cᵀd = 0 by optimality).
    2. Some dual λ tight on T and strict off T: every optimum vanishes off T (complementary
       slackness), so it solves B_T x_T = b, which has one solution: certified.
    3. Otherwise, the face LP  max Σ_{j ∈ J₀∖T} x_j  over {x ≥ 0 : Bx = b, x = 0 off J₀},
       J₀ = {j : reduced_j = 0}, which holds every optimum: value 0 certifies uniqueness, a
       positive value exhibits a second optimum.
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    entries = lp.B.entries()
    support = list(optimum.support)
    x = optimum.x
    kernel = kernel_vector(_columns_of(entries, m, n, support)) if support else None
    if kernel is not None:
        d_values = [fmpq(0)] * n
        for j, v in zip(support, kernel.entries(), strict=True):
            d_values[j] = v
        d = fmpq_mat(n, 1, d_values)
        step = min(x[j, 0] / abs(d[j, 0]) for j in support if d[j, 0] != 0) / 2
        second = x + d * step
        if (lp.c.transpose() * d)[0, 0] == 0 and lp.B * second == lp.b:
            return "refuted", "the support columns are dependent: x + εd with d in their kernel", second, None
        return (
            "undecided",
            "the support columns are dependent, but the kernel step changes the cost",
            None,
            None,
        )
    reduced = optimum.reduced.entries()
    off = [j for j in range(n) if j not in set(support)]
    if all(reduced[j] > 0 for j in off):
        return "certified", "the certificate's dual is strict off the support", None, optimum.dual
    strict = strict_dual(lp, support, entries)
    if strict is not None:
        return "certified", "a strict dual (max-margin LP, made exact) exists", None, strict
    # every optimum vanishes where the reduced cost is positive; cap the off-support mass at 1
    face_columns = [j for j in range(n) if reduced[j] == 0]
    extra = set(face_columns) - set(support)
    k = len(face_columns)
    face_entries = []
    for i in range(m):
        face_entries.extend(entries[i * n + j] for j in face_columns)
        face_entries.append(0)
    face_entries.extend([1 if j in extra else 0 for j in face_columns] + [1])
    face = StandardFormLP.from_exact(
        fmpq_mat(m + 1, k + 1, face_entries),
        fmpq_mat(m + 1, 1, [*lp.b.entries(), 1]),
        fmpq_mat(k + 1, 1, [-1 if j in extra else 0 for j in face_columns] + [0]),
    )
    res = solve_float(face)
    face_optimum = certify_optimum(face, res.x, res.eqlin.marginals) if res.status == 0 else None
    if face_optimum is None:
        return "undecided", "the optimal-face LP could not be certified", None, None
    if face_optimum.value == 0:
        return "certified", "the optimal face carries no mass off the support (exact face LP)", None, None
    values = [fmpq(0)] * n
    for j, v in zip(face_columns, face_optimum.x.entries()[:k], strict=True):
        values[j] = v
    return "refuted", "the optimal face carries mass off the support", fmpq_mat(n, 1, values), None


def l1_uniqueness(
    A: Any, y: Any = None, *, positive: bool = True, certificate: L1Certificate | None = None
) -> Uniqueness:
    """Is the ℓ1 minimizer unique?  Exact where possible (ms Assumption II.1(c)).

    Uses ``certificate`` (from :func:`certify_l1_minimizer`; computed if not given; its
    ``positive`` overrides the keyword).  Sufficient for uniqueness: A_S of full column rank and a
    dual strict off the support; refutation exhibits a second exact minimizer.
    """
    system = linear_system(A, y)
    if certificate is None:
        certificate = certify_l1_minimizer(system, positive=positive)
    positive = certificate.positive
    if not certificate.certified:
        return Uniqueness("undecided", f"no exact optimality certificate: {certificate.message}")
    m, n = system.shape
    lp = l1_program(system, positive=positive)
    z = certificate.minimizer
    if positive:
        x_values = list(z)
    else:
        x_values = [max(v, Fraction(0)) for v in z] + [max(-v, Fraction(0)) for v in z]
    x = fmpq_mat(len(x_values), 1, [fmpq(v.numerator, v.denominator) for v in x_values])
    dual = fmpq_mat(m, 1, [fmpq(v.numerator, v.denominator) for v in certificate.dual])
    optimum = ExactOptimum(
        x=x,
        dual=dual,
        reduced=lp.c - lp.B.transpose() * dual,
        value=fmpq(certificate.value.numerator, certificate.value.denominator),
        support=tuple(j for j, v in enumerate(x_values) if v != 0),
        how="given",
    )
    if any(r < 0 for r in optimum.reduced.entries()) or lp.B * x != lp.b:
        raise ValueError("the certificate does not certify an optimum of this system (check A, y, positive)")
    status, reason, second, strict = unique_optimum(lp, optimum)
    second_z = _from_program(fractions_of(second), n, positive) if second is not None else None
    strict_dual = fractions_of(strict) if strict is not None else None
    return Uniqueness(status, reason, second_z, strict_dual)


# ----------------------------------------------------------------------------------------
# the ℓ2 problem


def l2_minimizer(A: Any, y: Any = None) -> LimitResult:
    """argmin ‖z‖₂ s.t. Az = y = A⁺y in float64 (mil §1 x_∞, krr §4 β*_ℓ2, wn (3)).

    Minimum-norm least squares (``lstsq``); ``converged`` iff the relative residual is below
    L2_RESIDUAL_RTOL (otherwise Az = y looks inconsistent: :func:`l2_minimizer_exact` decides).
    """
    start = time.perf_counter()
    system = linear_system(A, y)
    z, _, rank, _ = np.linalg.lstsq(system.A, system.y, rcond=None)
    residual = _relative_residual(system, z)
    converged = residual <= L2_RESIDUAL_RTOL
    message = (
        "minimum-norm solution A⁺y (float64 lstsq)"
        if converged
        else f"Az = y looks inconsistent in float64 (relative residual {residual:.1e}); "
        "A⁺y is a least-squares point"
    )
    return LimitResult(
        value=z,
        residual=residual,
        residual_kind="relative feasibility residual ||Az - y||_2 / ||y||_2 (float64)",
        converged=converged,
        message=message,
        wall_s=time.perf_counter() - start,
        info={"rank": int(rank)},
    )


def l2_minimizer_exact(A: Any, y: Any = None) -> tuple[Fraction, ...]:
    """argmin ‖z‖₂ s.t. Az = y, exactly: Aᵀ(AAᵀ)⁻¹y for full row rank (mil §1, krr §4).

    With dependent rows, A_R with R a maximal set of independent rows replaces A (same solution
    set when Az = y is consistent).  Raises :class:`InfeasibleSystemError` if Az = y is inconsistent.
    """
    system = linear_system(A, y)
    rows = pivot_columns(system.A_exact.transpose())
    A_rows = _rows_of(system.A_exact, rows)
    w = (A_rows * A_rows.transpose()).solve(_rows_of(system.y_exact, rows))
    z = A_rows.transpose() * w
    if system.A_exact * z != system.y_exact:
        _raise_if_infeasible(l1_program(system, positive=False), positive=False)
        raise ArithmeticError("the rank of A was misjudged modulo 2^61 - 1; no exact minimum-norm solution")
    return fractions_of(z)


def exact_measurements(A: Any, x: Any) -> tuple[Fraction, ...]:
    """y = Ax in exact arithmetic (float entries read as their exact binary value).

    Data built this way keeps y in the range of A's columns on supp x exactly, so the ℓ1
    minimizer can be sparse exactly; y = A @ x in float64 is rounded, and its exact ℓ1
    minimizer then has a full support of M columns (most entries ~1e-17).
    """
    m = len(A)
    system = linear_system(A, [0] * m)
    n = system.shape[1]
    x_rows, _ = _exact_rows(x, "x", 1)
    if len(x_rows[0]) != n:
        raise ValueError(f"x must have length N = {n} (the number of columns of A), got {len(x_rows[0])}")
    x_exact = fmpq_mat(n, 1, [fmpq(v.numerator, v.denominator) for v in x_rows[0]])
    return fractions_of(system.A_exact * x_exact)
