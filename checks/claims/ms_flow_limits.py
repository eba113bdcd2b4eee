"""Matt–Stöger's statements about the flow's limit, decided at the limit itself.

ms's flow is the ``ms`` model of ``checks.flow_instances``: L(u) = ‖A u^{⊙2} − y‖² (no ½),
u(0) = a𝟙.  Its limit is the entropy Bregman projection of the product x0 = a²𝟙 onto
S₊ = {x ≥ 0 : Ax = y}, which is Theorem II.2's x^∞(α) at α = a²
(``numerics.conventions.ms_theorem_alpha_from_factor_scale``); the FlowConvergenceSearch of
Sec. I's step 1 integrates the flow itself to that limit.  The hypotheses (Assumption II.1, the
constants ϱ (II.1), ϱ̃ and ϱ⁻ (II.2), κ*, the condition on α) are evaluated exactly on each
instance by ``numerics.null_space_constants``; a failed one is a one-line InstanceError that
names it, with its value.

The deviation n = x^∞ − x* is evaluated without cancellation: off the support n_𝒮ᶜ = x^∞_𝒮ᶜ,
and on it n_𝒮 = −K n_𝒮ᶜ with K = (A_𝒮ᵀA_𝒮)⁻¹A_𝒮ᵀA_𝒮ᶜ exact (An = 0 and ker A_𝒮 = {0}, ms
Lemma III.1(i); ``numerics.ms_vertex_constants.support_elimination``).  The identity holds at
the true limit, which the certified enclosure contains, so interval evaluations stay rigorous,
and float64 keeps relative accuracy where ‖n‖₁ is 10^-30 of ‖x*‖₁.

Claims: Theorem II.2(a) ((II.3), ``II3_BOUND``); the Remark after it (c <= ratio <= C in the
range of both parts of the theorem, ``REMARK_BOUND``); Lemma III.2 (x^∞ > 0 on 𝒩's support,
``LEMMA_III2_BOUND``, plus the integrated flow); Sec. I's step 1 (the printed prior α𝟙 against
the flow's conservation law along ker A, ``STEP1_PRINTED_BOUND``; the corrected prior α²𝟙
against the integrated flow).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flint import arb

from dlncheck.checks.audit import AuditResult, decide
from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.flow_convergence import FlowConvergenceSearch
from dlncheck.checks.flow_strategies_ms import (
    any_alpha_flow_instances,
    design_constants,
    small_alpha_flow_instances,
    theorem_flow_instances,
)
from dlncheck.checks.limit_audit import (
    FLOAT_LEFT_RELATIVE_ERROR,
    FLOAT_SLACK_UNCERTAINTY,
    LimitBound,
    float64_limit,
    limit_audit,
    limit_search,
)
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import scale_consistency as scale
from dlncheck.derivations.ms_flow_invariant import conservation_law
from dlncheck.numerics import conventions
from dlncheck.numerics.enclosures import ball, midpoint

if TYPE_CHECKING:
    from dlncheck.checks.flow_instances import FlowInstance

_KINDS = {
    "inequality": Kind.INEQUALITY,
    "asymptotic": Kind.ASYMPTOTIC,
    "characterization (argmin)": Kind.CHARACTERIZATION,
}


# ----------------------------------------------------------------------------- the theorem's data


@dataclass(frozen=True)
class TheoremData:
    """ms §II's objects on one instance, exact: α = a², x*, 𝒮, κ*, ϱ, ϱ̃, ϱ⁻, and K (n_𝒮 = −K n_𝒮ᶜ)."""

    factor_scale: Fraction  # a: u(0) = a𝟙
    alpha: Fraction  # ms Theorem II.2's α = a²
    minimizer: tuple[Fraction, ...]
    support: tuple[int, ...]
    complement: tuple[int, ...]
    kappa: Fraction
    rho: Fraction
    rho_tilde: Fraction
    rho_minus: Fraction
    K: tuple[tuple[Fraction, ...], ...]
    design: tuple  # (A, y), exact

    @property
    def cone_support(self) -> tuple[int, ...]:
        """The coordinates some n ∈ 𝒩 moves (ñ_i ≠ 0), by vertex enumeration."""
        return _cone_support(*self.design)

    @property
    def smallest(self) -> Fraction:
        """λ = min_𝒮 x*_i."""
        return min(self.minimizer[i] for i in self.support)

    @property
    def largest(self) -> Fraction:
        """‖x*‖_∞."""
        return max(self.minimizer)


@functools.lru_cache(maxsize=16384)
def _design(A: tuple, y: tuple) -> tuple:
    """(constants, K) of a design, or (constants, None) when they do not exist."""
    from dlncheck.numerics.ms_vertex_constants import support_elimination

    constants = design_constants(A, y)
    if not constants.exist:
        return constants, None
    S = constants.support
    Sc = tuple(j for j in range(len(A[0])) if j not in set(S))
    K, _ = support_elimination(A, S, Sc)
    return constants, tuple(map(tuple, K))


@functools.lru_cache(maxsize=16384)
def _cone_support(A: tuple, y: tuple) -> tuple[int, ...]:
    """The coordinates some n ∈ 𝒩 moves, by vertex enumeration (small designs only)."""
    from dlncheck.numerics.basic_solutions import TooManyBasesError
    from dlncheck.numerics.ms_vertex_constants import ms_constants_by_vertices

    try:
        return ms_constants_by_vertices(A, y).cone_support
    except TooManyBasesError as exc:
        raise InstanceError(f"the support of N: {exc}; give a smaller A") from None


def theorem_data(instance: FlowInstance, theorem: str) -> TheoremData:
    """ms §II on the instance; InstanceError naming the first hypothesis of ``theorem`` that fails.

    Checked: u0 = a𝟙 (the flow starts at a uniform initialization), Assumption II.1 (exactly),
    and that ϱ, ϱ̃, ϱ⁻ are certified exactly (they are, by enumeration, up to |𝒮| = 10).
    """
    from dlncheck.checks.flow_command import require_solvable

    if len(set(instance.u0)) != 1:
        raise InstanceError(
            f"hypothesis u_0 = α𝟙 of {theorem} fails: the initialization is not uniform "
            f"(entries from {min(instance.u0)} to {max(instance.u0)}); give init.alpha"
        )
    try:
        require_solvable(instance)
    except InstanceError as exc:
        raise InstanceError(f"hypothesis Assumption II.1 of {theorem} fails: {exc}") from None
    constants, K = _design(instance.A, instance.y)
    if not constants.exist:
        raise InstanceError(f"hypothesis Assumption II.1 of {theorem} fails: {constants.message}")
    for constant in (constants.rho, constants.rho_tilde, constants.rho_minus):
        if not constant.certified:
            raise InstanceError(f"{theorem} needs ϱ, ϱ̃, ϱ⁻ exactly, but {constant.message}")
    minimizer = constants.minimizer
    S = constants.support
    return TheoremData(
        factor_scale=instance.u0[0],
        alpha=conventions.ms_theorem_alpha_from_factor_scale(instance.u0[0]),
        minimizer=minimizer,
        support=S,
        complement=tuple(j for j in range(instance.N) if j not in set(S)),
        kappa=max(minimizer[i] for i in S) / min(minimizer[i] for i in S),
        rho=constants.rho.exact,
        rho_tilde=constants.rho_tilde.exact,
        rho_minus=constants.rho_minus.exact,
        K=K,
        design=(instance.A, instance.y),
    )


def require_alpha_below_support(data: TheoremData, theorem: str) -> None:
    """ms Theorem II.2(a): 0 < α < min_𝒮 x*_i."""
    if not data.alpha < data.smallest:
        raise InstanceError(
            f"hypothesis 0 < α < min_𝒮 x*_i of {theorem} fails: α = a² = {data.alpha} "
            f"(factor scale a = {data.factor_scale}) but min_𝒮 x*_i = {data.smallest}"
        )


# ----------------------------------------------------------------------------- arithmetic of the sides


def _power(base: Fraction, exponent: Fraction, intervals: bool):
    """base^exponent for base > 0: a ball (exp(e log b)) or a float."""
    if intervals:
        if base == 1:
            return arb(1)
        return (ball(exponent) * ball(base).log()).exp()
    try:
        return math.exp(float(exponent) * (math.log(base.numerator) - math.log(base.denominator)))
    except OverflowError:  # beyond float64: the slack is NaN and the instance is decided in intervals
        return math.inf


def deviation(data: TheoremData, limit: tuple, intervals: bool) -> tuple[list, list]:
    """(n_𝒮, n_𝒮ᶜ) for n = x^∞ − x*, cancellation-free (module docstring)."""
    off = [limit[j] for j in data.complement]
    zero = arb(0) if intervals else 0.0
    on = []
    for row in data.K:
        total = zero
        for k, value in zip(row, off, strict=True):
            if k != 0:
                total += (ball(k) if intervals else float(k)) * value
        on.append(-total)
    return on, off


def _l1(values: list, intervals: bool):
    total = arb(0) if intervals else 0.0
    for v in values:
        total += abs(v)
    return total if intervals else math.fsum(abs(v) for v in values)


def _max_abs(values: list, intervals: bool):
    if intervals:
        largest = abs(values[0])
        for v in values[1:]:
            largest = largest.max(abs(v))
        return largest
    return max(abs(v) for v in values)


def upper_constant(data: TheoremData, intervals: bool):
    """C = (1 + ϱ̃)|𝒮ᶜ| κ*^{ϱ⁻} (min_𝒮 x*_i)^ϱ, ms (II.3) and the Remark after Theorem II.2."""
    factor = (1 + data.rho_tilde) * len(data.complement)
    exact = ball(factor) if intervals else float(factor)
    return exact * _power(data.kappa, data.rho_minus, intervals) * _power(data.smallest, data.rho, intervals)


def lower_constant(data: TheoremData, intervals: bool):
    """c = ‖x*‖_∞^ϱ / κ*^{ϱ⁻}, ms (II.4) and the Remark after Theorem II.2."""
    return _power(data.largest, data.rho, intervals) / _power(data.kappa, data.rho_minus, intervals)


def rate(data: TheoremData, intervals: bool):
    """α^{1−ϱ}."""
    return _power(data.alpha, 1 - data.rho, intervals)


# ----------------------------------------------------------------------------- bounds at the limit


@dataclass(frozen=True)
class DeviationBound(LimitBound):
    """A :class:`LimitBound` whose sides are evaluated without cancellation (module docstring):
    the float64 slack's error is FLOAT_LEFT_RELATIVE_ERROR of the left side alone (no term in
    ‖x^∞‖₁, unlike mil's gap, whose left side cancels against it).

    ``exact_sides(instance)``: (left, right, note) as exact rationals where the limit is known in
    closed form (:func:`closed_form_limit`), else None.  There the bound is decided exactly: on
    such instances (II.3) can hold with equality, which no interval enclosure decides.
    """

    exact_sides: Callable[[FlowInstance], tuple[Fraction, Fraction, str] | None] | None = None

    def evaluate(self, instance: FlowInstance, dps: int) -> AuditResult:
        exact = self.exact_sides(instance) if self.exact_sides is not None else None
        if exact is None:
            return super().evaluate(instance, dps)
        left, right, note = exact
        relation = decide(self.left_name, "<=", self.right_name, left, right)
        slack = (right - left) / abs(right) if right != 0 else None
        quantities = ((self.left_name, left), (self.right_name, right))
        return AuditResult(self.claim_id, None, quantities, (relation,), slack=slack, notes=(note,))

    def float_slack(self, instance: FlowInstance) -> float:
        exact = self.exact_sides(instance) if self.exact_sides is not None else None
        if exact is not None:
            left, right, _ = exact
            return float((right - left) / abs(right)) if right != 0 else math.nan
        limit = float64_limit(instance)
        if limit is None:
            return math.nan
        left, right = self.sides(instance, limit.values, False)
        if left is None or not (math.isfinite(left) and math.isfinite(right)) or right <= 0:
            return math.nan
        if FLOAT_LEFT_RELATIVE_ERROR * abs(left) > FLOAT_SLACK_UNCERTAINTY * abs(right):
            return math.nan
        return (right - left) / abs(right)


def closed_form_limit(instance: FlowInstance, data: TheoremData) -> tuple[Fraction, ...] | None:
    """x^∞(α) exactly, where ϱ̃ = 0 and A_𝒮ᶜ 𝟙_F = 0 (F: the coordinates of 𝒮ᶜ that 𝒩 moves).

    ϱ̃ = 0 makes n_𝒮 = 0 for every n ∈ 𝒩, so x^∞_𝒮 = x*_𝒮 (n = x^∞ − x* ∈ 𝒩, ms Lemma III.3(i)),
    and x^∞_𝒮ᶜ = argmin Σ v log(v/α) − v over the cone {v ≥ 0 : A_𝒮ᶜ v = 0}.  If α𝟙_F is in that
    cone, it is the minimizer: the gradient log(v/α) vanishes on F, and off F every point of the
    cone is 0, so the first-order condition ⟨∇, w − v⟩ >= 0 holds for every w of the cone.  Then
    x^∞ = (x*_𝒮, α𝟙_F, 0): e.g. a zero column of A keeps its coordinate at α for all time.
    """
    if data.rho_tilde != 0:
        return None
    try:
        moved = set(data.cone_support)
    except InstanceError:  # too large to enumerate: the bound is decided in intervals instead
        return None
    F = [j for j in data.complement if j in moved]
    if any(sum((row[j] for j in F), Fraction(0)) != 0 for row in instance.A):
        return None
    return tuple(
        data.minimizer[j] if j in set(data.support) else (data.alpha if j in F else Fraction(0))
        for j in range(instance.N)
    )


CLOSED_FORM_NOTE = (
    "ϱ̃ = 0 and A_Sc 1_F = 0: the limit is (x*_S, α 1_F, 0) exactly (closed_form_limit), so the "
    "bound is decided in exact rational arithmetic"
)


THEOREM = "ms Theorem II.2(a)"


def _ii3_hypotheses(instance: FlowInstance) -> None:
    require_alpha_below_support(theorem_data(instance, THEOREM), THEOREM)


def _ii3_exact(instance: FlowInstance) -> tuple[Fraction, Fraction, str] | None:
    """(II.3) at a closed-form limit: there ϱ = ϱ̃ = ϱ⁻ = 0, so the right side is |𝒮ᶜ| α."""
    data = theorem_data(instance, THEOREM)
    limit = closed_form_limit(instance, data)
    if limit is None:
        return None
    left = sum((limit[j] for j in data.complement), Fraction(0))
    return left, len(data.complement) * data.alpha, CLOSED_FORM_NOTE


def _ii3_sides(instance: FlowInstance, limit: tuple, intervals: bool):
    """(II.3) times α^{1−ϱ}: ‖x^∞ − x*‖₁ against C α^{1−ϱ} (same slack as the printed ratio)."""
    data = theorem_data(instance, THEOREM)
    on, off = deviation(data, limit, intervals)
    return _l1(on, intervals) + _l1(off, intervals), upper_constant(data, intervals) * rate(data, intervals)


II3_BOUND = DeviationBound(
    claim_id="ms.thm2.2a",
    models=("ms",),
    left_name="||x^∞(α) - x*||_1",
    right_name="(1+ϱ̃)|S^c| κ*^{ϱ⁻} (min_S x*_i)^ϱ α^{1-ϱ}",
    hypotheses=_ii3_hypotheses,
    sides=_ii3_sides,
    exact_sides=_ii3_exact,
    description="(II.3) at the limit of ms's flow from u0 = a𝟙 (α = a²), the entropy projection of "
    "a²𝟙, certified at D digits; ϱ, ϱ̃, ϱ⁻, κ*, x* exact",
)


def _example(alpha: str, A=(("21", "20", "0"), ("1", "0", "-10")), y=("41", "1")) -> dict[str, Any]:
    """A flow instance of the ``ms`` model (default: the 2 x 3 design of ms.thm2.2b's finding)."""
    return {"model": "ms", "A": [list(row) for row in A], "y": list(y), "L": 2, "init": {"alpha": alpha}}


# ----------------------------------------------------------------------------- declarations

declare(
    id="ms.thm2.2a",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Asymptotically sharp: on $A=\begin{pmatrix}21&20&0\\1&0&-10\end{pmatrix}$, $y=(41,1)$ ($x^*=(1,1,0)$, "
        r"$\varrho=\frac12$, $\tilde\varrho=\frac{41}2$, $\varrho^-=\frac{21}2$, $\kappa_*=1$) the normalized slack of "
        r"(II.3) is $0.894, 0.584, 0.162, 2.10\cdot10^{-3}, 2.10\cdot10^{-8}, 2.10\cdot10^{-18}, 2.10\cdot10^{-28}$ at "
        r"$\alpha=10^{-2},10^{-4},10^{-6},10^{-10},10^{-20},10^{-40},10^{-60}$ (certified): the ratio tends to the "
        r"constant $C=\frac{43}2$ itself, the slack like $2.1\,\alpha$.",
        r"Attained with equality wherever $\tilde\varrho=0$ and $A_{\mathcal S^c}\mathbb 1_F=0$ ($F$: the coordinates "
        r"$\mathcal N$ moves, all of $\mathcal S^c$): the limit is then $(x^*_{\mathcal S},\alpha\mathbb 1_F)$ exactly "
        r"and $\|x^\infty-x^*\|_1=|\mathcal S^c|\alpha=C\alpha^{1-\varrho}$ for every $\alpha$, e.g. a zero column "
        r"off the support (the search's smallest slack, 0, decided in exact arithmetic).",
    ),
    checks=(
        limit_search(
            II3_BOUND,
            theorem_flow_instances,
            "(II.3) on drawn ms-flow instances inside Theorem II.2(a)'s hypotheses (checks.flow_strategies_ms: "
            "Assumption II.1 and α = a² < min_S x* decided exactly, α down to 1e-60 and up to the boundary): the "
            "limit by the entropy projection in float64, a slack below 1e-3 re-audited certified at 30-240 digits",
        ),
        SymbolicCheck("scale (II.3)", "both sides of (II.3) scale by λ^{2ϱ}", scale.ms_ii3),
    ),
    audit=limit_audit(II3_BOUND, _example("1e-3")),
)


# ----------------------------------------------------------------------------- the Remark after Theorem II.2

REMARK = "the Remark after ms Theorem II.2"


def smallness_exponent(data: TheoremData) -> tuple[Any, Any]:
    """Theorem II.2(b)'s condition ε^{1−ϱ} <= 1/(2(1+ϱ̃)|𝒮ᶜ|κ*^{ϱ⁻}), ε = α/min_𝒮 x*_i, as
    (log left, log right) in balls (30 digits)."""
    from dlncheck.numerics.enclosures import ball_precision

    with ball_precision(30):
        epsilon = ball(data.alpha / data.smallest)
        left = ball(1 - data.rho) * epsilon.log()
        right = (
            -ball(2 * (1 + data.rho_tilde) * len(data.complement)).log()
            - ball(data.rho_minus) * ball(data.kappa).log()
        )
        return left, right


def _remark_hypotheses(instance: FlowInstance) -> None:
    """Theorem II.2's hypotheses, both parts: "as α ↓ 0" is read as α in the range where (a) and (b)
    both apply, the range from which the Remark derives its two bounds."""
    data = theorem_data(instance, REMARK)
    require_alpha_below_support(data, REMARK)
    left, right = smallness_exponent(data)
    if not left <= right:
        raise InstanceError(
            f"hypothesis of {REMARK} (α small enough for Theorem II.2(b): (α/min_S x*)^(1-ϱ) <= "
            f"1/(2(1+ϱ̃)|S^c|κ*^ϱ⁻)) fails or is undecided at 30 digits: log of the left side "
            f"{float(midpoint(left)):.6g}, of the right side {float(midpoint(right)):.6g}; take α smaller"
        )


def _two_sided(ratio, c, C, intervals: bool):
    """max(ratio/C, c/ratio): <= 1 iff c <= ratio <= C (float64: NaN where the ratio underflowed)."""
    if not intervals and not ratio > 0:
        return math.nan
    upper, lower = ratio / C, c / ratio
    if intervals:
        return upper.max(lower)
    return max(upper, lower)


def _remark_sides(instance: FlowInstance, limit: tuple, intervals: bool):
    data = theorem_data(instance, REMARK)
    on, off = deviation(data, limit, intervals)
    scale = rate(data, intervals)
    if not intervals and not 0 < scale < math.inf:  # α^{1-ϱ} beyond float64: decided in intervals
        return math.nan, 1.0
    ratio = (_l1(on, intervals) + _l1(off, intervals)) / scale
    one = arb(1) if intervals else 1.0
    return _two_sided(ratio, lower_constant(data, intervals), upper_constant(data, intervals), intervals), one


def _remark_exact(instance: FlowInstance) -> tuple[Fraction, Fraction, str] | None:
    """At a closed-form limit: ϱ = ϱ̃ = ϱ⁻ = 0, so ratio = ‖x^∞ − x*‖₁/α, c = 1, C = |𝒮ᶜ|."""
    data = theorem_data(instance, REMARK)
    limit = closed_form_limit(instance, data)
    if limit is None:
        return None
    ratio = sum((limit[j] for j in data.complement), Fraction(0)) / data.alpha
    return max(ratio / len(data.complement), 1 / ratio), Fraction(1), CLOSED_FORM_NOTE


REMARK_BOUND = DeviationBound(
    claim_id="ms.rem.asym",
    models=("ms",),
    left_name="max(ratio/C, c/ratio), ratio = ||x^∞(α) - x*||_1/α^{1-ϱ}",
    right_name="1",
    hypotheses=_remark_hypotheses,
    sides=_remark_sides,
    exact_sides=_remark_exact,
    description="c <= ||x^∞(α) - x*||_1/α^{1-ϱ} <= C (c = ||x*||_∞^ϱ/κ*^{ϱ⁻}, C = (1+ϱ̃)|S^c|κ*^{ϱ⁻}"
    "(min_S x*)^ϱ) at the limit of ms's flow, α = a² in the range of Theorem II.2(b), certified at D digits",
)


# ----------------------------------------------------------------------------- Lemma III.2

LEMMA_III2 = "ms Lemma III.2"


@dataclass(frozen=True)
class PositivityBound(LimitBound):
    """ms Lemma III.2: x^∞_i > 0 for every i that some ñ ∈ 𝒩 moves (ñ_i ≠ 0).

    The coordinates are 𝒩's support, computed independently of the projection (the vertices of
    𝒩's normalized polytope, ``numerics.ms_vertex_constants``); the limit is certified.  The
    relation is strict: a coordinate that the projection puts at exactly 0 (its face LP forcing
    it) violates it; one whose enclosure lies in (0, ∞) satisfies it.
    """

    def evaluate(self, instance: FlowInstance, dps: int) -> AuditResult:
        from dlncheck.checks.audit import HOLDS, UNDECIDED, VIOLATED, Relation
        from dlncheck.checks.limit_audit import certified_limit
        from dlncheck.numerics.enclosures import ball_precision

        data = theorem_data(instance, LEMMA_III2)
        limit = certified_limit(instance, dps)
        if not limit.certified:
            relation = Relation(self.left_name, "<=", self.right_name, None, UNDECIDED)
            note = f"the limit could not be certified at {dps} digits: {limit.message}"
            return AuditResult(self.claim_id, dps, (), (relation,), notes=(note,))
        with ball_precision(dps):
            moved = [limit.values[i] for i in data.cone_support]
            smallest = moved[0]
            for v in moved[1:]:
                smallest = smallest.min(v)
            status = HOLDS if smallest > 0 else VIOLATED if smallest <= 0 else UNDECIDED
            relation = Relation(self.left_name, "<=", self.right_name, smallest, status)
            quantities = (
                ("limit (certified)", tuple(limit.values)),
                ("coordinates some ñ ∈ N moves (0-based)", tuple(data.cone_support)),
                (self.right_name, smallest),
            )
            slack = arb(1) if status == HOLDS else None
        return AuditResult(self.claim_id, dps, quantities, (relation,), slack=slack, notes=(limit.message,))

    def float_slack(self, instance: FlowInstance) -> float:
        """1 where every such coordinate of the float64 projection is positive; -1 where the face
        LP forces one to 0 (then the instance is decided at the certified limit); NaN where one
        only underflowed float64 (α^{1-ϱ} below 1e-308)."""
        data = theorem_data(instance, LEMMA_III2)
        if set(instance.face().forced) & set(data.cone_support):
            return -1.0
        limit = float64_limit(instance)
        if limit is None:
            return math.nan
        return 1.0 if all(limit.values[i] > 0 for i in data.cone_support) else math.nan


def _lemma_iii2_hypotheses(instance: FlowInstance) -> None:
    theorem_data(instance, LEMMA_III2)


LEMMA_III2_BOUND = PositivityBound(
    claim_id="ms.lem3.2",
    models=("ms",),
    left_name="0",
    right_name="min { x^∞_i : some ñ ∈ N has ñ_i ≠ 0 } (strictly)",
    hypotheses=_lemma_iii2_hypotheses,
    sides=lambda instance, limit, intervals: (None, None),  # evaluate decides (strict relation)
    description="the certified limit of ms's flow (x^∞(α) = argmin B_E(x, α𝟙) over S₊, α = a²) is positive "
    "on the support of N = {n ∈ ker A : n_Sc >= 0}, computed by vertex enumeration",
)


# ----------------------------------------------------------------------------- Sec. I, step 1

STEP1 = "ms Sec. I (step 1)"
STEP1_SCALE_FINDING = (
    r"With $u_0=\alpha\mathbb 1$ the product starts at $x_0=\alpha^2\mathbb 1$, but the prior of the "
    r"Bregman divergence is $\alpha\mathbb 1$: the statement is not scale-covariant; the prior should be "
    r"$\alpha^2\mathbb 1$ (ms's Theorem II.2 uses $\alpha$ as the scale of the product)."
)


def _kernel_projection_of_ones(A: tuple, columns: tuple[int, ...]) -> tuple[Fraction, ...]:
    """n = P 𝟙: the orthogonal projection of 𝟙 onto ker A_F (F = ``columns``), exactly."""
    from dlncheck.numerics.basic_solutions import row_basis_exact

    R = row_basis_exact([[row[j] for j in columns] for row in A])
    k = len(columns)
    ones = [Fraction(1)] * k
    if not R:
        return tuple(ones)
    from flint import fmpq, fmpq_mat

    def matrix(rows, width):
        return fmpq_mat(len(rows), width, [fmpq(v.numerator, v.denominator) for row in rows for v in row])

    r = len(R)
    gram = matrix(
        [[sum((R[i][t] * R[j][t] for t in range(k)), Fraction(0)) for j in range(r)] for i in range(r)], r
    )
    w = gram.solve(matrix([[sum(R[i], Fraction(0))] for i in range(r)], 1))
    w = [Fraction(int(w[i, 0].p), int(w[i, 0].q)) for i in range(r)]
    return tuple(1 - sum((R[i][t] * w[i] for i in range(r)), Fraction(0)) for t in range(k))


def printed_projection(instance: FlowInstance, dps: int | None):
    """argmin B_E(x, a𝟙) over S₊ (Sec. I's printed prior, a the factor scale of u0 = a𝟙), as
    (result, free coordinates): float64 for ``dps`` None, else refined and certified."""
    from dlncheck.checks.flow_instances import row_basis
    from dlncheck.numerics.bregman_projection import ProjectionProblem, project, refine
    from dlncheck.numerics.legendre_potentials import MilEntropy
    from dlncheck.numerics.positive_face import independent_rows, unique_point

    a = instance.u0[0]
    face = instance.face()
    free = face.free(instance.N)
    prior = MilEntropy((a,) * instance.N)  # mil (21), L = 2: the entropy's projection of a𝟙
    if not face.forced:
        A, y = row_basis(instance.A, instance.y)
        problem = ProjectionProblem(A, y, ((prior, 1),))
    else:
        rows = independent_rows(instance.A, free)
        A_face = tuple(tuple(instance.A[i][k] for k in free) for i in rows)
        y_face = tuple(instance.y[i] for i in rows)
        point = unique_point(A_face, y_face) if len(rows) == len(free) else None
        problem = ProjectionProblem(A_face, y_face, ((prior.restrict(free), 1),), free, instance.N, point)
    start = project(problem)
    if dps is None:
        return start, free
    dual = start.info["dual"] if start.converged else None
    return refine(problem, dual, dps), free


@dataclass(frozen=True)
class ConservationBound(LimitBound):
    """Sec. I's step 1 as printed, x^∞ = argmin B_E(x, a𝟙) for u0 = a𝟙, against the flow's
    conservation law (``derivations.ms_flow_invariant``): d/dt Σ n_i log x_i = 0 for n ∈ ker A.

    A limit x of the flow with x_F > 0 (F: the coordinates not forced to 0 on S₊) therefore has
    nᵀ(log x − log x0)_F = 0 for n ∈ ker A_F; take n = P𝟙_F, 𝟙_F projected onto ker A_F.  The
    printed argmin x_p is positive on F (an entropy projection), so if it were the limit the
    residual |nᵀ(log x_p − log x0)| at the certified x_p would be 0.  Its first-order condition
    makes it −log(a)·nᵀ𝟙 exactly; where a = 1 or nᵀ𝟙 = 0 the residual is therefore exactly 0 and
    is decided so.  Normalized slack: −residual/‖n‖₁ (0 when the law holds).
    """

    def evaluate(self, instance: FlowInstance, dps: int) -> AuditResult:
        from dlncheck.checks.audit import UNDECIDED, Relation, judge
        from dlncheck.numerics.enclosures import ball_precision

        a = instance.u0[0]
        free = instance.face().free(instance.N)
        n = _kernel_projection_of_ones(instance.A, free)
        norm = sum((abs(v) for v in n), Fraction(0))
        if a == 1 or sum(n) == 0:
            relation = judge(self.left_name, "<=", self.right_name, Fraction(0))
            note = (
                "a = 1 or nᵀ1 = 0: the printed argmin satisfies the law exactly (its first-order condition)"
            )
            return AuditResult(
                self.claim_id, None, (("n = P 1_F", n),), (relation,), slack=Fraction(0), notes=(note,)
            )
        result, _ = printed_projection(instance, dps)
        if not result.converged or result.certified_digits is None:
            relation = Relation(self.left_name, "<=", self.right_name, None, UNDECIDED)
            return AuditResult(self.claim_id, dps, (), (relation,), notes=(result.message,))
        with ball_precision(dps):
            x = [ball(result.value[j]) for j in free]
            log_x0 = ball(a * a).log()
            residual = abs(sum((ball(v) * (xj.log() - log_x0) for v, xj in zip(n, x, strict=True)), arb(0)))
            relation = judge(self.left_name, "<=", self.right_name, -residual)
            closed = abs(ball(a).log() * ball(sum(n)))
            quantities = (
                ("printed argmin B_E(x, a1) (certified)", tuple(ball(v) for v in result.value)),
                ("n = P 1_F (exact, in ker A_F)", n),
                (self.left_name, residual),
                ("|log a| |n^T 1| (its first-order condition's value)", closed),
            )
            slack = -residual / ball(norm)
        return AuditResult(self.claim_id, dps, quantities, (relation,), slack=slack, notes=(result.message,))

    def float_slack(self, instance: FlowInstance) -> float:
        a = instance.u0[0]
        free = instance.face().free(instance.N)
        n = _kernel_projection_of_ones(instance.A, free)
        if a == 1 or sum(n) == 0:
            return 0.0
        result, _ = printed_projection(instance, None)
        if not result.converged:
            return math.nan
        log_x0 = 2 * (math.log(a.numerator) - math.log(a.denominator))
        residual = abs(
            math.fsum(float(v) * (math.log(result.value[j]) - log_x0) for v, j in zip(n, free, strict=True))
        )
        return -residual / float(sum(abs(v) for v in n))


def _step1_hypotheses(instance: FlowInstance) -> None:
    """u0 = a𝟙 (Sec. I's initialization); S₊ ≠ ∅ (the argmin exists), decided by the parse."""
    if len(set(instance.u0)) != 1:
        raise InstanceError(
            f"hypothesis u_0(α) = α𝟙 of {STEP1} fails: the initialization is not uniform; give init.alpha"
        )
    from dlncheck.checks.flow_command import require_solvable

    require_solvable(instance)


STEP1_PRINTED_BOUND = ConservationBound(
    claim_id="ms.intro.step1",
    models=("ms",),
    left_name="|n^T (log x_p - log x0)|, x_p = argmin B_E(x, a1), x0 = a^2 1, n = P 1_F in ker A_F",
    right_name="0 (the flow's conservation law)",
    hypotheses=_step1_hypotheses,
    sides=lambda instance, limit, intervals: (None, None),  # evaluate decides
    description="Sec. I's x^∞(α) = argmin B_E(x, 1α) for u0 = α1 against the flow's conservation law "
    "n^T log x(t) = n^T log x(0), n in ker A: the printed argmin certified at D digits",
)


# ----------------------------------------------------------------------------- declarations (continued)

declare(
    id="ms.rem.asym",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Typo: the remark's ratio has $\|x^\infty(\alpha)-g^*\|_{\ell^1}$; it is $x^*$.",
        r"Read as stated, with the ratio in $\ell^1$: on the drawn instances (both parts of Theorem II.2 "
        r"applying) $c\le\|x^\infty(\alpha)-x^*\|_1/\alpha^{1-\varrho}\le C$ holds at the certified limit, and "
        r"$C$ is attained as $\alpha\to0$ (ms.thm2.2a's finding: the ratio tends to $C=\frac{43}2$ on the "
        r"$2\times3$ design). The lower constant $c$ is attained with equality where $\tilde\varrho=0$ and one "
        r"coordinate off the support moves (a zero column: ratio $=1=c$ for every $\alpha$); with "
        r"$\tilde\varrho>0$ it bounds the $\ell^\infty$ ratio of (II.4), which tends to $c$ from below on the "
        r"$2\times3$ design ($0.838, 0.980, 0.99979, 0.9999979$ at $\alpha=10^{-6},10^{-8},10^{-12},10^{-16}$), "
        r"while the $\ell^1$ ratio tends to $(1+\tilde\varrho)c$ there: for the $\ell^1$ ratio $c$ is not the "
        r"optimal constant the remark expects.",
        r"The lower bound holds only as $\alpha\downarrow0$ through Theorem II.2(b), which as printed is false "
        r"(ms.thm2.2b); the corrected (b), with $1-\tilde\varrho C\varepsilon^{1-\varrho}$ (ms.eqIII.11's "
        r"finding), still gives $\liminf\ge c$, so the remark survives the error in (b).",
    ),
    checks=(
        limit_search(
            REMARK_BOUND,
            small_alpha_flow_instances,
            "c <= ratio <= C on drawn ms-flow instances with α in the range of both parts of Theorem II.2 "
            "(checks.flow_strategies_ms.small_alpha_flow_instances, α down to 1e-60): the limit by the entropy "
            "projection in float64, a slack below 1e-3 re-audited certified at 30-240 digits; the closest "
            "instance is followed along α → 0",
        ),
    ),
    audit=limit_audit(REMARK_BOUND, _example("1e-4")),
)

declare(
    id="ms.lem3.2",
    expected=Verdict.SUPPORTED,
    checks=(
        limit_search(
            LEMMA_III2_BOUND,
            lambda: any_alpha_flow_instances(assumption=True),
            "on drawn ms-flow instances satisfying Assumption II.1, α = a² from 1e-60 to 100: the certified "
            "limit is positive on the support of N (vertex enumeration, exact), the projection's face LP and "
            "Newton solve being checked against it",
        ),
        FlowConvergenceSearch(
            "flow convergence",
            "ms's flow (reduced dual flow, float64) integrated on the same kind of instances: its limit is the "
            "minimizer x^∞(α) = argmin B_E(x, α𝟙) that the lemma speaks of (α = a²)",
            lambda: any_alpha_flow_instances(assumption=True),
            nonnegative=True,
        ),
    ),
    audit=limit_audit(LEMMA_III2_BOUND, _example("1e-3", A=(("1", "0", "0"),), y=("1",))),
)

declare(
    id="ms.intro.step1",
    expected=Verdict.REFUTED,
    findings=(
        STEP1_SCALE_FINDING,
        r"Misprint whose corrected form holds. Along ms's flow $\frac{d}{dt}\log x=-8A^\top(Ax-y)$, so "
        r"$n^\top\log x(t)=n^\top\log x(0)$ for $n\in\ker A$ (derived); a limit positive on the coordinates $F$ "
        r"that $S_+$ does not force to 0 keeps $n^\top\log x^\infty=2\log\alpha\,n^\top\mathbb 1$, while the printed "
        r"$\arg\min B_E(x,\alpha\mathbb 1)$ has $n^\top\log x=\log\alpha\,n^\top\mathbb 1$ ($n=P_{\ker A_F}\mathbb 1_F$): "
        r"they differ unless $\alpha=1$ or $\mathbb 1_F\in\operatorname{range}A_F^\top$. The search's stored "
        r"counterexample: $A=(\frac14,0)$, $y=\frac1{16}$, $u_0=10\cdot\mathbb 1$: the zero column keeps "
        r"$x_2(t)=u_2(0)^2=100$ for all $t$, the printed argmin puts $10$ there; residual $\log10=2.302585\ldots$ "
        r"(certified). The corrected $x^\infty(\alpha)=\arg\min B_E(x,\alpha^2\mathbb 1)$ is what the integrated "
        r"flow reaches (supported).",
    ),
    checks=(
        SymbolicCheck(
            "conservation law along ker A",
            "ms's flow in x = u^2: d/dt log x = -8 A^T(Ax - y), so d/dt n^T log x = 0 for An = 0 (N = 2, d = 3 symbolic)",
            conservation_law,
        ),
        limit_search(
            STEP1_PRINTED_BOUND,
            lambda: any_alpha_flow_instances(assumption=False),
            "the printed argmin B_E(x, 1α) (α the factor scale of u0 = α1) on drawn ms-flow instances, against "
            "the flow's conservation law; a residual is certified at 30-240 digits",
        ),
        FlowConvergenceSearch(
            "corrected form: flow convergence",
            "ms's flow integrated (reduced dual flow, float64) on drawn instances, α = a from 1e-30 to 10: its "
            "limit is argmin B_E(x, α²1) over S₊, the corrected prior x(0) = u0^2",
            lambda: any_alpha_flow_instances(assumption=False),
            nonnegative=True,
        ),
        SymbolicCheck(
            "scale of the prior",
            "argmin B_E(x, 1α) with u_0 = α 1 is not scale-covariant",
            scale.ms_bregman_prior,
        ),
    ),
    audit=limit_audit(STEP1_PRINTED_BOUND, _example("1/10", A=(("1", "2", "3"),), y=("2",))),
)
