"""The ℓ1-quotient property of mil §1.2 and its optimal constant, exactly.

mil §1.2: A ∈ ℝ^{M×N} has the ℓ1-quotient property with constant d relative to ℓ2 if for all
e ∈ ℝ^M some u with Au = e has ‖u‖₁ ≤ d√s_* ‖e‖₂, s_* = M/log(eN/M).

By LP duality, min{‖u‖₁ : Au = e} = max{μᵀe : ‖Aᵀμ‖_∞ ≤ 1}, so

    sup_{e ≠ 0} min{‖u‖₁ : Au = e}/‖e‖₂ = max{‖μ‖₂ : ‖Aᵀμ‖_∞ ≤ 1} =: √q*,

and the optimal d is √(q*/s_*).  The polytope {μ : |Aᵀμ| ≤ 1} is bounded iff rank A = M (else
some e ∉ range A and no d works); ‖μ‖₂² is convex, so its maximum is at a vertex, and the
vertices are μ = A_J^{-ᵀ}σ for M independent columns J and signs σ ∈ {±1}^M that satisfy all
the other constraints: :func:`quotient_constant` enumerates them in exact rationals.  The
maximizing vertex μ* is also the worst noise direction: min{‖u‖₁ : Au = μ*} = ‖μ*‖₂².
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq_mat

from dlncheck.numerics.sparse_recovery import fractions_of, linear_system, pivot_columns

# Float vertex enumeration (Gaussian measurements only): column sets with |det A_J| below this are
# treated as singular (Gaussian A_J are singular with probability 0; 1e-12 is far below their
# typical |det| ~ 1), and a vertex is feasible within 1e-9 of |Aᵀμ| <= 1 (float64 solves of
# M <= 4 systems are accurate to ~1e-14).
VERTEX_DETERMINANT_FLOOR = 1e-12
VERTEX_FEASIBILITY_TOL = 1e-9


@dataclass(frozen=True)
class QuotientConstant:
    """q* = max{‖μ‖₂² : ‖Aᵀμ‖_∞ ≤ 1} exactly (None: rank A < M, no d works), at the vertex μ*."""

    q_star: Fraction | None
    vertex: tuple[Fraction, ...] | None
    vertices: int
    message: str

    def d_squared_times_s_star(self) -> Fraction | None:
        """d²·s_* of the optimal d: q* itself."""
        return self.q_star


def s_star(M: int, N: int) -> float:
    """s_* = M/log(eN/M) of mil §1.2 (float; the claims evaluate it in intervals)."""
    return M / (1 + math.log(N / M))


def quotient_constant(A: Any) -> QuotientConstant:
    """q* by exact vertex enumeration (module docstring)."""
    system = linear_system(A, [0] * len(A))
    m, n = system.shape
    mat = system.A_exact
    if len(pivot_columns(mat)) < m:
        return QuotientConstant(None, None, 0, "rank A < M: some e ∉ range A, no constant d works")
    entries = mat.entries()
    best: Fraction | None = None
    vertex = None
    count = 0
    for J in itertools.combinations(range(n), m):
        A_J = fmpq_mat(m, m, [entries[i * n + j] for i in range(m) for j in J])
        if A_J.rank() < m:
            continue
        inverse_T = A_J.transpose().inv()
        for signs in itertools.product((1, -1), repeat=m):
            mu = inverse_T * fmpq_mat(m, 1, list(signs))
            products = (mat.transpose() * mu).entries()
            if any(abs(p) > 1 for p in products):
                continue
            count += 1
            values = fractions_of(mu)
            norm2 = sum((x * x for x in values), Fraction(0))
            if best is None or norm2 > best:
                best, vertex = norm2, values
    assert best is not None  # rank A = M: the polytope is a nonempty bounded set with vertices
    return QuotientConstant(best, vertex, count, f"q* = {best} over {count} vertices")


def quotient_constant_float(A: Any) -> float:
    """q* of :func:`quotient_constant` in float64 (vertex enumeration with numpy), for the Gaussian
    measurements; ∞ when rank A < M."""
    import numpy as np

    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if np.linalg.matrix_rank(A) < m:
        return float("inf")
    subsets = np.array(list(itertools.combinations(range(n), m)))
    blocks = np.transpose(A[:, subsets], (1, 2, 0))  # A_Jᵀ for every J
    regular = np.abs(np.linalg.det(blocks)) > VERTEX_DETERMINANT_FLOOR
    blocks = blocks[regular]
    best = 0.0
    for signs in itertools.product((1.0, -1.0), repeat=m):
        rhs = np.broadcast_to(np.array(signs), (blocks.shape[0], m))[..., None]
        mu = np.linalg.solve(blocks, rhs)[..., 0]
        feasible = np.all(np.abs(mu @ A) <= 1 + VERTEX_FEASIBILITY_TOL, axis=1)
        if feasible.any():
            best = max(best, float((mu[feasible] ** 2).sum(axis=1).max()))
    return best
