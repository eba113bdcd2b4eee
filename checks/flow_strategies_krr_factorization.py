"""Hypothesis strategies for krr Appendix H: the lifted matrix-factorization flow.

Written for Theorem 9, Lemma 12, Corollary 10 and Lemma 13 (krr App. H), in the paper's terms:
measurements X_n (d x d), lambda I <= calX calX^T <= Lambda I (calX: rows vec(X_n)), an initial
Gram M0 = W0 W0^T with ||M0 - mu I||_op <= gamma, and a target y*.

* :func:`scalar_lifted_instances`: d = N = 1 (one measurement X_1 = c, lambda = Lambda = c^2),
  the family whose flow is in closed form (``numerics.lifted_factorization_scalar``), as the
  params of the certified audit: c = +-10^U(-2, 2), mu = 10^U(-3, 3), gamma = theta mu/4 with
  theta in [0, THETA_MAX] (so mu > 4 Lambda gamma/lambda), W0 = R(phi) diag(sqrt(nu)) with
  nu_i = mu (1 + theta e_i/4), e_i in [-1, 1], and |y(0) - y*| = rho x Theorem 9's threshold,
  rho in [0, RHO_MAX], of either sign.
* :func:`lifted_flow_instances`: d = 1..3, N = 1..min(d^2, MAX_MEASUREMENTS) measurements,
  Gaussian, matrix-completion (distinct entries e_i e_j^T, scaled) or diagonal (commuting);
  Lambda/lambda <= COND_CAP; M0 = mu (I + theta lambda/(4 Lambda) Q diag(e) Q^T), y* at
  rho x the threshold in a random direction.
* :func:`gaussian_initialization_instances`: Corollary 10's setting: U(0), V(0) with i.i.d.
  N(0, alpha^2) entries, drawn through their Gram matrix (Bartlett: W0 W0^T ~ alpha^2
  Wishart_{2d}(k, I), exactly the law of W0 W0^T, and everything depends on W0 only through it);
  k above the width where the corrected (93) can hold, alpha^2 = Omega(1/k) above the smallest
  value that makes it hold.
* :func:`wishart_instances`: Lemma 13's (d, k) with a sample size that can resolve its bound.

Every number is a decimal string (``repr`` of a float64, exact as a rational) or an integer, so
an instance replays exactly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

# gamma = theta mu lambda/(4 Lambda), theta <= THETA_MAX < 1: mu > 4 Lambda gamma/lambda strictly.
THETA_MAX = 0.999
# |y(0) - y*| = rho x threshold, rho <= RHO_MAX < 1: the rounding of y* to its decimal string
# (relative 1e-16 of |y(0)| + |y*|) cannot push an instance past the threshold (which is at
# least 1e-4 mu |c| for theta <= THETA_MAX: RHO_MAX leaves 1e-10 mu |c|).
RHO_MAX = 1 - 1e-6
# rho and theta start at these (theta may also be exactly 0): smaller ones only make the deviations
# of the flow subnormal in float64 (a residual of 1e-208 was drawn), with nothing new to see.
RHO_MIN = 1e-3
THETA_MIN = 1e-6
# gamma is rounded up by this relative amount plus GAMMA_FLOOR x mu: the decimal strings of W0
# (or M0) move the Gram's eigenvalues by ~1e-16 mu, which must not break ||M0 - mu I|| <= gamma.
GAMMA_INFLATION = 1e-9
GAMMA_FLOOR = 1e-13
# Lambda/lambda of drawn measurements: the flow's rates lie between ~mu lambda and ~4 mu Lambda
# and DOP853's cost grows with their ratio (0.1-0.2 s per flow at ratio ~15).
COND_CAP = 20.0
MAX_MEASUREMENTS = 6
# Corollary 10: the width is drawn above the smallest k at which the corrected (93) can hold,
# by a factor 10^U(WIDTH_MARGIN); alpha above the smallest value that makes it hold, by 10^U(ALPHA_MARGIN).
COR10_COND_CAP = 4.0
WIDTH_MARGIN = (0.3, 2.0)
ALPHA_MARGIN = (0.05, 1.5)
# Lemma 13: the bound 2 exp(-d/2) is resolved by a one-sided upper confidence bound at level
# 1 - LEMMA13_DELTA (checks.lifted_flow_evaluations); with no exceedance that needs
# n > ln(1/delta)/bound samples, drawn with this factor of room, at most LEMMA13_MAX_SAMPLES.
LEMMA13_MAX_DIM = 12
LEMMA13_SAMPLE_FACTOR = 3.0
LEMMA13_MAX_SAMPLES = 40_000
LEMMA13_DELTA = 1e-6


def _thetas() -> st.SearchStrategy[float]:
    return st.one_of(st.just(0.0), st.floats(THETA_MIN, THETA_MAX))


def _num(x: float) -> str:
    return repr(float(x))


def _matrix(M: np.ndarray) -> list[list[str]]:
    return [[_num(v) for v in row] for row in M]


@st.composite
def scalar_lifted_instances(draw) -> dict[str, Any]:
    """d = N = 1 instances of Theorem 9 (module docstring), as the audit's params."""
    c = draw(st.sampled_from([1.0, -1.0])) * 10.0 ** draw(st.floats(-2, 2))
    mu = 10.0 ** draw(st.floats(-3, 3))
    theta = draw(_thetas())
    e1, e2 = draw(st.floats(-1, 1)), draw(st.floats(-1, 1))
    phi = draw(st.floats(0, math.pi / 2))
    rho = draw(st.floats(RHO_MIN, RHO_MAX))
    sign = draw(st.sampled_from([1.0, -1.0]))
    nu1, nu2 = mu * (1 + theta * e1 / 4), mu * (1 + theta * e2 / 4)
    u0 = [math.sqrt(nu1) * math.cos(phi), -math.sqrt(nu2) * math.sin(phi)]
    v0 = [math.sqrt(nu1) * math.sin(phi), math.sqrt(nu2) * math.cos(phi)]
    gamma = theta * mu / 4 * max(abs(e1), abs(e2)) * (1 + GAMMA_INFLATION) + GAMMA_FLOOR * mu
    threshold = mu * abs(c) * (1 - math.sqrt((1 + gamma / mu) / 1.25))  # lambda = Lambda = c^2
    y0 = c * (u0[0] * v0[0] + u0[1] * v0[1])
    y_star = y0 - sign * rho * threshold
    return {
        "params": {
            "c": _num(c),
            "y_star": _num(y_star),
            "u0": [_num(x) for x in u0],
            "v0": [_num(x) for x in v0],
            "mu": _num(mu),
            "gamma": _num(gamma),
        }
    }


def _measurements(draw, rng: np.random.Generator, d: int, cond_cap: float) -> np.ndarray:
    shape = draw(st.sampled_from(["gaussian", "completion", "diagonal"]))
    if shape == "diagonal":
        N = draw(st.integers(1, d))
        X = np.array([np.diag(rng.normal(size=d)) for _ in range(N)])
    else:
        N = draw(st.integers(1, min(d * d, MAX_MEASUREMENTS)))
        if shape == "gaussian":
            X = rng.normal(size=(N, d, d))
        else:
            cells = rng.choice(d * d, size=N, replace=False)
            X = np.zeros((N, d, d))
            for n, cell in enumerate(cells):
                X[n, cell // d, cell % d] = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0])
    X = np.array([[[float(_num(v)) for v in row] for row in Xn] for Xn in X])
    ev = np.linalg.eigvalsh(X.reshape(len(X), -1) @ X.reshape(len(X), -1).T)
    assume(ev[0] > 0 and ev[-1] <= cond_cap * ev[0])
    return X


def _lifted(X: np.ndarray) -> np.ndarray:
    d = X.shape[0]
    Z = np.zeros((d, d))
    return 0.5 * np.block([[Z, X], [X.T, Z]])


def _bounds(X: np.ndarray) -> tuple[float, float]:
    flat = X.reshape(len(X), -1)
    ev = np.linalg.eigvalsh(flat @ flat.T)
    return float(ev[0]), float(ev[-1])


@st.composite
def lifted_flow_instances(draw, max_dim: int = 3) -> dict[str, Any]:
    """Theorem 9 instances at d = 1..max_dim (module docstring)."""
    d = draw(st.integers(1, max_dim))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = _measurements(draw, rng, d, COND_CAP)
    lam, Lam = _bounds(X)
    mu = 10.0 ** draw(st.floats(-2, 2))
    theta = draw(_thetas())
    rho = draw(st.floats(RHO_MIN, RHO_MAX))
    e = rng.uniform(-1, 1, size=2 * d)
    Q, _ = np.linalg.qr(rng.normal(size=(2 * d, 2 * d)))
    spread = theta * lam / (4 * Lam)
    M0 = mu * (np.eye(2 * d) + spread * (Q * e) @ Q.T)
    M0 = np.array([[float(_num(v)) for v in row] for row in (M0 + M0.T) / 2])
    gamma = mu * spread * float(np.max(np.abs(e))) * (1 + GAMMA_INFLATION) + GAMMA_FLOOR * mu
    threshold = mu * lam / math.sqrt(Lam) * (1 - math.sqrt((1 + gamma / mu) / (1 + lam / (4 * Lam))))
    y0 = np.array([float(np.sum(_lifted(Xn) * M0)) for Xn in X])
    direction = rng.normal(size=len(X))
    direction /= np.linalg.norm(direction)
    y_star = y0 - rho * threshold * direction
    return {
        "d": d,
        "X": [_matrix(Xn) for Xn in X],
        "M0": _matrix(M0),
        "y_star": [_num(v) for v in y_star],
        "mu": _num(mu),
        "gamma": _num(gamma),
    }


def bartlett_gram(rng: np.random.Generator, dim: int, k: int) -> np.ndarray:
    """A draw of G G^T for G in R^{dim x k} with i.i.d. N(0, 1) entries (Bartlett's decomposition:
    G G^T = L L^T in law, L lower triangular, L_ii^2 ~ chi^2_{k-i}, i = 0..dim-1, L_ij ~ N(0, 1))."""
    L = np.tril(rng.normal(size=(dim, dim)), -1)
    L[np.diag_indices(dim)] = np.sqrt(rng.chisquare(k - np.arange(dim)))
    return L @ L.T


def corollary10_width_floor(d: int, N: int, lam: float, Lam: float) -> int:
    """The smallest k at which the corrected (93) can hold for some alpha: k^2 lambda^2 F(k)^2/Lambda
    > 256 k d^2 N Lambda, F(k) = 1 - sqrt((1 + 8 sqrt(2d/k))/(1 + lambda/(4 Lambda))) (krr (92), (90))."""
    k = 2048 * Lam**2 * d / lam**2 + 1  # (91): F(k) > 0 from here on

    def room(k: float) -> float:
        F = 1 - math.sqrt((1 + 8 * math.sqrt(2 * d / k)) / (1 + lam / (4 * Lam)))
        return k * lam**2 * F**2 / Lam - 256 * d**2 * N * Lam

    while room(k) <= 0:
        k *= 1.25
    return math.ceil(k)


@st.composite
def gaussian_initialization_instances(draw, max_dim: int = 2) -> dict[str, Any]:
    """Corollary 10 instances (module docstring): X, y*, alpha, k, and the drawn Gram M0."""
    d = draw(st.integers(1, max_dim))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = _measurements(draw, rng, d, COR10_COND_CAP)
    lam, Lam = _bounds(X)
    N = len(X)
    Y = 0.0 if draw(st.booleans()) else 10.0 ** draw(st.floats(-2, 1))
    direction = rng.normal(size=N)
    y_star = Y * direction / np.linalg.norm(direction)
    k = math.ceil(corollary10_width_floor(d, N, lam, Lam) * 10.0 ** draw(st.floats(*WIDTH_MARGIN)))
    F = 1 - math.sqrt((1 + 8 * math.sqrt(2 * d / k)) / (1 + lam / (4 * Lam)))
    room = k**2 * lam**2 * F**2 / Lam - 256 * k * d**2 * N * Lam  # alpha^4 room >= 2 Y^2
    alpha_floor = (2 * Y**2 / room) ** 0.25 if Y > 0 else 10.0 ** draw(st.floats(-2, 0))
    alpha = alpha_floor * 10.0 ** draw(st.floats(*ALPHA_MARGIN))
    M0 = alpha**2 * bartlett_gram(rng, 2 * d, k)
    return {
        "d": d,
        "X": [_matrix(Xn) for Xn in X],
        "y_star": [_num(v) for v in y_star],
        "alpha": _num(alpha),
        "k": k,
        "M0": _matrix((M0 + M0.T) / 2),
        "seed": seed,
    }


@st.composite
def wishart_instances(draw) -> dict[str, Any]:
    """Lemma 13's (d, k) with d <= k, a sample size that resolves 2 exp(-d/2), and a seed."""
    d = draw(st.integers(1, LEMMA13_MAX_DIM))
    k = max(d, int(d * 10.0 ** draw(st.floats(0, 4))))
    bound = min(1.0, 2 * math.exp(-d / 2))
    samples = min(LEMMA13_MAX_SAMPLES, math.ceil(LEMMA13_SAMPLE_FACTOR * math.log(1 / LEMMA13_DELTA) / bound))
    return {"d": d, "k": k, "samples": samples, "seed": draw(st.integers(0, 2**32 - 1))}
