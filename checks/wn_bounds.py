"""wn's error bound (14) with the errors (16), (19), and its neighbours (7), (8), (5), (21), as
:class:`~checks.wn_limit_audit.WnLimitBound` sides, each in its printed and its corrected form.

(14):  ||x̃∞||_{w,1} - Q <= ε Q,   w = x̃(0)^{⊙(2/L-1)} = x0^{⊙(2-L)},  Q = min_{z ∈ S₊} ||z||_{w,1}
(16):  ε(β₁, β_min) = log(β₁/β_min)/log(Q/β₁) (L = 2),  L(β₁^γ - β_min^γ)/(2Q^γ - Lβ₁^γ) (L > 2),
       γ = 1 - 2/L,  β₁ = ||x̃(0)||_{w,1} = Σ x0²,  β_min = min x0²
(19):  ε(ρ^{-L}β₁, ρ^{-L}β_min),  ρ of (17) = (r0/r∞) exp((r∞² - r0²)/(2η̃))

The denominator of (16) is positive iff Q > c_L β₁ (c_L of (15); ``derivations.wn_bregman``);
the Theorem from [7] assumes Q > c_L β₁^{2/L} instead ("printed"), which is not scale-consistent
(``derivations.scale_consistency``).  Theorem 2.1 prints r∞ = ||x̃∞||₂ in (17) where its proof
(Lemma 3.8) and (21) have r∞ = lim r(t) = ||x̃∞^{⊙1/L}||₂ ("printed" against "corrected" ρ).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

from dlncheck.checks.errors import InstanceError
from dlncheck.checks.wn_limit_audit import (
    Sides,
    WnLimit,
    WnLimitBound,
    betas,
    c_L_float,
    c_L_interval,
    design,
    epsilon_16,
    gap_14,
    gap_is_exactly_zero,
    log_rho,
    weighted_minimum,
    weights,
)
from dlncheck.numerics import basic_solutions, enclosures
from dlncheck.numerics.enclosures import BALLS, ball, ball_precision

# Digits at which an exact hypothesis with irrational sides (c_L β₁^{2/L} against Q) is decided;
# an instance closer to the threshold than that is refused as undecidable.
HYPOTHESIS_DPS = 60


# ----------------------------------------------------------------------------------------
# hypotheses on the instance (exact)


def _threshold(instance, form: str):
    """c_L β₁^{2/L} ("printed", the Theorem from [7]) or c_L β₁ ("corrected"), in balls."""
    L = instance.depth
    beta_1, _ = betas(instance, True)
    c = c_L_interval(L)
    return c * beta_1 ** (ball(2) / L) if form == "printed" else c * beta_1


def q_hypothesis(form: str, theorem: str):
    """Q > c_L β₁^{2/L} (``"printed"``) or Q > c_L β₁ (``"corrected"``), decided exactly (balls
    at HYPOTHESIS_DPS digits); S₊ ≠ ∅ is decided by the exact LP of Q."""
    shown = {"printed": "Q > c_L β₁^{2/L}", "corrected": "Q > c_L β₁"}[form]

    def hypotheses(instance) -> None:
        minimum = weighted_minimum(instance.A, instance.y, weights(instance), True)
        with ball_precision(HYPOTHESIS_DPS):
            threshold = _threshold(instance, form)
            margin = ball(minimum.value) - threshold
            status = enclosures.sign(margin)
            shown_values = (
                f"Q = {float(minimum.value):.6g}, threshold {float(enclosures.midpoint(threshold)):.6g}"
            )
        if status < 0:
            raise InstanceError(f"hypothesis {shown} of {theorem} fails: {shown_values}")
        if status == 0:
            raise InstanceError(
                f"hypothesis {shown} of {theorem} is not decided at {HYPOTHESIS_DPS} digits "
                f"({shown_values}): "
                "move the instance off the threshold"
            )

    return hypotheses


def rows_sum_to_zero(theorem: str):
    """Each row of A sums to 0 (wn Theorem 2.1), exactly."""

    def hypotheses(instance) -> None:
        for i, row in enumerate(instance.A):
            total = sum(row, Fraction(0))
            if total != 0:
                raise InstanceError(
                    f"hypothesis 'each row of A sums to zero' of {theorem} fails: row {i} sums to {total}"
                )

    return hypotheses


def both(*checks):
    def hypotheses(instance) -> None:
        for check in checks:
            check(instance)

    return hypotheses


def no_hypothesis(instance) -> None:
    """Nothing beyond the instance format and S₊ ≠ ∅ (checked by the limit's parse)."""


# ----------------------------------------------------------------------------------------
# (14) at the limit


def _exp(x, intervals: bool):
    return BALLS.exp(x) if intervals else math.exp(x)


def _log(x, intervals: bool):
    return BALLS.log(x) if intervals else math.log(x)


def bound_14(rho: str | None, over: str = "S+", condition: bool = False):
    """Sides of (14) with ε of (16) at (ρ^{-L}β₁, ρ^{-L}β_min) (``rho`` None: ρ = 1, (16) itself;
    ``"printed"``: (17) with r∞ = ||x̃∞||₂; ``"corrected"``: (17) with r∞ = lim r(t)).

    ``over`` "S" replaces Q by min Σ w|z| over {Az = b} (wn (5), (7), (8) as printed); with
    ``condition`` the bound carries c_L ρ^{-L}β₁ <= Q (the denominator of (16) positive at the
    rescaled β₁) as a condition at the limit."""

    def sides(instance, limit: WnLimit, intervals: bool) -> Sides | None:
        L = instance.depth
        w = weights(instance)
        minimum = weighted_minimum(instance.A, instance.y, w, over == "S+")
        Q = ball(minimum.value) if intervals else float(minimum.value)
        gap = gap_14(limit.z, minimum, w, intervals)
        beta_1, beta_min = betas(instance, intervals)
        if rho is None:
            lr = ball(0) if intervals else 0.0
        elif rho == "printed":  # r∞ = ||x̃∞||₂, as Theorem 2.1 prints it
            squares = (
                sum((v * v for v in limit.z), ball(0)) if intervals else math.fsum(v * v for v in limit.z)
            )
            lr = log_rho(instance, squares.sqrt() if intervals else math.sqrt(squares), intervals)
        else:
            lr = log_rho(instance, limit.r_inf, intervals)
        lb1 = _log(beta_1, intervals) - L * lr
        lbm = _log(beta_min, intervals) - L * lr
        eps = epsilon_16(lb1, lbm, _log(Q, intervals), L, intervals)
        if eps is None:
            return None
        quantities = (("Q", Q), ("β₁", beta_1), ("β_min", beta_min), ("ε", eps))
        if rho is not None:
            quantities = (("log ρ", lr), *quantities)
        conditions = ()
        if condition:
            c = c_L_interval(L) if intervals else c_L_float(L)
            name = "c_L ρ^{-L} β₁" if rho is not None else "c_L β₁"
            conditions = ((name, "Q" if over == "S+" else "Q over {Az = b}", c * _exp(lb1, intervals), Q),)
        return Sides(gap, eps * Q, conditions, quantities)

    return sides


def rho_at_least_one(instance, limit: WnLimit, intervals: bool) -> Sides:
    """(8): 'some ρ >= 1': 1 <= ρ of (17) (r∞ = lim r(t))."""
    lr = log_rho(instance, limit.r_inf, intervals)
    one = ball(1) if intervals else 1.0
    return Sides(one, _exp(lr, intervals), (), (("log ρ", lr),))


# ----------------------------------------------------------------------------------------
# (21)


@functools.lru_cache(maxsize=512)
def vertices(A: tuple, y: tuple) -> tuple[tuple[Fraction, ...], ...]:
    """The vertices of S₊ = {z >= 0 : Az = y}, exactly (``numerics.basic_solutions``), cached per design."""
    return basic_solutions.vertices(A, y, len(A[0]))


def quasi_norm_minimum_sides(instance, limit: WnLimit, intervals: bool) -> Sides:
    """(21): min_{S₊} ||z||_{2/L}^{2/L} <= r∞² = ||x̃∞^{⊙1/L}||₂².  L = 2: the exact LP min ||z||₁
    and the right side as min + Σ (1 - Aᵀλ)_j x̃∞_j (exactly the min where ||z||₁ is constant on
    S₊, e.g. two equal columns: a tie intervals could not decide).  L > 2: Σ z^{2/L} is concave, so
    its minimum over the pointed polyhedron S₊ is attained at a vertex (it does not decrease along
    the recession directions d >= 0): the minimum over the exact vertices."""
    L = instance.depth
    if L == 2:  # ||z||₁: min over S₊ by the exact LP, r∞² - min = Σ (1 - Aᵀλ)_j x̃∞_j >= 0 termwise
        ones = (Fraction(1),) * instance.N
        minimum = weighted_minimum(instance.A, instance.y, ones, True)
        if gap_is_exactly_zero(minimum, ones):  # ||z||₁ constant on S₊: a tie, decided exactly
            return Sides(minimum.value, minimum.value, (), ())
        gap = gap_14(limit.z, minimum, ones, intervals)
        smallest = ball(minimum.value) if intervals else float(minimum.value)
        return Sides(
            smallest, smallest + gap, (), (("r∞² (certified)", limit.r_inf**2),) if intervals else ()
        )
    A, y = design(instance)
    points = vertices(A, y)
    if not points:
        raise InstanceError("S₊ has no vertex: it is empty")
    if intervals:
        p = ball(2) / L
        values = [sum((ball(v) ** p for v in z if v != 0), ball(0)) for z in points]
        smallest = values[0]
        for v in values[1:]:
            smallest = smallest.min(v)  # contains the minimum of any two points of the balls
        return Sides(smallest, limit.r_inf**2, (), (("vertices of S₊", len(points)),))
    smallest = min(math.fsum(float(v) ** (2 / L) for v in z if v != 0) for z in points)
    return Sides(smallest, float(limit.r_inf) ** 2, (), ())


def bound(
    claim_id: str,
    *,
    models,
    left_name: str,
    right_name: str,
    hypotheses,
    sides,
    description: str,
    rates=None,
    part: str = "",
    needs_limit: bool = True,
) -> WnLimitBound:
    return WnLimitBound(
        claim_id,
        tuple(models),
        left_name,
        right_name,
        hypotheses,
        sides,
        description,
        rates,
        part,
        needs_limit,
    )


# ----------------------------------------------------------------------------------------
# the collapse of the (η̃, 1) flow to x = 0


def collapse_sides(instance, limit: WnLimit, intervals: bool) -> Sides | None:
    """A certificate that the (η̃, 1) flow converges to x = 0 (so L(x(t)) -> ||b||²/(2L) > 0).

    With ||u|| = 1 and e = r^L A u^{⊙L} - b, wn (12)-(13), (23)-(25) give
        r' = η̃ r^{L-1} (φ(u) - r^L ||A u^{⊙L}||²),   ||u'|| <= r^L K,   φ(u) = bᵀA u^{⊙L},
    K = max_n ||A_{:,n}||₂ (r0^L ||A||_F + ||b||₂) while r <= r0.  If φ0 = φ(u0) < 0, then on
    U = {||u - u0||₂ <= δ}, δ = |φ0|/(2L||Aᵀb||₂), φ(u) <= φ0/2 (|φ(u) - φ0| <= L||Aᵀb||₂ ||u - u0||₂),
    so r decreases with r' <= -η̃ (|φ0|/2) r^{L-1}, whence ∫_0^∞ r^L dt <= r0²/(η̃|φ0|) (L = 2 and
    L > 2 alike) and u moves at most K r0²/(η̃|φ0|).  If that is < δ, i.e.
        2L K ||Aᵀb||₂ r0² < η̃ φ0²,
    u never leaves U (continuity), r(t) -> 0 and x̃(t) -> 0.  The sides: (18) implies that this
    certificate fails, left = η̃ φ0² (0 if φ0 >= 0), right = 2L K ||Aᵀb||₂ r0²."""
    A, b, L = instance.A, instance.y, instance.depth
    m, n = len(A), len(A[0])
    x0 = exact_x0_values(instance, intervals)
    r0 = _sqrt(sum((v * v for v in x0), _zero(intervals)), intervals)
    u0_L = [(v / r0) ** L for v in x0]
    Atb = [
        sum((_num(A[i][j], intervals) * _num(b[i], intervals) for i in range(m)), _zero(intervals))
        for j in range(n)
    ]
    phi0 = sum((Atb[j] * u0_L[j] for j in range(n)), _zero(intervals))
    g = _sqrt(sum((v * v for v in Atb), _zero(intervals)), intervals)
    column = max(sum((A[i][j] ** 2 for i in range(m)), Fraction(0)) for j in range(n))
    frobenius = sum((a * a for row in A for a in row), Fraction(0))
    K = _sqrt(_num(column, intervals), intervals) * (
        r0**L * _sqrt(_num(frobenius, intervals), intervals)
        + _sqrt(_num(sum((v * v for v in b), Fraction(0)), intervals), intervals)
    )
    eta = _num(instance.eta, intervals)
    if intervals and enclosures.sign(phi0) == 0:
        return None
    negative = phi0 < 0  # for a ball: certainly negative
    left = eta * phi0 * phi0 if negative else _zero(intervals)
    right = 2 * L * K * g * r0 * r0
    limit_loss = _num(sum((v * v for v in b), Fraction(0)), intervals) / (2 * L)
    return Sides(
        left,
        right,
        (),
        (
            ("φ0 = bᵀA u0^{⊙L}", phi0),
            ("K", K),
            ("||Aᵀb||₂", g),
            ("||b||²/(2L) (the loss at x = 0)", limit_loss),
        ),
    )


def _zero(intervals: bool):
    return ball(0) if intervals else 0.0


def _num(q: Fraction, intervals: bool):
    return ball(q) if intervals else float(q)


def _sqrt(x, intervals: bool):
    return BALLS.sqrt(x) if intervals else math.sqrt(x)


def exact_x0_values(instance, intervals: bool) -> list:
    from mpmath import mp

    from dlncheck.checks.wn_limit_audit import exact_x0

    values = []
    for v in exact_x0(instance):
        if intervals:
            values.append(v(BALLS) if callable(v) else ball(v))
        else:
            with mp.workdps(20):
                values.append(float(v(mp)) if callable(v) else float(v))
    return values


def uniform_or_depth_two(statement: str):
    """(5), (7), (8) use the unweighted ||·||₁: it is (14)'s weighted norm up to a constant
    factor when w = x0^{⊙(2-L)} is constant, i.e. L = 2 or a uniform x0 = α𝟙 (init alpha)."""

    def hypotheses(instance) -> None:
        if instance.depth == 2:
            return
        x0 = exact_x0_values(instance, False)
        if max(x0) != min(x0):
            raise InstanceError(
                f"{statement} reads ||·||₁ where (14) has ||·||_{{w,1}}, w = x0^(2-L): for L > 2 give a "
                "uniform "
                "initialization (init alpha) so that the two agree up to a factor"
            )

    return hypotheses
