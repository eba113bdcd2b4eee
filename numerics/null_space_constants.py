"""Matt–Stöger's null-space constants ϱ, ϱ̃, ϱ⁻ and the hypotheses of their Lemma III.1.

Conventions.  ms writes A ∈ ℝ^{N×d}: N measurements (rows), d unknowns (columns); dlncheck
writes A as M × N.  Docstrings below keep ms's names; :func:`ms_dimensions` is the one
conversion.  𝒮 is a tuple of 0-based column indices.

ms §II, with x* the unique minimizer of min{‖x‖₁ : x ≥ 0, Ax = y} (Assumption II.1(c)) and
𝒮 = supp x*:

    𝒩 := {n ∈ ker A : n_𝒮ᶜ ≥ 0}            (a cone in the null space, not the null space)
    ϱ  := sup_{0≠n∈𝒩} −Σ_{i∈𝒮} n_i / ‖n_𝒮ᶜ‖₁                                       ms (II.1)
    ϱ̃  := sup_{0≠n∈𝒩} ‖n_𝒮‖₁ / ‖n_𝒮ᶜ‖₁,  ϱ⁻ := sup_{0≠n∈𝒩} Σ_{i∈𝒮, n_i<0} |n_i| / ‖n_𝒮ᶜ‖₁   ms (II.2)

Reduction to LPs.  Each ratio is invariant under n ↦ tn (t > 0), and ‖n_𝒮ᶜ‖₁ = 𝟙ᵀn_𝒮ᶜ on 𝒩, so
normalizing 𝟙ᵀn_𝒮ᶜ = 1 leaves the polytope

    P = {n : An = 0, n_𝒮ᶜ ≥ 0, 𝟙ᵀn_𝒮ᶜ = 1}      (bounded iff ker A_𝒮 = {0}, cf. ms Lemma III.1(i))

and, for weights w on 𝒮, the LP  V(w) := max_{n∈P} Σ_{i∈𝒮} w_i n_i.  Then

    ϱ = V(−𝟙_𝒮),    ϱ̃ = max_{σ∈{±1}^𝒮} V(σ),    ϱ⁻ = max_{T⊆𝒮} V(−𝟙_T)

since ‖n_𝒮‖₁ = max_σ σᵀn_𝒮 and Σ_{n_i<0} |n_i| = max_T −Σ_{i∈T} n_i.

Dual bounds.  If A_𝒮ᵀμ = −w, then for n ∈ P:  Σ_{i∈𝒮} w_i n_i = −μᵀA_𝒮 n_𝒮 = μᵀA_𝒮ᶜ n_𝒮ᶜ
≤ max_{j∈𝒮ᶜ} ⟨a_j, μ⟩.  So every such μ proves V(w) ≤ max_{j∈𝒮ᶜ} ⟨a_j, μ⟩ (a :class:`DualBound`),
and the LP's optimal μ attains V(w).  For ϱ this reads: ϱ < 1 iff some μ has A_𝒮ᵀμ = 𝟙 and
⟨a_j, μ⟩ < 1 off 𝒮, the strict dual certificate of the ℓ1 problem (with ker A_𝒮 = {0}, exactly
the uniqueness of x*: Lemma III.1(ii) and Assumption II.1(c) are one condition).

A certified constant is exact: an exact witness n ∈ P attains the value (lower bound) and
exact dual bounds, one per weight vector, bound it (upper bound).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from flint import fmpq, fmpq_mat
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from dlncheck.numerics.sparse_recovery import (
    LinearSystem,
    StandardFormLP,
    Uniqueness,
    certify_l1_minimizer,
    certify_optimum,
    farkas_vector,
    fractions_of,
    kernel_vector,
    l1_uniqueness,
    linear_system,
    project_onto_affine,
    short,
    solve_float,
)

# ϱ̃ and ϱ⁻ maximize a convex function (‖n_𝒮‖₁, Σ(n_i)⁻) over P, which no single LP does.
# Enumerating the 2^|𝒮| weight vectors costs 2^|𝒮| LPs, but each carries an exact bound, so the
# maximum is certified exactly; the MILP is one HiGHS branch-and-bound whose optimality rests on
# its float gap, and at N = 1000 it was even slower (|𝒮| = 5: ~60 s against ~16 s for 32 LPs).
# "auto" therefore enumerates up to this support size (1024 LPs, ~0.5 s each at N = 1000) and
# beyond it takes the MILP, certifying exactly only the lower bound that its pattern attains.
ENUMERATION_MAX_SUPPORT = 10
# HiGHS's default relative MIP gap (1e-4) is too loose to compare with exact values.
MIP_REL_GAP = 1e-9
# Big-M of the MILP: |n_i| ≤ max_j |(A_𝒮⁺A_𝒮ᶜ)_ij| on P (n_𝒮 = −A_𝒮⁺A_𝒮ᶜ n_𝒮ᶜ); doubled against
# float rounding of that bound, plus a floor so that no M_i rounds to 0 (any M_i above the true
# bound is valid; a tight one keeps the relaxation strong).
BIG_M_SAFETY = 2.0
BIG_M_FLOOR = 1e-9
# Wall-clock cap on one MILP (HiGHS's branch-and-bound on N = 1000, |𝒮| = 10 runs for minutes);
# a MILP stopped there reports its best pattern as a lower bound only.
MILP_TIME_LIMIT_S = 600.0

ConstantName = Literal["rho", "rho_tilde", "rho_minus"]
Method = Literal["auto", "enumerate", "milp"]


class UndefinedConstantError(ValueError):
    """The sup in ms (II.1)/(II.2) is not defined on this (A, 𝒮); the message (one line) says why."""


def ms_dimensions(A: Any) -> tuple[int, int]:
    """(N, d) in ms's notation for a dlncheck matrix A of shape M × N: ms's N = M, ms's d = N.

    ms (§I) writes A ∈ ℝ^{N×d} with rows (a_i)_{i=1}^N: N measurements, d unknowns.
    """
    M, N = A.shape if isinstance(A, LinearSystem) else np.shape(A)
    return M, N


# ----------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class DualBound:
    """Exact proof that V(w) ≤ bound: A_𝒮ᵀμ = −w and ⟨a_j, μ⟩ ≤ bound for all j ∈ 𝒮ᶜ.

    ``weights`` is w in the order of the support; ``mu`` has length M (ms's N).
    """

    weights: tuple[int, ...]
    mu: tuple[Fraction, ...]
    bound: Fraction


@dataclass(frozen=True)
class NullSpaceConstant:
    """One of ms's constants ϱ (II.1), ϱ̃, ϱ⁻ (II.2) on (A, 𝒮).

    ``lower``: the ratio, in exact arithmetic, at ``witness`` (n ∈ 𝒩 with ‖n_𝒮ᶜ‖₁ = 1, length
    N = ms's d), so lower ≤ sup.  ``upper``: max of ``bounds`` (exact), so sup ≤ upper; None
    when no exact upper bound covers every weight vector (MILP).  ``certified``: lower == upper,
    the sup is that value and is attained.  ``value``: the float64 value (exact when certified).
    """

    name: ConstantName
    value: float
    certified: bool
    method: str
    message: str
    lower: Fraction | None = None
    upper: Fraction | None = None
    witness: tuple[Fraction, ...] | None = None
    bounds: tuple[DualBound, ...] = ()
    lps_solved: int = 0
    wall_s: float = 0.0

    @property
    def exact(self) -> Fraction | None:
        return self.lower if self.certified else None


@dataclass(frozen=True)
class LemmaIII1Check:
    """ms Assumption II.1 and the conclusions of Lemma III.1(i) on one instance, decided exactly.

    ``two_feasible_points`` (II.1(b)) is None when undecided; with (c) it is 𝒩 ≠ {0}.
    ``kernel_of_A_S_trivial`` is Lemma III.1(i)'s "n_𝒮ᶜ ≠ 0 for every n ∈ 𝒩 ∖ {0}" (equivalent:
    n ∈ ker A_𝒮 ⊕ 0 lies in 𝒩).
    """

    y_nonzero: bool  # II.1(a)
    two_feasible_points: bool | None  # II.1(b)
    unique_minimizer: Uniqueness  # II.1(c)
    support_nonempty: bool  # III.1(i): 𝒮 ≠ ∅
    complement_nonempty: bool  # III.1(i): 𝒮ᶜ ≠ ∅
    kernel_of_A_S_trivial: bool  # III.1(i): n_𝒮ᶜ ≠ 0 on 𝒩 ∖ {0}
    message: str

    @property
    def assumption_holds(self) -> bool:
        """Assumption II.1 (a), (b), (c) all decided true."""
        return (
            self.y_nonzero
            and self.two_feasible_points is True
            and self.unique_minimizer.status == "certified"
        )


@dataclass(frozen=True)
class NullSpaceConstants:
    """ms's constants on (A, y), with the hypotheses that make them exist.

    ``exist``: Assumption II.1 holds, so Lemma III.1 says the suprema exist; the three constants
    are then computed, else None.  ``rho_below_one``: Lemma III.1(ii)'s ϱ < 1, decided exactly
    from ϱ's exact bounds (None: undecided or undefined).
    """

    support: tuple[int, ...]
    minimizer: tuple[Fraction, ...] | None
    hypotheses: LemmaIII1Check | None
    exist: bool
    message: str
    rho: NullSpaceConstant | None = None
    rho_tilde: NullSpaceConstant | None = None
    rho_minus: NullSpaceConstant | None = None
    rho_below_one: bool | None = None
    wall_s: float = 0.0


# ----------------------------------------------------------------------------------------
# the polytope P as a standard-form LP


@dataclass(frozen=True, eq=False)
class _Cone:
    """P in standard form, variables (p, q, v) with n_𝒮 = p − q, n_𝒮ᶜ = v ≥ 0 (cost set per w)."""

    system: LinearSystem
    support: tuple[int, ...]
    complement: tuple[int, ...]
    lp: StandardFormLP
    A_S: fmpq_mat
    A_Sc_T: fmpq_mat


def _system_of(A: Any) -> LinearSystem:
    if isinstance(A, LinearSystem):
        return A
    try:
        rows = len(A)
    except TypeError:
        raise ValueError("A must be a matrix (a 2-dimensional array or a sequence of rows)") from None
    return linear_system(A, [0] * rows)


def _support_of(support: Any, n: int) -> tuple[int, ...]:
    try:
        given = list(support)
    except TypeError:
        raise ValueError("the support must be a sequence of column indices") from None
    if any(isinstance(j, bool) or not isinstance(j, int | np.integer) for j in given):
        raise ValueError("the support must hold integer column indices")
    indices = [int(j) for j in given]
    if any(i < 0 or i >= n for i in indices):
        raise ValueError(f"support indices must lie in 0..{n - 1} (A has {n} columns)")
    if len(set(indices)) != len(indices):
        raise ValueError("the support has repeated indices")
    return tuple(sorted(indices))


def _cone(A: Any, support: Any) -> _Cone:
    system = _system_of(A)
    m, n = system.shape
    S = _support_of(support, n)
    Sc = tuple(j for j in range(n) if j not in set(S))
    entries = system.A_exact.entries()
    A_S = fmpq_mat(m, len(S), [entries[i * n + j] for i in range(m) for j in S])
    if S and kernel_vector(A_S) is not None:
        raise UndefinedConstantError(
            "ker A_𝒮 ≠ {0}: some n ∈ 𝒩 ∖ {0} has n_𝒮ᶜ = 0, so the ratios of ms (II.1)-(II.2) are undefined"
        )
    if not Sc:
        raise UndefinedConstantError(
            "𝒮ᶜ is empty: with ker A_𝒮 = {0}, 𝒩 = {0} and the suprema of ms (II.1)-(II.2) are over nothing"
        )
    s, k = len(S), len(Sc)
    rows = []
    for i in range(m):
        row = [entries[i * n + j] for j in S]
        rows.extend(row)
        rows.extend(-v for v in row)
        rows.extend(entries[i * n + j] for j in Sc)
    rows.extend([0] * (2 * s) + [1] * k)
    lp = StandardFormLP.from_exact(
        fmpq_mat(m + 1, 2 * s + k, rows),
        fmpq_mat(m + 1, 1, [0] * m + [1]),
        fmpq_mat(2 * s + k, 1, [0] * (2 * s + k)),
        tight=tuple(range(s)),  # p_i and q_i are a split free variable
    )
    A_Sc_T = fmpq_mat(k, m, [entries[i * n + j] for j in Sc for i in range(m)])
    return _Cone(system=system, support=S, complement=Sc, lp=lp, A_S=A_S, A_Sc_T=A_Sc_T)


def _with_weights(cone: _Cone, weights: tuple[int, ...]) -> StandardFormLP:
    """min −Σ w_i n_i = min (−w)ᵀp + wᵀq over P."""
    k = len(cone.complement)
    return cone.lp.with_cost(fmpq_mat(cone.lp.c.nrows(), 1, [-w for w in weights] + list(weights) + [0] * k))


def _solve_weights(cone: _Cone, weights: tuple[int, ...]) -> tuple[StandardFormLP, OptimizeResult]:
    """V(w) in float64 by HiGHS (the exact certificate is made separately)."""
    lp = _with_weights(cone, weights)
    res = solve_float(lp)
    if res.status == 2:
        _raise_empty(cone)
    if res.status != 0:
        raise ArithmeticError(f"HiGHS failed on the null-space LP with weights {weights}: {res.message}")
    return lp, res


def _raise_empty(cone: _Cone) -> None:
    w = farkas_vector(cone.lp)
    how = "an exact Farkas vector proves it" if w is not None else "HiGHS reports it (no exact Farkas vector)"
    raise UndefinedConstantError(
        f"𝒩 = {{0}}: no n ∈ ker A has n_𝒮ᶜ ≥ 0 and 𝟙ᵀn_𝒮ᶜ = 1 ({how}); ms Assumption II.1(b) fails"
    )


def _dual_bound(cone: _Cone, weights: tuple[int, ...], mu: fmpq_mat) -> DualBound | None:
    """The exact bound max_{j∈𝒮ᶜ}⟨a_j, μ⟩ on V(w), if A_𝒮ᵀμ = −w holds exactly."""
    if cone.A_S.transpose() * mu != fmpq_mat(len(weights), 1, [-w for w in weights]):
        return None
    bound = max((cone.A_Sc_T * mu).entries())
    return DualBound(weights=weights, mu=fractions_of(mu), bound=Fraction(int(bound.p), int(bound.q)))


def _projected_bound(cone: _Cone, weights: tuple[int, ...], res: OptimizeResult) -> DualBound:
    """A cheap exact bound: HiGHS's μ projected onto {A_𝒮ᵀμ = −w}, then max_{j∈𝒮ᶜ}⟨a_j, μ⟩."""
    m = cone.system.shape[0]
    mu_hat = fmpq_mat(m, 1, [fmpq(*float(v).as_integer_ratio()) for v in res.eqlin.marginals[:m]])
    target = fmpq_mat(len(weights), 1, [-w for w in weights])
    bound = _dual_bound(cone, weights, project_onto_affine(cone.A_S, target, mu_hat))
    assert bound is not None  # the projection satisfies A_𝒮ᵀμ = −w exactly
    return bound


def _exact_weights(
    cone: _Cone, weights: tuple[int, ...], lp: StandardFormLP, res: OptimizeResult
) -> tuple[tuple[Fraction, ...], DualBound] | None:
    """V(w) certified: an exact maximizer n ∈ P and the dual bound it attains."""
    optimum = certify_optimum(lp, res.x, res.eqlin.marginals)
    if optimum is None:
        return None
    m, n = cone.system.shape
    s = len(cone.support)
    x = fractions_of(optimum.x)
    witness = [Fraction(0)] * n
    for i, col in enumerate(cone.support):
        witness[col] = x[i] - x[s + i]
    for j, col in enumerate(cone.complement):
        witness[col] = x[2 * s + j]
    mu = fmpq_mat(m, 1, optimum.dual.entries()[:m])
    bound = _dual_bound(cone, weights, mu)
    if bound is None:
        return None
    return tuple(witness), bound


def _ratio(name: ConstantName, n: Sequence[Fraction], cone: _Cone) -> Fraction:
    """The ratio of ms (II.1)/(II.2) at n ∈ 𝒩 ∖ {0}."""
    denominator = sum((n[j] for j in cone.complement), Fraction(0))  # ‖n_𝒮ᶜ‖₁, n_𝒮ᶜ ≥ 0
    if name == "rho":
        numerator = -sum((n[i] for i in cone.support), Fraction(0))
    elif name == "rho_tilde":
        numerator = sum((abs(n[i]) for i in cone.support), Fraction(0))
    else:
        numerator = sum((-n[i] for i in cone.support if n[i] < 0), Fraction(0))
    return numerator / denominator


def _patterns(name: ConstantName, s: int) -> list[tuple[int, ...]]:
    if name == "rho":
        return [(-1,) * s]
    if name == "rho_tilde":
        return list(itertools.product((1, -1), repeat=s))
    return list(itertools.product((0, -1), repeat=s))


# ----------------------------------------------------------------------------------------
# the constants


def _by_enumeration(cone: _Cone, name: ConstantName, start: float) -> NullSpaceConstant:
    """max_w V(w) over the weight vectors of ``name``; exact on every w.

    The LPs are solved in float first and visited from the largest value down: the first is
    certified exactly (witness and attained bound); each later w needs only some exact bound
    ≤ the best exact value, and HiGHS's dual projected onto {A_𝒮ᵀμ = −w} is tried first.
    """
    solved = []
    for weights in _patterns(name, len(cone.support)):
        lp, res = _solve_weights(cone, weights)
        solved.append((-res.fun, weights, lp, res))
    solved.sort(key=lambda item: -item[0])
    best: Fraction | None = None
    witness = None
    bounds: list[DualBound] = []
    failures = 0
    for _, weights, lp, res in solved:
        if best is not None:
            cheap = _projected_bound(cone, weights, res)
            if cheap.bound <= best:
                bounds.append(cheap)
                continue
        exact = _exact_weights(cone, weights, lp, res)
        if exact is None:
            failures += 1
            bounds.append(_projected_bound(cone, weights, res))
            continue
        n, bound = exact
        bounds.append(bound)
        if best is None or bound.bound > best:
            best, witness = bound.bound, n
    lower = _ratio(name, witness, cone) if witness is not None else None
    upper = max(b.bound for b in bounds)
    certified = lower is not None and lower == upper
    method = "lp" if name == "rho" else "enumeration"
    if certified:
        count = f"{len(solved)} LP(s), each bounded exactly"
        message = f"{name} certified exactly, value {short(lower)} ({count}; attained)"
    else:
        message = (
            f"{name} not certified: exact bounds {short(lower) if lower is not None else '?'} ≤ {name} ≤ "
            f"{short(upper)} ({failures} LP(s) without an exact optimum)"
        )
    return NullSpaceConstant(
        name=name,
        value=float(lower) if certified else float(solved[0][0]),
        certified=certified,
        method=method,
        message=message,
        lower=lower,
        upper=upper,
        witness=witness,
        bounds=tuple(bounds),
        lps_solved=len(solved),
        wall_s=time.perf_counter() - start,
    )


def _milp_weights(cone: _Cone, name: ConstantName) -> tuple[tuple[int, ...], float, float, bool]:
    """The maximizing pattern by one MILP: (weights, value, HiGHS's dual bound, optimal), float64.

    Variables (p, q, v, z): n_𝒮 = p − q, n_𝒮ᶜ = v, binaries z_i with p_i ≤ M_i z_i and
    q_i ≤ M_i (1 − z_i), so that p_i + q_i = |n_i| and q_i = (n_i)⁻; maximize Σ(p + q) for ϱ̃,
    Σ q for ϱ⁻, over An = 0, 𝟙ᵀv = 1.
    """
    A = cone.system.A
    S, Sc = list(cone.support), list(cone.complement)
    m, s, k = A.shape[0], len(S), len(Sc)
    K = np.linalg.lstsq(A[:, S], A[:, Sc], rcond=None)[0]  # n_𝒮 = −K n_𝒮ᶜ on P
    big_m = BIG_M_SAFETY * np.max(np.abs(K), axis=1) + BIG_M_FLOOR
    eye, zero_ss = np.eye(s), np.zeros((s, s))
    equality = np.block(
        [
            [A[:, S], -A[:, S], A[:, Sc], np.zeros((m, s))],
            [np.zeros((1, 2 * s)), np.ones((1, k)), np.zeros((1, s))],
        ]
    )
    switches = np.block(
        [
            [eye, zero_ss, np.zeros((s, k)), -np.diag(big_m)],
            [zero_ss, eye, np.zeros((s, k)), np.diag(big_m)],
        ]
    )
    rhs = np.concatenate([np.zeros(m), [1.0]])
    cost = np.zeros(3 * s + k)
    cost[s : 2 * s] = -1.0
    if name == "rho_tilde":
        cost[:s] = -1.0
    res = milp(
        cost,
        constraints=[
            LinearConstraint(equality, rhs, rhs),
            LinearConstraint(switches, -np.inf, np.concatenate([np.zeros(s), big_m])),
        ],
        integrality=np.concatenate([np.zeros(2 * s + k), np.ones(s)]),
        bounds=Bounds(0, np.concatenate([np.full(2 * s + k, np.inf), np.ones(s)])),
        options={"mip_rel_gap": MIP_REL_GAP, "time_limit": MILP_TIME_LIMIT_S},
    )
    if res.status == 2:
        _raise_empty(cone)
    if res.x is None:
        raise ArithmeticError(f"HiGHS's MILP for {name} found no solution: {res.message}")
    p, q = res.x[:s], res.x[s : 2 * s]
    if name == "rho_tilde":
        weights = tuple(1 if p[i] >= q[i] else -1 for i in range(s))
    else:
        weights = tuple(-1 if q[i] > p[i] else 0 for i in range(s))
    return weights, -float(res.fun), -float(res.mip_dual_bound), res.status == 0


def _by_milp(cone: _Cone, name: ConstantName, start: float) -> NullSpaceConstant:
    weights, value, dual_bound, optimal = _milp_weights(cone, name)
    lp, res = _solve_weights(cone, weights)
    exact = _exact_weights(cone, weights, lp, res)
    witness = exact[0] if exact is not None else None
    lower = _ratio(name, witness, cone) if witness is not None else None
    exact_part = f"; exact lower bound {short(lower)} attained by the witness" if lower is not None else ""
    return NullSpaceConstant(
        name=name,
        value=value,
        certified=False,
        method="milp",
        message=(
            f"{name} ≈ {value:.12g} by MILP (HiGHS, relative gap ≤ {MIP_REL_GAP:g}, dual bound "
            f"{dual_bound:.12g}; float64, not certified){exact_part}"
            if optimal
            else f"{name} ≥ {value:.12g}: the MILP stopped at its time limit (dual bound {dual_bound:.12g})"
            f"{exact_part}"
        ),
        lower=lower,
        witness=witness,
        lps_solved=1,
        wall_s=time.perf_counter() - start,
    )


def _constant(cone: _Cone, name: ConstantName, method: Method) -> NullSpaceConstant:
    start = time.perf_counter()
    if method not in ("auto", "enumerate", "milp"):
        raise ValueError(f"method must be 'auto', 'enumerate' or 'milp', got {method!r}")
    if name == "rho":
        return _by_enumeration(cone, name, start)
    if method == "milp" or (method == "auto" and len(cone.support) > ENUMERATION_MAX_SUPPORT):
        return _by_milp(cone, name, start)
    return _by_enumeration(cone, name, start)


def rho(A: Any, support: Sequence[int]) -> NullSpaceConstant:
    """ϱ = sup_{0≠n∈𝒩} −Σ_{i∈𝒮} n_i / ‖n_𝒮ᶜ‖₁ (ms (II.1)) by one LP over P, certified exactly.

    A is ms's N × d matrix (dlncheck's M × N), ``support`` is 𝒮.  Raises
    :class:`UndefinedConstantError` if ker A_𝒮 ≠ {0}, 𝒮ᶜ = ∅ or 𝒩 = {0}.
    """
    return _constant(_cone(A, support), "rho", "auto")


def rho_tilde(A: Any, support: Sequence[int], *, method: Method = "auto") -> NullSpaceConstant:
    """ϱ̃ = sup_{0≠n∈𝒩} ‖n_𝒮‖₁ / ‖n_𝒮ᶜ‖₁ (ms (II.2)): max over σ ∈ {±1}^𝒮 of V(σ).

    ``method``: "enumerate" (2^|𝒮| LPs, exact), "milp" (one MILP, float, exact lower bound),
    "auto" (enumerate up to |𝒮| = ENUMERATION_MAX_SUPPORT).
    """
    return _constant(_cone(A, support), "rho_tilde", method)


def rho_minus(A: Any, support: Sequence[int], *, method: Method = "auto") -> NullSpaceConstant:
    """ϱ⁻ = sup_{0≠n∈𝒩} Σ_{i∈𝒮, n_i<0} |n_i| / ‖n_𝒮ᶜ‖₁ (ms (II.2)): max over T ⊆ 𝒮 of V(−𝟙_T).

    ``method`` as for :func:`rho_tilde`.
    """
    return _constant(_cone(A, support), "rho_minus", method)


def null_space_constants(A: Any, y: Any = None, *, method: Method = "auto") -> NullSpaceConstants:
    """ms's ϱ, ϱ̃, ϱ⁻ on (A, y) after checking Assumption II.1 and Lemma III.1(i) exactly.

    x* and 𝒮 come from the exact positive ℓ1 certificate (:func:`certify_l1_minimizer`);
    uniqueness (II.1(c)) from :func:`l1_uniqueness`.  For float data give y exactly (e.g.
    ``exact_measurements(A, x)``): a float64 y makes the exact minimizer's support all of a basis.
    Raises :class:`InfeasibleSystemError` if {x ≥ 0 : Ax = y} is empty.
    """
    start = time.perf_counter()
    system = linear_system(A, y)
    m, n = system.shape
    certificate = certify_l1_minimizer(system, positive=True)
    if not certificate.certified:
        return NullSpaceConstants(
            support=(),
            minimizer=None,
            hypotheses=None,
            exist=False,
            message=f"no exact ℓ1 minimizer, so 𝒮 is unknown: {certificate.message}",
            wall_s=time.perf_counter() - start,
        )
    S = certificate.support
    Sc = tuple(j for j in range(n) if j not in set(S))
    uniqueness = l1_uniqueness(system, certificate=certificate)
    y_nonzero = any(v != 0 for v in system.y_exact.entries())
    entries = system.A_exact.entries()
    A_S = fmpq_mat(m, len(S), [entries[i * n + j] for i in range(m) for j in S])
    kernel_trivial = not S or kernel_vector(A_S) is None
    cone = None
    rho_value = None
    two_points: bool | None
    if uniqueness.status == "refuted":
        two_points, why = True, "two minimizers"
    elif not kernel_trivial:
        two_points, why = True, "ker A_𝒮 ≠ {0} moves x* inside the feasible set"
    elif not Sc:
        two_points, why = False, "𝒮ᶜ = ∅ and ker A = {0}: the feasible set is {x*}"
    else:
        try:  # with (c), II.1(b) is 𝒩 ≠ {0}, i.e. P ≠ ∅: ϱ's LP is feasible
            cone = _cone(system, S)
            rho_value = _constant(cone, "rho", method)
            two_points, why = True, "𝒩 ≠ {0}"
        except UndefinedConstantError as error:
            two_points, why = False, str(error)
    hypotheses = LemmaIII1Check(
        y_nonzero=y_nonzero,
        two_feasible_points=two_points,
        unique_minimizer=uniqueness,
        support_nonempty=bool(S),
        complement_nonempty=bool(Sc),
        kernel_of_A_S_trivial=kernel_trivial,
        message=(
            f"II.1(a) y ≠ 0: {y_nonzero}; II.1(b): {two_points} ({why}); "
            f"II.1(c) unique x*: {uniqueness.status} ({uniqueness.reason})"
        ),
    )
    common = {"support": S, "minimizer": certificate.minimizer, "hypotheses": hypotheses}
    if not hypotheses.assumption_holds or cone is None or rho_value is None:
        return NullSpaceConstants(
            **common,
            exist=False,
            message=f"ms Assumption II.1 does not hold (or is undecided): {hypotheses.message}",
            wall_s=time.perf_counter() - start,
        )
    if rho_value.upper is not None and rho_value.upper < 1:
        below: bool | None = True
    elif rho_value.lower is not None and rho_value.lower >= 1:
        below = False
    else:
        below = None
    constants = NullSpaceConstants(
        **common,
        exist=True,
        message=f"Assumption II.1 holds; {rho_value.message}",
        rho=rho_value,
        rho_tilde=_constant(cone, "rho_tilde", method),
        rho_minus=_constant(cone, "rho_minus", method),
        rho_below_one=below,
        wall_s=time.perf_counter() - start,
    )
    return constants
