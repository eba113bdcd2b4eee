"""krr Appendix H: the lifted matrix-factorization flow and its tangent kernel model, float64.

Setting (krr Sec. 6 and App. H): f((U, V), X) = <U V^T, X>, U, V in R^{d x k}, loss
L = sum_n (<X_n, U V^T> - y*_n)^2 (no factor 1/2), W = [U; V] in R^{2d x k}, lifted measurements
Xbar_n = 1/2 [[0, X_n], [X_n^T, 0]] with <W W^T, Xbar_n> = <U V^T, X_n>.  Gradient flow:
W' = -4 sum_n r_n Xbar_n W, r = y - y* (derived in :mod:`derivations.krr_appendix_h`,
krr.lem11).  The tangent kernel model (krr (68)) moves W_TK' = -4 sum_n r_TK,n Xbar_n W(0) with
r_TK(t) = e^{-Kt} r(0), K_nm = 8 <W0 W0^T, Xbar_n Xbar_m> (its predictions are linear in W_TK).

Both stay of the form W(t) = (I + D(t)) W0 and W_TK(t) = (I - 4 S_TK(t)) W0, S_TK = sum_n
s_TK,n Xbar_n, s_TK = int_0^t r_TK = K^{-1} (I - e^{-Kt}) r0; so everything depends on W0 only
through M0 = W0 W0^T, whatever the width k:
    D' = -4 S (I + D),  S = sum_n r_n Xbar_n,  r_n = r0_n + <Xbar_n, D M0 + M0 D^T + D M0 D^T>,
    E := D + 4 S_TK (W - W_TK = E W0):  E' = -4 (S_gap + S D),  S_gap = sum_n (r_n - r_TK,n) Xbar_n,
    ||W - W0||_F^2 = tr(D M0 D^T),  ||W - W_TK||_F^2 = tr(E M0 E^T).
Integrating D and E themselves (not I + D) keeps the small deviations free of cancellation.
The system is not stiff for well-conditioned measurements (rates between mu lambda and
~4 mu Lambda; the searches keep Lambda/lambda small): DOP853.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

# DOP853's local tolerance; the global error of the sup-norms below is ~1e-10 relative
# (checked against the closed form of numerics.lifted_factorization_scalar at d = 1:
# tests/test_krr_appendix_h_flows.py), far below the slacks the claims report.
DEFAULT_RTOL = 1e-11
# Absolute tolerance relative to the size of D's entries (they start at 0).
ATOL_FACTOR = 1e-14
# Integrate to t = HORIZON / (mu lambda): under Theorem 9's hypotheses the residual decays at
# rate >= 3 mu lambda (krr.lem12's corrected chain), so it is below e^{-3 HORIZON} ||r0|| = 1e-13 ||r0||
# there,
# and what W still moves after it is below that times ||W0||/sqrt(mu): invisible in float64.
HORIZON = 10.0
# The first step, in units of the fastest initial rate (the tangent kernel's largest eigenvalue):
# SciPy's own guess can be far too long at mu ~ 1e8 (Corollary 10's widths) and overflow.
FIRST_STEP = 0.1
# Samples of the path at which the sup-norms are read (dense output): geometric from
# SAMPLE_START/(mu lambda) to the horizon, plus t = 0.
SAMPLES = 400
SAMPLE_START = 1e-4
# residual_kind of LiftedFlowPath (its residual, a scalar; the path of it is ``residuals``)
LAST_SAMPLE_RESIDUAL = "absolute residual ||y(t) - y*|| at the last sample t[-1]"


def lifted(X: np.ndarray) -> np.ndarray:
    """Xbar = 1/2 [[0, X], [X^T, 0]] (krr Sec. 6)."""
    d = X.shape[0]
    Z = np.zeros((d, d))
    return 0.5 * np.block([[Z, X], [X.T, Z]])


@dataclass(frozen=True)
class LiftedFlowProblem:
    """Measurements X (N x d x d), targets y* (N), initial Gram M0 = W0 W0^T (2d x 2d)."""

    X: np.ndarray
    y_star: np.ndarray
    M0: np.ndarray

    @property
    def Xbar(self) -> np.ndarray:
        return np.array([lifted(X) for X in self.X])

    @property
    def design(self) -> np.ndarray:
        """calX: the N x d^2 matrix with rows vec(X_n) (krr App. H)."""
        return self.X.reshape(len(self.X), -1)

    def measurement_bounds(self) -> tuple[float, float]:
        """(lambda, Lambda): the extreme eigenvalues of calX calX^T (the best constants of Theorem 9)."""
        ev = np.linalg.eigvalsh(self.design @ self.design.T)
        return float(ev[0]), float(ev[-1])

    def predictions(self, M: np.ndarray) -> np.ndarray:
        return np.einsum("nij,ij->n", self.Xbar, M)

    @property
    def r0(self) -> np.ndarray:
        return self.predictions(self.M0) - self.y_star

    def tangent_kernel(self) -> np.ndarray:
        """K_nm = 8 <M0, Xbar_n Xbar_m> = 8 tr(Xbar_n M0 Xbar_m): r_TK' = -K r_TK."""
        Xb = self.Xbar
        return 8 * np.einsum("nij,jk,mki->nm", Xb, self.M0, Xb)


@dataclass(frozen=True)
class LiftedFlowPath:
    """A sampled path of the flow and of its tangent kernel model (float64).

    Arrays over the samples ``t``: ``dev_F`` = ||W(t) - W(0)||_F, ``tk_gap_F`` =
    ||W(t) - W_TK(t)||_F, ``residuals`` = ||y(t) - y*||, ``residual_tk`` = ||y_TK(t) - y*||,
    ``residual_gap`` = ||y_TK(t) - y(t)||.  ``converged``: the integrator reached the horizon.

    Conforms to ``numerics.results.SolverResult``: ``residual`` is ||y(t) - y*|| at the last
    sample (:data:`LAST_SAMPLE_RESIDUAL`); ``counts`` holds DOP853's ``function_evaluations`` and
    accepted ``steps``.
    """

    t: np.ndarray
    dev_F: np.ndarray
    tk_gap_F: np.ndarray
    residuals: np.ndarray
    residual_tk: np.ndarray
    residual_gap: np.ndarray
    rtol: float
    converged: bool
    message: str
    evaluations: int
    wall_s: float
    steps: int = 0

    @property
    def residual(self) -> float:
        return float(self.residuals[-1]) if len(self.residuals) else math.nan

    @property
    def residual_kind(self) -> str:
        return LAST_SAMPLE_RESIDUAL

    @property
    def certified_digits(self) -> None:
        return None

    @property
    def counts(self) -> dict[str, int]:
        return {"function_evaluations": self.evaluations, "steps": self.steps}


def integrate_lifted_flow(
    problem: LiftedFlowProblem, mu: float, lam: float, rtol: float = DEFAULT_RTOL
) -> LiftedFlowPath:
    """Integrate D and E (module docstring) to ``HORIZON / (mu lam)``; sample the path."""
    start = time.perf_counter()
    Xb = problem.Xbar
    N, n2 = Xb.shape[0], Xb.shape[1]
    flat = Xb.reshape(N, n2 * n2)  # <Xbar_n, P> = flat @ vec(P); S = vec^-1(r @ flat)
    M0 = problem.M0
    r0 = problem.r0
    kappa, V = np.linalg.eigh(problem.tangent_kernel())
    r0_modes = V.T @ r0

    def residual(D: np.ndarray) -> np.ndarray:
        P = D @ M0
        return r0 + flat @ (P + P.T + P @ D.T).ravel()

    def rhs(t: float, z: np.ndarray) -> np.ndarray:
        D = z[: n2 * n2].reshape(n2, n2)
        r = residual(D)
        gap = r - V @ (np.exp(-kappa * t) * r0_modes)
        S = (r @ flat).reshape(n2, n2)
        dD = -4 * (S + S @ D)
        dE = -4 * ((gap @ flat).reshape(n2, n2) + S @ D)
        return np.concatenate([dD.ravel(), dE.ravel()])

    horizon = HORIZON / (mu * lam)
    scale = np.linalg.norm(r0) / (mu * lam) * np.sqrt(np.trace(M0)) / np.sqrt(mu) + 1e-300
    with np.errstate(over="ignore", invalid="ignore"):  # a rejected trial step may overflow
        sol = solve_ivp(
            rhs,
            (0.0, horizon),
            np.zeros(2 * n2 * n2),
            method="DOP853",
            rtol=rtol,
            atol=ATOL_FACTOR * min(scale, 1.0),
            dense_output=True,
            first_step=FIRST_STEP / max(float(kappa[-1]), mu * lam),
        )
    t = np.concatenate([[0.0], np.geomspace(SAMPLE_START / (mu * lam), horizon, SAMPLES)])
    if not sol.success:
        t = t[t <= sol.t[-1]]
    Z = sol.sol(t).T if len(t) > 1 else np.zeros((len(t), 2 * n2 * n2))
    D = Z[:, : n2 * n2].reshape(-1, n2, n2)
    E = Z[:, n2 * n2 :].reshape(-1, n2, n2)
    P = D @ M0
    r = r0 + (P + P.transpose(0, 2, 1) + P @ D.transpose(0, 2, 1)).reshape(len(t), -1) @ flat.T
    rt = (np.exp(-np.outer(t, kappa)) * r0_modes) @ V.T
    dev = np.sqrt(np.maximum(np.einsum("tij,tij->t", P, D), 0.0))  # tr(D M0 D^T)
    gap = np.sqrt(np.maximum(np.einsum("tij,tij->t", E @ M0, E), 0.0))
    return LiftedFlowPath(
        t=t,
        dev_F=dev,
        tk_gap_F=gap,
        residuals=np.linalg.norm(r, axis=1),
        residual_tk=np.linalg.norm(rt, axis=1),
        residual_gap=np.linalg.norm(r - rt, axis=1),
        rtol=rtol,
        converged=bool(sol.success),
        message=str(sol.message),
        evaluations=int(sol.nfev),
        wall_s=time.perf_counter() - start,
        steps=max(len(sol.t) - 1, 0),
    )
