"""The potentials whose Bregman projections the papers say the flows converge to.

Each class is one separable Legendre potential F, described through its convex conjugate
F* on the dual side, which is what a dual Newton method needs: for a dual point θ,

    z(θ)  = ∇F*(θ) = (∇F)^{-1}(θ)      the primal point,
    z'(θ) = ∇²F*(θ) (diagonal, > 0),
    F*(θ)                                 the conjugate's value (for line searches),

plus θ0 = ∇F(x0) at the point the divergence is measured from, and the domain of θ.
Everything is written from the papers' printed definitions, not from the flows
(``numerics.dual_reduction`` derives the flows' side), so the two can check each other.

* :class:`MilEntropy`  mil (21), L = 2:  F(x) = ½ Σ xₙ log xₙ - xₙ;  ∇F = ½ log x;
  z(θ) = e^{2θ};  F*(θ) = ½ Σ e^{2θₙ}.
* :class:`MilPower`    mil (21), L > 2:  F(x) = L/(2(2-L)) Σ xₙ^{2/L};  ∇F = -x^{-(L-2)/L}/(L-2);
  z(θ) = ((L-2)(-θ))^{-L/(L-2)} on θ < 0;  F*(θ) = ½ Σ ((L-2)(-θₙ))^{-2/(L-2)}
  (optionally posed in the shifted dual of ``numerics.power_shift``: θ0 from an exact offset).
* :class:`KrrHypentropy` krr (19)-(21): Q_{α,w0}(β) = Σ α²w0ᵢ² q(βᵢ/(α²w0ᵢ²)),
  ∇Q = arcsinh(β/(2α²w0²)) (19);  β(θ) = 2α²w0² sinh θ;  Q*(θ) = Σ 2α²w0ᵢ²(cosh θᵢ - 1).
* :class:`KrrDepthPotential` krr Theorem 3 (line after (12)): Q_α^D(β) = α^D Σ q_D(βᵢ/α^D),
  q_D' = h_D^{-1}, h_D(z) = (1-z)^{-D/(D-2)} - (1+z)^{-D/(D-2)} on (-1, 1);
  β(θ) = α^D h_D(θ);  (Q_α^D)*(θ) = α^D Σ H_D(θᵢ), H_D(z) = (D-2)/2 [(1-z)^{-2/(D-2)} + (1+z)^{-2/(D-2)}].

A Bregman projection from x0 is min F(z) - ⟨∇F(x0), z⟩ over the constraint set; the
hypentropies are minimized as they are (θ0 = 0, their minimum is at β = 0).

Float64 evaluation keeps scales like α² as logarithms so that α = 1e-100 is representable;
``*_arb`` methods evaluate the same formulas in python-flint balls at the current precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb


def _log(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


def _ball(x: Fraction) -> arb:
    return arb(x.numerator) / x.denominator


@dataclass(frozen=True)
class MilEntropy:
    """mil (21) for L = 2, measured from x0 > 0 (the product at t = 0)."""

    x0: tuple[Fraction, ...]

    def restrict(self, keep: Sequence[int]) -> MilEntropy:
        return MilEntropy(tuple(self.x0[k] for k in keep))

    def theta0(self) -> np.ndarray:
        return np.array([0.5 * _log(x) for x in self.x0])  # ∇F(x0) = ½ log x0

    def primal(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.exp(2 * theta)
        return z, 2 * z

    def conjugate(self, theta: np.ndarray) -> float:
        return float(0.5 * np.sum(np.exp(2 * theta)))

    def step_scale(self, theta: np.ndarray) -> np.ndarray:
        return np.ones_like(theta)  # Δθ = 1 changes z by the factor e²

    def theta0_arb(self) -> list[arb]:
        return [_ball(x).log() / 2 for x in self.x0]

    def primal_arb(self, theta: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        z = [(2 * t).exp() for t in theta]
        return z, [2 * v for v in z]

    def conjugate_arb(self, theta: Sequence[arb]) -> arb:
        return sum(((2 * t).exp() for t in theta), arb(0)) / 2


@dataclass(frozen=True)
class MilPower:
    """mil (21) for L > 2, measured from x0 > 0.

    ``offset``: when set, θ0 = -offset/(L-2) replaces ∇F(x0) = -x0^{-(L-2)/L}/(L-2): the problem
    posed in a shifted dual variable (``numerics.power_shift``), in which (L-2)(-θ) =
    offset - (L-2)σA'ᵀη no longer cancels; exact rationals, rounded once to float64.
    """

    x0: tuple[Fraction, ...]
    depth: int
    offset: tuple[Fraction, ...] | None = None

    def restrict(self, keep: Sequence[int]) -> MilPower:
        offset = None if self.offset is None else tuple(self.offset[k] for k in keep)
        return MilPower(tuple(self.x0[k] for k in keep), self.depth, offset)

    def float64_digits_lost(self) -> int:
        """θ = θ0 + Aᵀμ is O(1) on the support while |θ0| = x0^{-(L-2)/L}/(L-2): digits cancelled.

        With an ``offset`` the cancellation was done exactly before rounding: none is left here
        (what the shift's float64 data still cost is ``numerics.power_shift``'s estimate).
        """
        if self.offset is not None:
            return 0
        return max(0, math.ceil(max(math.log10(abs(t)) for t in self.theta0())))

    def theta0(self) -> np.ndarray:
        L = self.depth
        if self.offset is not None:
            return np.array([-float(q) / (L - 2) for q in self.offset])
        return np.array([-math.exp(-(L - 2) / L * _log(x)) / (L - 2) for x in self.x0])

    def primal(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        L = self.depth
        q = (L - 2) * (-theta)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(q > 0, q ** (-L / (L - 2)), np.nan)
            dz = L * z / q  # d/dθ of q^{-L/(L-2)} = L q^{-L/(L-2)-1}
        return z, dz

    def conjugate(self, theta: np.ndarray) -> float:
        L = self.depth
        q = (L - 2) * (-theta)
        if np.any(q <= 0):
            return math.inf
        return float(0.5 * np.sum(q ** (-2 / (L - 2))))

    def step_scale(self, theta: np.ndarray) -> np.ndarray:
        return np.abs(theta)  # relative change of θ = relative change of z (times L/(L-2))

    def theta0_arb(self) -> list[arb]:
        L = self.depth
        if self.offset is not None:
            return [-_ball(q) / (L - 2) for q in self.offset]
        return [-(_ball(x) ** (arb(-(L - 2)) / L)) / (L - 2) for x in self.x0]

    def primal_arb(self, theta: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        L = self.depth
        z, dz = [], []
        for t in theta:
            q = (L - 2) * (-t)
            if not q > 0:
                raise ArithmeticError("θ left the domain θ < 0 of mil (21), L > 2")
            v = q ** (arb(-L) / (L - 2))
            z.append(v)
            dz.append(L * v / q)
        return z, dz

    def conjugate_arb(self, theta: Sequence[arb]) -> arb:
        L = self.depth
        total = arb(0)
        for t in theta:
            q = (L - 2) * (-t)
            if not q > 0:
                raise ArithmeticError("θ left the domain θ < 0 of mil (21), L > 2")
            total += q ** (arb(-2) / (L - 2))
        return total / 2


@dataclass(frozen=True)
class KrrHypentropy:
    """krr (19)-(21): Q_{α,w0}; ``scale2`` holds α²w0ᵢ² exactly."""

    scale2: tuple[Fraction, ...]

    def theta0(self) -> np.ndarray:
        return np.zeros(len(self.scale2))  # Q is minimized at β = 0, ∇Q(0) = 0

    def primal(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        log_s = np.array([_log(s) for s in self.scale2])
        up, down = np.exp(log_s + math.log(2) + theta) / 2, np.exp(log_s + math.log(2) - theta) / 2
        return up - down, up + down  # 2s sinh θ, 2s cosh θ

    def conjugate(self, theta: np.ndarray) -> float:
        log_s = np.array([_log(s) for s in self.scale2])
        return float(np.sum(np.exp(log_s + theta) + np.exp(log_s - theta) - 2 * np.exp(log_s)))

    def step_scale(self, theta: np.ndarray) -> np.ndarray:
        return np.ones_like(theta)

    def theta0_arb(self) -> list[arb]:
        return [arb(0) for _ in self.scale2]

    def primal_arb(self, theta: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        z, dz = [], []
        for s, t in zip(self.scale2, theta, strict=True):
            two_s = 2 * _ball(s)
            z.append(two_s * t.sinh())
            dz.append(two_s * t.cosh())
        return z, dz

    def conjugate_arb(self, theta: Sequence[arb]) -> arb:
        return sum((2 * _ball(s) * (t.cosh() - 1) for s, t in zip(self.scale2, theta, strict=True)), arb(0))


@dataclass(frozen=True)
class KrrDepthPotential:
    """krr Theorem 3: Q_α^D with q_D' = h_D^{-1}; ``scale`` is α^D exactly (w0 = 1)."""

    scale: Fraction
    depth: int
    n: int

    def float64_digits_lost(self) -> int:
        """On the support 1 - |θ| ~ α^{D-2} = scale^{(D-2)/D}: that many digits of θ cancel."""
        if self.scale >= 1:
            return 0
        return math.ceil((self.depth - 2) / self.depth * -_log(self.scale) / math.log(10))

    def theta0(self) -> np.ndarray:
        return np.zeros(self.n)

    def primal(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        D = self.depth
        e = D / (D - 2)
        lo, hi = 1 - theta, 1 + theta
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = (lo > 0) & (hi > 0)
            z = np.where(ok, lo ** (-e) - hi ** (-e), np.nan)
            dz = np.where(ok, e * (lo ** (-e - 1) + hi ** (-e - 1)), np.nan)
        s = float(self.scale)  # project() refuses scales whose cancellation float64 cannot carry
        return s * z, s * dz

    def conjugate(self, theta: np.ndarray) -> float:
        D = self.depth
        if np.any(np.abs(theta) >= 1):
            return math.inf
        k = 2 / (D - 2)
        return float(self.scale) * float(np.sum((D - 2) / 2 * ((1 - theta) ** (-k) + (1 + theta) ** (-k))))

    def step_scale(self, theta: np.ndarray) -> np.ndarray:
        return 1 - np.abs(theta)

    def step_scale_arb(self, theta: Sequence[arb]) -> list[arb]:
        """1 - |θ| in balls: on the support it is ~α^{D-2} (1e-20 at D = 3, α = 1e-20), which the
        float64 midpoints of θ round to 0."""
        return [1 - abs(t) for t in theta]

    def theta0_arb(self) -> list[arb]:
        return [arb(0) for _ in range(self.n)]

    def primal_arb(self, theta: Sequence[arb]) -> tuple[list[arb], list[arb]]:
        D = self.depth
        e = arb(D) / (D - 2)
        s = _ball(self.scale)
        z, dz = [], []
        for t in theta:
            lo, hi = 1 - t, 1 + t
            if not (lo > 0 and hi > 0):
                raise ArithmeticError("θ left (-1, 1), the domain of h_D (krr Theorem 3)")
            z.append(s * (lo ** (-e) - hi ** (-e)))
            dz.append(s * e * (lo ** (-e - 1) + hi ** (-e - 1)))
        return z, dz

    def conjugate_arb(self, theta: Sequence[arb]) -> arb:
        D = self.depth
        k = arb(-2) / (D - 2)
        total = arb(0)
        for t in theta:
            lo, hi = 1 - t, 1 + t
            if not (lo > 0 and hi > 0):
                raise ArithmeticError("θ left (-1, 1), the domain of h_D (krr Theorem 3)")
            total += lo**k + hi**k
        return _ball(self.scale) * (D - 2) * total / 2
