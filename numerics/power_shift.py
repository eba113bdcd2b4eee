"""An exact shift of the dual variable that removes float64's cancellation at L > 2, small α.

The trap.  A branch of depth L > 2 is p = θ^{-L/(L-2)} with θ = c + s g, g = Aᵀλ, s = (L-2)/L
and c = p0^{-(L-2)/L} (``numerics.dual_reduction``; c = α^{-(L-2)} for factors started at α).
At the limit θ = O(1) on the support while c ~ 1e30 at α = 1e-30, L = 3: float64 cancels
log10 c digits there.  mil (21)'s projection (``MilPower``) has the same sum,
(L-2)(-θ_F) = c - (L-2)σAᵀμ.

Derivation.  Signed model (the positive one is its u branch alone): the u branch sees +g, the
v branch -g, so with ν = -sλ

    θ_u = c_u + s g = c_u - Aᵀν,        θ_v = c_v - s g = c_v + Aᵀν,

and both must stay > 0: ν lies in {-c_v ≤ Aᵀν ≤ c_u}, the feasible set of the dual of the
weighted ℓ1 program (positive: drop z⁻ and the lower bound)

    min ⟨c_u, z⁺⟩ + ⟨c_v, z⁻⟩  s.t.  A(z⁺ - z⁻) = y,  z± ≥ 0;      max ⟨y, ν⟩  s.t.  -c_v ≤ Aᵀν ≤ c_u.

As α → 0 (c ∝ α^{-(L-2)} → ∞) the limit x∞ tends to the program's minimizer x* (mil
Theorem 2.1, positive, and Theorem 1.1, signed, for uniform c; non-uniform c weigh the ℓ1 norm,
by the same KKT argument) and ν∞ = -sλ∞ to an optimal ν of the LP: p = O(1) needs θ = O(1) ≪ c
on the support S of x*, where complementary slackness makes every optimal ν tight.  Take an
exact optimal ν₀ with its exact minimizer x* (``numerics.sparse_recovery``'s certificates,
rational arithmetic).  Then

    θ_u = θ̂_u - Aᵀ(ν - ν₀),   θ̂_u = c_u - Aᵀν₀ ≥ 0;     θ_v = θ̂_v + Aᵀ(ν - ν₀),   θ̂_v = c_v + Aᵀν₀ ≥ 0:

the offsets θ̂ are the LP's reduced costs, computed exactly and only then rounded: 0 on the
active branch of every n ∈ S, of order c elsewhere.  For the flow, λ = -ν₀/s + λ̃.

A float64 λ̃ is not enough yet.  When |S| < M (a sparse x*: the generic case) the optimal
duals form a face of dimension M - |S|, and ν∞ is a particular point of it (fixed by the
tiny off-support coordinates), so λ̃ has entries of order c in those directions while
(Aᵀλ̃)_S = O(1): forming A_Sᵀλ̃ in float64 would cancel the same digits again.  So the
dual is written in a basis that keeps the S columns apart: with rows I (|I| = |S|, A_S[I]
invertible, chosen by pivoted QR) and J the other rows,

    λ̃ = Rη,   R = [E_I A_S[I]^{-T} | (E_J - E_I A_S[I]^{-T} A_S[J]ᵀ)],   η = (β, γ),
    R⁻¹ = [A_Sᵀ; E_Jᵀ],   A' = RᵀA = [A_S[I]⁻¹A[I,:]; A[J,:] - A_S[J]A_S[I]⁻¹A[I,:]],

a simplex tableau with A'_S = [I; 0] exactly.  Then θ on the active branch of n ∈ S is
±s β_n: no offset, no γ, nothing cancels; off S, θ = θ̂ + s(A'ᵀη) is of order c and its
O(c) terms leave it of order c.  The data become y' = Rᵀy = [x*_S; 0] exactly (y = A_S x*_S
exactly), A' is rounded once (its S columns set exactly), and the flow (★) λ' = kL(Ax - y)
reads η' = kL G (A'x - y') with G = R⁻¹R⁻ᵀ = [[A_SᵀA_S, A_S[J]ᵀ], [A_S[J], I]]: the model's
own flow and time, from η(0) = R⁻¹ν₀/s = [A_Sᵀν₀; ν₀[J]]/s (λ(0) = 0, θ(0) = c).

The change of variables is exact whichever optimal ν₀ is taken; what the choice decides is
whether anything still cancels.  A dual tight off S (a vertex dual of a sparse x* is tight on
a whole basis) gives θ̂ = 0, or ~eps·c when HiGHS's "zero" reduced cost is made exact, on
columns whose limit θ is ~c: Newton must then climb a factor 1/slack in θ, which float64
cannot do at slack 1e-17.  So ν₀ is moved to a dual with a relative slack of at least
``MIN_DUAL_MARGIN`` off S (:func:`_dual_strict_off_support`).

Starts.  From the model's start the flow escapes at t ~ c, one coordinate after another, each
escape taking a time O(1): float64's t cannot resolve that once c passes ~1e10, and Radau's
step collapses there.  (★) is the gradient flow of a strictly convex function of λ, whose
limit solves the stationarity condition A'x = y' whatever the start; ``dual_flow`` therefore
starts at η = t η(0), t = 1/min_S c, where θ = (1-t)θ̂ + t c is O(1) on S and ~c off it, and
ends, as always, with Newton on that condition.  The projection is mil (21) with
θ_F0 = -θ̂/(L-2) and μ = ν₀/(L-2) + Rη_p (η_p = -η/L, as μ = -λ/L), and its Newton starts at
the same point, η_p = -t η(0)/L.

What rounding is left: θ̂ once (relative eps), A' (relative eps·cond A_S[I], as any solve with
A_S), and where the true θ off S is much smaller than c (a slack of the limiting dual close
to 0: a degenerate LP) the O(c) terms cancel again; :meth:`PowerShift.theta_digits` estimates
what that costs at a computed point.  Costs c that are not rational (p0 not an L-th power of a
rational) are rounded to rationals within 2^-``COST_GUARD_BITS`` (absolute) before the LP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import scipy.linalg
from flint import arb, ctx, fmpq, fmpq_mat, fmpz

from dlncheck.numerics.bregman_projection import ProjectionProblem
from dlncheck.numerics.dual_flow import flow_limit
from dlncheck.numerics.dual_reduction import Branch, DiagonalReduction
from dlncheck.numerics.legendre_potentials import MilPower
from dlncheck.numerics.results import FlowResult
from dlncheck.numerics.sparse_recovery import (
    ExactOptimum,
    StandardFormLP,
    certify_optimum,
    fractions_of,
    l1_program,
    linear_system,
    pivot_columns,
    project_onto_affine,
    solve_float,
    strict_dual,
)

# An irrational cost c = p0^{-(L-2)/L} is replaced by a rational this close (absolute): far below
# the O(1) values of θ on the support that the shift is there to keep.
COST_GUARD_BITS = 128
FLOAT64_EPS = float(np.finfo(float).eps)
# Least slack, relative to c, of the shift's dual off the support.  A column with slack δ·c
# starts ~δ·c from its boundary while its limit is typically ~c away: below this, Newton has
# to climb by a factor 1/δ in θ, and at δ ~ 1e-17 (a reduced cost HiGHS called 0) float64
# cannot (the dual's curvature there is below rounding).
MIN_DUAL_MARGIN = 1e-3


# Digits cancelled in c + s·g ((L - 2)·log10(1/min factor)) from which the shifted dual is the
# better float64 path: below, the plain flow is faster (no exact LP; N = 1000, M = 150, L = 3:
# 3 s at α = 1e-4 against 4 s for the shift's set-up and limit); at α = 1e-6 the plain flow's
# escapes at t ~ 1e6 took 64 s against 3.7 s (2-core machine under load, 2026-11-24).
WORTH_SHIFTING_DIGITS = 5


class ShiftError(ValueError):
    """The exact shift could not be set up (one line: why, and what to do instead)."""


def branch_costs(p0: Sequence[Fraction], depth: int) -> tuple[Fraction, ...]:
    """c_n = p0_n^{-(L-2)/L} (``numerics.dual_reduction``), exact when p0_n is an L-th power.

    p0 = x0^L for rational factors x0 gives c = x0^{-(L-2)} exactly; otherwise c is rounded
    to a rational within 2^-COST_GUARD_BITS.
    """
    if depth <= 2:
        raise ShiftError("the shift is for L > 2 (at L = 2 the branches are exponentials: nothing cancels)")
    out = []
    for p in p0:
        p = Fraction(p)
        if p <= 0:
            raise ShiftError("the shift needs p0 > 0 on every branch (a branch that stays 0 has no cost)")
        root = _rational_root(p, depth)
        if root is not None:
            out.append(1 / root ** (depth - 2))
            continue
        log2_c = (depth - 2) / depth * (math.log2(p.denominator) - math.log2(p.numerator))
        with ctx.workprec(max(64, math.ceil(log2_c)) + COST_GUARD_BITS + 16):
            ball = (arb(p.numerator) / p.denominator) ** (arb(-(depth - 2)) / depth)
            mantissa, exponent = ball.mid().man_exp()
        out.append(Fraction(int(mantissa)) * Fraction(2) ** int(exponent))
    return tuple(out)


def _rational_root(q: Fraction, k: int) -> Fraction | None:
    top, bottom = fmpz(q.numerator).root(k), fmpz(q.denominator).root(k)
    if top**k == q.numerator and bottom**k == q.denominator:
        return Fraction(int(top), int(bottom))
    return None


@dataclass(frozen=True, eq=False)
class PowerShift:
    """The exact shift λ = -ν₀/s + Rη of the module docstring, and the data it produces.

    ``support``: S, columns of A where the LP minimizer x* is nonzero, with ``signs`` (+1: the
    u branch is active, -1: the v branch); ``pivot_rows``: I.  ``dual`` ν₀, ``offset_u`` θ̂_u,
    ``offset_v`` θ̂_v and ``minimizer`` x* are exact.  ``A``, ``y``, ``metric`` are A', y', G
    in float64 (A' with its S columns exactly [I; 0]).  ``pivot_condition``: cond(A_S[I]),
    which bounds what rounding A' costs.  ``support_columns``: the exact columns A_S;
    ``active_costs``: c of the active branch on S (= ±A_Sᵀν₀).
    """

    model: str
    depth: int
    support: tuple[int, ...]
    signs: tuple[int, ...]
    pivot_rows: tuple[int, ...]
    dual: tuple[Fraction, ...]
    offset_u: tuple[Fraction, ...]
    offset_v: tuple[Fraction, ...] | None
    minimizer: tuple[Fraction, ...]
    A: np.ndarray
    y: np.ndarray
    metric: np.ndarray
    pivot_condition: float
    how: str
    support_columns: tuple[tuple[Fraction, ...], ...] = field(repr=False, default=())
    active_costs: tuple[Fraction, ...] = field(repr=False, default=())

    @property
    def other_rows(self) -> tuple[int, ...]:
        chosen = set(self.pivot_rows)
        return tuple(i for i in range(len(self.dual)) if i not in chosen)

    def flow_start(self, *, scaled: bool = True) -> np.ndarray:
        """η(0) = R⁻¹ν₀/s = [A_Sᵀν₀; ν₀[J]]/s (λ = 0, the model's start, θ = c) times t.

        ``scaled``: t = 1/min_S c (:meth:`start_fraction`), where θ = (1-t)θ̂ + t c is O(1) on
        S and ~c off it; else t = 1.
        """
        t = self.start_fraction() if scaled else Fraction(1)
        s = Fraction(self.depth - 2, self.depth)
        return np.array([float(t * v / s) for v in self._dual_in_eta()])

    def projection_start(self) -> np.ndarray:
        """η_p = -η/L at the scaled start of :meth:`flow_start` (μ and λ: μ = -λ/L)."""
        return -self.flow_start() / self.depth

    def start_fraction(self) -> Fraction:
        """t = 1/min_S c (at most 1): λ = -(1-t)ν₀/s gives θ = (1-t)θ̂ + t c ≥ min(1, t c)."""
        costs = self.active_costs
        return min(Fraction(1), 1 / min(costs)) if costs else Fraction(1)

    def flow_dual(self, eta: Sequence[float]) -> tuple[Fraction, ...]:
        """λ = -ν₀/s + Rη of the unshifted flow, exactly (float64 cannot hold it: ~c in size)."""
        s = Fraction(self.depth - 2, self.depth)
        return tuple(-v / s + w for v, w in zip(self.dual, self._apply_r(eta), strict=True))

    def projection_dual(self, eta: Sequence[float]) -> tuple[Fraction, ...]:
        """μ = ν₀/(L-2) + Rη of the unshifted projection problem, exactly (a start for ``refine``)."""
        return tuple(v / (self.depth - 2) + w for v, w in zip(self.dual, self._apply_r(eta), strict=True))

    def theta_digits(self, eta: np.ndarray) -> int:
        """Estimated significant digits (norm-wise, relative to ‖x‖∞) of x at the flow's η in float64.

        θ = θ̂ + σ s A'ᵀη loses log10((|θ̂| + s|A'|ᵀ|η|)/θ) digits to cancellation, and a relative
        error δ of θ_n moves x_n by L/(L-2)·δ·|x_n|.  For the projection's η_p, pass η = -L η_p.
        """
        L = self.depth
        scale = (L - 2) / L
        h, size = self.A.T @ eta, np.abs(self.A).T @ np.abs(eta)
        errors, values = [], []
        for offset, sigma in ((self.offset_u, 1), (self.offset_v, -1)):
            if offset is None:
                continue
            base = np.array([float(v) for v in offset])
            with np.errstate(all="ignore"):
                theta = base + sigma * scale * h
                x = theta ** (-L / (L - 2))
                amplification = (np.abs(base) + scale * size) / theta
            errors.append(FLOAT64_EPS * amplification * L / (L - 2) * x)
            values.append(sigma * x)
        top = float(np.max(np.abs(sum(values))))
        worst = float(np.max(np.concatenate(errors)))
        if not (math.isfinite(top) and math.isfinite(worst)) or top == 0:
            return 0
        return max(0, math.floor(-math.log10(max(worst / top, 1e-300))))

    def _dual_in_eta(self) -> list[Fraction]:
        """R⁻¹ν₀ = [A_Sᵀν₀; ν₀[J]] exactly; A_Sᵀν₀ = ±c of the active branch (ν₀ is tight on S)."""
        head = [sign * c for sign, c in zip(self.signs, self.active_costs, strict=True)]
        return head + [self.dual[i] for i in self.other_rows]

    def _apply_r(self, eta: Sequence[float]) -> list[Fraction]:
        """Rη exactly: λ̃[J] = γ, λ̃[I] = A_S[I]^{-T}(β - A_S[J]ᵀγ)."""
        k = len(self.support)
        beta = [Fraction(float(v)) for v in eta[:k]]
        gamma = [Fraction(float(v)) for v in eta[k:]]
        columns = self.support_columns
        rows_i, rows_j = self.pivot_rows, self.other_rows
        rhs = [
            b - sum((col[j] * g for j, g in zip(rows_j, gamma, strict=True)), Fraction(0))
            for b, col in zip(beta, columns, strict=True)
        ]
        # A_S[I]ᵀ w = rhs
        matrix = fmpq_mat(k, k, [_q(columns[a][rows_i[b]]) for a in range(k) for b in range(k)])
        w = fractions_of(matrix.solve(fmpq_mat(k, 1, [_q(v) for v in rhs]))) if k else ()
        out = [Fraction(0)] * len(self.dual)
        for i, v in zip(rows_i, w, strict=True):
            out[i] = v
        for i, v in zip(rows_j, gamma, strict=True):
            out[i] = v
        return out


def _q(v: Fraction) -> fmpq:
    return fmpq(v.numerator, v.denominator)


def power_shift(
    A_exact: Sequence[Sequence[Fraction]],
    y_exact: Sequence[Fraction],
    costs_u: Sequence[Fraction],
    costs_v: Sequence[Fraction] | None,
    depth: int,
) -> PowerShift:
    """The shift for exact data and costs c_u (and c_v: signed model), see the module docstring."""
    signed = costs_v is not None
    kind = "signed" if signed else "positive"
    system = linear_system(A_exact, y_exact)
    m, n = system.shape
    costs = [Fraction(c) for c in costs_u] + ([Fraction(c) for c in costs_v] if signed else [])
    if len(costs) != (2 * n if signed else n):
        raise ShiftError(f"need one cost per column and branch ({n} columns), got {len(costs)}")
    # the LP is posed with weights c / max c (HiGHS sees numbers of order 1); its dual scales back
    scale = max(costs)
    weights = fmpq_mat(len(costs), 1, [_q(c / scale) for c in costs])
    lp = l1_program(system, positive=not signed).with_cost(weights)
    res = solve_float(lp)
    if res.status != 0:
        raise ShiftError(f"HiGHS did not solve the weighted {kind} ℓ1 program of the shift: {res.message}")
    optimum = certify_optimum(lp, res.x, res.eqlin.marginals)
    if optimum is None:
        raise ShiftError(
            f"the weighted {kind} ℓ1 program of the shift has no exact certificate near HiGHS's optimum; "
            "use the unshifted problem at higher precision (refine)"
        )
    dual_exact, reduced_exact, how = _dual_strict_off_support(lp, optimum)
    dual = tuple(scale * v for v in fractions_of(dual_exact))
    reduced = tuple(scale * v for v in fractions_of(reduced_exact))  # θ̂ = c - Bᵀν₀ ≥ 0
    if any(r < 0 for r in reduced) or any(reduced[j] != 0 for j in optimum.support):
        # both were checked exactly where the dual was made; cheap to keep honest here
        raise ShiftError("internal: the shift's dual is not feasible and tight on the support")
    x_lp = optimum.x.entries()
    support, signs, values = [], [], []
    for j in optimum.support:
        support.append(j % n)
        signs.append(1 if j < n else -1)
        value = Fraction(int(x_lp[j].p), int(x_lp[j].q))
        values.append(value if j < n else -value)
    minimizer = [Fraction(0)] * n
    for k, v in zip(support, values, strict=True):
        minimizer[k] += v
    entries = system.A_exact.entries()
    columns = [
        tuple(Fraction(int(entries[i * n + k].p), int(entries[i * n + k].q)) for i in range(m))
        for k in support
    ]
    rows = _pivot_rows(columns, system.A[:, support])
    others = [i for i in range(m) if i not in set(rows)]

    A = system.A
    A_S = A[:, support]
    pivot = A_S[rows, :]
    top = scipy.linalg.solve(pivot, A[rows, :]) if support else np.zeros((0, n))
    bottom = A[others, :] - A_S[others, :] @ top
    A_shift = np.vstack([top, bottom])
    A_shift[:, support] = np.vstack([np.eye(len(support)), np.zeros((len(others), len(support)))])
    y_shift = np.array([float(v) for v in values] + [0.0] * len(others))
    k = len(support)
    metric = np.eye(m)
    metric[:k, :k] = A_S.T @ A_S
    metric[:k, k:] = A_S[others, :].T
    metric[k:, :k] = A_S[others, :]
    return PowerShift(
        model=kind,
        depth=depth,
        support=tuple(support),
        signs=tuple(signs),
        pivot_rows=tuple(rows),
        dual=dual,
        offset_u=reduced[:n],
        offset_v=reduced[n:] if signed else None,
        minimizer=tuple(minimizer),
        A=A_shift,
        y=y_shift,
        metric=metric,
        pivot_condition=float(np.linalg.cond(pivot)) if k else 1.0,
        how=how,
        support_columns=tuple(columns),
        active_costs=tuple(costs[j] for j in optimum.support),
    )


def _dual_strict_off_support(lp: StandardFormLP, optimum: ExactOptimum) -> tuple[fmpq_mat, fmpq_mat, str]:
    """An exact optimal dual with relative slack ≥ MIN_DUAL_MARGIN off the support T, its reduced
    costs, and how it was found (module docstring: why).

    First, from the certificate's dual ν: a basis P ⊇ T of the columns below the margin (then
    any), d with B_Pᵀd = -1 on those and 0 elsewhere on P (float64), ν + εd with ε half the
    largest step that keeps every reduced cost ≥ 0 (at most 1), made exact by projecting onto
    {B_Tᵀν = c_T} (a |T| × |T| solve: short rationals) and checked exactly.  Otherwise the
    max-margin LP of ``sparse_recovery`` (one more HiGHS solve, ~2 s at 150 × 2000).
    """
    m, n = lp.B.nrows(), lp.B.ncols()
    support = list(optimum.support)
    reduced = optimum.reduced.entries()
    in_support = set(support)
    reduced_float = np.array([float(r) for r in reduced])
    margins = reduced_float / lp.c_float  # slack relative to each column's cost
    off = [j for j in range(n) if j not in in_support]
    if min(margins[off], default=1.0) >= MIN_DUAL_MARGIN:
        return optimum.dual, optimum.reduced, f"{optimum.how}; strict off the support"
    tight = [j for j in off if margins[j] < MIN_DUAL_MARGIN]
    entries = lp.B.entries()
    rest = sorted((j for j in off if margins[j] >= MIN_DUAL_MARGIN), key=lambda j: margins[j])
    order = support + tight + rest
    chosen = [order[i] for i in pivot_columns(_columns(entries, m, n, order))]
    tight_set = set(tight)
    if len(chosen) == m and in_support <= set(chosen):
        target = np.array([-1.0 if j in tight_set else 0.0 for j in chosen])
        d = np.linalg.solve(lp.B_float[:, chosen].T, target)
        slope = lp.B_float.T @ d
        if np.all(slope[tight] < 0):
            rising = (slope > 0) & (reduced_float > 0)  # the support's slopes are 0 up to rounding
            eps = min(1.0, float(np.min(reduced_float[rising] / slope[rising], initial=np.inf))) / 2
            nu = np.array([float(v) for v in optimum.dual.entries()]) + eps * d
            exact = fmpq_mat(m, 1, [fmpq(*float(v).as_integer_ratio()) for v in nu])
            dual = project_onto_affine(_columns(entries, m, n, support), _rows(lp.c, support), exact)
            new_reduced = lp.c - lp.B.transpose() * dual
            values = new_reduced.entries()
            if (
                all(values[j] > 0 for j in off)
                and min(float(values[j]) / lp.c_float[j] for j in off) >= MIN_DUAL_MARGIN
            ):
                return dual, new_reduced, f"{optimum.how}; moved off the tight columns"
    strict = strict_dual(lp, support, entries)
    if strict is not None:
        return strict, lp.c - lp.B.transpose() * strict, f"{optimum.how}; max-margin dual"
    return (
        optimum.dual,
        optimum.reduced,
        f"{optimum.how}; no dual with a margin off the support (degenerate LP)",
    )


def _rows(column: fmpq_mat, rows: Sequence[int]) -> fmpq_mat:
    values = column.entries()
    return fmpq_mat(len(rows), 1, [values[i] for i in rows])


def _columns(entries: list, m: int, n: int, columns: Sequence[int]) -> fmpq_mat:
    return fmpq_mat(m, len(columns), [entries[i * n + j] for i in range(m) for j in columns])


def _pivot_rows(columns: list[tuple[Fraction, ...]], A_S: np.ndarray) -> list[int]:
    """Rows I with A_S[I] invertible: pivoted QR's choice (well conditioned), checked exactly."""
    k = len(columns)
    if k == 0:
        return []
    _, _, order = scipy.linalg.qr(A_S.T, mode="economic", pivoting=True)
    rows = sorted(int(i) for i in order[:k])
    if len(pivot_columns(_rows_matrix(columns, rows).transpose())) == k:
        return rows
    # rounding misled the QR: independent rows decided exactly (mod a prime, see sparse_recovery)
    rows = pivot_columns(_rows_matrix(columns, range(len(columns[0]))).transpose())
    if len(rows) != k:
        raise ShiftError("the columns of the LP minimizer's support are dependent; no shift basis")
    return rows


def _rows_matrix(columns: list[tuple[Fraction, ...]], rows) -> fmpq_mat:
    """A_S[rows] as an exact matrix (``columns`` are A_S's columns)."""
    rows = list(rows)
    return fmpq_mat(len(rows), len(columns), [_q(col[i]) for i in rows for col in columns])


# ------------------------------------------------------------------------------ the flow


@dataclass(frozen=True, eq=False)
class ShiftedFlow:
    """(★) in the shifted variable η: integrate with :meth:`limit` (``dual_flow.flow_limit``).

    ``start`` is the scaled start of :meth:`PowerShift.flow_start`, ``model_start`` the model's
    own λ(0) = 0.  From the latter the flow escapes at t ~ c, coordinate by coordinate, each
    escape taking a time O(1) at t ~ c: float64's t cannot resolve that once c passes ~1e10
    (Radau's step collapses there).  (★) is the gradient flow of a strictly convex function, so
    its limit does not depend on the start: :meth:`limit` starts at ``start`` unless told not to
    (the result's ``t_reached`` then counts from that start, not from the model's t = 0).
    """

    reduction: DiagonalReduction
    A: np.ndarray
    y: np.ndarray
    start: np.ndarray
    model_start: np.ndarray
    metric: np.ndarray
    shift: PowerShift

    def limit(self, *, from_model_start: bool = False, **options) -> FlowResult:
        """``flow_limit`` from the (scaled) start with the metric G.

        ``info["dual"]`` is η, ``info["shift"]`` the :class:`PowerShift`, ``info["theta_digits"]``
        its estimate of the digits left after rounding (:meth:`PowerShift.theta_digits`).
        """
        start = self.model_start if from_model_start else self.start
        result = flow_limit(self.reduction, self.A, self.y, start=start, metric=self.metric, **options)
        eta = result.info["dual"]
        digits = self.shift.theta_digits(eta)
        info = dict(result.info, shift=self.shift, theta_digits=digits)
        where = "the model's start" if from_model_start else "the scaled start"
        message = f"{result.message} (shifted dual of numerics.power_shift from {where}; ~{digits} digits)"
        return replace(result, info=info, message=message)


def shifted_flow(
    reduction: DiagonalReduction,
    A_exact: Sequence[Sequence[Fraction]],
    y_exact: Sequence[Fraction],
    shift: PowerShift | None = None,
) -> ShiftedFlow:
    """The reduction (L > 2) posed in η: branches with exact offsets θ̂, data A', y', metric G.

    ``shift``: one already computed for the same A, y and initialization (e.g. by
    :func:`shifted_projection` of the same instance), to skip the LP and its certificate.
    """
    if reduction.depth <= 2:
        raise ShiftError(
            "the shift is for L > 2 (at L = 2 nothing cancels: integrate the reduction as it is)"
        )
    if shift is None:
        costs_u = branch_costs(reduction.u.p0, reduction.depth)
        costs_v = branch_costs(reduction.v.p0, reduction.depth) if reduction.v is not None else None
        shift = power_shift(A_exact, y_exact, costs_u, costs_v, reduction.depth)
    _require_fit(shift, reduction.model, reduction.depth, reduction.n)
    u = Branch(reduction.depth, reduction.u.p0, shift.offset_u)
    v = None if reduction.v is None else Branch(reduction.depth, reduction.v.p0, shift.offset_v)
    shifted = DiagonalReduction(reduction.model, u, v, reduction.rate)
    model_start = shift.flow_start(scaled=False)
    return ShiftedFlow(shifted, shift.A, shift.y, shift.flow_start(), model_start, shift.metric, shift)


# ------------------------------------------------------------------------------ the projection


@dataclass(frozen=True, eq=False)
class ShiftedProjection:
    """mil (21)'s projection posed in η_p: ``problem`` goes to ``project`` / ``refine`` as it is."""

    problem: ProjectionProblem
    shift: PowerShift | None  # None: nothing to shift (a single-point constraint set)

    def original_dual(self, eta: np.ndarray) -> tuple[Fraction, ...]:
        """μ of the unshifted problem, exactly: a start for ``refine`` on it."""
        if self.shift is None:
            return tuple(Fraction(float(v)) for v in eta)
        return self.shift.projection_dual(eta)


def shifted_projection(problem: ProjectionProblem, shift: PowerShift | None = None) -> ShiftedProjection:
    """A mil (21) projection problem (``MilPower`` branches, σ = +1, then -1) posed in η_p.

    ``shift``: one already computed for the same A, y and x0 (e.g. by :func:`shifted_flow` of
    the same instance; not for a problem restricted to a face of S₊, whose A differs).
    """
    if problem.unique_solution is not None:
        return ShiftedProjection(problem, None)
    potentials = [pot for pot, _ in problem.branches]
    if not all(isinstance(pot, MilPower) and pot.offset is None for pot in potentials):
        raise ShiftError("the shift applies to mil (21) with L > 2 (MilPower branches, not yet shifted)")
    signs = [sigma for _, sigma in problem.branches]
    if signs not in ([1], [1, -1]):
        raise ShiftError("expected a positive branch, optionally followed by a negative one (mil (34))")
    depth = potentials[0].depth
    if shift is None:
        costs = [branch_costs(pot.x0, depth) for pot in potentials]
        costs_v = costs[1] if len(costs) > 1 else None
        shift = power_shift(problem.A_exact, problem.y_exact, costs[0], costs_v, depth)
    _require_fit(shift, "signed" if len(signs) == 2 else "positive", depth, len(problem.A_exact[0]))
    offsets = (shift.offset_u, shift.offset_v)
    branches = tuple(
        (MilPower(pot.x0, depth, offset), sigma)
        for (pot, sigma), offset in zip(problem.branches, offsets, strict=False)
    )
    note = f"posed in the shifted dual of numerics.power_shift (exact LP dual: {shift.how})"
    shifted = ProjectionProblem(
        A_exact=tuple(tuple(Fraction(float(a)) for a in row) for row in shift.A),
        y_exact=tuple(Fraction(float(v)) for v in shift.y),
        branches=branches,
        columns=problem.columns,
        width=problem.width,
        note="; ".join(part for part in (problem.note, note) if part),
        dual_start=tuple(float(v) for v in shift.projection_start()),
    )
    # the float64 copy that ProjectionProblem would build from A_exact is A' itself (A_exact
    # holds its exact binary values): fill the cache instead of converting 150 000 Fractions back
    shifted.__dict__["A"] = shift.A.copy()
    return ShiftedProjection(shifted, shift)


def _require_fit(shift: PowerShift, model: str, depth: int, n: int) -> None:
    if (shift.model, shift.depth, len(shift.offset_u)) != (model, depth, n):
        raise ShiftError(
            f"the given shift was made for a {shift.model} model, L = {shift.depth}, "
            f"{len(shift.offset_u)} columns; this problem is {model}, L = {depth}, {n} columns"
        )
