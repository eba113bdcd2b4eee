"""The weight-normalized flow of linear regression, L = 1 (wn (1)-(3), the setting of [33]).

wn (2): L(r, u) = ½ ||A (r u/||u||₂) - b||²,  x = r u/||u||₂,  flow (12)-(13) with (η_r, η_u) = (η̃, 1)
and ||u0||₂ = 1 (so ||u(t)||₂ = 1, wn Lemma 3.2, and x = r u):

    r' = -η̃ uᵀ g,   u' = -r (I - u uᵀ) g,   g = Aᵀ(A x - b).

Characterization of the limit (wn Lemma 3.7 at L = 1; "Lemma 2.5 in [33]", as the text after
Lemma 3.7 says): (I - P_A) u e^{r²/(2η̃)} is constant, so with x† = A†b the limit is

    x∞ = x† + γ(r0, r∞) (I - P_A) x0,     γ(r0, r) = (r/r0) e^{(r0² - r²)/(2η̃)}  (wn (43)),

and r∞ = ||x∞||₂ solves g(r) = p² + γ(r0, r)² c² - r² = 0 with p = ||x†||₂, c = ||(I - P_A) x0||₂
(x† ⟂ null(A)).  g(r)/r² = p²/r² + (c²/r0²) e^{(r0² - r²)/η̃} - 1 is strictly decreasing, so r∞ is
the unique root: :func:`enclosed_radius` encloses it by bisection in python-flint balls.

Exact data: p² = yᵀ(AAᵀ)^{-1}y and c² = ||x0||² - ||P_A x0||² are rationals for rational A, y, x0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from flint import arb
from mpmath import mp
from scipy.integrate import solve_ivp

from dlncheck.numerics.basic_solutions import solve_exact
from dlncheck.numerics.enclosures import GUARD_DIGITS, ball, hull
from dlncheck.numerics.results import CertifiedEnclosure, FlowResult

# Integration: LSODA at these tolerances, in chunks of growing length until ||x'|| <= SPEED_TOL
# (relative to ||x||, per unit time: the remaining distance of an exponential approach with
# rate >= 1e-3 is then below 1e-9 relative) with ||A x - b|| <= RESIDUAL_TOL ||b||.
RTOL = 1e-12
ATOL = 1e-14
SPEED_TOL = 1e-12
RESIDUAL_TOL = 1e-10
MAX_CHUNKS = 60
FIRST_CHUNK = 10.0
CHUNK_GROWTH = 2.0
# Bisection of the radius equation: stop when the bracket is below 10^-(dps - BISECTION_SLACK)
# relative (the enclosure of γ then still carries dps - BISECTION_SLACK - 2 digits).
BISECTION_SLACK = 5
MAX_BISECTIONS = 4000


@dataclass(frozen=True)
class LinearData:
    """Exact quantities of an instance: x† = A†b, P_A x0, p², c², r0² (Fractions)."""

    x_dagger: tuple[Fraction, ...]
    projected_x0: tuple[Fraction, ...]
    p2: Fraction
    c2: Fraction
    r0_2: Fraction


def linear_data(A, b, x0) -> LinearData:
    """x† = Aᵀ(AAᵀ)^{-1} b and P_A x0 = Aᵀ(AAᵀ)^{-1} A x0, exactly (A of full row rank)."""
    m, n = len(A), len(A[0])
    gram = [[sum((A[i][k] * A[j][k] for k in range(n)), Fraction(0)) for j in range(m)] for i in range(m)]
    lam = solve_exact(gram, list(b))
    if lam is None:
        raise ValueError("A must have full row rank (AAᵀ is singular)")
    x_dagger = tuple(sum((A[i][k] * lam[i] for i in range(m)), Fraction(0)) for k in range(n))
    ax0 = [sum((A[i][k] * x0[k] for k in range(n)), Fraction(0)) for i in range(m)]
    nu = solve_exact(gram, ax0)
    projected = tuple(sum((A[i][k] * nu[i] for i in range(m)), Fraction(0)) for k in range(n))
    p2 = sum((v * v for v in x_dagger), Fraction(0))
    r0_2 = sum((v * v for v in x0), Fraction(0))
    c2 = r0_2 - sum((v * v for v in projected), Fraction(0))
    return LinearData(x_dagger, projected, p2, c2, r0_2)


def _radius_equation(r: arb, r0: arb, eta: arb, p2: arb, c2: arb) -> arb:
    """g(r)/r² = p²/r² + (c²/r0²) e^{(r0² - r²)/η̃} - 1 (decreasing in r), in balls."""
    return p2 / (r * r) + c2 / (r0 * r0) * ((r0 * r0 - r * r) / eta).exp() - 1


EXP_CAP = 700.0  # below log(float64 max) ≈ 709.8: e^{EXP_CAP} is finite, and any larger exponent
# already makes g(r)/r² positive beyond doubt at the radii where it is evaluated


def exponent_over_eta(d: float, eta: float) -> float:
    """min(d/η̃, EXP_CAP) in float64, also where η̃ underflowed to 0 (an input such as 1e-499):
    then the quotient is ±∞ by the sign of d (0 for d = 0), and e^{-∞} = 0."""
    if eta == 0.0:
        return EXP_CAP if d > 0 else -math.inf if d < 0 else 0.0
    return min(d / eta, EXP_CAP)


def float64_radius(data: LinearData, eta: float) -> float:
    """r∞ in float64 (Brent on the decreasing g(r)/r²)."""
    from scipy.optimize import brentq

    p2, c2, r0 = float(data.p2), float(data.c2), math.sqrt(float(data.r0_2))
    if data.c2 == 0:  # x0 in the row space: the flow stays there, x∞ = x†
        return math.sqrt(p2)
    lo, hi = math.sqrt(p2), math.sqrt(p2 + max(c2, 0.0) * max(1.0, 1.0 / max(r0 * r0, 1e-300))) + 1.0

    def h(r: float) -> float:
        return p2 / (r * r) + c2 / (r0 * r0) * math.exp(exponent_over_eta(r0 * r0 - r * r, eta)) - 1

    if h(lo) <= 0:  # the null-space term underflowed: r∞ = p to float64's precision
        return lo
    while h(hi) > 0:
        hi *= 2
    return brentq(h, lo, hi, rtol=1e-15, xtol=1e-300)


def float64_gamma(r_inf: float, r0: float, eta: float) -> float:
    """γ(r0, r∞) = (r∞/r0) e^{(r0² - r∞²)/(2η̃)} (wn (43)) in float64; the exponent is capped at
    EXP_CAP, so a γ beyond e^{EXP_CAP} reads as e^{EXP_CAP} (enough to tell γ > 1)."""
    return r_inf / r0 * math.exp(exponent_over_eta(r0 * r0 - r_inf * r_inf, 2 * eta))


@dataclass(frozen=True)
class EnclosedRadius(CertifiedEnclosure):
    """r∞ and γ(r0, r∞) enclosed (:func:`enclosed_radius`), or ``certified`` False with the reason.

    Conforms to ``numerics.results.SolverResult``: ``converged`` is ``certified``, no residual (the
    width of the balls is in ``certified_digits``); ``counts`` holds the bisection ``iterations``,
    the ``function_evaluations`` (signs of the radius equation) and the bracket ``widenings``.
    """

    r_inf: Any  # a python-flint ball
    gamma: Any  # γ(r0, r∞), a python-flint ball
    certified: bool
    message: str
    iterations: int = 0
    function_evaluations: int = 0
    widenings: int = 0

    def enclosed(self) -> tuple[Any, ...]:
        return (self.r_inf, self.gamma)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "iterations": self.iterations,
            "function_evaluations": self.function_evaluations,
            "widenings": self.widenings,
        }


def enclosed_radius(data: LinearData, eta: Fraction, dps: int) -> EnclosedRadius:
    """r∞ and γ(r0, r∞) by bisection in balls at ``dps`` digits (inside ``ball_precision(dps)``).

    g(r)/r² is strictly decreasing: a certified sign change at the ends of [lo, hi] brackets the
    unique root."""
    p2, c2, r0_2, eta_ball = ball(data.p2), ball(data.c2), ball(data.r0_2), ball(eta)
    r0 = r0_2.sqrt()
    guess = float64_radius(data, float(eta))
    work = {"iterations": 0, "function_evaluations": 0, "widenings": 0}
    with mp.workdps(dps + GUARD_DIGITS):
        lo, hi = mp.mpf(guess) * (1 - mp.mpf(10) ** -8), mp.mpf(guess) * (1 + mp.mpf(10) ** -8)

        def sign_at(r) -> int:
            work["function_evaluations"] += 1
            value = _radius_equation(arb(r), r0, eta_ball, p2, c2)  # arb(mpf) is exact
            return 1 if value > 0 else -1 if value < 0 else 0

        for _ in range(60):  # widen until the signs are certified (+ at lo, - at hi)
            if sign_at(lo) > 0 and sign_at(hi) < 0:
                break
            lo, hi = lo / 2, hi * 2
            work["widenings"] += 1
        else:
            return EnclosedRadius(None, None, False, "no certified bracket of r∞", **work)
        target = mp.mpf(10) ** (-(dps - BISECTION_SLACK))
        for _ in range(MAX_BISECTIONS):
            if hi - lo <= target * hi:
                break
            work["iterations"] += 1
            mid = (lo + hi) / 2
            s = sign_at(mid)
            if s > 0:
                lo = mid
            elif s < 0:
                hi = mid
            else:
                break  # the root is within the enclosure's own width of mid
        r_inf = hull(arb(lo), arb(hi))
    gamma = r_inf / r0 * ((r0_2 - r_inf * r_inf) / (2 * eta_ball)).exp()  # wn (43)
    return EnclosedRadius(r_inf, gamma, True, f"r∞ bracketed by interval bisection at {dps} digits", **work)


def _field(A: np.ndarray, b: np.ndarray, eta: float):
    def f(_t, state):
        r, u = state[0], state[1:]
        g = A.T @ (A @ (r * u) - b)
        return np.concatenate([[-eta * float(u @ g)], -r * (g - u * float(u @ g))])

    return f


def integrate_linear_flow(A, b, r0: float, u0, eta: float, t_max: float = 1e12) -> FlowResult:
    """wn (12)-(13) for the loss (2) (L = 1) from (r0, u0/||u0||), float64 LSODA, in chunks until
    the speed and the residual are below SPEED_TOL and RESIDUAL_TOL (module constants)."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    u0 = np.asarray(u0, dtype=float)
    state = np.concatenate([[float(r0)], u0 / np.linalg.norm(u0)])
    f = _field(A, b, float(eta))
    t, length, steps = 0.0, FIRST_CHUNK, 0
    for _ in range(MAX_CHUNKS):
        sol = solve_ivp(f, (t, t + length), state, method="LSODA", rtol=RTOL, atol=ATOL)
        steps += len(sol.t)
        if not sol.success:
            x = state[0] * state[1:]
            return FlowResult(x, t, False, f"LSODA failed: {sol.message}", _residual(A, b, x), steps)
        t, state = sol.t[-1], sol.y[:, -1]
        state[1:] /= np.linalg.norm(state[1:])  # ||u|| = 1 is invariant (wn Lemma 3.2); remove drift
        x = state[0] * state[1:]
        speed = float(np.linalg.norm(f(t, state)))
        residual = _residual(A, b, x)
        if speed <= SPEED_TOL * max(float(np.linalg.norm(x)), 1e-300) and residual <= RESIDUAL_TOL:
            return FlowResult(
                x,
                t,
                True,
                "speed and residual below tolerance",
                residual,
                steps,
                info={"r_inf": float(state[0])},
            )
        if t >= t_max:
            break
        length *= CHUNK_GROWTH
    return FlowResult(x, t, False, f"not converged by t = {t:.3g}", residual, steps)


def _residual(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    return float(np.linalg.norm(A @ x - b) / np.linalg.norm(b))
