"""The coordinates that every nonnegative solution of Az = y must leave at 0.

S₊ = {z ≥ 0 : Az = y} may have no strictly positive point.  Then some coordinates vanish
on all of S₊, and the positive flows (mil (15)/(18)) drive them to 0 as t → ∞ (like 1/t),
while the dual of the Bregman projection onto S₊ has no minimizer (its infimum is approached
as μ → ∞).  By Farkas' lemma a coordinate n vanishes on S₊ iff some w has

    Aᵀw ≥ 0,   ⟨y, w⟩ = 0,   (Aᵀw)_n > 0

(w ⟂ y and Aᵀw ≥ 0 give 0 = ⟨w, Az⟩ = Σ (Aᵀw)_k z_k with every term ≥ 0).  One LP finds a w
with the largest such support: maximize Σ uₙ over Aᵀw ≥ u, 0 ≤ u ≤ 1, ⟨y, w⟩ = 0.  The
projection is then computed on the remaining face (the columns outside the support), where
S₊ has a relatively interior point, and the forced coordinates are exactly 0.

The certificate w is checked again in float64 with a named margin and, when the data are
small enough, in exact arithmetic (the LP's w projected exactly onto the null space of
[A_Pᵀ; yᵀ], P the free coordinates).  An empty S₊ is detected, and proven by an exact Farkas
vector, by :func:`require_nonempty_positive_set` (sparse_recovery's LP and Farkas machinery,
then the exact range test of ``numerics.affine_feasibility``); it never reports emptiness that it
has not proven.  The exact linear algebra is sparse_recovery's too (python-flint).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg
from flint import fmpq, fmpq_mat

from dlncheck.numerics.affine_feasibility import affine_feasibility, describe_vector
from dlncheck.numerics.highs_lp import linprog  # scipy's linprog(method="highs"), less per-call set-up
from dlncheck.numerics.sparse_recovery import (
    FarkasCertificate,
    InfeasibleSystemError,
    LinearSystem,
    fractions_of,
    linear_system,
    pivot_columns,
    project_onto_affine,
    require_nonnegative_solution,
    short,
    solve_full_column_rank,
)

# (Aᵀw)_n above this (relative to ‖A‖ ‖w‖) counts as positive in the LP's float answer.
SUPPORT_TOL = 1e-9
# Relative size of R's diagonal below which a row of A_P is taken as dependent.
RANK_TOL = 1e-10
# Exact verification rebuilds w by rational elimination; above this many entries it is skipped.
EXACT_LIMIT_ENTRIES = 4_000


@dataclass(frozen=True)
class PositiveFace:
    """``forced``: coordinates 0 on all of S₊ (sorted); ``certificate``: the w proving it."""

    forced: tuple[int, ...]
    certificate: tuple[Fraction, ...] | np.ndarray | None
    exact: bool  # the certificate was verified in exact rational arithmetic
    message: str

    def free(self, n: int) -> tuple[int, ...]:
        return tuple(k for k in range(n) if k not in set(self.forced))


class EmptyPositiveSetError(InfeasibleSystemError):
    """{z ≥ 0 : Az = y} is empty; ``certificate`` is the exact Farkas vector (Aᵀw ≥ 0, ⟨y, w⟩ < 0)."""

    def __init__(self, message: str, certificate: FarkasCertificate):
        super().__init__(message, certificate)


class UndecidedPositiveSetError(ValueError):
    """HiGHS found no point of {z ≥ 0 : Az = y}, but nothing proves the set empty (see
    :func:`require_nonempty_positive_set`): the message says so, and what the data look like."""


def require_nonempty_positive_set(A: Any, y: Any = None) -> None:
    """Return when HiGHS finds a point of S₊ = {z ≥ 0 : Az = y} (not certified: its tolerance is 1e-7);
    raise :class:`EmptyPositiveSetError` with an exact Farkas vector when S₊ is empty, and
    :class:`UndecidedPositiveSetError` when neither is found.

    HiGHS's "no point" is not taken as emptiness: scipy's ``linprog`` gives status 2, the status of
    infeasibility, also to HiGHS's *model error*, which HiGHS returns for data it refuses to read,
    e.g. a matrix entry of size 1e15 (its ``large_matrix_value``) or more: A = [[1e300, 1], [0, 1]],
    y = (1, 1) is refused although z = (0, 1) solves it.  So after sparse_recovery's Farkas
    attempt, (1) the exact range test: y outside range A empties S₊, and its w (Aᵀw = 0, ⟨y, w⟩ < 0)
    is a Farkas vector; (2) HiGHS again on the system rescaled exactly by powers of 2 (each column,
    then each row, to a largest |entry| in [1, 2)), where such a refusal does not arise, and a
    Farkas vector found there is scaled back and checked exactly.  If neither decides,
    UndecidedPositiveSetError: the callers (``dlncheck flow``) refuse the instance with that
    message rather than proceed, since the face LP and the float64 projection that would follow run
    on the same data that HiGHS could not handle, and would end, after the integration, in a limit
    that is not reached; the message says that emptiness is not certified.
    """
    system = linear_system(A, y)
    try:
        if require_nonnegative_solution(system):
            return
        feasibility = affine_feasibility(system)
    except InfeasibleSystemError as error:
        raise _empty(error.certificate) from None
    if feasibility.status == "unsolvable":
        raise _empty(feasibility.certificate)
    scaled, row_scales = _power_of_two_equilibrated(system)
    try:
        found = require_nonnegative_solution(scaled)
    except InfeasibleSystemError as error:
        w = tuple(v * d for v, d in zip(error.certificate.w, row_scales, strict=True))  # D_r w
        certificate = _checked_farkas(system, w)
        if certificate is not None:
            raise _empty(certificate) from None
        found = False
    if found:
        return
    low, high = _magnitude_range(system)
    raise UndecidedPositiveSetError(
        "HiGHS found no point of {z ≥ 0 : Az = y} (also after an exact rescaling by powers of 2) and "
        "no exact Farkas vector was found: the set is not certified empty, nor shown nonempty "
        f"(badly scaled data? the nonzero |entries| of A span {low:.0e} to {high:.0e}); this instance "
        "cannot be decided in float64"
    )


def _empty(certificate: FarkasCertificate) -> EmptyPositiveSetError:
    return EmptyPositiveSetError(
        "no nonnegative solution of Az = y: the exact Farkas vector w in .certificate has Aᵀw ≥ 0 "
        f"and <y, w> = {short(certificate.inner_product)} < 0 ({describe_vector(certificate.w)})",
        certificate,
    )


def _exponent(q: Fraction) -> int:
    """k with 2^k ≤ |q| < 2^(k+1), exactly (q ≠ 0)."""
    q = abs(q)
    k = q.numerator.bit_length() - q.denominator.bit_length()
    return k if q >= Fraction(2) ** k else k - 1


def _power_of_two_equilibrated(system: LinearSystem) -> tuple[LinearSystem, list[Fraction]]:
    """(D_r A D_c, D_r y) with D_c, D_r powers of 2 (columns first, then rows), and D_r's diagonal.

    z ≥ 0 solves the original iff D_c⁻¹z solves this one; a Farkas vector w of this system gives
    D_r w for the original ((D_r A D_c)ᵀw = D_c Aᵀ(D_r w), ⟨D_r y, w⟩ = ⟨y, D_r w⟩).
    """
    m, n = system.shape
    entries = fractions_of(system.A_exact)
    rows = [list(entries[i * n : (i + 1) * n]) for i in range(m)]
    y = list(fractions_of(system.y_exact))
    for j in range(n):
        column = [abs(rows[i][j]) for i in range(m) if rows[i][j] != 0]
        if column:
            factor = Fraction(2) ** -_exponent(max(column))
            for i in range(m):
                rows[i][j] *= factor
    row_scales = []
    for i in range(m):
        nonzero = [abs(v) for v in rows[i] if v != 0]
        factor = Fraction(2) ** -_exponent(max(nonzero)) if nonzero else Fraction(1)
        rows[i] = [v * factor for v in rows[i]]
        y[i] *= factor
        row_scales.append(factor)
    return linear_system(rows, y), row_scales


def _checked_farkas(system: LinearSystem, w: tuple[Fraction, ...]) -> FarkasCertificate | None:
    """w as a certificate of the original system if it is one exactly (Aᵀw ≥ 0, ⟨y, w⟩ < 0)."""
    w_mat = fmpq_mat(len(w), 1, [fmpq(v.numerator, v.denominator) for v in w])
    slack = (system.A_exact.transpose() * w_mat).entries()
    inner = fractions_of(system.y_exact.transpose() * w_mat)[0]
    if all(v >= 0 for v in slack) and inner < 0:
        return FarkasCertificate(w=w, inner_product=inner, positive=True)
    return None


def _magnitude_range(system: LinearSystem) -> tuple[float, float]:
    nonzero = np.abs(system.A[system.A != 0])
    return (float(nonzero.min()), float(nonzero.max())) if nonzero.size else (0.0, 0.0)


def positive_face(
    A_exact: tuple[tuple[Fraction, ...], ...] | LinearSystem,
    y_exact: tuple[Fraction, ...] | None = None,
    *,
    checked_nonempty: bool = False,
) -> PositiveFace:
    """The forced zeros of {z ≥ 0 : Az = y}, with a Farkas certificate; (A, y) exact, or a
    :class:`~numerics.sparse_recovery.LinearSystem` built already.

    First :func:`require_nonempty_positive_set`, unless the caller has run it already
    (``checked_nonempty``).
    """
    system = linear_system(A_exact, y_exact)
    A, y = system.A, system.y
    m, n = A.shape
    if not checked_nonempty:
        require_nonempty_positive_set(system)
    # variables (w, u); minimize -Σu
    c = np.concatenate([np.zeros(m), -np.ones(n)])
    A_ub = np.hstack([-A.T, np.eye(n)])  # u - Aᵀw ≤ 0
    A_eq = np.concatenate([y, np.zeros(n)])[None, :]
    bounds = [(None, None)] * m + [(0.0, 1.0)] * n
    lp = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[0.0], bounds=bounds, method="highs")
    if lp.status != 0:
        return PositiveFace(
            (), None, False, f"face LP failed ({lp.message}); no coordinate treated as forced"
        )
    w = lp.x[:m]
    scale = max(float(np.linalg.norm(A, ord=2) * np.linalg.norm(w)), np.finfo(float).tiny)
    slack = A.T @ w
    forced = tuple(int(k) for k in np.flatnonzero(slack > SUPPORT_TOL * scale))
    if not forced:
        return PositiveFace((), None, True, "S₊ has a strictly positive point (the face LP's optimum is 0)")
    if m * n <= EXACT_LIMIT_ENTRIES:
        exact_w = _exact_certificate(system, forced, w)
        if exact_w is not None:
            return PositiveFace(
                forced, exact_w, True, f"{len(forced)} coordinate(s) forced to 0 (exact certificate)"
            )
    if np.all(slack >= -SUPPORT_TOL * scale) and abs(float(y @ w)) <= SUPPORT_TOL * scale * np.linalg.norm(y):
        return PositiveFace(
            forced, w, False, f"{len(forced)} coordinate(s) forced to 0 (float64 certificate)"
        )
    return PositiveFace(
        (), None, False, "the face LP's certificate does not verify; no coordinate treated as forced"
    )


def independent_rows(A_exact: tuple[tuple[Fraction, ...], ...], columns: tuple[int, ...]) -> tuple[int, ...]:
    """Rows of A restricted to ``columns`` that span its row space (QR with column pivoting).

    On the face, A_P z = y is consistent (S₊ is not empty), so keeping a basis of rows keeps
    the same solution set and gives the dual a positive definite Hessian.
    """
    A_cols = np.array([[float(row[k]) for k in columns] for row in A_exact])
    if A_cols.size == 0:
        return ()
    _, R, pivots = scipy.linalg.qr(A_cols.T, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > RANK_TOL * diag[0])) if diag.size and diag[0] > 0 else 0
    return tuple(sorted(int(p) for p in pivots[:rank]))


def _exact_certificate(system: LinearSystem, forced: tuple[int, ...], w_float) -> tuple[Fraction, ...] | None:
    """An exact w ⟂ y with (Aᵀw)_P = 0 and (Aᵀw)_Z > 0: the LP's float w projected exactly, or None.

    The constraints say C ᵀw = 0 for the columns C = [A_P, y]; w is the point of that subspace
    nearest to the float w (read as its exact binary value), through independent columns of C.
    """
    m, n = system.shape
    free = [k for k in range(n) if k not in set(forced)]
    At, y = system.A_exact.transpose().entries(), system.y_exact.entries()  # row k of Aᵀ: column k
    C = [[At[k * m + i] for k in free] + [y[i]] for i in range(m)]
    independent = pivot_columns(fmpq_mat(m, len(free) + 1, [v for row in C for v in row]))
    kept = fmpq_mat(m, len(independent), [C[i][j] for i in range(m) for j in independent])
    start = fmpq_mat(m, 1, [fmpq(*float(v).as_integer_ratio()) for v in w_float])  # exact binary value
    w = project_onto_affine(kept, fmpq_mat(len(independent), 1, [0] * len(independent)), start)
    aw = (system.A_exact.transpose() * w).entries()
    orthogonal = (system.y_exact.transpose() * w)[0, 0] == 0
    if orthogonal and all(aw[k] > 0 for k in forced) and all(aw[k] == 0 for k in free):
        return fractions_of(w)
    return None


def unique_point(
    A_face: tuple[tuple[Fraction, ...], ...], y_face: tuple[Fraction, ...]
) -> tuple[Fraction, ...] | None:
    """The exact solution of a square system A_face z = y (None if singular or not ≥ 0)."""
    if not A_face:
        return None
    system = linear_system(A_face, y_face)
    solution = solve_full_column_rank(system.A_exact, system.y_exact)
    if solution is None:
        return None
    point = fractions_of(solution)
    return point if all(v >= 0 for v in point) else None
