"""The ℓ2-robust null space property of order 1 (mil (13)) and its optimal τ, exactly.

mil (13): A has the ℓ2-robust NSP of order s with constants ρ ∈ (0, 1), τ > 0 if, for every
S ⊂ [N] with |S| = s and every v ∈ ℝ^N,

    ‖v_S‖₂ ≤ ρ/√s ‖v_{Sᶜ}‖₁ + τ‖Av‖₂.

At order s = 1 (the order of Theorem 1.4's hypotheses on 2 × N matrices) this reads
|v_i| ≤ ρ‖v_{−i}‖₁ + τ‖Av‖₂, and for fixed ρ the smallest τ is

    τ*(ρ) = max_i sup_v (v_i − ρ‖v_{−i}‖₁) / ‖Av‖₂
          = max_i min {‖μ‖₂ : (Aᵀμ)_i = 1, |(Aᵀμ)_j| ≤ ρ (j ≠ i)}                         (★)

(v ↦ −v covers |v_i|).  (★) is LP/minimax duality: v_i − ρ‖v_{−i}‖₁ = min_z (e_i − z)ᵀv over
|z_j| ≤ ρ, z_i = 0; exchanging sup and min (z ranges over a compact convex set), the sup of cᵀv
over ‖Av‖₂ ≤ 1 is min{‖μ‖₂ : Aᵀμ = c}, +∞ when c ∉ range Aᵀ.  An empty constraint set in (★)
means some v ∈ ker A has |v_i| > ρ‖v_{−i}‖₁: no τ works (τ*(ρ) = ∞).

Each inner problem is a strictly convex QP in μ ∈ ℝ^M, solved exactly by enumerating the sets
of active constraints (at most M independent rows): the KKT point is unique.  Its multipliers
give an exact primal witness: with μ* = λ₀a_i − Σ_k ν_k g_k (g_k = ±a_j the active rows,
ν_k ≥ 0), v* := λ₀e_i − Σ_k ν_k sign_k e_{j_k} has Av* = μ* and
v*_i − ρ‖v*_{−i}‖₁ = ‖μ*‖₂², so it attains equality in (13) at τ = ‖μ*‖₂.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Vector = tuple[Fraction, ...]
Matrix = tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class RobustNspOrderOne:
    """τ*(ρ)² of (★) exactly (None: no τ works), the worst index i, μ* and the witness v*."""

    rho: Fraction
    tau_squared: Fraction | None
    index: int | None
    mu: Vector | None
    witness: Vector | None
    message: str

    def holds_with(self, tau: Fraction) -> bool:
        """(13) at order 1 with (ρ, τ): τ ≥ τ*(ρ), decided exactly (τ² ≥ τ*²)."""
        return self.tau_squared is not None and tau >= 0 and tau * tau >= self.tau_squared


def _dot(a, b) -> Fraction:
    return sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0))


def _solve(G: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Gaussian elimination in exact rationals; None if G is singular."""
    k = len(G)
    rows = [[*G[i], b[i]] for i in range(k)]
    for col in range(k):
        pivot = next((r for r in range(col, k) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(k):
            if r != col and rows[r][col] != 0:
                f = rows[r][col] / rows[col][col]
                rows[r] = [x - f * y for x, y in zip(rows[r], rows[col], strict=True)]
    return [rows[i][k] / rows[i][i] for i in range(k)]


def min_norm_qp(equalities: list[tuple[Vector, Fraction]], inequalities: list[tuple[Vector, Fraction]]):
    """argmin ‖μ‖₂² s.t. gᵀμ = f (equalities), gᵀμ ≤ h (inequalities), exactly.

    Returns (μ, multipliers) with μ = Σ λ_r g_r over the chosen rows (equality multipliers free,
    inequality ones ≤ 0, i.e. ν = −λ ≥ 0), or None if the constraint set is empty.
    """
    dim = len((equalities or inequalities)[0][0])
    rows = [(g, f, True) for g, f in equalities] + [(g, h, False) for g, h in inequalities]
    for size in range(0, dim + 1):
        for chosen in itertools.combinations(range(len(rows)), size):
            G = [rows[i][0] for i in chosen]
            gram = [[_dot(a, b) for b in G] for a in G]
            lam = _solve(gram, [rows[i][1] for i in chosen]) if chosen else []
            if lam is None:
                continue
            mu = tuple(sum((l * g[c] for l, g in zip(lam, G, strict=True)), Fraction(0)) for c in range(dim))
            if any(_dot(g, mu) != f for g, f in equalities):
                continue
            if any(_dot(g, mu) > h for g, h in inequalities):
                continue
            if any(l > 0 for l, i in zip(lam, chosen, strict=True) if not rows[i][2]):
                continue
            return mu, tuple(zip(chosen, lam, strict=True))
    return None


def robust_nsp_order_one(A: Any, rho: Fraction) -> RobustNspOrderOne:
    """τ*(ρ) of (★) at order 1, exactly, with the witness v* that attains it."""
    A = tuple(tuple(Fraction(x) for x in row) for row in A)
    rho = Fraction(rho)
    m, n = len(A), len(A[0])
    columns = [tuple(A[r][j] for r in range(m)) for j in range(n)]
    best: tuple[Fraction, int, Vector, Vector] | None = None
    for i in range(n):
        equalities = [(columns[i], Fraction(1))]
        inequalities = []
        signs = []
        for j in range(n):
            if j != i:
                inequalities += [(columns[j], rho), (tuple(-x for x in columns[j]), rho)]
                signs += [(j, 1), (j, -1)]
        solved = min_norm_qp(equalities, inequalities)
        if solved is None:
            return RobustNspOrderOne(
                rho,
                None,
                i,
                None,
                None,
                f"no μ with (Aᵀμ)_{i} = 1, |(Aᵀμ)_j| ≤ ρ: some kernel vector breaks (13)",
            )
        mu, multipliers = solved
        value = _dot(mu, mu)
        if best is None or value > best[0]:
            v = [Fraction(0)] * n
            for row, lam in multipliers:
                if row == 0:
                    v[i] += lam
                else:
                    j, sign = signs[row - 1]
                    v[j] += lam * sign  # λ = −ν ≤ 0: v_j = −ν·sign
            best = (value, i, mu, tuple(v))
    assert best is not None
    value, i, mu, v = best
    return RobustNspOrderOne(rho, value, i, mu, v, f"τ*(ρ)² = {value} at i = {i}")


def rnsp_order_one_margin_squared_sides(A: Matrix, v: Vector, rho: Fraction, tau: Fraction, i: int):
    """(13) at order 1 and index i, as exact parts: returns (lhs_minus_l1, tau² ‖Av‖²) where (13)
    holds iff lhs_minus_l1 := |v_i| − ρ‖v_{−i}‖₁ ≤ 0 or lhs_minus_l1² ≤ τ²‖Av‖₂²."""
    residual = [_dot(row, v) for row in A]
    rest = sum((abs(x) for j, x in enumerate(v) if j != i), Fraction(0))
    return abs(v[i]) - rho * rest, tau * tau * _dot(residual, residual)


# SLSQP's tolerance for the float QPs of the Gaussian measurements, and the slack within which its
# point must satisfy the constraints to count (else the QP is taken as infeasible: τ* = ∞).
FLOAT_QP_FTOL = 1e-12
FLOAT_QP_FEASIBILITY = 1e-7


def robust_nsp_order_one_float(A: Any, rho: float) -> float:
    """τ*(ρ) of (★) in float64 (SciPy's SLSQP per index, not certified), for matrices too large for
    the exact active-set enumeration (the Gaussian measurements); ∞ where a QP is infeasible."""
    import math

    import numpy as np
    from scipy.optimize import linprog, minimize

    A = np.asarray(A, dtype=float)
    n = A.shape[1]
    worst = 0.0
    for i in range(n):
        G = np.delete(A, i, axis=1).T
        a = A[:, i]
        constraints = (
            {"type": "eq", "fun": lambda mu, a=a: a @ mu - 1, "jac": lambda mu, a=a: a},
            {
                "type": "ineq",
                "fun": lambda mu, G=G: np.concatenate([rho - G @ mu, rho + G @ mu]),
                "jac": lambda mu, G=G: np.vstack([-G, G]),
            },
        )
        res = minimize(
            lambda mu: mu @ mu,
            a / (a @ a),
            jac=lambda mu: 2 * mu,
            constraints=constraints,
            method="SLSQP",
            options={"ftol": FLOAT_QP_FTOL, "maxiter": 500},
        )
        mu = res.x
        if (
            not res.success
            or abs(a @ mu - 1) > FLOAT_QP_FEASIBILITY
            or np.max(np.abs(G @ mu)) > rho + FLOAT_QP_FEASIBILITY
        ):
            # infeasible only if HiGHS agrees that {aᵀμ = 1, |Gμ| <= ρ} is empty
            feasibility = linprog(
                np.zeros(len(a)),
                A_ub=np.vstack([G, -G]),
                b_ub=np.full(2 * len(G), rho),
                A_eq=a[None, :],
                b_eq=[1.0],
                bounds=(None, None),
                method="highs",
            )
            if feasibility.status == 2:
                return math.inf
            raise ArithmeticError(f"SLSQP failed on a feasible QP of (★) at i = {i}: {res.message}")
        worst = max(worst, math.sqrt(float(mu @ mu)))
    return worst
