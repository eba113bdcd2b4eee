"""The reduction of the diagonal flows to the M-dimensional dual variable λ.

Every diagonal model of the papers moves its factors by w' = ∓k [Aᵀr] ⊙ w^{⊙(L-1)} with the
residual r = A x - y, so each product p = w^{⊙L} is a function of one vector only,
g(t) = Aᵀλ(t) with λ(t) = kL ∫₀ᵗ r(τ) dτ (derivation, for a positive branch):

    (log p)'             = -kL Aᵀr                   (L = 2),   so  p = p0 ⊙ exp(-g)
    (p^{-(L-2)/L})'      = (L-2)/L · kL Aᵀr           (L > 2),   so  p = (c + s g)^{-L/(L-2)},
                                                                   c = p0^{-(L-2)/L}, s = (L-2)/L.

A branch that moves the other way (the v of a signed model) sees -g.  The flow of the
products is therefore the M-dimensional ODE

    λ' = kL (A x(Aᵀλ) - y),   λ(0) = 0,                                         (★)

whose Jacobian kL A diag(dx/dg) Aᵀ is negative definite: (★) is a gradient flow of a convex
function of λ, and its limit solves A x(Aᵀλ) = y.  Models and their branches:

* ``positive``: x = p(g)                  mil (15)/(18) (k = L), mil L_over with identical
  factors (k = 1, Lemma A.2), ms;
* ``signed``:   x = p_u(g) - p_v(-g)      mil (35) (k = L), krr's w₊/w₋ model (krr (17) for D = 2);
* the asymmetric u⊙v model (krr Appendix C, or two distinct factors of L_over, L = 2) is the
  signed model with ũ0 = ((u0 + v0)/2)², ṽ0 = ((u0 - v0)/2)² (see :func:`pair_as_signed`).

The reduction is derived here from the ODEs; it is tested against direct integration of the
factor flows (``tests/test_dual_reduction.py``) and, independently, the limit it reaches is
compared with the papers' Bregman projections (``numerics.bregman_projection``).

Float64 evaluation keeps the initialization in logarithms, so α down to 1e-100 and below is
no tiny number in the state.  High-precision evaluation uses python-flint's ``arb`` balls.

For L > 2 the sum c + s g cancels about log10 c digits on the support (c ~ α^{-(L-2)}, while
c + s g = O(1) there); ``numerics.power_shift`` removes that by an exact change of the dual
variable, after which a branch is θ = θ̂ + s h with an exactly computed offset θ̂ in place of c
(:class:`Branch`'s ``offset``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from flint import arb

MODELS = ("positive", "signed")


def _log_fraction(x: Fraction) -> float:
    """ln x for an exact positive rational, in float64 without forming x (it may underflow)."""
    return math.log(x.numerator) - math.log(x.denominator)


def _ball(x: Fraction) -> arb:
    return arb(x.numerator) / x.denominator


@dataclass(frozen=True)
class Branch:
    """One positive product p = w^{⊙L} of a model, with its exact initial value p0 = w(0)^{⊙L}.

    ``p0`` entries may be 0 (a branch that stays 0, as ṽ in the u⊙v model with u0 = v0).
    ``offset`` (L > 2 only): θ = offset + s h replaces θ = c + s h, the branch seen from a
    shifted dual variable (``numerics.power_shift``); exact rationals, rounded once to float64.
    """

    depth: int
    p0: tuple[Fraction, ...]
    offset: tuple[Fraction, ...] | None = None
    log_p0: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # computed once: the logs of exact rationals with ~100-digit denominators are not free
        logs = np.array([_log_fraction(p) if p > 0 else -math.inf for p in self.p0])
        object.__setattr__(self, "log_p0", logs)
        if self.offset is not None and (self.depth == 2 or len(self.offset) != len(self.p0)):
            raise ValueError("a branch offset needs L > 2 and one entry per coordinate")
        if self.depth > 2:
            with np.errstate(over="ignore"):  # c = p0^{-(L-2)/L}: +inf for p0 = 0 (stays 0)
                c = np.exp(-(self.depth - 2) / self.depth * logs)
            stays_zero = np.isinf(c)
            if self.offset is not None:
                c = np.array([float(v) for v in self.offset])
            object.__setattr__(self, "_c", c)
            object.__setattr__(self, "_stays_zero", stays_zero)

    def value(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """p(h) and dp/dh in float64 (see the module docstring); NaN where h leaves the domain."""
        L = self.depth
        if L == 2:
            p = np.exp(self.log_p0 - h)
            return p, -p
        # p = θ^{-L/(L-2)}, θ = c + s h (or offset + s h), s = (L-2)/L, so dp/dh = -p/θ
        exponent = L // (L - 2) if L % (L - 2) == 0 else L / (L - 2)  # integer powers are cheaper
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            theta = self._c + ((L - 2) / L) * h
            theta = np.where(theta > 0, theta, np.nan)
            p = theta**-exponent if isinstance(exponent, float) else 1.0 / theta**exponent
            dp = -p / theta
            if self._stays_zero.any():
                p = np.where(self._stays_zero, 0.0, p)
                dp = np.where(self._stays_zero, 0.0, dp)
        return p, dp

    def value_arb(self, h: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        """p(h) and dp/dh as arb balls at the current ``ctx.prec``."""
        L = self.depth
        out_p, out_dp = [], []
        for k, (p0, hn) in enumerate(zip(self.p0, h, strict=True)):
            if p0 == 0:
                out_p.append(arb(0))
                out_dp.append(arb(0))
                continue
            p0_ball = arb(p0.numerator) / p0.denominator
            if L == 2:
                p = p0_ball * (-hn).exp()
                out_p.append(p)
                out_dp.append(-p)
                continue
            s = arb(L - 2) / L
            start = p0_ball ** (-s) if self.offset is None else _ball(self.offset[k])
            theta = start + s * hn
            if not theta > 0:
                raise ArithmeticError("h left the domain of the branch (c + s h must be > 0)")
            p = theta ** (arb(-L) / (L - 2))
            out_p.append(p)
            out_dp.append(-(theta ** (arb(-(2 * L - 2)) / (L - 2))))
        return out_p, out_dp


@dataclass(frozen=True)
class DiagonalReduction:
    """A diagonal model reduced to (★): x = p_u(g) (positive) or p_u(g) - p_v(-g) (signed).

    ``rate`` is kL, the factor between the residual integral and λ in (★); it fixes the time
    scale of the model only (the limit does not depend on it).
    """

    model: str
    u: Branch
    v: Branch | None
    rate: float

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; expected one of {MODELS}")
        if (self.model == "signed") != (self.v is not None):
            raise ValueError("a signed reduction needs a v branch, a positive one none")

    @property
    def depth(self) -> int:
        return self.u.depth

    @property
    def n(self) -> int:
        return len(self.u.p0)

    def product(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x(g) and dx/dg (< 0) in float64."""
        pu, dpu = self.u.value(g)
        if self.v is None:
            return pu, dpu
        pv, dpv = self.v.value(-g)
        return pu - pv, dpu + dpv

    def product_arb(self, g: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        pu, dpu = self.u.value_arb(g)
        if self.v is None:
            return pu, dpu
        pv, dpv = self.v.value_arb([-x for x in g])
        return [a - b for a, b in zip(pu, pv, strict=True)], [a + b for a, b in zip(dpu, dpv, strict=True)]


def positive_reduction(x0: Sequence[Fraction], depth: int, rate: float) -> DiagonalReduction:
    """Reduction of a positive model whose factors start at x0 (so p0 = x0^{⊙L})."""
    return DiagonalReduction("positive", Branch(depth, tuple(Fraction(x) ** depth for x in x0)), None, rate)


def signed_reduction(
    u0: Sequence[Fraction], v0: Sequence[Fraction], depth: int, rate: float
) -> DiagonalReduction:
    """Reduction of a signed model u^{⊙L} - v^{⊙L} started at (u0, v0)."""
    return DiagonalReduction(
        "signed",
        Branch(depth, tuple(Fraction(x) ** depth for x in u0)),
        Branch(depth, tuple(Fraction(x) ** depth for x in v0)),
        rate,
    )


def pair_as_signed(u0: Sequence[Fraction], v0: Sequence[Fraction], rate: float) -> DiagonalReduction:
    """The u⊙v model (u' = -k[Aᵀr]⊙v, v' = -k[Aᵀr]⊙u) as a signed depth-2 reduction.

    With G = k∫Aᵀr: u = u0 cosh G - v0 sinh G, v = v0 cosh G - u0 sinh G, hence
    u⊙v = u0v0 cosh 2G - ½(u0² + v0²) sinh 2G = ũ0 e^{-2G} - ṽ0 e^{2G} with
    ũ0 = ((u0 + v0)/2)², ṽ0 = ((u0 - v0)/2)², g = 2G (krr Appendix C; mil L_over, L = 2).
    """
    up = tuple(((Fraction(a) + Fraction(b)) / 2) ** 2 for a, b in zip(u0, v0, strict=True))
    vp = tuple(((Fraction(a) - Fraction(b)) / 2) ** 2 for a, b in zip(u0, v0, strict=True))
    return DiagonalReduction("signed", Branch(2, up), Branch(2, vp), rate)


def dual_vector_field(
    reduction: DiagonalReduction, A: np.ndarray, y: np.ndarray, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(★) in float64: returns λ', x(Aᵀλ) and dx/dg at λ."""
    x, dx = reduction.product(A.T @ lam)
    return reduction.rate * (A @ x - y), x, dx


def dual_jacobian(reduction: DiagonalReduction, A: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """∂λ'/∂λ = kL A diag(dx/dg) Aᵀ (negative semidefinite)."""
    return reduction.rate * (A * dx) @ A.T
