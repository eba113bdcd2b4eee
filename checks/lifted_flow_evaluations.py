"""krr Appendix H's statements evaluated on drawn instances in float64 (``checks.sampled_bound_search``).

* Theorem 9 / Lemma 12: the lifted flow and its tangent kernel model integrated
  (``numerics.lifted_factorization_flow``); sup_T ||W(T) - W(0)||_F and sup_T ||W(T) - W_TK(T)||_F
  (read at the path's samples) against the printed bounds with the best constants lambda, Lambda
  (the extreme eigenvalues of calX calX^T: both bounds decrease in lambda and increase in Lambda).
* (85)-(86): ||y(t) - y*||, ||y_TK(t) - y*|| <= ||y(0) - y*|| e^{-mu lambda t} and ||y_TK - y|| <=
  2 ||y(0) - y*|| e^{-mu lambda t} at the samples.
* Corollary 10: at a Gaussian initialization in the event of (88), with mu, gamma of (90), the
  same sups against the explicit O-constants of ``derivations.krr_appendix_h.corollary10_explicit_constants``.
* Lemma 13: exceedances of ||W W^T - sigma^2 k I||_op >= 8 sigma^2 sqrt(kd) among sampled Gram
  matrices (sigma = 1: the event is scale-free), against 2 exp(-d/2) through a one-sided
  Clopper-Pearson upper confidence bound at level 1 - LEMMA13_DELTA.

Each ``*_evaluation(raw, tight)`` returns a :class:`checks.sampled_bound_search.Evaluation`;
``tight`` integrates at ``TIGHT_RTOL`` (or samples twice as many Gram matrices with a fresh seed).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import sympy as sp
from scipy.stats import beta as beta_distribution

from dlncheck.checks.flow_strategies_krr_factorization import LEMMA13_DELTA
from dlncheck.checks.sampled_bound_search import Evaluation
from dlncheck.derivations import krr_appendix_h as h
from dlncheck.numerics.lifted_factorization_flow import (
    DEFAULT_RTOL,
    LiftedFlowPath,
    LiftedFlowProblem,
    integrate_lifted_flow,
)

# The confirming integration's local tolerance (DOP853 stays accurate there: the global error
# of the sups is then ~1e-12 relative, against ~1e-10 at DEFAULT_RTOL).
TIGHT_RTOL = 1e-13
# (85)-(86) are compared where their right side is above this multiple of the magnitudes the
# residual is computed from (|y*|, |y(0)|): below it the float64 residual is rounding (1e-16 of
# them), and the decay there is e^{-mu lambda t} < e^{-20} of the start anyway.
RESIDUAL_FLOOR = 1e-9


def _floats(value: Any) -> np.ndarray:
    return np.array(value, dtype=object).astype(float)


def parse_lifted(raw: dict[str, Any]) -> tuple[LiftedFlowProblem, dict[str, float]]:
    """A drawn instance of ``checks.flow_strategies_krr_factorization`` as a float64 problem."""
    X = _floats(raw["X"])
    problem = LiftedFlowProblem(X=X, y_star=_floats(raw["y_star"]), M0=_floats(raw["M0"]))
    lam, Lam = problem.measurement_bounds()
    return problem, {"lambda": lam, "Lambda": Lam}


def theorem9_hypotheses(problem: LiftedFlowProblem, mu: float, gamma: float, lam: float, Lam: float) -> str:
    """'' when Theorem 9's hypotheses hold (in float64), else the one that fails."""
    ev = np.linalg.eigvalsh(problem.M0 - mu * np.eye(len(problem.M0)))
    if max(abs(ev[0]), abs(ev[-1])) > gamma:
        return "||W0 W0^T - mu I||_op > gamma"
    if not mu > 4 * Lam * gamma / lam:
        return "mu <= 4 Lambda gamma / lambda"
    threshold = mu * lam / math.sqrt(Lam) * (1 - math.sqrt((1 + gamma / mu) / (1 + lam / (4 * Lam))))
    if np.linalg.norm(problem.r0) > threshold:
        return "||y(0) - y*|| above the threshold of Theorem 9"
    return ""


def theorem9_bounds(r0: float, mu: float, gamma: float, lam: float, Lam: float) -> tuple[float, float]:
    """Theorem 9's right sides (krr App. H)."""
    first = math.sqrt(Lam + lam / 4) * r0 / (lam * math.sqrt(mu))
    second = Lam * math.sqrt(1 + lam / (4 * Lam)) * r0**2 / (lam**2 * mu**1.5) + 2 * math.sqrt(
        Lam
    ) * math.sqrt(1 + gamma / mu) * r0 / (lam * math.sqrt(mu))
    return first, second


def _sup_slack(path: LiftedFlowPath, sides: dict[str, tuple[np.ndarray, float]]) -> tuple[float, str]:
    """min over the named bounds of (right - sup left)/right, and where it was attained."""
    worst, where = math.inf, ""
    for name, (left, right) in sides.items():
        i = int(np.argmax(left))
        slack = (right - float(left[i])) / right if right > 0 else (0.0 if left[i] == 0 else -math.inf)
        if slack < worst:
            worst, where = slack, f"{name} (sup at t = {path.t[i]:.3e})"
    return worst, where


def theorem9_evaluation(which: tuple[str, ...]) -> Callable[[dict[str, Any], bool], Evaluation]:
    """Theorem 9's bounds named in ``which`` ('first', 'second') on an integrated path."""

    def evaluate(raw: dict[str, Any], tight: bool) -> Evaluation:
        problem, consts = parse_lifted(raw)
        lam, Lam = consts["lambda"], consts["Lambda"]
        mu, gamma = float(raw["mu"]), float(raw["gamma"])
        failed = theorem9_hypotheses(problem, mu, gamma, lam, Lam)
        if failed:
            return Evaluation(math.nan, admissible=False, note=failed)
        r0 = float(np.linalg.norm(problem.r0))
        if r0 == 0:
            return Evaluation(math.nan, note="y(0) = y*: the flow stands still")
        path = integrate_lifted_flow(problem, mu, lam, TIGHT_RTOL if tight else DEFAULT_RTOL)
        if not path.converged:
            return Evaluation(-math.inf, note=f"the integration failed ({path.message})")
        first, second = theorem9_bounds(r0, mu, gamma, lam, Lam)
        sides = {
            "first": ("sup ||W - W0||_F <= first bound", path.dev_F, first),
            "second": ("sup ||W - W_TK||_F <= second bound", path.tk_gap_F, second),
        }
        slack, where = _sup_slack(path, {sides[w][0]: sides[w][1:] for w in which})
        return Evaluation(
            slack,
            note=where,
            quantities={
                "d": raw["d"],
                "N": len(problem.X),
                "lambda": lam,
                "Lambda": Lam,
                "||y(0) - y*||": r0,
                "sup ||W - W0||_F": float(path.dev_F.max()),
                "first bound": first,
                "sup ||W - W_TK||_F": float(path.tk_gap_F.max()),
                "second bound": second,
                "rtol": path.rtol,
            },
        )

    return evaluate


def decay_evaluation(raw: dict[str, Any], tight: bool) -> Evaluation:
    """(85)-(86) at the samples t > 0 of the path where their right side is above the rounding floor.

    Normalized in the exponent (both sides are equal at t = 0): with rate(t) = ln(c ||y(0) - y*|| / left(t))/t
    (c = 1 for (85), 2 for (86)), the bound holds at t iff rate(t) >= mu lambda; slack 1 - mu lambda/rate."""
    problem, consts = parse_lifted(raw)
    lam, Lam = consts["lambda"], consts["Lambda"]
    mu, gamma = float(raw["mu"]), float(raw["gamma"])
    failed = theorem9_hypotheses(problem, mu, gamma, lam, Lam)
    if failed:
        return Evaluation(math.nan, admissible=False, note=failed)
    r0 = float(np.linalg.norm(problem.r0))
    path = integrate_lifted_flow(problem, mu, lam, TIGHT_RTOL if tight else DEFAULT_RTOL)
    if not path.converged:
        return Evaluation(-math.inf, note=f"the integration failed ({path.message})")
    floor = RESIDUAL_FLOOR * (
        np.linalg.norm(problem.y_star) + np.linalg.norm(problem.predictions(problem.M0)) + r0
    )
    used = (path.t > 0) & (r0 * np.exp(-mu * lam * path.t) > floor)
    if not used.any() or r0 == 0:
        return Evaluation(math.nan, note="the residual is at the rounding floor from the start")
    worst, where = math.inf, ""
    for name, left, factor in (
        ("(85) ||y(t) - y*||", path.residuals, 1.0),
        ("(85) ||y_TK(t) - y*||", path.residual_tk, 1.0),
        ("(86) ||y_TK(t) - y(t)||", path.residual_gap, 2.0),
    ):
        resolved = used & (left > floor)  # below the floor the left side is rounding, and far below the right
        if not resolved.any():
            continue
        t = path.t[resolved]
        rate = np.log(factor * r0 / left[resolved]) / t  # the decay rate achieved by t
        slack = np.where(rate > 0, 1 - mu * lam / np.where(rate > 0, rate, 1.0), -np.inf)
        i = int(np.argmin(slack))
        if slack[i] < worst:
            worst, where = (
                float(slack[i]),
                f"{name} at t = {t[i]:.3e} (rate {rate[i] / (mu * lam):.4g} mu lambda)",
            )
    if worst == math.inf:
        return Evaluation(math.nan, note="no sample above the rounding floor")
    return Evaluation(
        worst, note=where, quantities={"||y(0) - y*||": r0, "mu lambda": mu * lam, "samples": int(used.sum())}
    )


@cache
def _corollary10_bounds() -> Callable[..., tuple[float, ...]]:
    C = h.corollary10_explicit_constants()
    names = ("C1a", "C1b", "C2a", "C2b", "C2c")
    return sp.lambdify((h.lam, h.Lam, h.d, h.NN, h.Y), [C[n] for n in names], "math")


def corollary10_evaluation(raw: dict[str, Any], tight: bool) -> Evaluation:
    """(69)-(70) with the corrected explicit constants, on the event of (88) (module docstring)."""
    problem, consts = parse_lifted(raw)
    lam, Lam = consts["lambda"], consts["Lambda"]
    d, k, alpha = int(raw["d"]), int(raw["k"]), float(raw["alpha"])
    N, Y = len(problem.X), float(np.linalg.norm(problem.y_star))
    mu, gamma = alpha**2 * k, 8 * alpha**2 * math.sqrt(2 * k * d)  # (90)
    ev = np.linalg.eigvalsh(problem.M0 - mu * np.eye(2 * d))
    if not max(abs(ev[0]), abs(ev[-1])) < gamma:
        return Evaluation(math.nan, admissible=False, note="outside the event of (88)")
    if not mu > 4 * Lam * gamma / lam:
        return Evaluation(math.nan, admissible=False, note="(91) fails: k <= 2048 Lambda^2 d / lambda^2")
    E = math.sqrt(2 * Y**2 + 256 * k * d**2 * N * Lam * alpha**4)  # corrected (89)
    threshold = mu * lam / math.sqrt(Lam) * (1 - math.sqrt((1 + gamma / mu) / (1 + lam / (4 * Lam))))
    if E > threshold:
        return Evaluation(math.nan, admissible=False, note="the corrected (93) fails (k or alpha too small)")
    path = integrate_lifted_flow(problem, mu, lam, TIGHT_RTOL if tight else DEFAULT_RTOL)
    if not path.converged:
        return Evaluation(-math.inf, note=f"the integration failed ({path.message})")
    C1a, C1b, C2a, C2b, C2c = _corollary10_bounds()(lam, Lam, d, N, Y)
    bound69 = C1a / (alpha * math.sqrt(k)) + C1b * alpha
    bound70 = C2a / (alpha**3 * k**1.5) + C2b / (alpha * math.sqrt(k)) + C2c * alpha
    slack, where = _sup_slack(
        path,
        {
            "(69) sup ||W - W0||_F <= C1a/(alpha sqrt k) + C1b alpha": (path.dev_F, bound69),
            "(70) sup ||W - W_TK||_F <= C2a/(alpha^3 k^{3/2}) + C2b/(alpha sqrt k) + C2c alpha": (
                path.tk_gap_F,
                bound70,
            ),
        },
    )
    return Evaluation(
        slack,
        note=where,
        quantities={
            "d": d,
            "N": N,
            "k": k,
            "alpha": alpha,
            "alpha^2 k": mu,
            "Y": Y,
            "sup ||W - W0||_F": float(path.dev_F.max()),
            "(69) bound": bound69,
            "sup ||W - W_TK||_F": float(path.tk_gap_F.max()),
            "(70) bound": bound70,
        },
    )


# Lemma 13's radius 8 sigma^2 sqrt(kd), in units of sigma^2 sqrt(kd).
LEMMA13_RADIUS = 8.0


def lemma13_evaluation(raw: dict[str, Any], tight: bool, radius_factor: float = LEMMA13_RADIUS) -> Evaluation:
    """Exceedance count of Lemma 13's event among sampled Gram matrices, its upper confidence bound
    (``radius_factor``: the event's radius in units of sqrt(kd); the lemma's is 8)."""
    d, k, n = int(raw["d"]), int(raw["k"]), int(raw["samples"])
    if k < d:
        return Evaluation(math.nan, admissible=False, note="k < d")
    if tight:
        n *= 2
    rng = np.random.default_rng(int(raw["seed"]) + (1 if tight else 0))
    L = np.tril(rng.normal(size=(n, d, d)), -1)
    L[:, np.arange(d), np.arange(d)] = np.sqrt(rng.chisquare(k - np.arange(d), size=(n, d)))
    ev = np.linalg.eigvalsh(L @ L.transpose(0, 2, 1) - k * np.eye(d))
    deviation = np.max(np.abs(ev), axis=1)  # ||W W^T - k I||_op
    radius = radius_factor * math.sqrt(k * d)
    count = int(np.sum(deviation >= radius))
    upper = 1.0 if count == n else float(beta_distribution.ppf(1 - LEMMA13_DELTA, count + 1, n - count))
    bound = 2 * math.exp(-d / 2)
    largest = float(deviation.max() / radius)
    return Evaluation(
        (bound - upper) / bound,
        note=f"{count} of {n} samples in the event (largest ||W W^T - k I||_op/(8 sqrt(kd)): {largest:.3f}); "
        f"upper confidence bound {upper:.3e} against 2 exp(-d/2) = {bound:.3e}",
        quantities={
            "d": d,
            "k": k,
            "samples": n,
            "exceedances": count,
            "upper_confidence_bound": upper,
            "confidence": 1 - LEMMA13_DELTA,
            "largest ||W W^T - k I||_op / (8 sqrt(kd))": largest,
        },
    )
