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
exact rationals and small enough, in exact arithmetic (w is rebuilt exactly in the null space
of [A_Pᵀ; yᵀ], P the free coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.linalg
import sympy as sp
from scipy.optimize import linprog

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


class EmptyPositiveSetError(ValueError):
    """{z ≥ 0 : Az = y} is empty; ``certificate`` is a w with Aᵀw ≥ 0 and ⟨y, w⟩ < 0."""

    def __init__(self, message: str, certificate: np.ndarray):
        super().__init__(message)
        self.certificate = certificate


def _check_nonempty(A: np.ndarray, y: np.ndarray) -> None:
    """Raise EmptyPositiveSetError with a Farkas vector when S₊ is empty (two small LPs)."""
    m, n = A.shape
    feasible = linprog(np.zeros(n), A_eq=A, b_eq=y, bounds=[(0, None)] * n, method="highs")
    if feasible.status != 2:  # 2: infeasible
        return
    # Farkas: S₊ = ∅ iff some w has Aᵀw ≥ 0 and ⟨y, w⟩ < 0; normalize ⟨y, w⟩ = -1
    farkas = linprog(
        np.zeros(m),
        A_ub=-A.T,
        b_ub=np.zeros(n),
        A_eq=y[None, :],
        b_eq=[-1.0],
        bounds=[(None, None)] * m,
        method="highs",
    )
    if farkas.status == 0:
        w = farkas.x
        margin = float(np.min(A.T @ w))
        raise EmptyPositiveSetError(
            "no nonnegative solution of Az = y: Farkas vector w with <y, w> = -1 and "
            f"min(Aᵀw) = {margin:.1e}",
            w,
        )
    raise EmptyPositiveSetError("no nonnegative solution of Az = y (the feasibility LP is infeasible)", None)


def positive_face(A_exact: tuple[tuple[Fraction, ...], ...], y_exact: tuple[Fraction, ...]) -> PositiveFace:
    """The forced zeros of {z ≥ 0 : Az = y}, with a Farkas certificate."""
    A = np.array([[float(a) for a in row] for row in A_exact])
    y = np.array([float(v) for v in y_exact])
    m, n = A.shape
    _check_nonempty(A, y)
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
        exact_w = _exact_certificate(A_exact, y_exact, forced, w)
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


def _exact_certificate(A_exact, y_exact, forced, w_float) -> tuple[Fraction, ...] | None:
    """An exact w ⟂ y with (Aᵀw)_P = 0 and (Aᵀw)_Z > 0, near the LP's float w, or None."""
    m, n = len(A_exact), len(A_exact[0])
    free = [k for k in range(n) if k not in set(forced)]
    rows = [[A_exact[i][k] for i in range(m)] for k in free] + [list(y_exact)]
    basis = sp.Matrix(rows).nullspace() if rows else [sp.eye(m)[:, i] for i in range(m)]
    if not basis:
        return None
    B = np.array([[float(v) for v in vec] for vec in basis]).T  # m x k
    coeffs = np.linalg.lstsq(B, w_float, rcond=None)[0]
    for denominator in (10**6, 10**9, 10**12):
        c = [Fraction(float(v)).limit_denominator(denominator) for v in coeffs]
        w = [
            sum((_fraction(vec[i]) * ci for vec, ci in zip(basis, c, strict=True)), Fraction(0))
            for i in range(m)
        ]
        aw = [sum((A_exact[i][k] * w[i] for i in range(m)), Fraction(0)) for k in range(n)]
        if all(aw[k] > 0 for k in forced) and all(aw[k] == 0 for k in free):
            return tuple(w)
    return None


def _fraction(value) -> Fraction:
    rational = sp.Rational(value)
    return Fraction(int(rational.p), int(rational.q))


def unique_point(
    A_face: tuple[tuple[Fraction, ...], ...], y_face: tuple[Fraction, ...]
) -> tuple[Fraction, ...] | None:
    """The exact solution of a square system A_face z = y (None if singular or not ≥ 0)."""
    solution = sp.Matrix(A_face).LUsolve(sp.Matrix(y_face)) if A_face else None
    if solution is None:
        return None
    point = tuple(_fraction(v) for v in solution)
    return point if all(v >= 0 for v in point) else None
