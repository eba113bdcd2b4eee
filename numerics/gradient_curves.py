"""Curves of the kind Łojasiewicz's theorem (wn Theorem 3.12, [1]) speaks of: preconditioned
gradient flows x' = -P ∇φ(x) of polynomials φ (real analytic), P = diag(p) > 0.

Such a curve satisfies wn (51) with δ = min p / max p (dφ/dt = -∇φᵀP∇φ <= -min p ||∇φ||², and
||x'|| <= max p ||∇φ||) and (52) (dφ/dt = 0 forces ∇φ = 0, so x' = 0); the theorem then says that
either ||x(t)|| -> ∞ or x(t) converges.  :func:`trace_curve` integrates the curve on a log-time
grid and measures its arc length per e-fold of time; a convergent curve has finite length, whose
tail :func:`remaining_length` extrapolates from the geometric decay of those lengths.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

# Integration: LSODA at these tolerances on the grid t_k = e^{k/SAMPLES_PER_EFOLD} - 1 up to
# e^{MAX_EFOLDS}; a curve whose norm passes ESCAPE_NORM is on its way to infinity (or blows up in
# finite time: the solver then fails with the norm growing).
RTOL = 1e-10
ATOL = 1e-12
SAMPLES_PER_EFOLD = 8
MAX_EFOLDS = 16
ESCAPE_NORM = 1e4
# A curve that needs more field evaluations than this is reported unfinished (a few thousand suffice
# for the drawn polynomials).
MAX_EVALUATIONS = 200_000
# Steps of the sampled curve below this (relative to 1 + ||x||) are the rounding of a point at rest.
LENGTH_FLOOR = 1e-12


@dataclass(frozen=True)
class Polynomial:
    """φ(x) = Σ_k c_k Π_i x_i^{e_ki} (exponents ``powers[k]``, coefficients ``coefficients[k]``);
    build it with :func:`polynomial`, which merges equal monomials (their cancellation in float64
    would leave a rounding-noise field where the true one is small)."""

    powers: tuple[tuple[int, ...], ...]
    coefficients: tuple[float, ...]

    def value(self, x: np.ndarray) -> float:
        return float(
            sum(c * np.prod(x ** np.array(e)) for e, c in zip(self.powers, self.coefficients, strict=True))
        )

    def gradient(self, x: np.ndarray) -> np.ndarray:
        g = np.zeros_like(x)
        for e, c in zip(self.powers, self.coefficients, strict=True):
            for i, ei in enumerate(e):
                if ei == 0:
                    continue
                lowered = list(e)
                lowered[i] -= 1
                g[i] += c * ei * np.prod(x ** np.array(lowered))
        return g


def polynomial(powers, coefficients) -> Polynomial:
    merged: dict[tuple[int, ...], float] = {}
    for e, c in zip(powers, coefficients, strict=True):
        key = tuple(int(v) for v in e)
        merged[key] = merged.get(key, 0.0) + float(c)
    kept = [(e, c) for e, c in merged.items() if c != 0 and any(e)]
    return Polynomial(tuple(e for e, _ in kept), tuple(c for _, c in kept))


class _TooManyEvaluations(RuntimeError):
    pass


@dataclass(frozen=True)
class TracedCurve:
    t: np.ndarray
    x: np.ndarray  # samples, one row per time
    escaped: bool
    message: str


def trace_curve(phi: Polynomial, p: np.ndarray, x0: np.ndarray) -> TracedCurve:
    """x' = -diag(p) ∇φ(x) from x0 on the log-time grid (module constants)."""
    p = np.asarray(p, dtype=float)
    grid = np.expm1(np.arange(0, MAX_EFOLDS * SAMPLES_PER_EFOLD + 1) / SAMPLES_PER_EFOLD)

    calls = [0]

    def field(_t, x):
        calls[0] += 1
        if calls[0] > MAX_EVALUATIONS:
            raise _TooManyEvaluations(f"more than {MAX_EVALUATIONS} evaluations of the field")
        return -p * phi.gradient(x)

    def escape(_t, x):
        return ESCAPE_NORM - float(np.linalg.norm(x))

    escape.terminal = True
    try:
        with np.errstate(all="ignore"):
            sol = solve_ivp(
                field,
                (0.0, grid[-1]),
                np.asarray(x0, dtype=float),
                method="LSODA",
                t_eval=grid,
                rtol=RTOL,
                atol=ATOL,
                events=escape,
            )
    except _TooManyEvaluations as exc:
        x = np.asarray(x0, dtype=float)[None, :]
        return TracedCurve(np.array([0.0]), x, False, str(exc))
    x = sol.y.T
    norms = np.linalg.norm(x, axis=1) if x.size else np.array([np.inf])
    escaped = bool(sol.status == 1 or (not sol.success and norms[-1] > 10 * max(norms[0], 1.0)))
    return TracedCurve(sol.t, x, escaped, sol.message)


def efold_lengths(curve: TracedCurve) -> np.ndarray:
    """Arc length of the sampled curve over each e-fold of 1 + t (polygonal, a lower bound)."""
    steps = np.linalg.norm(np.diff(curve.x, axis=0), axis=1)
    blocks = len(steps) // SAMPLES_PER_EFOLD
    return steps[: blocks * SAMPLES_PER_EFOLD].reshape(blocks, SAMPLES_PER_EFOLD).sum(axis=1)


def remaining_length(lengths: np.ndarray, scale: float = 1.0) -> tuple[float, float]:
    """(q, extrapolated remaining length): q = the largest ratio of consecutive e-fold lengths over
    the last three e-folds; if q < 1 the tail is at most ℓ_last q/(1 - q) (geometric), else inf.
    Lengths below LENGTH_FLOOR·``scale`` are float64 rounding of a curve at rest: (0, 0)."""
    if len(lengths) < 4:
        return math.inf, math.inf
    last = lengths[-4:]
    if float(np.max(last[1:])) <= LENGTH_FLOOR * scale:
        return 0.0, 0.0
    ratios = [b / a if a > 0 else (0.0 if b == 0 else math.inf) for a, b in itertools.pairwise(last)]
    q = max(ratios)
    if not q < 1:
        return q, math.inf
    return q, float(last[-1]) * q / (1 - q)
