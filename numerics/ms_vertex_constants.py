"""ms's Assumption II.1, x*, 𝒮, κ*, 𝒩 and the constants ϱ, ϱ̃, ϱ⁻, by exact vertex enumeration.

An independent computation of what ``numerics.null_space_constants`` computes by HiGHS and
exact LP certificates: here nothing but the definitions and the vertices of two polyhedra
(``numerics.basic_solutions``), for small instances.  Notation of ms §II: A ∈ ℝ^{N×d} (our
M × N), 𝒮 = supp x*, 𝒮ᶜ = [d] ∖ 𝒮.

* S₊ = {x ≥ 0 : Ax = y}.  min ‖x‖₁ = min 𝟙ᵀx over S₊ is attained at a vertex (𝟙ᵀx ≥ 0), and
  its minimizer is unique iff exactly one vertex attains it: the optimal set is a face, bounded
  because a recession direction r ≥ 0, r ≠ 0 has 𝟙ᵀr > 0 (Assumption II.1(c)).
* II.1(b), two feasible points: S₊ has two vertices, or it is unbounded.
* κ* = max_𝒮 x*_i / min_𝒮 x*_i (ms §II).
* 𝒩 = {n ∈ ker A : n_𝒮ᶜ ≥ 0}.  When ker A_𝒮 = {0} (Lemma III.1(i)), n_𝒮 = −K n_𝒮ᶜ with
  K = (A_𝒮ᵀA_𝒮)⁻¹A_𝒮ᵀA_𝒮ᶜ, and n ∈ ker A iff B n_𝒮ᶜ = 0, B = A_𝒮ᶜ − A_𝒮K.  Every n ∈ 𝒩 ∖ {0}
  is a positive multiple of a point of the polytope
      P = {n ∈ 𝒩 : 𝟙ᵀn_𝒮ᶜ = 1} ≅ {v ≥ 0 : Bv = 0, 𝟙ᵀv = 1},
  the ratios of (II.1)-(II.2) have denominator 1 on P, and their numerators are linear (ϱ) or
  convex (ϱ̃, ϱ⁻) in v: each supremum is the maximum over the vertices of P, attained there.
* The coordinates some n ∈ 𝒩 moves (Lemma III.2's hypothesis ñ_i ≠ 0) are the union of the
  supports of P's vertices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq, fmpq_mat

from dlncheck.numerics.basic_solutions import has_recession_direction, rank, vertices

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class VertexConstants:
    """ms's objects on (A, y), from the definitions by vertex enumeration (module docstring).

    Fields that do not exist on the instance are None (e.g. x* when it is not unique, the
    constants when ker A_𝒮 ≠ {0}).  ``cone_vertices`` are the vertices of P (full length d).
    """

    y_nonzero: bool  # II.1(a)
    feasible: bool  # S₊ ≠ ∅
    two_feasible_points: bool  # II.1(b)
    unique_minimizer: bool  # II.1(c)
    minimizer: Vector | None
    support: tuple[int, ...]
    complement: tuple[int, ...]
    kappa: Fraction | None
    kernel_of_A_S_trivial: bool | None
    cone_vertices: tuple[Vector, ...]
    rho: Fraction | None
    rho_tilde: Fraction | None
    rho_minus: Fraction | None
    cone_support: tuple[int, ...]

    @property
    def assumption_holds(self) -> bool:
        """ms Assumption II.1 (a), (b) and (c)."""
        return self.y_nonzero and self.two_feasible_points and self.unique_minimizer

    def ratios(self, n: Vector) -> tuple[Fraction, Fraction, Fraction]:
        """The three ratios of (II.1)-(II.2) at n ∈ 𝒩 ∖ {0}: ϱ(n), ϱ̃(n), ϱ⁻(n)."""
        denominator = sum((n[j] for j in self.complement), Fraction(0))
        on_support = [n[i] for i in self.support]
        return (
            -sum(on_support, Fraction(0)) / denominator,
            sum((abs(v) for v in on_support), Fraction(0)) / denominator,
            sum((-v for v in on_support if v < 0), Fraction(0)) / denominator,
        )

    def witness(self, which: int) -> Vector | None:
        """A vertex of P attaining constant ``which`` (0: ϱ, 1: ϱ̃, 2: ϱ⁻)."""
        if not self.cone_vertices:
            return None
        return max(self.cone_vertices, key=lambda n: self.ratios(n)[which])


def _fmpq_matrix(rows: Sequence[Sequence[Fraction]], width: int) -> fmpq_mat:
    return fmpq_mat(len(rows), width, [fmpq(v.numerator, v.denominator) for row in rows for v in row])


def _columns(A: Sequence[Sequence[Fraction]], cols: Sequence[int]) -> list[list[Fraction]]:
    return [[row[j] for j in cols] for row in A]


def support_elimination(A: Sequence[Sequence[Fraction]], S: Sequence[int], Sc: Sequence[int]):
    """K = (A_𝒮ᵀA_𝒮)⁻¹A_𝒮ᵀA_𝒮ᶜ and B = A_𝒮ᶜ − A_𝒮K (module docstring), exactly."""
    m = len(A)
    A_S, A_Sc = _columns(A, S), _columns(A, Sc)
    if not S:
        return [[Fraction(0)] * len(Sc) for _ in S], A_Sc
    gram = _fmpq_matrix(
        [
            [sum((A_S[r][i] * A_S[r][j] for r in range(m)), Fraction(0)) for j in range(len(S))]
            for i in range(len(S))
        ],
        len(S),
    )
    cross = _fmpq_matrix(
        [
            [sum((A_S[r][i] * A_Sc[r][j] for r in range(m)), Fraction(0)) for j in range(len(Sc))]
            for i in range(len(S))
        ],
        len(Sc),
    )
    solved = gram.solve(cross)
    K = [[Fraction(int(solved[i, j].p), int(solved[i, j].q)) for j in range(len(Sc))] for i in range(len(S))]
    B = [
        [A_Sc[r][j] - sum((A_S[r][i] * K[i][j] for i in range(len(S))), Fraction(0)) for j in range(len(Sc))]
        for r in range(m)
    ]
    return K, B


def ms_constants_by_vertices(A: Sequence[Sequence[Fraction]], y: Sequence[Fraction]) -> VertexConstants:
    """Everything of ms §II on (A, y) from the definitions (module docstring), exactly."""
    A = [[Fraction(v) for v in row] for row in A]
    y = [Fraction(v) for v in y]
    d = len(A[0])
    feasible_vertices = vertices(A, y, d)
    y_nonzero = any(v != 0 for v in y)
    unbounded = bool(feasible_vertices) and has_recession_direction(A, d)
    two_points = len(feasible_vertices) >= 2 or unbounded
    minimizer = None
    if feasible_vertices:
        best = min(sum(x) for x in feasible_vertices)
        optimal = [x for x in feasible_vertices if sum(x) == best]
        if len(optimal) == 1:
            minimizer = optimal[0]
    empty = VertexConstants(
        y_nonzero, bool(feasible_vertices), two_points, minimizer is not None, minimizer,
        (), tuple(range(d)), None, None, (), None, None, None, (),
    )  # fmt: skip
    if minimizer is None:
        return empty
    S = tuple(j for j in range(d) if minimizer[j] != 0)
    Sc = tuple(j for j in range(d) if minimizer[j] == 0)
    kappa = max(minimizer[i] for i in S) / min(minimizer[i] for i in S) if S else None
    trivial = rank(_columns(A, S)) == len(S)
    common = {
        "y_nonzero": y_nonzero,
        "feasible": True,
        "two_feasible_points": two_points,
        "unique_minimizer": True,
        "minimizer": minimizer,
        "support": S,
        "complement": Sc,
        "kappa": kappa,
        "kernel_of_A_S_trivial": trivial,
    }
    if not trivial or not Sc:  # the ratios are undefined (n_𝒮ᶜ = 0 on some n ≠ 0) or over nothing
        return VertexConstants(
            **common, cone_vertices=(), rho=None, rho_tilde=None, rho_minus=None, cone_support=()
        )
    K, B = support_elimination(A, S, Sc)
    k = len(Sc)
    simplex = [list(row) for row in B] + [[Fraction(1)] * k]
    cone = []
    for v in vertices(simplex, [Fraction(0)] * len(B) + [Fraction(1)], k):
        n = [Fraction(0)] * d
        for i, col in enumerate(S):
            n[col] = -sum((K[i][j] * v[j] for j in range(k)), Fraction(0))
        for j, col in enumerate(Sc):
            n[col] = v[j]
        cone.append(tuple(n))
    result = VertexConstants(
        **common, cone_vertices=tuple(cone), rho=None, rho_tilde=None, rho_minus=None, cone_support=()
    )
    if not cone:  # 𝒩 = {0}
        return result
    values = [result.ratios(n) for n in cone]
    support = tuple(j for j in range(d) if any(n[j] != 0 for n in cone))
    return VertexConstants(
        **common,
        cone_vertices=tuple(cone),
        rho=max(v[0] for v in values),
        rho_tilde=max(v[1] for v in values),
        rho_minus=max(v[2] for v in values),
        cone_support=support,
    )
