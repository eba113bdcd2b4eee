"""Whether Az = y has a solution (no sign constraint), with a certificate either way.

The sign-free Farkas lemma (Fredholm alternative): exactly one of

    (i)   Az = y for some z,
    (ii)  Aᵀw = 0 and ⟨y, w⟩ ≠ 0 for some w

holds (range A = (ker Aᵀ)^⊥).  A w of (ii) proves that no flow whose limits satisfy Az = y (the
sign-free models: mil (35), krr's w± and u⊙v flows, sensing, mil (5), wn's signed flow) can fit
the data.  The nonnegative case {z ≥ 0 : Az = y} is ``numerics.sparse_recovery``'s (an LP).

Exact decision (python-flint), on the integer system D[A | y] (row i times the lcm dᵢ of its
denominators: the same solutions; a w of that system gives Dw for this one):

1. Independent columns P of A modulo a prime: columns independent mod p are independent over ℚ
   (a minor nonzero mod p is a nonzero integer).  If |P| = M, A is onto: (i), decided.  The
   first M + LEADING_EXTRA columns are tried first (a Gaussian A is onto there already).
2. Otherwise r = |P| < M: rows R of A_P independent mod p, B = A_{R,P} (r × r, invertible over ℚ),
   x = B⁻¹y_R and ρ = y − A_P x exactly.  ρ = 0: z = x on P solves Az = y, (i).  ρ_i ≠ 0:
   w = e_i − B⁻ᵀA_{i,P}ᵀ (on R) has A_Pᵀw = 0 and ⟨y, w⟩ = ρ_i; if Aᵀw = 0 on every column
   (checked exactly), (ii).  If not, the prime misjudged the rank (some column of A lies outside
   the span the prime saw): the next of PRIMES is tried, and after them the exact null space of
   Aᵀ decides.

The r × r rational solves cost ~r³ times the entries' size: with 17-digit decimal entries, r =
150: 0.3 s, 400: 3.8 s, 800: 26 s, 1200: 88 s (fmpz_mat.solve on this machine).  Above
EXACT_RANK_LIMIT a rank-deficient A is tested in float64 (:func:`_float64_test`): w is y's
least-squares residual computed in float64, and |⟨y, w⟩|/‖Aᵀw‖₂, evaluated exactly, bounds ‖z‖₂
from below for every solution z.  A refusal says that its certificate is float64 and what it shows
(every solution would need ‖A‖₂‖z‖₂ ≥ FLOAT64_UNREACHABLE_RATIO ‖y‖₂), never that no solution
exists.  Step 1 is exact at any size (mod-p rank: 0.03 s at M × N = 150 × 1000, 0.2 s at
400 × 2000, 3.4 s at 1200 × 8000).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import scipy.linalg
from flint import fmpz_mat, nmod_mat

from dlncheck.numerics.sparse_recovery import (
    FarkasCertificate,
    InfeasibleSystemError,
    LinearSystem,
    fractions_of,
    short,
)

# Primes for the rank decisions mod p (sparse_recovery.PRIME first, then the largest primes below
# 2^62 and 2^63): a prime that misjudges the rank only sends the test to the next one.
PRIMES = (2**61 - 1, 2**62 - 57, 2**63 - 25)
# Columns beyond M tried first in step 1 (module docstring); the whole of A only if they are not onto.
LEADING_EXTRA = 16
# Largest rank r of a rank-deficient A decided exactly (two r × r rational solves; 400: ~4 s each).
EXACT_RANK_LIMIT = 400
# float64 unit roundoff.
UNIT_ROUNDOFF = 2.0**-53
# The float64 test refuses only when every solution z has ‖A‖₂‖z‖₂ ≥ this × ‖y‖₂ (a bound evaluated
# exactly): Az = y then holds only by cancelling 12 of float64's 16 digits, so no float64
# computation (of the flows or of any z) fits y to better than about 1e-4; weaker evidence leaves
# the system undecided.  A float64 residual w is orthogonal to range A to rounding, so the bound
# reaches about (‖w‖/‖y‖)/UNIT_ROUNDOFF: an inconsistency of relative size 1e-3 is still refused.
FLOAT64_UNREACHABLE_RATIO = 1e12
# A certificate w is printed in full when its text is at most this long.
SHOWN_VECTOR_CHARS = 60


@dataclass(frozen=True)
class Float64RangeCertificate:
    """A w found in float64 with y far outside range A: every solution z of Az = y has
    ‖z‖₂ ≥ ``norm_bound`` = |⟨y, w⟩|/‖Aᵀw‖₂ (both evaluated exactly; ⟨y, w⟩ = ⟨z, Aᵀw⟩).

    Not a proof that Az = y has no solution.  ``ratio`` = ‖A‖₂ ``norm_bound``/‖y‖₂, with ‖A‖₂ from
    below (its largest column) and ‖y‖₂ from above, in float64 with rounding margins.
    """

    w: np.ndarray
    inner_product: float  # ⟨y, w⟩, float64
    norm_bound: float
    ratio: float


@dataclass(frozen=True)
class AffineFeasibility:
    """Whether Az = y has a solution; how it was decided, and the certificate.

    ``status``: ``"solvable"`` (exact: A is onto, or an exact z was found); ``"unsolvable"`` (exact:
    ``certificate`` is a :class:`~numerics.sparse_recovery.FarkasCertificate` with Aᵀw = 0 and
    ⟨y, w⟩ < 0, ``positive`` False); ``"float64_unsolvable"`` (``certificate`` is a
    :class:`Float64RangeCertificate`: no solution within float64's reach, not proven exactly);
    ``"undecided"`` (float64 found no such w).  ``rank``: A's rank modulo a prime, a lower bound on
    its rank (exactly M when A is onto).
    """

    status: Literal["solvable", "unsolvable", "float64_unsolvable", "undecided"]
    exact: bool
    rank: int
    certificate: FarkasCertificate | Float64RangeCertificate | None
    message: str
    wall_s: float

    @property
    def solvable(self) -> bool | None:
        """True or False when decided exactly, None otherwise."""
        return {"solvable": True, "unsolvable": False}.get(self.status)


class Float64InconsistencyError(ValueError):
    """Az = y has no solution within float64's reach (``certificate``: float64, not a proof)."""

    def __init__(self, message: str, certificate: Float64RangeCertificate) -> None:
        super().__init__(message)
        self.certificate = certificate


def require_affine_solution(
    A: Any, y: Any = None, *, exact_rank_limit: int = EXACT_RANK_LIMIT
) -> AffineFeasibility:
    """:func:`affine_feasibility`, raising when Az = y has no solution.

    Raises :class:`~numerics.sparse_recovery.InfeasibleSystemError` (exact certificate) or
    :class:`Float64InconsistencyError` (float64 certificate, the message says so); returns the
    result otherwise (``"solvable"`` or ``"undecided"``), with one-line messages throughout.
    """
    result = affine_feasibility(A, y, exact_rank_limit=exact_rank_limit)
    if result.status == "unsolvable":
        raise InfeasibleSystemError(result.message, result.certificate)
    if result.status == "float64_unsolvable":
        raise Float64InconsistencyError(result.message, result.certificate)
    return result


def affine_feasibility(
    A: Any, y: Any = None, *, exact_rank_limit: int = EXACT_RANK_LIMIT
) -> AffineFeasibility:
    """Decide whether Az = y has a solution z (any signs), with a certificate (module docstring).

    A: M × N, y: length M, entries ``Fraction``, ``int`` or finite floats (read as their exact
    binary value); or a :class:`~numerics.sparse_recovery.LinearSystem` for A.  Exact unless A is
    rank-deficient with rank above ``exact_rank_limit``; then float64
    (:class:`Float64RangeCertificate`) or undecided.
    """
    start = time.perf_counter()
    if isinstance(A, LinearSystem):
        if y is not None:
            raise ValueError("give either a LinearSystem or (A, y), not both")
        n = A.shape[1]
        entries = fractions_of(A.A_exact)
        A, y = [entries[i * n : (i + 1) * n] for i in range(A.shape[0])], fractions_of(A.y_exact)
    A, y = _exact_data(A, y)
    m, n = len(A), len(A[0])
    width = min(n, m + LEADING_EXTRA)  # step 1 on the leading columns (row scales do not change ranks)
    leading = [_integers(row[:width])[0] for row in A]
    if nmod_mat(m, width, [v for row in leading for v in row], PRIMES[0]).rank() == m:
        message = f"A has full row rank {m} (exact, mod-p rank): Az = y is solvable for every y"
        return AffineFeasibility("solvable", True, m, None, message, time.perf_counter() - start)
    rows, scales = zip(*(_integers([*row, v]) for row, v in zip(A, y, strict=True)), strict=True)
    rows, scales = list(rows), list(scales)
    whole = fmpz_mat(m, n + 1, [v for row in rows for v in row])
    for prime in PRIMES:
        columns = _pivots(nmod_mat(whole, prime), n)
        if len(columns) > exact_rank_limit:
            return _float64_test(A, y, whole, scales, columns, exact_rank_limit, start)
        verdict = _decide_on_columns(rows, scales, columns, prime)
        if verdict is not None:
            return _result(verdict, y, len(columns), start)
    return _result(_decide_by_null_space(rows, scales), y, len(columns), start)


# ----------------------------------------------------------------------------------------
# exact


def _exact_data(A: Any, y: Any) -> tuple[Sequence[Sequence[Fraction | int]], list[Fraction | int]]:
    """A's rows and y, validated, with exact entries (floats as their binary values); rows that
    are exact already are kept as they are."""
    if isinstance(A, np.ndarray):
        A = A.tolist()
    if isinstance(y, np.ndarray):
        y = y.tolist()
    if isinstance(A, str) or not isinstance(A, Sequence) or not A:
        raise ValueError("A must be a non-empty matrix (a sequence of rows)")
    if isinstance(y, str) or not isinstance(y, Sequence) or len(y) != len(A):
        raise ValueError(f"y must be a vector of length M = {len(A)} (the number of rows of A)")
    n = len(A[0])
    if n == 0 or any(isinstance(row, str) or not isinstance(row, Sequence) or len(row) != n for row in A):
        raise ValueError("A must have rows of one positive length")
    rows = []
    for i, row in enumerate(A):
        if not all(type(v) in _EXACT_TYPES for v in row):
            row = [v if type(v) in _EXACT_TYPES else _exact(v, f"A[{i}]") for v in row]
        rows.append(row)
    return rows, [_exact(v, f"y[{i}]") for i, v in enumerate(y)]


_EXACT_TYPES = (Fraction, int)


def _exact(value: Any, where: str) -> Fraction:
    if isinstance(value, bool | np.bool_) or not isinstance(value, Fraction | int | float | np.number):
        raise ValueError(f"{where}: expected numbers (Fraction, int or float), got {type(value).__name__}")
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        raise ValueError(f"{where} has a non-finite entry ({float(value)!r}); give finite numbers")
    return Fraction(value)


def _integers(row: list[Fraction | int]) -> tuple[list[int], int]:
    """The row times d, the lcm of its denominators, as integers; and d."""
    scale = math.lcm(*(v.denominator for v in row))
    return [v.numerator * (scale // v.denominator) for v in row], scale


def _pivots(mat: nmod_mat, n: int) -> list[int]:
    """Pivot columns among the first ``n`` of ``mat``'s reduced row echelon form."""
    reduced, rank = mat.rref()
    pivots, j = [], 0
    for i in range(rank):
        while j < mat.ncols() and int(reduced[i, j]) == 0:
            j += 1
        if j >= n:
            break
        pivots.append(j)
        j += 1
    return pivots


def _submatrix(rows: list[list[int]], which: Sequence[int], cols: Sequence[int]) -> fmpz_mat:
    return fmpz_mat(len(which), len(cols), [rows[i][j] for i in which for j in cols])


def _decide_on_columns(rows: list[list[int]], scales: list[int], columns: list[int], prime: int):
    """Step 2 of the module docstring: ("solvable", None), ("unsolvable", w) or None (prime unlucky)."""
    m, n, r = len(rows), len(rows[0]) - 1, len(columns)
    everything = range(m)
    if r == 0:  # A = 0 mod p: a row with yᵢ ≠ 0 is a certificate if A = 0 exactly
        nonzero = [i for i in everything if rows[i][n] != 0]
        if not nonzero:
            return "solvable", None
        w = [0] * m
        w[nonzero[0]] = 1
        return ("unsolvable", _unscaled(w, scales)) if _annihilates(rows, w) else None
    A_P = _submatrix(rows, everything, columns)
    independent = _pivots(nmod_mat(A_P.transpose(), prime), m)
    if len(independent) < r:  # cannot happen for columns independent mod the same prime
        return None
    B = _submatrix(rows, independent, columns)
    x, denominator = B.solve(_submatrix(rows, independent, [n])).numer_denom()
    residual = A_P * x - _submatrix(rows, everything, [n]) * denominator  # −d·ρ, integers
    off = [i for i in everything if residual[i, 0] != 0]
    if not off:
        return "solvable", None
    i = off[0]
    c, c_denominator = B.transpose().solve(_submatrix(rows, [i], columns).transpose()).numer_denom()
    w = [0] * m
    w[i] = int(c_denominator)
    for k, row in enumerate(independent):
        w[row] = -int(c[k, 0])
    return ("unsolvable", _unscaled(w, scales)) if _annihilates(rows, w) else None


def _unscaled(w: list[int], scales: list[int]) -> list[int]:
    """Dw: the certificate of the original system from that of D[A | y]."""
    return [wi * d for wi, d in zip(w, scales, strict=True)]


def _annihilates(rows: list[list[int]], w: list[int]) -> bool:
    """(DA)ᵀw = 0 exactly, over every column of A (only w's nonzero rows are read)."""
    n = len(rows[0]) - 1
    support = [i for i, v in enumerate(w) if v != 0]
    block = _submatrix(rows, support, range(n)).transpose()
    product = block * fmpz_mat(len(support), 1, [w[i] for i in support])
    return all(v == 0 for v in product.entries())


def _decide_by_null_space(rows: list[list[int]], scales: list[int]):
    """The exact null space of (DA)ᵀ: a basis vector b with ⟨Dy, b⟩ ≠ 0, or y ⊥ ker Aᵀ (solvable)."""
    m, n = len(rows), len(rows[0]) - 1
    basis, nullity = _submatrix(rows, range(m), range(n)).transpose().nullspace()
    for k in range(nullity):
        b = [int(basis[i, k]) for i in range(m)]
        if sum(bi * rows[i][n] for i, bi in enumerate(b)) != 0:
            return "unsolvable", _unscaled(b, scales)
    return "solvable", None


def _result(verdict, y: Any, rank: int, start: float) -> AffineFeasibility:
    status, w = verdict
    if status == "solvable":
        message = "y is in the range of A (an exact solution of Az = y was found)"
        return AffineFeasibility("solvable", True, rank, None, message, time.perf_counter() - start)
    w = _primitive([Fraction(v) for v in w])
    inner = sum((wi * Fraction(yi) for wi, yi in zip(w, y, strict=True)), Fraction(0))
    if inner > 0:
        w, inner = [-v for v in w], -inner
    certificate = FarkasCertificate(w=tuple(w), inner_product=inner, positive=False)
    message = (
        f"Az = y has no solution: y is not in the range of A (exact certificate w with Aᵀw = 0, "
        f"<y, w> {_equals(inner)}; {describe_vector(w)})"
    )
    return AffineFeasibility("unsolvable", True, rank, certificate, message, time.perf_counter() - start)


def _equals(q: Fraction) -> str:
    """``= 3`` or, for a long rational, ``≈ -0.2``."""
    text = short(q)
    return text if text.startswith("≈") else f"= {text}"


def _primitive(w: list[Fraction]) -> list[Fraction]:
    """w scaled to integers without a common factor (the same certificate, shorter to print)."""
    scale = math.lcm(*(v.denominator for v in w))
    ints = [int(v * scale) for v in w]
    g = math.gcd(*ints) or 1
    return [Fraction(v // g) for v in ints]


def describe_vector(w: Sequence[Fraction]) -> str:
    """``w = (1, -1)`` when short, else its number of nonzero entries and their rows."""
    text = "w = (" + ", ".join(str(v) for v in w) + ")"
    if len(text) <= SHOWN_VECTOR_CHARS:
        return text
    rows = [i for i, v in enumerate(w) if v != 0]
    shown = ", ".join(str(i) for i in rows[:6]) + (", …" if len(rows) > 6 else "")
    return f"w has {len(rows)} nonzero entries, in rows {shown}"


# ----------------------------------------------------------------------------------------
# float64, for rank-deficient A of large rank


def _float64_test(
    A: Sequence[Sequence[Fraction | int]],
    y: Sequence[Fraction | int],
    whole: fmpz_mat,
    scales: list[int],
    columns: list[int],
    limit: int,
    start: float,
) -> AffineFeasibility:
    """The float64 least-squares residual w of y on A's independent columns P; its bound, exactly.

    For w found in float64, ⟨y, w⟩ and Aᵀw are then evaluated exactly (w is a dyadic vector; the
    products run on the integer system D[A | y] with D⁻¹w): every solution has ‖z‖₂ ≥ |⟨y, w⟩|/‖Aᵀw‖₂
    (⟨y, w⟩ = ⟨Az, w⟩ = ⟨z, Aᵀw⟩), with no rounding error in the bound.  P spans range A when the
    prime judged the rank right; if not, w keeps a part in range A and the bound is weak: undecided.
    If Aᵀw = 0 holds exactly, w is an exact certificate.
    """
    rank = len(columns)
    m, n = whole.nrows(), whole.ncols() - 1
    try:
        A_f = np.array([[float(v) for v in row] for row in A])
        y_f = np.array([float(v) for v in y])
    except OverflowError:
        return _undecided(rank, "entries outside float64's range", start)
    Q, _ = scipy.linalg.qr(A_f[:, columns], mode="economic")
    w = y_f - Q @ (Q.T @ y_f)
    w -= Q @ (Q.T @ w)  # once more: orthogonal to Q to rounding
    # D⁻¹w over a common denominator, as integers: (DA)ᵀu = c Aᵀw and ⟨Dy, u⟩ = c⟨y, w⟩, c > 0
    exact_w = [Fraction(float(v)) / d for v, d in zip(w, scales, strict=True)]
    common = math.lcm(*(v.denominator for v in exact_w))
    u = fmpz_mat(m, 1, [int(v * common) for v in exact_w])
    products = [int(v) for v in (whole.transpose() * u).entries()]  # (DA)ᵀu, then ⟨Dy, u⟩
    inner = products[n]
    if inner == 0:
        return _undecided(rank, "y lies in the float64 span of A's columns", start)
    norm_squared = sum(v * v for v in products[:n])
    if norm_squared == 0:  # Aᵀw = 0 exactly: an exact certificate after all
        return _result(("unsolvable", [Fraction(float(v)) for v in w]), y, rank, start)
    # ‖z‖₂ ≥ |⟨y, w⟩|/‖Aᵀw‖₂ exactly; its float value is within 1e-15 relative: 1e-12 below it
    norm_bound = math.sqrt(Fraction(inner * inner, norm_squared)) * (1 - 1e-12)
    A_low = float(np.max(np.linalg.norm(A_f, axis=0))) * (1 - 4 * m * UNIT_ROUNDOFF)  # ‖A‖₂ ≥ a column
    y_high = float(np.linalg.norm(y_f)) * (1 + 4 * m * UNIT_ROUNDOFF)
    ratio = A_low * norm_bound / y_high
    if ratio < FLOAT64_UNREACHABLE_RATIO:
        return _undecided(rank, f"every solution has ‖A‖‖z‖/‖y‖ ≥ {ratio:.1e} only", start)
    certificate = Float64RangeCertificate(w, float(y_f @ w), norm_bound, ratio)
    message = (
        f"Az = y has no solution within float64's reach: every solution z would have "
        f"‖A‖‖z‖/‖y‖ ≥ {ratio:.1e} (a float64 certificate w, not a proof that there is none: "
        f"|<y, w>|/‖Aᵀw‖ ≥ {norm_bound:.3e}, evaluated exactly; A has rank ≥ {rank}, above the "
        f"{limit} decided exactly)"
    )
    wall_s = time.perf_counter() - start
    return AffineFeasibility("float64_unsolvable", False, rank, certificate, message, wall_s)


def _undecided(rank: int, why: str, start: float) -> AffineFeasibility:
    message = f"undecided: A is rank-deficient with rank ≥ {rank} (tested in float64): {why}"
    return AffineFeasibility("undecided", False, rank, None, message, time.perf_counter() - start)
