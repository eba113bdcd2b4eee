"""The stable null space property of mil §1.2 and its optimal constant, computed two ways.

mil §1.2 (definition before (12)): A ∈ ℝ^{M×N} has the stable NSP of order s with constant
ρ ∈ (0, 1) if ‖v_S‖₁ ≤ ρ‖v_{Sᶜ}‖₁ for every v ∈ ker A ∖ {0} and every S ⊂ [N] with |S| ≤ s.
The smallest such ρ is

    ρ_s(A) := sup_{v ∈ ker A ∖ {0}} T_s(v) / (‖v‖₁ − T_s(v)),     T_s(v) := sum of the s largest |v_j|,

(the worst S for a given v holds its s largest entries); A has the stable NSP of order s with
constant ρ iff ρ_s(A) ≤ ρ.  ρ_s(A) = ∞ when some v ∈ ker A ∖ {0} has at most s nonzero entries,
and ρ_s(A) = 0 when ker A = {0} (the property holds vacuously).

Two independent computations, both exact:

* :func:`stable_nsp_constant` (circuits).  The ratio is increasing in T_s(v)/‖v‖₁, a convex
  function on the polytope ker A ∩ B₁, so its maximum is attained at a vertex; the vertices of
  ker A ∩ B₁ are ±e/‖e‖₁ for the *circuits* e of ker A (kernel vectors of minimal support:
  every kernel vector is a conformal sum of circuits, so ‖·‖₁ adds up without cancellation).
  A circuit is a column set C whose A_C has a one-dimensional kernel spanned by a vector with
  no zero entry; all C with |C| ≤ rank A + 1 are enumerated, in exact rationals.
* :func:`stable_nsp_constant_by_lp` (supports and signs).  ρ_s(A) = max over S (|S| = s) and
  σ ∈ {±1}^S of the LP  V(S, σ) = max {σᵀv_S : Av = 0, ‖v_{Sᶜ}‖₁ ≤ 1}  (‖v_S‖₁ = max_σ σᵀv_S;
  the ratio is homogeneous), each optimum certified exactly (``numerics.sparse_recovery``).

They share nothing but A, so their agreement tests both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq_mat

from dlncheck.numerics.sparse_recovery import (
    StandardFormLP,
    certify_optimum,
    fractions_of,
    kernel_vector,
    linear_system,
    pivot_columns,
    solve_float,
)


@dataclass(frozen=True)
class StableNspConstant:
    """ρ_s(A) (exact; ``value`` None means ∞) with the kernel vector that attains it.

    ``witness``: an exact v ∈ ker A (length N) at which T_s(v)/(‖v‖₁ − T_s(v)) = value (None
    when ker A = {0}); ``method``: "circuits" or "lp"; ``count``: circuits found / LPs solved.
    """

    s: int
    value: Fraction | None
    witness: tuple[Fraction, ...] | None
    method: str
    count: int
    certified: bool = True
    message: str = ""

    @property
    def is_infinite(self) -> bool:
        return self.certified and self.value is None

    def holds_with(self, rho: Fraction) -> bool:
        """The stable NSP of order s with constant rho: ρ_s(A) ≤ rho."""
        return self.value is not None and self.value <= rho


def top_sum(v: tuple[Fraction, ...], s: int) -> Fraction:
    """T_s(v): the sum of the s largest |v_j|."""
    return sum(sorted((abs(x) for x in v), reverse=True)[:s], Fraction(0))


def nsp_ratio(v: tuple[Fraction, ...], s: int) -> Fraction | None:
    """T_s(v) / (‖v‖₁ − T_s(v)) for v ≠ 0; None (∞) when v has at most s nonzero entries."""
    top = top_sum(v, s)
    rest = sum((abs(x) for x in v), Fraction(0)) - top
    return None if rest == 0 else top / rest


def _exact_matrix(A: Any) -> tuple[fmpq_mat, int, int]:
    system = linear_system(A, [0] * len(A))
    m, n = system.shape
    return system.A_exact, m, n


def _columns(A: fmpq_mat, cols: tuple[int, ...]) -> fmpq_mat:
    m, n = A.nrows(), A.ncols()
    entries = A.entries()
    return fmpq_mat(m, len(cols), [entries[i * n + j] for i in range(m) for j in cols])


def circuits(A: Any) -> list[tuple[Fraction, ...]]:
    """The circuits of ker A (one kernel vector per minimal dependent column set), exactly."""
    mat, _, n = _exact_matrix(A)
    rank = len(pivot_columns(mat))
    found = []
    for size in range(1, min(rank + 1, n) + 1):
        for cols in itertools.combinations(range(n), size):
            sub = _columns(mat, cols)
            numerators, _ = sub.numer_denom()
            basis, nullity = numerators.nullspace()
            if nullity != 1:
                continue
            e = [Fraction(int(basis[i, 0])) for i in range(size)]
            if any(x == 0 for x in e):
                continue
            v = [Fraction(0)] * n
            for j, x in zip(cols, e, strict=True):
                v[j] = x
            found.append(tuple(v))
    return found


def stable_nsp_constant(A: Any, s: int) -> StableNspConstant:
    """ρ_s(A) as the largest ratio over the circuits of ker A (module docstring)."""
    if s < 1:
        raise ValueError(f"the order s must be a positive integer, got {s}")
    found = circuits(A)
    best: Fraction | None = Fraction(0)
    witness = None
    for e in found:
        ratio = nsp_ratio(e, s)
        if ratio is None:
            return StableNspConstant(s, None, e, "circuits", len(found), message="a circuit has ≤ s entries")
        if witness is None or ratio > best:
            best, witness = ratio, e
    return StableNspConstant(s, best, witness, "circuits", len(found))


def _lp_for(A: fmpq_mat, S: tuple[int, ...], signs: tuple[int, ...]) -> StandardFormLP:
    """V(S, σ) as min −σᵀ(v⁺ − v⁻) over (v⁺, v⁻, p, q, t) ≥ 0 with A_S(v⁺ − v⁻) + A_Sc(p − q) = 0,
    𝟙ᵀ(p + q) + t = 1."""
    m, n = A.nrows(), A.ncols()
    Sc = tuple(j for j in range(n) if j not in set(S))
    entries = A.entries()
    s, k = len(S), len(Sc)
    rows = []
    for i in range(m):
        a_S = [entries[i * n + j] for j in S]
        a_Sc = [entries[i * n + j] for j in Sc]
        rows.extend(a_S + [-x for x in a_S] + a_Sc + [-x for x in a_Sc] + [0])
    rows.extend([0] * (2 * s) + [1] * (2 * k) + [1])
    width = 2 * s + 2 * k + 1
    cost = [-x for x in signs] + list(signs) + [0] * (2 * k + 1)
    return StandardFormLP.from_exact(
        fmpq_mat(m + 1, width, rows),
        fmpq_mat(m + 1, 1, [0] * m + [1]),
        fmpq_mat(width, 1, cost),
        tight=tuple(range(s)),  # v⁺_j, v⁻_j split a free variable
    )


def stable_nsp_constant_by_lp(A: Any, s: int) -> StableNspConstant:
    """ρ_s(A) = max over |S| = s and σ ∈ {±1}^S (σ and −σ alike) of V(S, σ), each certified."""
    if s < 1:
        raise ValueError(f"the order s must be a positive integer, got {s}")
    mat, _, n = _exact_matrix(A)
    order = min(s, n)
    best: Fraction | None = None
    witness = None
    solved = 0
    for S in itertools.combinations(range(n), order):
        if kernel_vector(_columns(mat, S)) is not None or (order == n and kernel_vector(mat) is not None):
            # a kernel vector supported in S: every V(S, σ) with σᵀv_S > 0 is unbounded
            v = kernel_vector(_columns(mat, S)) if order < n else kernel_vector(mat)
            full = [Fraction(0)] * n
            cols = S if order < n else tuple(range(n))
            for j, x in zip(cols, fractions_of(v), strict=True):
                full[j] = x
            return StableNspConstant(s, None, tuple(full), "lp", solved, message="ker A_S ≠ {0}")
        for tail in itertools.product((1, -1), repeat=order - 1):
            signs = (1, *tail)
            lp = _lp_for(mat, S, signs)
            res = solve_float(lp)
            solved += 1
            if res.status != 0:
                return StableNspConstant(
                    s, None, None, "lp", solved, certified=False, message=f"HiGHS: {res.message}"
                )
            optimum = certify_optimum(lp, res.x, res.eqlin.marginals)
            if optimum is None:
                return StableNspConstant(
                    s, None, None, "lp", solved, certified=False, message=f"LP at S = {S} not certified"
                )
            value = -Fraction(int(optimum.value.p), int(optimum.value.q))
            if best is None or value > best:
                x = fractions_of(optimum.x)
                Sc = [j for j in range(n) if j not in set(S)]
                v = [Fraction(0)] * n
                for i, j in enumerate(S):
                    v[j] = x[i] - x[order + i]
                for i, j in enumerate(Sc):
                    v[j] = x[2 * order + i] - x[2 * order + len(Sc) + i]
                best, witness = value, tuple(v)
    if best is None:  # order == n and ker A = {0}: only v = 0
        best = Fraction(0)
    return StableNspConstant(s, best, witness, "lp", solved)


def stable_nsp_constant_float(A: Any, s: int = 1) -> float:
    """ρ_s(A) in float64 by the LPs of :func:`stable_nsp_constant_by_lp` (HiGHS, not certified), for
    matrices too large for exact enumeration (the Gaussian measurements); ∞ where an LP is unbounded."""
    import numpy as np
    from scipy.optimize import linprog

    A = np.asarray(A, dtype=float)
    m, n = A.shape
    best = 0.0
    for S in itertools.combinations(range(n), s):
        Sc = [j for j in range(n) if j not in set(S)]
        k = len(Sc)
        A_eq = np.hstack([A[:, list(S)], A[:, Sc], -A[:, Sc]])
        A_ub = np.concatenate([np.zeros(s), np.ones(2 * k)])[None, :]
        bounds = [(None, None)] * s + [(0, None)] * (2 * k)
        for tail in itertools.product((1.0, -1.0), repeat=s - 1):
            cost = np.concatenate([-np.array((1.0, *tail)), np.zeros(2 * k)])
            res = linprog(
                cost, A_ub=A_ub, b_ub=[1.0], A_eq=A_eq, b_eq=np.zeros(m), bounds=bounds, method="highs"
            )
            if res.status == 3:
                return float("inf")
            if res.status != 0:
                raise ArithmeticError(f"HiGHS failed on a stable-NSP LP: {res.message}")
            best = max(best, -res.fun)
    return best
