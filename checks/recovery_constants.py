"""The constants of mil §1.2's hypotheses on A, and the constants of the proof of Theorem 1.4.

Computed exactly and cached per matrix: the stable NSP constant ρ_s(A)
(``numerics.stable_null_space``), τ*(ρ) of the ℓ2-robust NSP (13) at order 1
(``numerics.robust_null_space``) and q* of the ℓ1-quotient property (``numerics.quotient_property``).
:func:`robust_constants_of` checks Theorem 1.4's hypotheses with them (an InstanceError names a
failed one, with its value); :func:`constants_of_the_proof` gives the constants of A.3:
C = (1+ρ)²/(1-ρ) of (45) ([10, Thm 4.25], derived in ``derivations.noise_robust_recovery``),
d' = τ + (1+ρ)d/√c of (44) (derived there) and C' = C·d/√c + d' (A.3, as printed).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

from flint import arb

from dlncheck.checks.errors import InstanceError
from dlncheck.numerics.enclosures import ball, ball_precision, midpoint
from dlncheck.numerics.quotient_property import QuotientConstant, quotient_constant
from dlncheck.numerics.robust_null_space import RobustNspOrderOne, robust_nsp_order_one
from dlncheck.numerics.stable_null_space import StableNspConstant, stable_nsp_constant

# Digits at which the hypotheses with a logarithm or a square root (c > 1, the quotient
# constant) are decided in intervals; an instance undecided there sits on the boundary.
HYPOTHESIS_DPS = 50

Matrix = tuple[tuple[Fraction, ...], ...]


@functools.lru_cache(maxsize=512)
def stable_constant(A: Matrix, s: int) -> StableNspConstant:
    return stable_nsp_constant(A, s)


@functools.lru_cache(maxsize=512)
def robust_constant(A: Matrix, rho: Fraction) -> RobustNspOrderOne:
    return robust_nsp_order_one(A, rho)


@functools.lru_cache(maxsize=512)
def quotient(A: Matrix) -> QuotientConstant:
    return quotient_constant(A)


def sigma(x: tuple[Fraction, ...], s: int) -> Fraction:
    """σ_s(x)_1 (mil §1.2): the sum of the N - s smallest |x_j| (exact)."""
    return sum(sorted(abs(v) for v in x)[: max(len(x) - s, 0)], Fraction(0))


def _num(x: Fraction, intervals: bool):
    return ball(x) if intervals else float(x)


def robust_constants_of(
    A: tuple, order: int, rho: Fraction | None, tau: Fraction | None, d: Fraction | None, intervals: bool
) -> dict[str, Any]:
    """ρ, τ, d, s_*, √c of Theorem 1.4's hypotheses, each checked (exactly, or in intervals at
    HYPOTHESIS_DPS where a log or a root enters); an InstanceError names a failed one.  Not given:
    ρ = ρ_1(A) (the smallest ρ of (13) at order 1), τ = τ*(ρ), d = √(q*/s_*) (the optimal d)."""
    if order != 1:
        raise InstanceError(
            f"params.s = {order}: the ℓ2-robust NSP (13) is computed at order 1 only; use s = 1 "
            "(2 × N matrices with N >= 6 have c = 1/s_* > 1 there)"
        )
    M, N = len(A), len(A[0])
    rho_min = stable_constant(A, 1).value
    if rho_min is None or rho_min >= 1:
        shown = "∞" if rho_min is None else f"{rho_min} (≈ {float(rho_min):.6g})"
        raise InstanceError(
            f"hypothesis 'ℓ2-robust NSP (13) with ρ < 1' fails: its kernel part needs ρ >= {shown}"
        )
    rho = rho if rho is not None else rho_min
    if not (rho_min <= rho < 1):
        raise InstanceError(
            f"hypothesis 'ℓ2-robust NSP (13)' fails: ρ = {rho}, but 0 <= ρ < 1 needs ρ >= {rho_min}"
        )
    robust = robust_constant(A, rho)
    if robust.tau_squared is None:
        raise InstanceError(f"hypothesis 'ℓ2-robust NSP (13)' fails at ρ = {rho}: {robust.message}")
    if tau is not None and not robust.holds_with(tau):
        raise InstanceError(
            f"hypothesis 'ℓ2-robust NSP (13)' fails: τ = {tau} < τ*(ρ) = √{robust.tau_squared} "
            f"(≈ {math.sqrt(robust.tau_squared):.6g})"
        )
    q = quotient(A)
    if q.q_star is None:
        raise InstanceError(f"hypothesis 'ℓ1-quotient property' fails: {q.message}")
    with ball_precision(HYPOTHESIS_DPS):
        s_star = arb(M) / (1 + (arb(N) / M).log())
        c = order / s_star
        if not c > 1:
            raise InstanceError(
                f"hypothesis 's = c·s_* with c > 1' fails or is undecided: s = {order}, "
                f"s_* = M/log(eN/M) = {float(midpoint(s_star)):.6g}, c = {float(midpoint(c)):.6g}"
            )
        if d is not None:
            margin = ball(d) ** 2 * s_star - ball(q.q_star)
            if not margin >= 0:
                raise InstanceError(
                    f"hypothesis 'ℓ1-quotient property with constant d' fails or is undecided: d = {d}, "
                    f"the optimal d = √(q*/s_*) ≈ {math.sqrt(float(q.q_star) / float(midpoint(s_star))):.6g}"
                )
    tau_sq = tau**2 if tau is not None else robust.tau_squared
    if intervals:
        s_star = arb(M) / (1 + (arb(N) / M).log())
        d_value = ball(d) if d is not None else (ball(q.q_star) / s_star).sqrt()
        tau_value = ball(tau_sq).sqrt()
        root_c = (order / s_star).sqrt()
    else:
        s_star = M / (1 + math.log(N / M))
        d_value = float(d) if d is not None else math.sqrt(float(q.q_star) / s_star)
        tau_value = math.sqrt(float(tau_sq))
        root_c = math.sqrt(order / s_star)
    return {
        "rho": rho,
        "tau": tau_value,
        "d": d_value,
        "s_star": s_star,
        "root_c": root_c,
        "q_star": q.q_star,
    }


def constants_of_the_proof(k: dict[str, Any], intervals: bool) -> dict[str, Any]:
    """C, d', C', C'_proved (:func:`proof_constants`) from the constants of the hypotheses."""
    rho = k["rho"]
    C = _num((1 + rho) ** 2 / (1 - rho), intervals)
    d_over_root_c = k["d"] / k["root_c"]
    d_prime = k["tau"] + _num(1 + rho, intervals) * d_over_root_c
    return {
        **k,
        "C": C,
        "d_prime": d_prime,
        "C_prime": C * d_over_root_c + d_prime,
        "C_prime_proved": 2 * C * d_over_root_c + d_prime,
    }
